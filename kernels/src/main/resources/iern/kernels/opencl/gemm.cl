// Batched strided SGEMM, row-major: C_i = alpha op(A_i) op(B_i) + beta C_i.
//
// Tiling: a work-group of 16 x 16 work-items owns a 64 x 64 block of C. Each work-item keeps
// a 4 x 4 register block of accumulators: rows ty + 16 u and columns tx + 16 v (u, v < 4).
// Interleaving the rows/columns (instead of 4 adjacent ones) keeps the final stores
// coalesced (neighbouring tx write neighbouring columns) and the local-memory reads free of
// bank conflicts. K advances in slices of 16 staged through local memory; each slice of A
// (64 x 16) and B (16 x 64) is loaded by all 256 work-items, 4 elements each, in the order
// that makes consecutive work-items read consecutive addresses for either transpose.
// Tails (m, n, k not multiples of the tile) load zeros and skip the stores.
//
// Offsets and batch strides are element counts passed as arguments rather than
// sub-buffers, since sub-buffer origins must meet the device's alignment rule.

#define TILE_M 64
#define TILE_N 64
#define TILE_K 16
#define WG 16
#define REG 4

__kernel __attribute__((reqd_work_group_size(WG, WG, 1)))
void gemm_tiled(int transA, int transB, int m, int n, int k, float alpha,
                __global const float* a, long aOff, long aBatchStride, int lda,
                __global const float* b, long bOff, long bBatchStride, int ldb,
                float beta, __global float* c, long cOff, long cBatchStride, int ldc) {
    // +1 column of padding: a column walk in As/Bs then hits different banks.
    __local float As[TILE_K][TILE_M + 1];
    __local float Bs[TILE_K][TILE_N + 1];

    const int tx = get_local_id(0);
    const int ty = get_local_id(1);
    const int tid = ty * WG + tx;
    const int col0 = get_group_id(0) * TILE_N;
    const int row0 = get_group_id(1) * TILE_M;
    const long batch = get_group_id(2);
    a += aOff + batch * aBatchStride;
    b += bOff + batch * bBatchStride;
    c += cOff + batch * cBatchStride;

    float acc[REG][REG];
    for (int u = 0; u < REG; u++) {
        for (int v = 0; v < REG; v++) {
            acc[u][v] = 0.0f;
        }
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
            float ar[REG], br[REG];
            for (int u = 0; u < REG; u++) {
                ar[u] = As[kk][ty + WG * u];
                br[u] = Bs[kk][tx + WG * u];
            }
            for (int u = 0; u < REG; u++) {
                for (int v = 0; v < REG; v++) {
                    acc[u][v] = fma(ar[u], br[v], acc[u][v]);
                }
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }

    for (int u = 0; u < REG; u++) {
        int row = row0 + ty + WG * u;
        if (row >= m) {
            continue;
        }
        for (int v = 0; v < REG; v++) {
            int col = col0 + tx + WG * v;
            if (col < n) {
                long i = (long) row * ldc + col;
                // beta == 0 ignores the old C entirely, so NaN garbage there cannot leak in.
                c[i] = beta == 0.0f ? alpha * acc[u][v] : alpha * acc[u][v] + beta * c[i];
            }
        }
    }
}
