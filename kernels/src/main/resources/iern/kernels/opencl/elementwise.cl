// Elementwise kernels. unary_op, unary_derivative and binary_op, with their op codes (the
// ordinals of Backend.Unary / Backend.Binary), are generated from the Java enums and put
// before this file (ClOpTable). The switch is uniform across a launch, so it costs one
// branch per element, not divergence.

__kernel void unary(int op, __global const float* x, long xOff, __global float* y, long yOff, long n,
                    float a, float b) {
    for (long i = get_global_id(0); i < n; i += get_global_size(0)) {
        y[yOff + i] = unary_op(op, x[xOff + i], a, b);
    }
}

__kernel void unary_backward(int op, __global const float* x, __global const float* y,
                             __global const float* dy, __global float* dx, long n, float a, float b,
                             int accumulate) {
    for (long i = get_global_id(0); i < n; i += get_global_size(0)) {
        float g = dy[i] * unary_derivative(op, x[i], y[i], a, b);
        dx[i] = accumulate ? dx[i] + g : g;
    }
}

// out is contiguous over shape; a and b are read through their own strides (0 broadcasts).
// The host merges dimensions first, so the common same-shape case runs with rank 1.
__kernel void binary(int op, __global const float* a, long aOff, long8 aStrides8,
                     __global const float* b, long bOff, long8 bStrides8,
                     __global float* out, long outOff, int8 shape8, int rank, long total) {
    long as[8], bs[8];
    int sh[8];
    vstore8(aStrides8, 0, as);
    vstore8(bStrides8, 0, bs);
    vstore8(shape8, 0, sh);
    for (long i = get_global_id(0); i < total; i += get_global_size(0)) {
        long rest = i, ai = aOff, bi = bOff;
        for (int dim = rank - 1; dim >= 0; dim--) {
            long idx = rest % sh[dim];
            rest /= sh[dim];
            ai += idx * as[dim];
            bi += idx * bs[dim];
        }
        out[outOff + i] = binary_op(op, a[ai], b[bi]);
    }
}
