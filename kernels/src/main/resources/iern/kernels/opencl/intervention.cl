// Confounder-weighted intervention out[i, :] = sum_j w_i[j] z_i[j, :], with w_i at
// w + i * wStride and z_i at z + i * zStride (stride 0: shared by every item). k (the
// number of confounders) is small, d (the feature size) large, so work-items run along d
// and loads/stores coalesce.

__kernel void intervention_forward(int n, int k, int d, __global const float* w, long wStride,
                                   __global const float* z, long zStride, __global float* out) {
    long total = (long) n * d;
    for (long e = get_global_id(0); e < total; e += get_global_size(0)) {
        long i = e / d, col = e % d;
        __global const float* wi = w + i * wStride;
        __global const float* zi = z + i * zStride;
        float s = 0.0f;
        for (int j = 0; j < k; j++) {
            s += wi[j] * zi[(long) j * d + col];
        }
        out[e] = s;
    }
}

// dw[i, j] = <dOut[i], z_i[j]>: one work-group per (i, j) reducing over d. With a shared
// weight vector (wStride 0) there is one group per j and it also sums over all items.
__kernel void intervention_backward_weights(int n, int k, int d, long wStride, __global const float* z,
                                            long zStride, __global const float* dOut, __global float* dw) {
    __local float scratch[256];
    int group = get_group_id(0);
    int j = group % k;
    int item0 = wStride == 0 ? 0 : group / k;
    int item1 = wStride == 0 ? n : item0 + 1;
    int lid = get_local_id(0);
    float s = 0.0f;
    for (int i = item0; i < item1; i++) {
        __global const float* zj = z + i * zStride + (long) j * d;
        __global const float* g = dOut + (long) i * d;
        for (int col = lid; col < d; col += get_local_size(0)) {
            s += g[col] * zj[col];
        }
    }
    scratch[lid] = s;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int span = get_local_size(0) / 2; span > 0; span >>= 1) {
        if (lid < span) scratch[lid] += scratch[lid + span];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) {
        dw[(long) item0 * wStride + j] = scratch[0];
    }
}

// dz_i[j, :] = w_i[j] dOut[i, :]; with a shared memory (zStride 0) summed over items.
__kernel void intervention_backward_strata(int n, int k, int d, __global const float* w, long wStride,
                                           long zStride, __global const float* dOut, __global float* dz) {
    long rows = zStride == 0 ? 1 : n;
    long total = rows * k * d;
    for (long e = get_global_id(0); e < total; e += get_global_size(0)) {
        long col = e % d;
        int j = (e / d) % k;
        long row = e / ((long) k * d);
        float s = 0.0f;
        if (zStride == 0) {
            for (int i = 0; i < n; i++) {
                s += w[i * wStride + j] * dOut[(long) i * d + col];
            }
            dz[(long) j * d + col] = s;
        } else {
            dz[row * zStride + (long) j * d + col] = w[row * wStride + j] * dOut[row * d + col];
        }
    }
}
