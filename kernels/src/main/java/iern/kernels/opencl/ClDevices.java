package iern.kernels.opencl;

import static org.jocl.CL.*;

import java.util.ArrayList;
import java.util.List;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/** Enumerates OpenCL platforms and devices and resolves {@code opencl[:p:d]} specs. */
final class ClDevices {
    private ClDevices() {}

    /** One device with its coordinates in the platform/device enumeration. */
    record Found(int platformIndex, int deviceIndex, cl_platform_id platform, cl_device_id device) {
        String spec() {
            return "opencl:" + platformIndex + ":" + deviceIndex;
        }
    }

    /** Every device of every platform, in enumeration order. Throws when there is no platform. */
    static List<Found> all() {
        CL.setExceptionsEnabled(true);
        int[] count = new int[1];
        clGetPlatformIDs(0, null, count);
        cl_platform_id[] platforms = new cl_platform_id[count[0]];
        clGetPlatformIDs(platforms.length, platforms, null);
        List<Found> found = new ArrayList<>();
        for (int p = 0; p < platforms.length; p++) {
            int[] nd = new int[1];
            try {
                clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, 0, null, nd);
            } catch (org.jocl.CLException e) {
                continue; // a platform with no devices reports CL_DEVICE_NOT_FOUND
            }
            cl_device_id[] devices = new cl_device_id[nd[0]];
            clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, devices.length, devices, null);
            for (int d = 0; d < devices.length; d++) {
                found.add(new Found(p, d, platforms[p], devices[d]));
            }
        }
        return found;
    }

    /**
     * {@code opencl}: the first GPU of any platform, else the first device;
     * {@code opencl:p:d}: that device.
     */
    static Found resolve(String spec) {
        List<Found> devices = all();
        if (devices.isEmpty()) {
            throw new IllegalStateException("opencl: the OpenCL platforms list no devices");
        }
        if (spec.equals("opencl")) {
            for (Found f : devices) {
                if (isGpu(f)) {
                    return f;
                }
            }
            return devices.get(0);
        }
        String[] parts = spec.split(":");
        if (parts.length != 3 || !parts[0].equals("opencl")) {
            throw new IllegalArgumentException("opencl: bad device spec '" + spec
                    + "'; expected 'opencl' or 'opencl:<platform>:<device>' (see `iern info`)");
        }
        int p, d;
        try {
            p = Integer.parseInt(parts[1]);
            d = Integer.parseInt(parts[2]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("opencl: bad device spec '" + spec
                    + "'; platform and device must be numbers, e.g. opencl:0:0");
        }
        for (Found f : devices) {
            if (f.platformIndex() == p && f.deviceIndex() == d) {
                return f;
            }
        }
        throw new IllegalArgumentException("opencl: no device " + spec + "; devices are "
                + devices.stream().map(Found::spec).toList());
    }

    static boolean isGpu(Found f) {
        return (deviceLong(f.device(), CL_DEVICE_TYPE) & CL_DEVICE_TYPE_GPU) != 0;
    }

    /** One line: vendor, name, type, compute units, global memory, OpenCL version. */
    static String describe(Found f) {
        cl_device_id dev = f.device();
        long type = deviceLong(dev, CL_DEVICE_TYPE);
        String kind = (type & CL_DEVICE_TYPE_GPU) != 0 ? "GPU" : (type & CL_DEVICE_TYPE_CPU) != 0 ? "CPU" : "accelerator";
        return deviceString(dev, CL_DEVICE_VENDOR).trim() + " " + deviceString(dev, CL_DEVICE_NAME).trim()
                + " (" + kind + ", " + deviceInt(dev, CL_DEVICE_MAX_COMPUTE_UNITS) + " compute units, "
                + (deviceLong(dev, CL_DEVICE_GLOBAL_MEM_SIZE) >> 20) + " MiB, "
                + deviceString(dev, CL_DEVICE_VERSION).trim() + "; platform "
                + platformString(f.platform(), CL_PLATFORM_NAME).trim() + ")";
    }

    static String deviceString(cl_device_id dev, int param) {
        long[] size = new long[1];
        clGetDeviceInfo(dev, param, 0, null, size);
        byte[] buffer = new byte[(int) size[0]];
        clGetDeviceInfo(dev, param, buffer.length, Pointer.to(buffer), null);
        return cString(buffer);
    }

    static String platformString(cl_platform_id platform, int param) {
        long[] size = new long[1];
        clGetPlatformInfo(platform, param, 0, null, size);
        byte[] buffer = new byte[(int) size[0]];
        clGetPlatformInfo(platform, param, buffer.length, Pointer.to(buffer), null);
        return cString(buffer);
    }

    static long deviceLong(cl_device_id dev, int param) {
        long[] value = new long[1];
        clGetDeviceInfo(dev, param, Sizeof.cl_long, Pointer.to(value), null);
        return value[0];
    }

    static int deviceInt(cl_device_id dev, int param) {
        int[] value = new int[1];
        clGetDeviceInfo(dev, param, Sizeof.cl_int, Pointer.to(value), null);
        return value[0];
    }

    static long deviceSizeT(cl_device_id dev, int param) {
        long[] value = new long[1];
        clGetDeviceInfo(dev, param, Sizeof.size_t, Pointer.to(value), null);
        return value[0];
    }

    private static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    }
}
