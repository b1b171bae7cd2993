package iern.kernels.opencl;

import static org.jocl.CL.*;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

/**
 * One OpenCL device opened for the engine: its context, its single in-order command queue,
 * the kernel programs (each {@code .cl} resource compiled once, on first use, and cached) and
 * a pool of device buffers keyed by size.
 *
 * <p>The queue is in order, so a scratch buffer handed back to the pool right after its last
 * kernel was enqueued can be reused by the next call without waiting: the next user's
 * kernels run after the previous user's.
 */
final class ClRuntime implements AutoCloseable {
    /** Where the kernel sources live on the class path. */
    static final String SOURCE_ROOT = "/iern/kernels/opencl/";
    private static final String BUILD_OPTIONS = "-cl-std=CL1.2";

    final ClDevices.Found found;
    final String description;
    final cl_context context;
    final cl_command_queue queue;
    final int computeUnits;
    final boolean gpu;
    /**
     * Whether launches are shaped for a GPU (work-group reductions, strided loops) or for a
     * CPU device (a loop per work-item). Follows the device type unless a test forces it, so
     * the GPU shapes are also checked on PoCL.
     */
    final boolean gpuLayout;
    final long maxWorkGroupSize;

    private final Map<String, cl_program> programs = new HashMap<>();
    private final Map<String, cl_kernel> kernels = new HashMap<>();
    private final Map<Long, ArrayDeque<cl_mem>> pool = new HashMap<>();
    private long pooledBytes;

    ClRuntime(ClDevices.Found found, Boolean forceGpuLayout) {
        this.found = found;
        this.description = ClDevices.describe(found);
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL_CONTEXT_PLATFORM, found.platform());
        this.context = clCreateContext(props, 1, new cl_device_id[] {found.device()}, null, null, null);
        @SuppressWarnings("deprecation")
        cl_command_queue q = clCreateCommandQueue(context, found.device(), 0, null);
        this.queue = q;
        this.computeUnits = Math.max(1, ClDevices.deviceInt(found.device(), CL_DEVICE_MAX_COMPUTE_UNITS));
        this.gpu = (ClDevices.deviceLong(found.device(), CL_DEVICE_TYPE) & CL_DEVICE_TYPE_GPU) != 0;
        this.maxWorkGroupSize = ClDevices.deviceSizeT(found.device(), CL_DEVICE_MAX_WORK_GROUP_SIZE);
        this.gpuLayout = forceGpuLayout != null ? forceGpuLayout : gpu;
    }

    /** The kernel {@code name} from resource {@code file}, building the file's program on first use. */
    cl_kernel kernel(String file, String name) {
        String key = file + "#" + name;
        cl_kernel k = kernels.get(key);
        if (k == null) {
            cl_program program = programs.get(file);
            if (program == null) {
                program = build(file, loadSource(file));
                programs.put(file, program);
            }
            try {
                k = clCreateKernel(program, name, null);
            } catch (CLException e) {
                throw new IllegalStateException("opencl: kernel '" + name + "' could not be created from "
                        + file + " (" + e.getMessage() + ")", e);
            }
            kernels.put(key, k);
        }
        return k;
    }

    /**
     * Compiles {@code source} for this device. On failure the exception names the source and
     * the kernels it declares and carries the compiler's build log.
     */
    cl_program build(String file, String source) {
        cl_program program = clCreateProgramWithSource(context, 1, new String[] {source},
                new long[] {source.length()}, null);
        try {
            clBuildProgram(program, 1, new cl_device_id[] {found.device()}, BUILD_OPTIONS, null, null);
            return program;
        } catch (CLException e) {
            String log = buildLog(program);
            clReleaseProgram(program);
            throw new IllegalStateException("opencl: building " + file + " (kernels " + declaredKernels(source)
                    + ") failed on " + description + ": " + CL.stringFor_errorCode(e.getStatus()) + "\n--- build log ---\n"
                    + log, e);
        }
    }

    private String buildLog(cl_program program) {
        try {
            long[] size = new long[1];
            clGetProgramBuildInfo(program, found.device(), CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] bytes = new byte[(int) size[0]];
            clGetProgramBuildInfo(program, found.device(), CL_PROGRAM_BUILD_LOG, bytes.length, Pointer.to(bytes), null);
            int end = bytes.length;
            while (end > 0 && bytes[end - 1] == 0) {
                end--;
            }
            return new String(bytes, 0, end, StandardCharsets.UTF_8).strip();
        } catch (CLException e) {
            return "(no build log: " + e.getMessage() + ")";
        }
    }

    /** Names after {@code __kernel void}, for error messages. */
    static List<String> declaredKernels(String source) {
        List<String> names = new ArrayList<>();
        var m = java.util.regex.Pattern.compile("__kernel\\s+(?:__attribute__\\s*\\(\\(.*?\\)\\)\\s*)?void\\s+(\\w+)")
                .matcher(source);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    static String loadSource(String file) {
        try (InputStream in = ClRuntime.class.getResourceAsStream(SOURCE_ROOT + file)) {
            if (in == null) {
                throw new IllegalStateException("opencl: kernel source " + SOURCE_ROOT + file
                        + " is missing from the class path (is the iern-kernels jar complete?)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("opencl: cannot read kernel source " + file, e);
        }
    }

    // ------------------------------------------------------------------ buffers

    /** Pool key: the byte size rounded up to 256 bytes, so near sizes share buffers. */
    static long bucketBytes(long elements) {
        long bytes = Math.max(1, elements) * Float.BYTES;
        return (bytes + 255) & ~255L;
    }

    /** A buffer of {@code bytes} (a bucket size), reused from the pool when one is free. */
    cl_mem obtain(long bytes) {
        ArrayDeque<cl_mem> free = pool.get(bytes);
        if (free != null && !free.isEmpty()) {
            pooledBytes -= bytes;
            return free.pop();
        }
        try {
            return clCreateBuffer(context, CL_MEM_READ_WRITE, bytes, null, null);
        } catch (CLException e) {
            // Out of device memory: give the pooled buffers back and try once more.
            trimPool();
            return clCreateBuffer(context, CL_MEM_READ_WRITE, bytes, null, null);
        }
    }

    void recycle(cl_mem mem, long bytes) {
        pool.computeIfAbsent(bytes, b -> new ArrayDeque<>()).push(mem);
        pooledBytes += bytes;
    }

    long pooledBytes() {
        return pooledBytes;
    }

    void trimPool() {
        for (ArrayDeque<cl_mem> free : pool.values()) {
            for (cl_mem m : free) {
                clReleaseMemObject(m);
            }
            free.clear();
        }
        pooledBytes = 0;
    }

    @Override
    public void close() {
        try {
            clFinish(queue);
        } finally {
            trimPool();
            for (cl_kernel k : kernels.values()) {
                clReleaseKernel(k);
            }
            kernels.clear();
            for (cl_program p : programs.values()) {
                clReleaseProgram(p);
            }
            programs.clear();
            clReleaseCommandQueue(queue);
            clReleaseContext(context);
        }
    }
}
