package iern.kernels.opencl;

import static org.jocl.CL.*;

import iern.kernels.gpu.GpuLaunch;
import iern.kernels.gpu.GpuStorage;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;

/**
 * {@link GpuLaunch} on OpenCL: sets a kernel's arguments in order with {@code clSetKernelArg}
 * and enqueues it on the runtime's queue. The argument scratch arrays and pointers are made
 * once, so a launch allocates nothing on the Java side beyond what JOCL itself does.
 */
final class ClLaunch extends GpuLaunch {
    private final ClRuntime runtime;
    private cl_kernel kernel;
    private int index;

    private final int[] intValue = new int[1];
    private final long[] longValue = new long[1];
    private final float[] floatValue = new float[1];
    private final Pointer intPointer = Pointer.to(intValue);
    private final Pointer longPointer = Pointer.to(longValue);
    private final Pointer floatPointer = Pointer.to(floatValue);
    private final long[] global1 = new long[1], local1 = new long[1];
    private final long[] global3 = new long[3], local3 = new long[3];
    private long[] long8;
    private int[] int8;
    private Pointer long8Pointer, int8Pointer;

    ClLaunch(ClRuntime runtime) {
        super(runtime.gpuLayout(), runtime.maxWorkGroupSize);
        this.runtime = runtime;
    }

    @Override
    public ClLaunch kernel(String file, String name) {
        this.kernel = runtime.kernel(file, name);
        this.index = 0;
        return this;
    }

    @Override
    public ClLaunch mem(GpuStorage s) {
        clSetKernelArg(kernel, index++, Sizeof.cl_mem, (Pointer) s.argument());
        return this;
    }

    @Override
    public ClLaunch i(int v) {
        intValue[0] = v;
        clSetKernelArg(kernel, index++, Sizeof.cl_int, intPointer);
        return this;
    }

    @Override
    public ClLaunch l(long v) {
        longValue[0] = v;
        clSetKernelArg(kernel, index++, Sizeof.cl_long, longPointer);
        return this;
    }

    @Override
    public ClLaunch f(float v) {
        floatValue[0] = v;
        clSetKernelArg(kernel, index++, Sizeof.cl_float, floatPointer);
        return this;
    }

    @Override
    protected ClLaunch longs8(long[] eight) {
        if (eight != long8) {   // the base class passes the same array every time
            long8 = eight;
            long8Pointer = Pointer.to(eight);
        }
        clSetKernelArg(kernel, index++, Sizeof.cl_long * 8, long8Pointer);
        return this;
    }

    @Override
    protected ClLaunch ints8(int[] eight) {
        if (eight != int8) {
            int8 = eight;
            int8Pointer = Pointer.to(eight);
        }
        clSetKernelArg(kernel, index++, Sizeof.cl_int * 8, int8Pointer);
        return this;
    }

    @Override
    protected void enqueue(int dims, long g0, long g1, long g2, long l0, long l1, long l2) {
        if (dims == 1) {
            global1[0] = g0;
            local1[0] = l0;
            clEnqueueNDRangeKernel(runtime.queue, kernel, 1, null, global1, local1, 0, null, null);
            return;
        }
        global3[0] = g0;
        global3[1] = g1;
        global3[2] = g2;
        local3[0] = l0;
        local3[1] = l1;
        local3[2] = l2;
        clEnqueueNDRangeKernel(runtime.queue, kernel, 3, null, global3, local3, 0, null, null);
    }
}
