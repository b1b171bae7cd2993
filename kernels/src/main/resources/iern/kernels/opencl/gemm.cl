// Batched strided SGEMM, row-major: C_i = alpha op(A_i) op(B_i) + beta C_i.
//
// gemm_tiled: a work-group of 8 x 8 work-items owns a 64 x 64 block of C. Work-item (tx, ty)
// keeps an 8 x 8 register block as eight float8 accumulators: rows ty + 8 u (u < 8) and the
// eight adjacent columns 8 tx .. 8 tx + 7. Per k step it reads one float8 of B from local
// memory and eight scalars of A, then does 8 float8 FMAs, so the arithmetic is explicit
// 8-wide vectors: GPUs issue them as scalar FMAs with wide local loads, and PoCL maps them
// straight onto AVX (measured on PoCL, 2 cores: 2.4x the same tile as 16 x 16 work-items
// with 4 x 4 scalar blocks). Stores: the eight tx of one row write 64 adjacent floats.
//
// K advances in slices of 16 staged through local memory. Each slice of A (64 x 16) and B
// (16 x 64) is loaded by all 64 work-items, 16 elements each, in the order that makes
// consecutive work-items read consecutive addresses for either transpose. Tails (m, n, k
// not multiples of the tile) load zeros and skip the stores.
//
// gemm_dot: for outputs too small to fill a tile but with a long k (attention scores over a
// few strata: 1 x 3 outputs, k = 25088), one work-group of 64 per output element splits k
// and reduces in local memory.
//
// gemm_thin: when m or n is below 8 but the output is large (attention's P V: 1 x 25088
// with k = 3), a 64 x 64 tile would be at most 1/8 full; one work-item per output element
// (consecutive work-items on consecutive columns, so B and C accesses coalesce) does less
// work in all.
//
// Offsets and batch strides are element counts passed as arguments rather than
// sub-buffers, since sub-buffer origins must meet the device's alignment rule.

#define TILE_M 64
#define TILE_N 64
#define TILE_K 16
#define WG 8
#define ROWS 8

