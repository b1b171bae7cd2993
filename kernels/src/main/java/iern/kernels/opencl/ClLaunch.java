package iern.kernels.opencl;

import static org.jocl.CL.*;

import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;

/**
 * Sets a kernel's arguments in order and enqueues it. One instance per backend is reused for
 * every launch (the argument scratch arrays and pointers are made once), so a launch
 * allocates nothing on the Java side beyond what JOCL itself does. Not thread-safe: the
 * backend serialises calls.
 */
final class ClLaunch {
    private final ClRuntime runtime;
    private cl_kernel kernel;
    private int index;

    private final int[] intValue = new int[1];
    private final long[] longValue = new long[1];
    private final float[] floatValue = new float[1];
    private final Pointer intPointer = Pointer.to(intValue);
    private final Pointer longPointer = Pointer.to(longValue);
    private final Pointer floatPointer = Pointer.to(floatValue);
    private final long[] long8 = new long[8];
    private final int[] int8 = new int[8];
    private final Pointer long8Pointer = Pointer.to(long8);
    private final Pointer int8Pointer = Pointer.to(int8);
    private final long[] global1 = new long[1], local1 = new long[1];
    private final long[] global3 = new long[3], local3 = new long[3];

    /**
     * Grid-stride launch geometry. On a GPU, 256-wide groups and at most 65536 of them: the
     * work-items of a wave read neighbouring elements, then stride on together. On a CPU
     * device (PoCL) the work-items of a group run one after another, so a stride between
     * steps would walk memory far apart: there every work-item gets one element (groups of
     * 1024, uncapped until 2^20), and PoCL vectorises across neighbouring work-items.
     */
    private final long itemsLocal;
    private final long maxGroups;

    ClLaunch(ClRuntime runtime) {
        this.runtime = runtime;
        this.itemsLocal = runtime.gpuLayout ? 256 : Math.min(1024, runtime.maxWorkGroupSize);
        this.maxGroups = runtime.gpuLayout ? 65536 : 1L << 20;
    }

    ClLaunch kernel(String file, String name) {
        this.kernel = runtime.kernel(file, name);
        this.index = 0;
        return this;
    }

    ClLaunch mem(ClStorage s) {
        clSetKernelArg(kernel, index++, Sizeof.cl_mem, s.argument);
        return this;
    }

    ClLaunch i(int v) {
        intValue[0] = v;
        clSetKernelArg(kernel, index++, Sizeof.cl_int, intPointer);
        return this;
    }

    ClLaunch flag(boolean v) {
        return i(v ? 1 : 0);
    }

    ClLaunch l(long v) {
        longValue[0] = v;
        clSetKernelArg(kernel, index++, Sizeof.cl_long, longPointer);
        return this;
    }

    ClLaunch f(float v) {
        floatValue[0] = v;
        clSetKernelArg(kernel, index++, Sizeof.cl_float, floatPointer);
        return this;
    }

    /** A {@code long8} argument from the first {@code rank} entries (the rest zero). */
    ClLaunch longs8(long[] values, int rank) {
        for (int d = 0; d < 8; d++) {
            long8[d] = d < rank ? values[d] : 0;
        }
        clSetKernelArg(kernel, index++, Sizeof.cl_long * 8, long8Pointer);
        return this;
    }

    /** An {@code int8} argument from the first {@code rank} entries (the rest one). */
    ClLaunch ints8(int[] values, int rank) {
        for (int d = 0; d < 8; d++) {
            int8[d] = d < rank ? values[d] : 1;
        }
        clSetKernelArg(kernel, index++, Sizeof.cl_int * 8, int8Pointer);
        return this;
    }

    /** Enqueues a grid-stride kernel over {@code n} elements. */
    void items(long n) {
        long groups = Math.max(1, Math.min((n + itemsLocal - 1) / itemsLocal, maxGroups));
        groups(groups, itemsLocal);
    }

    /** Enqueues {@code groups} work-groups of {@code local} work-items. */
    void groups(long groups, long local) {
        global1[0] = groups * local;
        local1[0] = local;
        clEnqueueNDRangeKernel(runtime.queue, kernel, 1, null, global1, local1, 0, null, null);
    }

    /** Enqueues a 3-d range; global sizes must be multiples of the local ones. */
    void range3(long g0, long g1, long g2, long l0, long l1, long l2) {
        global3[0] = g0;
        global3[1] = g1;
        global3[2] = g2;
        local3[0] = l0;
        local3[1] = l1;
        local3[2] = l2;
        clEnqueueNDRangeKernel(runtime.queue, kernel, 3, null, global3, local3, 0, null, null);
    }

    /**
     * Local size for a tree reduction over {@code n} values: on a GPU the smallest power of two
     * at least {@code n}, capped at 256. On a CPU device always 64: PoCL compiles a kernel
     * anew for every local size it meets, and there the work-items of a group run in
     * sequence anyway, so a wider group buys nothing.
     */
    int reductionLocalSize(long n) {
        if (!runtime.gpuLayout) {
            return 64;
        }
        int local = 1;
        while (local < n && local < 256) {
            local <<= 1;
        }
        return local;
    }
}
