// Elementwise kernels. Op codes are the ordinals of Backend.Unary / Backend.Binary; the
// switch is uniform across a launch, so it costs one branch per element, not divergence.

#define U_NEG 0
#define U_EXP 1
#define U_LOG 2
#define U_SQRT 3
#define U_RSQRT 4
#define U_ABS 5
#define U_SQUARE 6
#define U_RECIPROCAL 7
#define U_RELU 8
#define U_SIGMOID 9
#define U_TANH 10
#define U_LEAKY_RELU 11
#define U_POW_SCALAR 12
#define U_CLAMP 13
#define U_ADD_SCALAR 14
#define U_MUL_SCALAR 15

inline float unary_op(int op, float v, float a, float b) {
    switch (op) {
        case U_NEG: return -v;
        case U_EXP: return exp(v);
        case U_LOG: return log(v);
        case U_SQRT: return sqrt(v);
        case U_RSQRT: return 1.0f / sqrt(v);
        case U_ABS: return fabs(v);
        case U_SQUARE: return v * v;
        case U_RECIPROCAL: return 1.0f / v;
        case U_RELU: return v <= 0.0f ? 0.0f : v;   /* NaN passes, as PyTorch */
        // Split by sign so exp never overflows.
        case U_SIGMOID: if (v >= 0.0f) { return 1.0f / (1.0f + exp(-v)); } else { float e = exp(v); return e / (1.0f + e); }
        case U_TANH: return tanh(v);
        case U_LEAKY_RELU: return v > 0.0f ? v : v * a;
        case U_POW_SCALAR: return pow(v, a);
        case U_CLAMP: return fmin(fmax(v, a), b);
        case U_ADD_SCALAR: return v + a;
        case U_MUL_SCALAR: return v * a;
    }
    return NAN;
}

// d op(x)/dx, using the forward output y where that is exact and cheaper.
inline float unary_derivative(int op, float x, float y, float a, float b) {
    switch (op) {
        case U_NEG: return -1.0f;
        case U_EXP: return y;
        case U_LOG: return 1.0f / x;
        case U_SQRT: return 0.5f / y;
        case U_RSQRT: return -0.5f * y * y * y;
        case U_ABS: return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : 0.0f);
        case U_SQUARE: return 2.0f * x;
        case U_RECIPROCAL: return -y * y;
        case U_RELU: return x > 0.0f ? 1.0f : 0.0f;
        case U_SIGMOID: return y * (1.0f - y);
        case U_TANH: return 1.0f - y * y;
        case U_LEAKY_RELU: return x > 0.0f ? 1.0f : a;
        case U_POW_SCALAR: return a == 0.0f ? 0.0f : a * pow(x, a - 1.0f);
        case U_CLAMP: return (x >= a && x <= b) ? 1.0f : 0.0f;
        case U_ADD_SCALAR: return 1.0f;
        case U_MUL_SCALAR: return a;
    }
    return NAN;
}

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

#define B_ADD 0
#define B_SUB 1
#define B_MUL 2
#define B_DIV 3
#define B_MAX 4
#define B_MIN 5
#define B_POW 6
#define B_EQ 7
#define B_GT 8
#define B_GE 9

inline float binary_op(int op, float x, float y) {
    switch (op) {
        case B_ADD: return x + y;
        case B_SUB: return x - y;
        case B_MUL: return x * y;
        case B_DIV: return x / y;
        // Java's Math.max/min propagate NaN; fmax/fmin would drop it.
        case B_MAX: return (isnan(x) || isnan(y)) ? NAN : fmax(x, y);
        case B_MIN: return (isnan(x) || isnan(y)) ? NAN : fmin(x, y);
        case B_POW: return pow(x, y);
        case B_EQ: return x == y ? 1.0f : 0.0f;
        case B_GT: return x > y ? 1.0f : 0.0f;
        case B_GE: return x >= y ? 1.0f : 0.0f;
    }
    return NAN;
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
