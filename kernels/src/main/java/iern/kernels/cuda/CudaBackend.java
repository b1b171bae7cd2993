package iern.kernels.cuda;

import iern.kernels.gpu.GpuBackend;

/**
 * The engine's kernels on one CUDA device: {@link GpuBackend}'s host logic (the same argument
 * checks, path selection and launch shapes as the OpenCL backend) over {@link CudaRuntime},
 * with the same kernel sources compiled by NVRTC through the CUDA dialect header.
 */
public final class CudaBackend extends GpuBackend {
    CudaBackend(String name, CudaDevices.Found device) {
        super(name, new CudaRuntime(device));
    }
}
