package iern.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-tiled SGEMM micro-kernels on the preferred vector species with FMA. A tile is
 * MR rows by two vectors of columns; on AVX-512 that is 12 x 32 floats, 24 accumulators plus
 * two B vectors and a broadcast: 27 of the 32 vector registers, so nothing spills.
 */
final class GemmMicroKernel {

    static final VectorSpecies<Float> SP = FloatVector.SPECIES_PREFERRED;
    static final int VL = SP.length();
    static final int NR = 2 * VL;
    /** Rows per tile: 12 by default; 8 kept for machines with 16 vector registers. */
    static final int MR = Integer.getInteger("iern.gemm.mr", VL >= 16 ? 12 : 8) == 8 ? 8 : 12;

    static {
        JitDirectives.apply();
    }

    private GemmMicroKernel() {}

    /** Dispatches to the tile of height {@link #MR}; the branch folds away since MR is constant. */
    static void tile(int kc, float[] ap, int aOff, float[] bp, int bOff,
                     float[] c, int cOff, int ldc, float beta) {
        if (MR == 12) {
            tile12(kc, ap, aOff, bp, bOff, c, cOff, ldc, beta);
        } else {
            tile8(kc, ap, aOff, bp, bOff, c, cOff, ldc, beta);
        }
    }

    /**
     * One 12 x 2*VL tile of C from packed panels: {@code ap} holds 12 rows per k step,
     * {@code bp} 2*VL columns per k step. beta: 0 overwrites C, 1 adds to it, else scales it.
     * Accumulators live in registers; the body is one method with no vector parameters so
     * C2 never has to box a vector across a call.
     */
    static void tile12(int kc, float[] ap, int aOff, float[] bp, int bOff,
                        float[] c, int cOff, int ldc, float beta) {
        FloatVector c0a = FloatVector.zero(SP), c0b = FloatVector.zero(SP);
        FloatVector c1a = FloatVector.zero(SP), c1b = FloatVector.zero(SP);
        FloatVector c2a = FloatVector.zero(SP), c2b = FloatVector.zero(SP);
        FloatVector c3a = FloatVector.zero(SP), c3b = FloatVector.zero(SP);
        FloatVector c4a = FloatVector.zero(SP), c4b = FloatVector.zero(SP);
        FloatVector c5a = FloatVector.zero(SP), c5b = FloatVector.zero(SP);
        FloatVector c6a = FloatVector.zero(SP), c6b = FloatVector.zero(SP);
        FloatVector c7a = FloatVector.zero(SP), c7b = FloatVector.zero(SP);
        FloatVector c8a = FloatVector.zero(SP), c8b = FloatVector.zero(SP);
        FloatVector c9a = FloatVector.zero(SP), c9b = FloatVector.zero(SP);
        FloatVector c10a = FloatVector.zero(SP), c10b = FloatVector.zero(SP);
        FloatVector c11a = FloatVector.zero(SP), c11b = FloatVector.zero(SP);
        for (int p = 0; p < kc; p++) {
            int ai = aOff + p * 12;
            int bi = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(SP, bp, bi);
            FloatVector b1 = FloatVector.fromArray(SP, bp, bi + VL);
            FloatVector a0 = FloatVector.broadcast(SP, ap[ai + 0]);
            c0a = a0.fma(b0, c0a);
            c0b = a0.fma(b1, c0b);
            FloatVector a1 = FloatVector.broadcast(SP, ap[ai + 1]);
            c1a = a1.fma(b0, c1a);
            c1b = a1.fma(b1, c1b);
            FloatVector a2 = FloatVector.broadcast(SP, ap[ai + 2]);
            c2a = a2.fma(b0, c2a);
            c2b = a2.fma(b1, c2b);
            FloatVector a3 = FloatVector.broadcast(SP, ap[ai + 3]);
            c3a = a3.fma(b0, c3a);
            c3b = a3.fma(b1, c3b);
            FloatVector a4 = FloatVector.broadcast(SP, ap[ai + 4]);
            c4a = a4.fma(b0, c4a);
            c4b = a4.fma(b1, c4b);
            FloatVector a5 = FloatVector.broadcast(SP, ap[ai + 5]);
            c5a = a5.fma(b0, c5a);
            c5b = a5.fma(b1, c5b);
            FloatVector a6 = FloatVector.broadcast(SP, ap[ai + 6]);
            c6a = a6.fma(b0, c6a);
            c6b = a6.fma(b1, c6b);
            FloatVector a7 = FloatVector.broadcast(SP, ap[ai + 7]);
            c7a = a7.fma(b0, c7a);
            c7b = a7.fma(b1, c7b);
            FloatVector a8 = FloatVector.broadcast(SP, ap[ai + 8]);
            c8a = a8.fma(b0, c8a);
            c8b = a8.fma(b1, c8b);
            FloatVector a9 = FloatVector.broadcast(SP, ap[ai + 9]);
            c9a = a9.fma(b0, c9a);
            c9b = a9.fma(b1, c9b);
            FloatVector a10 = FloatVector.broadcast(SP, ap[ai + 10]);
            c10a = a10.fma(b0, c10a);
            c10b = a10.fma(b1, c10b);
            FloatVector a11 = FloatVector.broadcast(SP, ap[ai + 11]);
            c11a = a11.fma(b0, c11a);
            c11b = a11.fma(b1, c11b);
        }
        if (beta == 0f) {
            c0a.intoArray(c, cOff + 0 * ldc);
            c0b.intoArray(c, cOff + 0 * ldc + VL);
            c1a.intoArray(c, cOff + 1 * ldc);
            c1b.intoArray(c, cOff + 1 * ldc + VL);
            c2a.intoArray(c, cOff + 2 * ldc);
            c2b.intoArray(c, cOff + 2 * ldc + VL);
            c3a.intoArray(c, cOff + 3 * ldc);
            c3b.intoArray(c, cOff + 3 * ldc + VL);
            c4a.intoArray(c, cOff + 4 * ldc);
            c4b.intoArray(c, cOff + 4 * ldc + VL);
            c5a.intoArray(c, cOff + 5 * ldc);
            c5b.intoArray(c, cOff + 5 * ldc + VL);
            c6a.intoArray(c, cOff + 6 * ldc);
            c6b.intoArray(c, cOff + 6 * ldc + VL);
            c7a.intoArray(c, cOff + 7 * ldc);
            c7b.intoArray(c, cOff + 7 * ldc + VL);
            c8a.intoArray(c, cOff + 8 * ldc);
            c8b.intoArray(c, cOff + 8 * ldc + VL);
            c9a.intoArray(c, cOff + 9 * ldc);
            c9b.intoArray(c, cOff + 9 * ldc + VL);
            c10a.intoArray(c, cOff + 10 * ldc);
            c10b.intoArray(c, cOff + 10 * ldc + VL);
            c11a.intoArray(c, cOff + 11 * ldc);
            c11b.intoArray(c, cOff + 11 * ldc + VL);
        } else if (beta == 1f) {
            c0a.add(FloatVector.fromArray(SP, c, cOff + 0 * ldc)).intoArray(c, cOff + 0 * ldc);
            c0b.add(FloatVector.fromArray(SP, c, cOff + 0 * ldc + VL)).intoArray(c, cOff + 0 * ldc + VL);
            c1a.add(FloatVector.fromArray(SP, c, cOff + 1 * ldc)).intoArray(c, cOff + 1 * ldc);
            c1b.add(FloatVector.fromArray(SP, c, cOff + 1 * ldc + VL)).intoArray(c, cOff + 1 * ldc + VL);
            c2a.add(FloatVector.fromArray(SP, c, cOff + 2 * ldc)).intoArray(c, cOff + 2 * ldc);
            c2b.add(FloatVector.fromArray(SP, c, cOff + 2 * ldc + VL)).intoArray(c, cOff + 2 * ldc + VL);
            c3a.add(FloatVector.fromArray(SP, c, cOff + 3 * ldc)).intoArray(c, cOff + 3 * ldc);
            c3b.add(FloatVector.fromArray(SP, c, cOff + 3 * ldc + VL)).intoArray(c, cOff + 3 * ldc + VL);
            c4a.add(FloatVector.fromArray(SP, c, cOff + 4 * ldc)).intoArray(c, cOff + 4 * ldc);
            c4b.add(FloatVector.fromArray(SP, c, cOff + 4 * ldc + VL)).intoArray(c, cOff + 4 * ldc + VL);
            c5a.add(FloatVector.fromArray(SP, c, cOff + 5 * ldc)).intoArray(c, cOff + 5 * ldc);
            c5b.add(FloatVector.fromArray(SP, c, cOff + 5 * ldc + VL)).intoArray(c, cOff + 5 * ldc + VL);
            c6a.add(FloatVector.fromArray(SP, c, cOff + 6 * ldc)).intoArray(c, cOff + 6 * ldc);
            c6b.add(FloatVector.fromArray(SP, c, cOff + 6 * ldc + VL)).intoArray(c, cOff + 6 * ldc + VL);
            c7a.add(FloatVector.fromArray(SP, c, cOff + 7 * ldc)).intoArray(c, cOff + 7 * ldc);
            c7b.add(FloatVector.fromArray(SP, c, cOff + 7 * ldc + VL)).intoArray(c, cOff + 7 * ldc + VL);
            c8a.add(FloatVector.fromArray(SP, c, cOff + 8 * ldc)).intoArray(c, cOff + 8 * ldc);
            c8b.add(FloatVector.fromArray(SP, c, cOff + 8 * ldc + VL)).intoArray(c, cOff + 8 * ldc + VL);
            c9a.add(FloatVector.fromArray(SP, c, cOff + 9 * ldc)).intoArray(c, cOff + 9 * ldc);
            c9b.add(FloatVector.fromArray(SP, c, cOff + 9 * ldc + VL)).intoArray(c, cOff + 9 * ldc + VL);
            c10a.add(FloatVector.fromArray(SP, c, cOff + 10 * ldc)).intoArray(c, cOff + 10 * ldc);
            c10b.add(FloatVector.fromArray(SP, c, cOff + 10 * ldc + VL)).intoArray(c, cOff + 10 * ldc + VL);
            c11a.add(FloatVector.fromArray(SP, c, cOff + 11 * ldc)).intoArray(c, cOff + 11 * ldc);
            c11b.add(FloatVector.fromArray(SP, c, cOff + 11 * ldc + VL)).intoArray(c, cOff + 11 * ldc + VL);
        } else {
            FloatVector bv = FloatVector.broadcast(SP, beta);
            FloatVector.fromArray(SP, c, cOff + 0 * ldc).fma(bv, c0a).intoArray(c, cOff + 0 * ldc);
            FloatVector.fromArray(SP, c, cOff + 0 * ldc + VL).fma(bv, c0b).intoArray(c, cOff + 0 * ldc + VL);
            FloatVector.fromArray(SP, c, cOff + 1 * ldc).fma(bv, c1a).intoArray(c, cOff + 1 * ldc);
            FloatVector.fromArray(SP, c, cOff + 1 * ldc + VL).fma(bv, c1b).intoArray(c, cOff + 1 * ldc + VL);
            FloatVector.fromArray(SP, c, cOff + 2 * ldc).fma(bv, c2a).intoArray(c, cOff + 2 * ldc);
            FloatVector.fromArray(SP, c, cOff + 2 * ldc + VL).fma(bv, c2b).intoArray(c, cOff + 2 * ldc + VL);
            FloatVector.fromArray(SP, c, cOff + 3 * ldc).fma(bv, c3a).intoArray(c, cOff + 3 * ldc);
            FloatVector.fromArray(SP, c, cOff + 3 * ldc + VL).fma(bv, c3b).intoArray(c, cOff + 3 * ldc + VL);
            FloatVector.fromArray(SP, c, cOff + 4 * ldc).fma(bv, c4a).intoArray(c, cOff + 4 * ldc);
            FloatVector.fromArray(SP, c, cOff + 4 * ldc + VL).fma(bv, c4b).intoArray(c, cOff + 4 * ldc + VL);
            FloatVector.fromArray(SP, c, cOff + 5 * ldc).fma(bv, c5a).intoArray(c, cOff + 5 * ldc);
            FloatVector.fromArray(SP, c, cOff + 5 * ldc + VL).fma(bv, c5b).intoArray(c, cOff + 5 * ldc + VL);
            FloatVector.fromArray(SP, c, cOff + 6 * ldc).fma(bv, c6a).intoArray(c, cOff + 6 * ldc);
            FloatVector.fromArray(SP, c, cOff + 6 * ldc + VL).fma(bv, c6b).intoArray(c, cOff + 6 * ldc + VL);
            FloatVector.fromArray(SP, c, cOff + 7 * ldc).fma(bv, c7a).intoArray(c, cOff + 7 * ldc);
            FloatVector.fromArray(SP, c, cOff + 7 * ldc + VL).fma(bv, c7b).intoArray(c, cOff + 7 * ldc + VL);
            FloatVector.fromArray(SP, c, cOff + 8 * ldc).fma(bv, c8a).intoArray(c, cOff + 8 * ldc);
            FloatVector.fromArray(SP, c, cOff + 8 * ldc + VL).fma(bv, c8b).intoArray(c, cOff + 8 * ldc + VL);
            FloatVector.fromArray(SP, c, cOff + 9 * ldc).fma(bv, c9a).intoArray(c, cOff + 9 * ldc);
            FloatVector.fromArray(SP, c, cOff + 9 * ldc + VL).fma(bv, c9b).intoArray(c, cOff + 9 * ldc + VL);
            FloatVector.fromArray(SP, c, cOff + 10 * ldc).fma(bv, c10a).intoArray(c, cOff + 10 * ldc);
            FloatVector.fromArray(SP, c, cOff + 10 * ldc + VL).fma(bv, c10b).intoArray(c, cOff + 10 * ldc + VL);
            FloatVector.fromArray(SP, c, cOff + 11 * ldc).fma(bv, c11a).intoArray(c, cOff + 11 * ldc);
            FloatVector.fromArray(SP, c, cOff + 11 * ldc + VL).fma(bv, c11b).intoArray(c, cOff + 11 * ldc + VL);
        }
    }

