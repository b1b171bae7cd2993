package iern.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import iern.kernels.gpu.GpuLaunch;
import iern.kernels.gpu.GpuStorage;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUfunction;

/**
 * {@link GpuLaunch} on CUDA: collects a kernel's arguments as JCuda pointers to per-slot
 * value arrays (made once) and launches with {@code cuLaunchKernel} on the runtime's stream,
 * the OpenCL range turned into a grid of blocks (global size / local size per dimension).
 * The driver copies the argument values at the launch, so the slots are free again after it.
 */
final class CuLaunch extends GpuLaunch {
    private static final int MAX_ARGS = 32;

    private final CudaRuntime runtime;
    private CUfunction function;
    private String name;
    private int index;

    private final NativePointerObject[] args = new NativePointerObject[MAX_ARGS];
    private final int[][] ints = new int[MAX_ARGS][1];
    private final long[][] longs = new long[MAX_ARGS][1];
    private final float[][] floats = new float[MAX_ARGS][1];
    private final long[][] long8s = new long[MAX_ARGS][8];
    private final int[][] int8s = new int[MAX_ARGS][8];
    private final Pointer[] intPointers = new Pointer[MAX_ARGS];
    private final Pointer[] longPointers = new Pointer[MAX_ARGS];
    private final Pointer[] floatPointers = new Pointer[MAX_ARGS];
    private final Pointer[] long8Pointers = new Pointer[MAX_ARGS];
    private final Pointer[] int8Pointers = new Pointer[MAX_ARGS];

    CuLaunch(CudaRuntime runtime) {
        super(true, runtime.maxThreadsPerBlock);
        this.runtime = runtime;
        for (int i = 0; i < MAX_ARGS; i++) {
            intPointers[i] = Pointer.to(ints[i]);
            longPointers[i] = Pointer.to(longs[i]);
            floatPointers[i] = Pointer.to(floats[i]);
            long8Pointers[i] = Pointer.to(long8s[i]);
            int8Pointers[i] = Pointer.to(int8s[i]);
        }
    }

    @Override
    public CuLaunch kernel(String file, String name) {
        this.function = runtime.function(file, name);
        this.name = name;
        this.index = 0;
        return this;
    }

    private int slot() {
        if (index >= MAX_ARGS) {
            throw new IllegalStateException("cuda: kernel " + name + " has more than " + MAX_ARGS + " arguments");
        }
        return index++;
    }

    @Override
    public CuLaunch mem(GpuStorage s) {
        args[slot()] = (Pointer) s.argument();
        return this;
    }

    @Override
    public CuLaunch i(int v) {
        int k = slot();
        ints[k][0] = v;
        args[k] = intPointers[k];
        return this;
    }

    @Override
    public CuLaunch l(long v) {
        int k = slot();
        longs[k][0] = v;
        args[k] = longPointers[k];
        return this;
    }

    @Override
    public CuLaunch f(float v) {
        int k = slot();
        floats[k][0] = v;
        args[k] = floatPointers[k];
        return this;
    }

    @Override
    protected CuLaunch longs8(long[] eight) {
        int k = slot();
        System.arraycopy(eight, 0, long8s[k], 0, 8);
        args[k] = long8Pointers[k];
        return this;
    }

    @Override
    protected CuLaunch ints8(int[] eight) {
        int k = slot();
        System.arraycopy(eight, 0, int8s[k], 0, 8);
        args[k] = int8Pointers[k];
        return this;
    }

    @Override
    protected void enqueue(int dims, long g0, long g1, long g2, long l0, long l1, long l2) {
        NativePointerObject[] used = java.util.Arrays.copyOf(args, index);
        cuLaunchKernel(function, (int) (g0 / l0), (int) (g1 / l1), (int) (g2 / l2), (int) l0, (int) l1, (int) l2,
                0, runtime.stream, Pointer.to(used), null);
    }
}
