// Batch norm over x [groups * n, c, hw], statistics per (group, channel) over n * hw values.
// Statistics and the backward sums are one work-group per (group, channel): work-items
// stride through the n * hw values (consecutive work-items read consecutive pixels), then a
// tree in local memory. The variance is a second pass over (x - mean)^2, not E[x^2] - mean^2,
// so it stays accurate when the mean is large.

#define WG_MAX 256

inline float group_sum(LOCAL_PARAM float* scratch, float v) {
    int lid = get_local_id(0);
    scratch[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int span = get_local_size(0) / 2; span > 0; span >>= 1) {
        if (lid < span) scratch[lid] += scratch[lid + span];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    float result = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return result;
}

// Address of value j (< n * hw) of the (group, channel) pair gc.
inline long bn_index(int gc, long j, int n, int c, int hw) {
    int g = gc / c, ch = gc % c;
    long item = j / hw, p = j % hw;
    return (((long) g * n + item) * c + ch) * hw + p;
}

__kernel void bn_stats(__global const float* x, __global float* mean, __global float* var, int n, int c, int hw) {
    __local float scratch[WG_MAX];
    int gc = get_group_id(0);
    long count = (long) n * hw;
    float s = 0.0f;
    for (long j = get_local_id(0); j < count; j += get_local_size(0)) {
        s += x[bn_index(gc, j, n, c, hw)];
    }
    float mu = group_sum(scratch, s) / (float) count;
    float q = 0.0f;
    for (long j = get_local_id(0); j < count; j += get_local_size(0)) {
        float d = x[bn_index(gc, j, n, c, hw)] - mu;
        q += d * d;
    }
    q = group_sum(scratch, q);
    if (get_local_id(0) == 0) {
        mean[gc] = mu;
        var[gc] = q / (float) count;
    }
}

// y = (x - mean[g, c]) / sqrt(var[g, c] + eps) * gamma[c] + beta[c]; also eval mode (groups = 1).
__kernel void bn_apply(__global const float* x, __global const float* mean, __global const float* var,
                       __global const float* gamma, __global const float* beta, int affine,
                       __global float* y, int groups, int n, int c, int hw, float eps) {
    long total = (long) groups * n * c * hw;
    for (long i = get_global_id(0); i < total; i += get_global_size(0)) {
        int ch = (i / hw) % c;
        int g = i / ((long) n * c * hw);
        int gc = g * c + ch;
        float v = (x[i] - mean[gc]) / sqrt(var[gc] + eps);
        y[i] = affine ? v * gamma[ch] + beta[ch] : v;
    }
}

// CPU-device variants (PoCL runs a work-group's work-items one after another, so a tree
// reduction costs a pass per barrier): one work-item per (group, channel) walks its values
// in blocks of 64 partial sums.
__kernel void bn_stats_by_item(__global const float* x, __global float* mean, __global float* var, int groups,
                               int n, int c, int hw) {
    int gc = get_global_id(0);
    if (gc >= groups * c) return;
    long count = (long) n * hw;
    float s = 0.0f;
    for (long j0 = 0; j0 < count; j0 += 64) {
        float block = 0.0f;
        for (long j = j0; j < min(count, j0 + 64); j++) block += x[bn_index(gc, j, n, c, hw)];
        s += block;
    }
    float mu = s / (float) count;
    float q = 0.0f;
    for (long j0 = 0; j0 < count; j0 += 64) {
        float block = 0.0f;
        for (long j = j0; j < min(count, j0 + 64); j++) {
            float d = x[bn_index(gc, j, n, c, hw)] - mu;
            block += d * d;
        }
        q += block;
    }
    mean[gc] = mu;
    var[gc] = q / (float) count;
}

__kernel void bn_backward_sums_by_item(__global const float* x, __global const float* mean,
                                       __global const float* var, __global const float* dy, __global float* sums,
                                       int groups, int n, int c, int hw, float eps) {
    int gc = get_global_id(0);
    if (gc >= groups * c) return;
    long count = (long) n * hw;
    float mu = mean[gc], invStd = 1.0f / sqrt(var[gc] + eps);
    float sDy = 0.0f, sDyXhat = 0.0f;
    for (long j0 = 0; j0 < count; j0 += 64) {
        float bDy = 0.0f, bDyXhat = 0.0f;
        for (long j = j0; j < min(count, j0 + 64); j++) {
            long i = bn_index(gc, j, n, c, hw);
            bDy += dy[i];
            bDyXhat += dy[i] * (x[i] - mu) * invStd;
        }
        sDy += bDy;
        sDyXhat += bDyXhat;
    }
    sums[2 * gc] = sDy;
    sums[2 * gc + 1] = sDyXhat;
}

// sums[2 gc] = sum dy, sums[2 gc + 1] = sum dy * xhat over the (group, channel) values.
__kernel void bn_backward_sums(__global const float* x, __global const float* mean, __global const float* var,
                               __global const float* dy, __global float* sums, int n, int c, int hw, float eps) {
    __local float scratch[WG_MAX];
    int gc = get_group_id(0);
    long count = (long) n * hw;
    float mu = mean[gc], invStd = 1.0f / sqrt(var[gc] + eps);
    float sDy = 0.0f, sDyXhat = 0.0f;
    for (long j = get_local_id(0); j < count; j += get_local_size(0)) {
        long i = bn_index(gc, j, n, c, hw);
        sDy += dy[i];
        sDyXhat += dy[i] * (x[i] - mu) * invStd;
    }
    sDy = group_sum(scratch, sDy);
    sDyXhat = group_sum(scratch, sDyXhat);
    if (get_local_id(0) == 0) {
        sums[2 * gc] = sDy;
        sums[2 * gc + 1] = sDyXhat;
    }
}

// dx = gamma invStd / M (M dy - sum dy - xhat sum(dy xhat)), M = n * hw.
__kernel void bn_backward_dx(__global const float* x, __global const float* gamma, int affine,
                             __global const float* mean, __global const float* var, __global const float* sums,
                             __global const float* dy, __global float* dx, int groups, int n, int c, int hw,
                             float eps) {
    long total = (long) groups * n * c * hw;
    float count = (float) ((long) n * hw);
    for (long i = get_global_id(0); i < total; i += get_global_size(0)) {
        int ch = (i / hw) % c;
        int g = i / ((long) n * c * hw);
        int gc = g * c + ch;
        float invStd = 1.0f / sqrt(var[gc] + eps);
        float xhat = (x[i] - mean[gc]) * invStd;
        float scale = (affine ? gamma[ch] : 1.0f) * invStd / count;
        dx[i] = scale * (count * dy[i] - sums[2 * gc] - xhat * sums[2 * gc + 1]);
    }
}

// dGamma[c] = sum over groups of sum(dy xhat), dBeta[c] = sum over groups of sum(dy).
__kernel void bn_backward_params(__global const float* sums, __global float* dGamma, int hasGamma,
                                 __global float* dBeta, int hasBeta, int groups, int c) {
    int ch = get_global_id(0);
    if (ch >= c) return;
    float sg = 0.0f, sb = 0.0f;
    for (int g = 0; g < groups; g++) {
        sb += sums[2 * (g * c + ch)];
        sg += sums[2 * (g * c + ch) + 1];
    }
    if (hasGamma) dGamma[ch] = sg;
    if (hasBeta) dBeta[ch] = sb;
}