    /**
     * One 12 x 2*VL tile with A read in place: row r, k step p is {@code a[aOff + p*aStep + r*aRow]}
     * ((1, lda) for A untransposed, (lda, 1) transposed). Thin products (few columns of C) cannot
     * amortise packing A, which costs as much as their multiply. The tile is written to
     * {@code out} (12 rows of 2*VL floats) for the caller to merge into C: a separate kernel, not
     * a stride parameter on {@link #tile12}, because the generality slows the packed path ~10%.
     */
    static void tile12Direct(int kc, float[] a, int aOff, int aStep, int aRow, float[] bp, int bOff, float[] out) {
        int o1 = 1 * aRow, o2 = 2 * aRow, o3 = 3 * aRow, o4 = 4 * aRow, o5 = 5 * aRow;
        int o6 = 6 * aRow, o7 = 7 * aRow, o8 = 8 * aRow, o9 = 9 * aRow, o10 = 10 * aRow, o11 = 11 * aRow;
        FloatVector c0a = FloatVector.zero(SP), c0b = FloatVector.zero(SP);
        FloatVector c1a = FloatVector.zero(SP), c1b = FloatVector.zero(SP);
        FloatVector c2a = FloatVector.zero(SP), c2b = FloatVector.zero(SP);
        FloatVector c3a = FloatVector.zero(SP), c3b = FloatVector.zero(SP);
        FloatVector c4a = FloatVector.zero(SP), c4b = FloatVector.zero(SP);
        FloatVector c5a = FloatVector.zero(SP), c5b = FloatVector.zero(SP);
        FloatVector c6a = FloatVector.zero(SP), c6b = FloatVector.zero(SP);
        FloatVector c7a = FloatVector.zero(SP), c7b = FloatVector.zero(SP);
        FloatVector c8a = FloatVector.zero(SP), c8b = FloatVector.zero(SP);
        FloatVector c9a = FloatVector.zero(SP), c9b = FloatVector.zero(SP);
        FloatVector c10a = FloatVector.zero(SP), c10b = FloatVector.zero(SP);
        FloatVector c11a = FloatVector.zero(SP), c11b = FloatVector.zero(SP);
        for (int p = 0, ai = aOff, bi = bOff; p < kc; p++, ai += aStep, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(SP, bp, bi);
            FloatVector b1 = FloatVector.fromArray(SP, bp, bi + VL);
            FloatVector a0 = FloatVector.broadcast(SP, a[ai]);
            c0a = a0.fma(b0, c0a);
            c0b = a0.fma(b1, c0b);
            FloatVector a1 = FloatVector.broadcast(SP, a[ai + o1]);
            c1a = a1.fma(b0, c1a);
            c1b = a1.fma(b1, c1b);
            FloatVector a2 = FloatVector.broadcast(SP, a[ai + o2]);
            c2a = a2.fma(b0, c2a);
            c2b = a2.fma(b1, c2b);
            FloatVector a3 = FloatVector.broadcast(SP, a[ai + o3]);
            c3a = a3.fma(b0, c3a);
            c3b = a3.fma(b1, c3b);
            FloatVector a4 = FloatVector.broadcast(SP, a[ai + o4]);
            c4a = a4.fma(b0, c4a);
            c4b = a4.fma(b1, c4b);
            FloatVector a5 = FloatVector.broadcast(SP, a[ai + o5]);
            c5a = a5.fma(b0, c5a);
            c5b = a5.fma(b1, c5b);
            FloatVector a6 = FloatVector.broadcast(SP, a[ai + o6]);
            c6a = a6.fma(b0, c6a);
            c6b = a6.fma(b1, c6b);
            FloatVector a7 = FloatVector.broadcast(SP, a[ai + o7]);
            c7a = a7.fma(b0, c7a);
            c7b = a7.fma(b1, c7b);
            FloatVector a8 = FloatVector.broadcast(SP, a[ai + o8]);
            c8a = a8.fma(b0, c8a);
            c8b = a8.fma(b1, c8b);
            FloatVector a9 = FloatVector.broadcast(SP, a[ai + o9]);
            c9a = a9.fma(b0, c9a);
            c9b = a9.fma(b1, c9b);
            FloatVector a10 = FloatVector.broadcast(SP, a[ai + o10]);
            c10a = a10.fma(b0, c10a);
            c10b = a10.fma(b1, c10b);
            FloatVector a11 = FloatVector.broadcast(SP, a[ai + o11]);
            c11a = a11.fma(b0, c11a);
            c11b = a11.fma(b1, c11b);
        }
        c0a.intoArray(out, 0 * NR);
        c0b.intoArray(out, 0 * NR + VL);
        c1a.intoArray(out, 1 * NR);
        c1b.intoArray(out, 1 * NR + VL);
        c2a.intoArray(out, 2 * NR);
        c2b.intoArray(out, 2 * NR + VL);
        c3a.intoArray(out, 3 * NR);
        c3b.intoArray(out, 3 * NR + VL);
        c4a.intoArray(out, 4 * NR);
        c4b.intoArray(out, 4 * NR + VL);
        c5a.intoArray(out, 5 * NR);
        c5b.intoArray(out, 5 * NR + VL);
        c6a.intoArray(out, 6 * NR);
        c6b.intoArray(out, 6 * NR + VL);
        c7a.intoArray(out, 7 * NR);
        c7b.intoArray(out, 7 * NR + VL);
        c8a.intoArray(out, 8 * NR);
        c8b.intoArray(out, 8 * NR + VL);
        c9a.intoArray(out, 9 * NR);
        c9b.intoArray(out, 9 * NR + VL);
        c10a.intoArray(out, 10 * NR);
        c10b.intoArray(out, 10 * NR + VL);
        c11a.intoArray(out, 11 * NR);
        c11b.intoArray(out, 11 * NR + VL);
    }

