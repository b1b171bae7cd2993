// Reductions along the middle axis of [outer, r, inner], argmax, softmax and its backward.
// "Line" = the r elements of one (outer, inner) pair, spaced inner apart.
//
// Two shapes of launch: one work-group per line (long lines: work-items stride through the
// line, then a tree reduction in local memory) or one work-item per line (short lines or
// many lines; consecutive work-items read consecutive inner positions, so loads coalesce).
// Local sizes are powers of two <= 256, chosen by the host.

#define WG_MAX 256
// R_SUM, R_MAX, R_MIN (the ordinals of Backend.Reduce) come from the generated prelude (ClOpTable).

// Java's Math.max/min propagate NaN; keep the same answers on every backend.
inline float jmax(float a, float b) { return (isnan(a) || isnan(b)) ? NAN : fmax(a, b); }
inline float jmin(float a, float b) { return (isnan(a) || isnan(b)) ? NAN : fmin(a, b); }

inline float combine(int op, float a, float b) {
    return op == R_SUM ? a + b : (op == R_MAX ? jmax(a, b) : jmin(a, b));
}

inline float identity_of(int op) {
    return op == R_SUM ? 0.0f : (op == R_MAX ? -INFINITY : INFINITY);
}

// Tree reduction over the work-group; every work-item gets the result.
inline float group_reduce(int op, LOCAL_PARAM float* scratch, float v) {
    int lid = get_local_id(0);
    scratch[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int span = get_local_size(0) / 2; span > 0; span >>= 1) {
        if (lid < span) {
            scratch[lid] = combine(op, scratch[lid], scratch[lid + span]);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    float result = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return result;
}

__kernel void reduce_by_group(int op, __global const float* x, long xOff, __global float* out, long outOff,
                              int outer, int r, int inner) {
    __local float scratch[WG_MAX];
    int line = get_group_id(0);
    long base = xOff + (long) (line / inner) * r * inner + line % inner;
    float acc = identity_of(op);
    for (int j = get_local_id(0); j < r; j += get_local_size(0)) {
        acc = combine(op, acc, x[base + (long) j * inner]);
    }
    acc = group_reduce(op, scratch, acc);
    if (get_local_id(0) == 0) {
        out[outOff + line] = acc;
    }
}

// Sums in blocks of 64 so no single running sum grows long.
__kernel void reduce_by_item(int op, __global const float* x, long xOff, __global float* out, long outOff,
                             int outer, int r, int inner) {
    long lines = (long) outer * inner;
    for (long line = get_global_id(0); line < lines; line += get_global_size(0)) {
        long base = xOff + (line / inner) * r * inner + line % inner;
        float total = identity_of(op);
        for (int j0 = 0; j0 < r; j0 += 64) {
            int j1 = min(r, j0 + 64);
            float block = identity_of(op);
            for (int j = j0; j < j1; j++) {
                block = combine(op, block, x[base + (long) j * inner]);
            }
            total = combine(op, total, block);
        }
        out[outOff + line] = total;
    }
}

// First maximum; a NaN counts as larger than any number (as the CPU backend does).
__kernel void argmax_lines(__global const float* x, long xOff, __global float* out, long outOff,
                           int outer, int r, int inner) {
    long lines = (long) outer * inner;
    for (long line = get_global_id(0); line < lines; line += get_global_size(0)) {
        long base = xOff + (line / inner) * r * inner + line % inner;
        int best = 0;
        float m = x[base];
        for (int j = 1; j < r; j++) {
            float v = x[base + (long) j * inner];
            if (v > m || (isnan(v) && !isnan(m))) {
                m = v;
                best = j;
            }
        }
        out[outOff + line] = (float) best;
    }
}

// One work-group per line: max, then sum of exp(x - max), then the outputs.
__kernel void softmax_lines(__global const float* x, __global float* y, int outer, int r, int inner, int logMode) {
    __local float scratch[WG_MAX];
    int line = get_group_id(0);
    long base = (long) (line / inner) * r * inner + line % inner;
    int lid = get_local_id(0), step = get_local_size(0);
    float m = -INFINITY;
    for (int j = lid; j < r; j += step) {
        m = fmax(m, x[base + (long) j * inner]);
    }
    m = group_reduce(R_MAX, scratch, m);
    float s = 0.0f;
    for (int j = lid; j < r; j += step) {
        s += exp(x[base + (long) j * inner] - m);
    }
    s = group_reduce(R_SUM, scratch, s);
    if (logMode) {
        float logSum = log(s);
        for (int j = lid; j < r; j += step) {
            long i = base + (long) j * inner;
            y[i] = x[i] - m - logSum;
        }
    } else {
        float inv = 1.0f / s;
        for (int j = lid; j < r; j += step) {
            long i = base + (long) j * inner;
            y[i] = exp(x[i] - m) * inv;
        }
    }
}

// softmax: dx = y (dy - sum(dy y)); log-softmax: dx = dy - exp(y) sum(dy).
__kernel void softmax_backward_lines(__global const float* y, __global const float* dy, __global float* dx,
                                     int outer, int r, int inner, int logMode) {
    __local float scratch[WG_MAX];
    int line = get_group_id(0);
    long base = (long) (line / inner) * r * inner + line % inner;
    int lid = get_local_id(0), step = get_local_size(0);
    float s = 0.0f;
    for (int j = lid; j < r; j += step) {
        long i = base + (long) j * inner;
        s += logMode ? dy[i] : dy[i] * y[i];
    }
    s = group_reduce(R_SUM, scratch, s);
    for (int j = lid; j < r; j += step) {
        long i = base + (long) j * inner;
        dx[i] = logMode ? dy[i] - exp(y[i]) * s : y[i] * (dy[i] - s);
    }
}

// CPU-device variants of the softmax pair: one work-item per line, no barriers.
__kernel void softmax_by_item(__global const float* x, __global float* y, int outer, int r, int inner, int logMode) {
    long lines = (long) outer * inner;
    for (long line = get_global_id(0); line < lines; line += get_global_size(0)) {
        long base = (line / inner) * r * inner + line % inner;
        float m = -INFINITY;
        for (int j = 0; j < r; j++) m = fmax(m, x[base + (long) j * inner]);
        float s = 0.0f;
        for (int j = 0; j < r; j++) s += exp(x[base + (long) j * inner] - m);
        if (logMode) {
            float logSum = log(s);
            for (int j = 0; j < r; j++) { long i = base + (long) j * inner; y[i] = x[i] - m - logSum; }
        } else {
            float inv = 1.0f / s;
            for (int j = 0; j < r; j++) { long i = base + (long) j * inner; y[i] = exp(x[i] - m) * inv; }
        }
    }
}

__kernel void softmax_backward_by_item(__global const float* y, __global const float* dy, __global float* dx,
                                       int outer, int r, int inner, int logMode) {
    long lines = (long) outer * inner;
    for (long line = get_global_id(0); line < lines; line += get_global_size(0)) {
        long base = (line / inner) * r * inner + line % inner;
        float s = 0.0f;
        for (int j = 0; j < r; j++) {
            long i = base + (long) j * inner;
            s += logMode ? dy[i] : dy[i] * y[i];
        }
        for (int j = 0; j < r; j++) {
            long i = base + (long) j * inner;
            dx[i] = logMode ? dy[i] - exp(y[i]) * s : y[i] * (dy[i] - s);
        }
    }
}
