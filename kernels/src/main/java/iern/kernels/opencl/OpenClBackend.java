package iern.kernels.opencl;

import iern.kernels.gpu.GpuBackend;

/**
 * The engine's kernels on one OpenCL device (JOCL): {@link GpuBackend}'s host logic over
 * {@link ClRuntime}. Kernel sources are the shared {@code .cl} files
 * ({@link iern.kernels.gpu.KernelSource}); every launch goes to one in-order queue, so calls
 * return before the device is done and {@link #read} is the point that waits.
 */
public final class OpenClBackend extends GpuBackend {

    OpenClBackend(String name, ClDevices.Found device) {
        this(name, device, null);
    }

    /** {@code forceGpuLayout}: null follows the device type; tests force GPU-shaped launches on PoCL. */
    OpenClBackend(String name, ClDevices.Found device, Boolean forceGpuLayout) {
        super(name, new ClRuntime(device, forceGpuLayout));
    }
}
