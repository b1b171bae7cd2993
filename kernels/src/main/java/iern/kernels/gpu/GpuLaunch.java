package iern.kernels.gpu;

/**
 * Sets a kernel's arguments in order and enqueues it; the launch geometry (grid-stride
 * groups, reduction local sizes) is decided here, once for both GPU backends, and the device
 * layer only turns it into its API's call. One instance per device is reused for every launch
 * and allocates nothing of its own. Not thread-safe: the backend serialises calls.
 */
public abstract class GpuLaunch {
    private final boolean gpuLayout;
    /**
     * Grid-stride launch geometry. On a GPU, 256-wide groups and at most 65536 of them: the
     * work-items of a wave read neighbouring elements, then stride on together. On a CPU
     * device (PoCL) the work-items of a group run one after another, so a stride between
     * steps would walk memory far apart: there every work-item gets one element (groups of
     * 1024, uncapped until 2^20), and PoCL vectorises across neighbouring work-items.
     */
    private final long itemsLocal;
    private final long maxGroups;
    private final long[] long8 = new long[8];
    private final int[] int8 = new int[8];

    protected GpuLaunch(boolean gpuLayout, long maxWorkGroupSize) {
        this.gpuLayout = gpuLayout;
        this.itemsLocal = gpuLayout ? 256 : Math.min(1024, maxWorkGroupSize);
        this.maxGroups = gpuLayout ? 65536 : 1L << 20;
    }

    /** Starts a launch of kernel {@code name} from kernel file {@code file}, building the file on first use. */
    public abstract GpuLaunch kernel(String file, String name);

    public abstract GpuLaunch mem(GpuStorage s);

    public abstract GpuLaunch i(int v);

    public abstract GpuLaunch l(long v);

    public abstract GpuLaunch f(float v);

    /** An {@code long8} argument: exactly eight values. */
    protected abstract GpuLaunch longs8(long[] eight);

    /** An {@code int8} argument: exactly eight values. */
    protected abstract GpuLaunch ints8(int[] eight);

    /** Enqueues the kernel over a range of {@code dims} dimensions; global sizes are multiples of local ones. */
    protected abstract void enqueue(int dims, long g0, long g1, long g2, long l0, long l1, long l2);

    public final GpuLaunch flag(boolean v) {
        return i(v ? 1 : 0);
    }

    /** A {@code long8} argument from the first {@code rank} entries (the rest zero). */
    public final GpuLaunch longs8(long[] values, int rank) {
        for (int d = 0; d < 8; d++) {
            long8[d] = d < rank ? values[d] : 0;
        }
        return longs8(long8);
    }

    /** An {@code int8} argument from the first {@code rank} entries (the rest one). */
    public final GpuLaunch ints8(int[] values, int rank) {
        for (int d = 0; d < 8; d++) {
            int8[d] = d < rank ? values[d] : 1;
        }
        return ints8(int8);
    }

    /** Enqueues a grid-stride kernel over {@code n} elements. */
    public final void items(long n) {
        long groups = Math.max(1, Math.min((n + itemsLocal - 1) / itemsLocal, maxGroups));
        groups(groups, itemsLocal);
    }

    /** Enqueues {@code groups} work-groups of {@code local} work-items. */
    public final void groups(long groups, long local) {
        enqueue(1, groups * local, 1, 1, local, 1, 1);
    }

    /** Enqueues a 3-d range; global sizes must be multiples of the local ones. */
    public final void range3(long g0, long g1, long g2, long l0, long l1, long l2) {
        enqueue(3, g0, g1, g2, l0, l1, l2);
    }

    /**
     * Local size for a tree reduction over {@code n} values: on a GPU the smallest power of two
     * at least {@code n}, capped at 256. On a CPU device always 64: PoCL compiles a kernel
     * anew for every local size it meets, and there the work-items of a group run in
     * sequence anyway, so a wider group buys nothing.
     */
    public final int reductionLocalSize(long n) {
        if (!gpuLayout) {
            return 64;
        }
        int local = 1;
        while (local < n && local < 256) {
            local <<= 1;
        }
        return local;
    }
}
