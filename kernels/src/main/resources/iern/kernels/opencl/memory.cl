// Buffer-level kernels: fill, strided N-d copy, counter-based random numbers.
// Every kernel here is a grid-stride loop, so the host may launch fewer work-items than
// elements (PoCL prefers few large work-groups, GPUs many small ones).

__kernel void fill(__global float* dst, long off, long n, float value) {
    for (long i = get_global_id(0); i < n; i += get_global_size(0)) {
        dst[off + i] = value;
    }
}

// Rank <= 8 strided copy. The host has already merged dimensions that are contiguous in
// both tensors, so most calls arrive here with rank 1 or 2. shape/strides travel as vector
// arguments (one kernel argument each) and are unpacked into private arrays.
__kernel void copy_nd(__global const float* src, long srcOff, long8 srcStrides8,
                      __global float* dst, long dstOff, long8 dstStrides8,
                      int8 shape8, int rank, long total, int accumulate) {
    long ss[8], ds[8];
    int sh[8];
    vstore8(srcStrides8, 0, ss);
    vstore8(dstStrides8, 0, ds);
    vstore8(shape8, 0, sh);
    for (long i = get_global_id(0); i < total; i += get_global_size(0)) {
        long rest = i, s = srcOff, d = dstOff;
        for (int dim = rank - 1; dim >= 0; dim--) {
            long idx = rest % sh[dim];
            rest /= sh[dim];
            s += idx * ss[dim];
            d += idx * ds[dim];
        }
        float v = src[s];
        dst[d] = accumulate ? dst[d] + v : v;
    }
}

// Must equal iern.engine.RandomBits bit for bit: splitmix64 finaliser on
// seed * golden + index in wrapping 64-bit arithmetic, top 24 bits scaled to [0, 1).
__kernel void random_uniform(__global float* dst, long off, long n, long seed) {
    for (long i = get_global_id(0); i < n; i += get_global_size(0)) {
        ulong z = (ulong) seed * 0x9E3779B97F4A7C15UL + (ulong) i;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z = z ^ (z >> 31);
        dst[off + i] = (float) (uint) (z >> 40) * 0x1.0p-24f;
    }
}
