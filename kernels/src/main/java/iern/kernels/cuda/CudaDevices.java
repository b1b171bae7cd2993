package iern.kernels.cuda;

import static jcuda.driver.JCudaDriver.*;

import java.nio.charset.StandardCharsets;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;

/** Initialises the CUDA driver (JCuda), counts and describes devices, resolves {@code cuda[:n]} specs. */
final class CudaDevices {
    private CudaDevices() {}

    /** One device with its ordinal. */
    record Found(int index, CUdevice device) {
        String spec() {
            return "cuda:" + index;
        }
    }

    private static boolean initialised;

    /**
     * The number of CUDA devices. Throws {@link UnsatisfiedLinkError} (or the class-loading
     * error it becomes) when {@code libcuda.so.1} is missing, and {@link jcuda.CudaException}
     * when {@code cuInit} fails ({@code CUDA_ERROR_NO_DEVICE} without a GPU).
     */
    static synchronized int count() {
        if (!initialised) {
            setExceptionsEnabled(true);
            cuInit(0);
            initialised = true;
        }
        int[] n = new int[1];
        cuDeviceGetCount(n);
        return n[0];
    }

    /** {@code cuda}: device 0; {@code cuda:n}: device n. */
    static Found resolve(String spec) {
        int count = count();
        if (count == 0) {
            throw new IllegalStateException("cuda: the driver lists no devices");
        }
        int index = 0;
        if (!spec.equals("cuda")) {
            String[] parts = spec.split(":");
            if (parts.length != 2 || !parts[0].equals("cuda")) {
                throw new IllegalArgumentException("cuda: bad device spec '" + spec
                        + "'; expected 'cuda' or 'cuda:<device>' (see `iern info`)");
            }
            try {
                index = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("cuda: bad device spec '" + spec
                        + "'; the device must be a number, e.g. cuda:0");
            }
            if (index < 0 || index >= count) {
                throw new IllegalArgumentException("cuda: no device " + spec + "; devices are cuda:0 to cuda:"
                        + (count - 1));
            }
        }
        CUdevice device = new CUdevice();
        cuDeviceGet(device, index);
        return new Found(index, device);
    }

    static int attribute(CUdevice device, int attribute) {
        int[] v = new int[1];
        cuDeviceGetAttribute(v, attribute, device);
        return v[0];
    }

    static int[] computeCapability(CUdevice device) {
        return new int[] {attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR)};
    }

    /** One line: name, compute capability, multiprocessors, memory, driver version. */
    static String describe(Found f) {
        byte[] name = new byte[256];
        cuDeviceGetName(name, name.length, f.device());
        int end = 0;
        while (end < name.length && name[end] != 0) {
            end++;
        }
        long[] memory = new long[1];
        cuDeviceTotalMem(memory, f.device());
        int[] driver = new int[1];
        cuDriverGetVersion(driver);
        int[] cc = computeCapability(f.device());
        return new String(name, 0, end, StandardCharsets.UTF_8).trim() + " (GPU, compute capability " + cc[0] + "."
                + cc[1] + ", " + attribute(f.device(), CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT)
                + " multiprocessors, " + (memory[0] >> 20) + " MiB; CUDA driver " + driver[0] / 1000 + "."
                + (driver[0] % 1000) / 10 + ")";
    }
}