__kernel __attribute__((reqd_work_group_size(WG, WG, 1)))
void gemm_tiled(int transA, int transB, int m, int n, int k, float alpha,
                __global const float* a, long aOff, long aBatchStride, int lda,
                __global const float* b, long bOff, long bBatchStride, int ldb,
                float beta, __global float* c, long cOff, long cBatchStride, int ldc) {
    // As is read as scalars and padded by one so column-order stores spread over banks;
    // Bs is read as float8 rows and left unpadded to keep those loads aligned.
    __local float As[TILE_K][TILE_M + 1];
    __local float Bs[TILE_K][TILE_N];

    const int tx = get_local_id(0);
    const int ty = get_local_id(1);
    const int tid = ty * WG + tx;
    const int col0 = get_group_id(0) * TILE_N;
    const int row0 = get_group_id(1) * TILE_M;
    const long batch = get_group_id(2);
    a += aOff + batch * aBatchStride;
    b += bOff + batch * bBatchStride;
    c += cOff + batch * cBatchStride;

    float8 acc[ROWS];
    for (int u = 0; u < ROWS; u++) {
        acc[u] = (float8) (0.0f);
    }

    for (int k0 = 0; k0 < k; k0 += TILE_K) {
        for (int l = tid; l < TILE_M * TILE_K; l += WG * WG) {
            int r, kk;
            if (transA) { r = l % TILE_M; kk = l / TILE_M; }   // stored k x m: rows of op(A) contiguous
            else        { kk = l % TILE_K; r = l / TILE_K; }   // stored m x k: k contiguous
            int gr = row0 + r, gk = k0 + kk;
            float value = 0.0f;
            if (gr < m && gk < k) {
                value = transA ? a[(long) gk * lda + gr] : a[(long) gr * lda + gk];
            }
            As[kk][r] = value;
        }
        for (int l = tid; l < TILE_K * TILE_N; l += WG * WG) {
            int cc, kk;
            if (transB) { kk = l % TILE_K; cc = l / TILE_K; }  // stored n x k: k contiguous
            else        { cc = l % TILE_N; kk = l / TILE_N; }  // stored k x n: n contiguous
            int gc = col0 + cc, gk = k0 + kk;
            float value = 0.0f;
            if (gc < n && gk < k) {
                value = transB ? b[(long) gc * ldb + gk] : b[(long) gk * ldb + gc];
            }
            Bs[kk][cc] = value;
        }
        barrier(CLK_LOCAL_MEM_FENCE);

        for (int kk = 0; kk < TILE_K; kk++) {
            float8 bv = vload8(tx, &Bs[kk][0]);
            for (int u = 0; u < ROWS; u++) {
                acc[u] = fma((float8) (As[kk][ty + WG * u]), bv, acc[u]);
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }

    const int col = col0 + tx * 8;
    for (int u = 0; u < ROWS; u++) {
        int row = row0 + ty + WG * u;
        if (row >= m) {
            continue;
        }
        float out[8];
        vstore8(acc[u], 0, out);
        __global float* cRow = c + (long) row * ldc + col;
        for (int v = 0; v < 8 && col + v < n; v++) {
            // beta == 0 ignores the old C entirely, so NaN garbage there cannot leak in.
            cRow[v] = beta == 0.0f ? alpha * out[v] : alpha * out[v] + beta * cRow[v];
        }
    }
}

#define DOT_WG 64

__kernel __attribute__((reqd_work_group_size(DOT_WG, 1, 1)))
void gemm_dot(int transA, int transB, int m, int n, int k, float alpha,
              __global const float* a, long aOff, long aBatchStride, int lda,
              __global const float* b, long bOff, long bBatchStride, int ldb,
              float beta, __global float* c, long cOff, long cBatchStride, int ldc) {
    __local float scratch[DOT_WG];
    const int j = get_group_id(0);
    const int i = get_group_id(1);
    const long batch = get_group_id(2);
    const int lid = get_local_id(0);
    a += aOff + batch * aBatchStride;
    b += bOff + batch * bBatchStride;
    c += cOff + batch * cBatchStride;
    float s = 0.0f;
    for (int p = lid; p < k; p += DOT_WG) {
        float av = transA ? a[(long) p * lda + i] : a[(long) i * lda + p];
        float bv = transB ? b[(long) j * ldb + p] : b[(long) p * ldb + j];
        s = fma(av, bv, s);
    }
    scratch[lid] = s;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int span = DOT_WG / 2; span > 0; span >>= 1) {
        if (lid < span) scratch[lid] += scratch[lid + span];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0) {
        long idx = (long) i * ldc + j;
        c[idx] = beta == 0.0f ? alpha * scratch[0] : alpha * scratch[0] + beta * c[idx];
    }
}

__kernel void gemm_thin(int transA, int transB, int m, int n, int k, float alpha,
                        __global const float* a, long aOff, long aBatchStride, int lda,
                        __global const float* b, long bOff, long bBatchStride, int ldb,
                        float beta, __global float* c, long cOff, long cBatchStride, int ldc, int batch) {
    long perBatch = (long) m * n;
    long total = perBatch * batch;
    for (long e = get_global_id(0); e < total; e += get_global_size(0)) {
        long bi = e / perBatch;
        int i = (e % perBatch) / n;
        int j = e % n;
        __global const float* ab = a + aOff + bi * aBatchStride;
        __global const float* bb = b + bOff + bi * bBatchStride;
        float s = 0.0f;
        for (int p = 0; p < k; p++) {
            float av = transA ? ab[(long) p * lda + i] : ab[(long) i * lda + p];
            float bv = transB ? bb[(long) j * ldb + p] : bb[(long) p * ldb + j];
            s = fma(av, bv, s);
        }
        long idx = cOff + bi * cBatchStride + (long) i * ldc + j;
        c[idx] = beta == 0.0f ? alpha * s : alpha * s + beta * c[idx];
    }
}
