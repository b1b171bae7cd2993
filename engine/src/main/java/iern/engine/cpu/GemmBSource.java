package iern.engine.cpu;

/**
 * Where the packed GEMM gets its B operand: writes op(B)[pc:pc+kc, jc:jc+nc] into {@code bp}
 * as NR-wide panels, each k-major (NR values per k step), zero beyond nc. Lets a convolution
 * pack straight from the image (implicit im2col) instead of materialising the column matrix.
 * Called concurrently from several threads, each with its own {@code bp}.
 */
interface GemmBSource {
    void pack(int pc, int kc, int jc, int nc, float[] bp);
}
