package iern.kernels.opencl;

import static org.jocl.CL.*;

import iern.kernels.gpu.GpuDevice;
import iern.kernels.gpu.GpuLaunch;
import iern.kernels.gpu.KernelSource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
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
 * One OpenCL device opened for the engine, the {@link GpuDevice} under {@link OpenClBackend}:
 * its context, its single in-order command queue, the kernel programs (each {@code .cl} file
 * compiled once, on first use, and cached, as {@link KernelSource#openCl} assembles it) and a
 * pool of device buffers keyed by size.
 *
 * <p>The queue is in order, so a scratch buffer handed back to the pool right after its last
 * kernel was enqueued can be reused by the next call without waiting: the next user's
 * kernels run after the previous user's.
 */
final class ClRuntime extends GpuDevice {
    /** Where the kernel sources live on the class path. */
    static final String SOURCE_ROOT = KernelSource.ROOT;
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

    private final ClLaunch launch;
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
        this.launch = new ClLaunch(this);
    }

    @Override
    public String kind() {
        return "opencl";
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public boolean gpuLayout() {
        return gpuLayout;
    }

    @Override
    public int computeUnits() {
        return computeUnits;
    }

    @Override
    public GpuLaunch launch() {
        return launch;
    }

    /** The kernel {@code name} from resource {@code file}, building the file's program on first use. */
    cl_kernel kernel(String file, String name) {
        String key = file + "#" + name;
        cl_kernel k = kernels.get(key);
        if (k == null) {
            cl_program program = programs.get(file);
            if (program == null) {
                program = build(file, KernelSource.openCl(file));
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
            throw new IllegalStateException("opencl: building " + file + " (kernels " + KernelSource.declaredKernels(source)
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

    // ------------------------------------------------------------------ buffers

    /** A buffer of {@code bytes} (a bucket size), reused from the pool when one is free. */
    @Override
    public cl_mem obtain(long bytes) {
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

    @Override
    public Object argument(Object mem) {
        return Pointer.to((cl_mem) mem);
    }

    @Override
    public void recycle(Object mem, long bytes) {
        pool.computeIfAbsent(bytes, b -> new ArrayDeque<>()).push((cl_mem) mem);
        pooledBytes += bytes;
    }

    @Override
    public long pooledBytes() {
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
    public void write(Object mem, long byteOffset, float[] src, int srcOff, int n) {
        // Blocking: the caller may reuse src as soon as this returns.
        clEnqueueWriteBuffer(queue, (cl_mem) mem, CL_TRUE, byteOffset, (long) n * Float.BYTES,
                Pointer.to(src).withByteOffset((long) srcOff * Float.BYTES), 0, null, null);
    }

    @Override
    public void read(Object mem, long byteOffset, float[] dst, int dstOff, int n) {
        clEnqueueReadBuffer(queue, (cl_mem) mem, CL_TRUE, byteOffset, (long) n * Float.BYTES,
                Pointer.to(dst).withByteOffset((long) dstOff * Float.BYTES), 0, null, null);
    }

    @Override
    public void finish() {
        clFinish(queue);
    }

    @Override
    public void compileForTest(String file, String source) {
        clReleaseProgram(build(file, KernelSource.OPENCL_HEADER + source));
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