    /**
     * One 8 x 2*VL tile of C from packed panels: {@code ap} holds 8 rows per k step,
     * {@code bp} 2*VL columns per k step. beta: 0 overwrites C, 1 adds to it, else scales it.
     * Accumulators live in registers; the body is one method with no vector parameters so
     * C2 never has to box a vector across a call.
     */
    static void tile8(int kc, float[] ap, int aOff, float[] bp, int bOff,
                        float[] c, int cOff, int ldc, float beta) {
        FloatVector c0a = FloatVector.zero(SP), c0b = FloatVector.zero(SP);
        FloatVector c1a = FloatVector.zero(SP), c1b = FloatVector.zero(SP);
        FloatVector c2a = FloatVector.zero(SP), c2b = FloatVector.zero(SP);
        FloatVector c3a = FloatVector.zero(SP), c3b = FloatVector.zero(SP);
        FloatVector c4a = FloatVector.zero(SP), c4b = FloatVector.zero(SP);
        FloatVector c5a = FloatVector.zero(SP), c5b = FloatVector.zero(SP);
        FloatVector c6a = FloatVector.zero(SP), c6b = FloatVector.zero(SP);
        FloatVector c7a = FloatVector.zero(SP), c7b = FloatVector.zero(SP);
        for (int p = 0; p < kc; p++) {
            int ai = aOff + p * 8;
            int bi = bOff + p * NR;
            FloatVector b0 = FloatVector.fromArray(SP, bp, bi);
            FloatVector b1 = FloatVector.fromArray(SP, bp, bi + VL);
            FloatVector a0 = FloatVector.broadcast(SP, ap[ai + 0]);
            c0a = a0.fma(b0, c0a);
            c0b = a0.fma(b1, c0b);
            FloatVector a1 = FloatVector.broadcast(SP, ap[ai + 1]);
            c1a = a1.fma(b0, c1a);
            c1b = a1.fma(b1, c1b);
            FloatVector a2 = FloatVector.broadcast(SP, ap[ai + 2]);
            c2a = a2.fma(b0, c2a);
            c2b = a2.fma(b1, c2b);
            FloatVector a3 = FloatVector.broadcast(SP, ap[ai + 3]);
            c3a = a3.fma(b0, c3a);
            c3b = a3.fma(b1, c3b);
            FloatVector a4 = FloatVector.broadcast(SP, ap[ai + 4]);
            c4a = a4.fma(b0, c4a);
            c4b = a4.fma(b1, c4b);
            FloatVector a5 = FloatVector.broadcast(SP, ap[ai + 5]);
            c5a = a5.fma(b0, c5a);
            c5b = a5.fma(b1, c5b);
            FloatVector a6 = FloatVector.broadcast(SP, ap[ai + 6]);
            c6a = a6.fma(b0, c6a);
            c6b = a6.fma(b1, c6b);
            FloatVector a7 = FloatVector.broadcast(SP, ap[ai + 7]);
            c7a = a7.fma(b0, c7a);
            c7b = a7.fma(b1, c7b);
        }
        if (beta == 0f) {
            c0a.intoArray(c, cOff + 0 * ldc);
            c0b.intoArray(c, cOff + 0 * ldc + VL);
            c1a.intoArray(c, cOff + 1 * ldc);
            c1b.intoArray(c, cOff + 1 * ldc + VL);
            c2a.intoArray(c, cOff + 2 * ldc);
            c2b.intoArray(c, cOff + 2 * ldc + VL);
            c3a.intoArray(c, cOff + 3 * ldc);
            c3b.intoArray(c, cOff + 3 * ldc + VL);
            c4a.intoArray(c, cOff + 4 * ldc);
            c4b.intoArray(c, cOff + 4 * ldc + VL);
            c5a.intoArray(c, cOff + 5 * ldc);
            c5b.intoArray(c, cOff + 5 * ldc + VL);
            c6a.intoArray(c, cOff + 6 * ldc);
            c6b.intoArray(c, cOff + 6 * ldc + VL);
            c7a.intoArray(c, cOff + 7 * ldc);
            c7b.intoArray(c, cOff + 7 * ldc + VL);
        } else if (beta == 1f) {
            c0a.add(FloatVector.fromArray(SP, c, cOff + 0 * ldc)).intoArray(c, cOff + 0 * ldc);
            c0b.add(FloatVector.fromArray(SP, c, cOff + 0 * ldc + VL)).intoArray(c, cOff + 0 * ldc + VL);
            c1a.add(FloatVector.fromArray(SP, c, cOff + 1 * ldc)).intoArray(c, cOff + 1 * ldc);
            c1b.add(FloatVector.fromArray(SP, c, cOff + 1 * ldc + VL)).intoArray(c, cOff + 1 * ldc + VL);
            c2a.add(FloatVector.fromArray(SP, c, cOff + 2 * ldc)).intoArray(c, cOff + 2 * ldc);
            c2b.add(FloatVector.fromArray(SP, c, cOff + 2 * ldc + VL)).intoArray(c, cOff + 2 * ldc + VL);
            c3a.add(FloatVector.fromArray(SP, c, cOff + 3 * ldc)).intoArray(c, cOff + 3 * ldc);
            c3b.add(FloatVector.fromArray(SP, c, cOff + 3 * ldc + VL)).intoArray(c, cOff + 3 * ldc + VL);
            c4a.add(FloatVector.fromArray(SP, c, cOff + 4 * ldc)).intoArray(c, cOff + 4 * ldc);
            c4b.add(FloatVector.fromArray(SP, c, cOff + 4 * ldc + VL)).intoArray(c, cOff + 4 * ldc + VL);
            c5a.add(FloatVector.fromArray(SP, c, cOff + 5 * ldc)).intoArray(c, cOff + 5 * ldc);
            c5b.add(FloatVector.fromArray(SP, c, cOff + 5 * ldc + VL)).intoArray(c, cOff + 5 * ldc + VL);
            c6a.add(FloatVector.fromArray(SP, c, cOff + 6 * ldc)).intoArray(c, cOff + 6 * ldc);
            c6b.add(FloatVector.fromArray(SP, c, cOff + 6 * ldc + VL)).intoArray(c, cOff + 6 * ldc + VL);
            c7a.add(FloatVector.fromArray(SP, c, cOff + 7 * ldc)).intoArray(c, cOff + 7 * ldc);
            c7b.add(FloatVector.fromArray(SP, c, cOff + 7 * ldc + VL)).intoArray(c, cOff + 7 * ldc + VL);
        } else {
            FloatVector bv = FloatVector.broadcast(SP, beta);
            FloatVector.fromArray(SP, c, cOff + 0 * ldc).fma(bv, c0a).intoArray(c, cOff + 0 * ldc);
            FloatVector.fromArray(SP, c, cOff + 0 * ldc + VL).fma(bv, c0b).intoArray(c, cOff + 0 * ldc + VL);
            FloatVector.fromArray(SP, c, cOff + 1 * ldc).fma(bv, c1a).intoArray(c, cOff + 1 * ldc);
            FloatVector.fromArray(SP, c, cOff + 1 * ldc + VL).fma(bv, c1b).intoArray(c, cOff + 1 * ldc + VL);
            FloatVector.fromArray(SP, c, cOff + 2 * ldc).fma(bv, c2a).intoArray(c, cOff + 2 * ldc);
            FloatVector.fromArray(SP, c, cOff + 2 * ldc + VL).fma(bv, c2b).intoArray(c, cOff + 2 * ldc + VL);
            FloatVector.fromArray(SP, c, cOff + 3 * ldc).fma(bv, c3a).intoArray(c, cOff + 3 * ldc);
            FloatVector.fromArray(SP, c, cOff + 3 * ldc + VL).fma(bv, c3b).intoArray(c, cOff + 3 * ldc + VL);
            FloatVector.fromArray(SP, c, cOff + 4 * ldc).fma(bv, c4a).intoArray(c, cOff + 4 * ldc);
            FloatVector.fromArray(SP, c, cOff + 4 * ldc + VL).fma(bv, c4b).intoArray(c, cOff + 4 * ldc + VL);
            FloatVector.fromArray(SP, c, cOff + 5 * ldc).fma(bv, c5a).intoArray(c, cOff + 5 * ldc);
            FloatVector.fromArray(SP, c, cOff + 5 * ldc + VL).fma(bv, c5b).intoArray(c, cOff + 5 * ldc + VL);
            FloatVector.fromArray(SP, c, cOff + 6 * ldc).fma(bv, c6a).intoArray(c, cOff + 6 * ldc);
            FloatVector.fromArray(SP, c, cOff + 6 * ldc + VL).fma(bv, c6b).intoArray(c, cOff + 6 * ldc + VL);
            FloatVector.fromArray(SP, c, cOff + 7 * ldc).fma(bv, c7a).intoArray(c, cOff + 7 * ldc);
            FloatVector.fromArray(SP, c, cOff + 7 * ldc + VL).fma(bv, c7b).intoArray(c, cOff + 7 * ldc + VL);
        }
    }
}
