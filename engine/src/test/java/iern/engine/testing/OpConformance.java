package iern.engine.testing;

import static iern.engine.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import iern.engine.Backend;
import iern.engine.ConvShape;
import iern.engine.KernelOp;
import iern.engine.PoolShape;
import iern.engine.Seed;
import iern.engine.Storage;
import iern.engine.Tensor;
import iern.engine.ops.Attention;
import iern.engine.ops.BatchNorm;
import iern.engine.ops.Convolution;
import iern.engine.ops.Intervention;
import iern.engine.ops.OptimizerSteps;
import iern.engine.ops.Pooling;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One test body for the {@link KernelOp} ops on every backend: each op's kernels against its
 * oracle on odd shapes, its argument contract, and a toy op defined only here (a CPU kernel
 * and nothing else) that must run, with correct gradients, on any backend: on a device
 * backend through the host fallback, with no change to {@link Backend}. A backend test
 * extends this class and returns its backend.
 */
public abstract class OpConformance extends BackendTestBase {



    // ---------------------------------------------------------------- attention

    @Test
    void attentionForwardAndBackwardWithMasks() {
        int[][] cases = {{1, 1, 1, 1, 1}, {2, 3, 5, 4, 3}, {3, 7, 13, 8, 5}, {1, 13, 7, 3, 1}};  // b, lq, lk, d, dv
        Backend be = backend();
        for (int[] cs : cases) {
            int b = cs[0], lq = cs[1], lk = cs[2], d = cs[3], dv = cs[4];
            float scale = (float) (1 / Math.sqrt(d));
            float[] q = values(1, b * lq * d, -1, 1), k = values(2, b * lk * d, -1, 1), v = values(3, b * lk * dv, -1, 1);
            float[] dOut = values(4, b * lq * dv, -1, 1);
            for (int maskKind = 0; maskKind < 3; maskKind++) {
                float[] mask = maskKind == 0 ? null : values(5, (maskKind == 1 ? 1 : b) * lq * lk, -2, 0);
                if (mask != null && lk > 1) {
                    for (int i = 0; i < mask.length; i += 3) {
                        mask[i] = -1e9f;       // hidden keys
                    }
                    for (int i = 0; i < mask.length; i += lk) {
                        mask[i] = 0f;          // but never a whole row
                    }
                }
                long maskStride = maskKind == 2 ? (long) lq * lk : 0;
                Storage qs = put(q), ks = put(k), vs = put(v);
                Storage ps = zeros(b * lq * lk), os = zeros(b * lq * dv);
                Attention.forward(be, b, lq, lk, d, dv, scale, qs, ks, vs, mask == null ? null : put(mask),
                        maskStride, ps, os);
                float[] p = new float[b * lq * lk], o = new float[b * lq * dv];
                Attention.oracleForward(b, lq, lk, d, dv, scale, q, k, v, mask, maskStride, p, o);
                String what = "attention " + java.util.Arrays.toString(cs) + " mask=" + maskKind;
                assertClose(what + " probs", p, get(ps), 1e-6, 1e-5);
                assertClose(what + " out", o, get(os), 1e-5, 1e-4);
                Storage dqs = put(values(6, b * lq * d, -1, 1)), dks = put(values(7, b * lk * d, -1, 1));
                Storage dvs = put(values(8, b * lk * dv, -1, 1));
                Attention.backward(be, b, lq, lk, d, dv, scale, qs, ks, vs, ps, put(dOut), dqs, dks, dvs);
                float[] dq = new float[b * lq * d], dk = new float[b * lk * d], dvv = new float[b * lk * dv];
                Attention.oracleBackward(b, lq, lk, d, dv, scale, q, k, v, get(ps), dOut, dq, dk, dvv);
                assertClose(what + " dq", dq, get(dqs), 1e-5, 1e-4);
                assertClose(what + " dk", dk, get(dks), 1e-5, 1e-4);
                assertClose(what + " dv", dvv, get(dvs), 1e-5, 1e-4);
                Storage dqOnly = zeros(b * lq * d);
                Attention.backward(be, b, lq, lk, d, dv, scale, qs, ks, vs, ps, put(dOut), dqOnly, null, null);
                assertClose(what + " dq alone", dq, get(dqOnly), 1e-5, 1e-4);
            }
        }
    }

    @Test
    void attentionArgumentsAreRefusedNamingOpArgumentAndBound() {
        assertRefused("attentionForward mask: range [0, 12) is outside the storage of 6 floats", () ->
                Attention.forward(backend(), 2, 2, 3, 1, 1, 1f, zeros(4), zeros(6), zeros(6), zeros(6), 6, zeros(12),
                        zeros(4)));
    }

    // ---------------------------------------------------------------- intervention

    @Test
    void interventionWithSharedAndPerItemStrataAndWeights() {
        int[][] cases = {{1, 1, 1}, {3, 3, 7}, {7, 5, 13}, {2, 3, 1031}};   // n, k, d
        Backend be = backend();
        for (int[] cs : cases) {
            int n = cs[0], k = cs[1], d = cs[2];
            for (int kind = 0; kind < 4; kind++) {
                boolean sharedW = (kind & 1) != 0, sharedZ = (kind & 2) != 0;
                long ws = sharedW ? 0 : k, zs = sharedZ ? 0 : (long) k * d;
                float[] w = values(1, sharedW ? k : n * k, 0, 1);
                float[] z = values(2, sharedZ ? k * d : n * k * d, -1, 1);
                float[] dOut = values(3, n * d, -1, 1);
                Storage wS = put(w), zS = put(z);
                Storage os = put(values(4, n * d, -1, 1));
                Intervention.forward(be, n, k, d, wS, ws, zS, zs, os);
                float[] o = new float[n * d];
                Intervention.oracleForward(n, k, d, w, ws, z, zs, o);
                String what = "intervention " + java.util.Arrays.toString(cs) + " sharedW=" + sharedW + " sharedZ=" + sharedZ;
                assertClose(what + " out", o, get(os), 1e-5, 1e-4);
                Storage dws = put(values(5, w.length, -1, 1)), dzs = put(values(6, z.length, -1, 1));
                Intervention.backward(be, n, k, d, wS, ws, zS, zs, put(dOut), dws, dzs);
                float[] dw = new float[w.length], dz = new float[z.length];
                Intervention.oracleBackward(n, k, d, w, ws, z, zs, dOut, dw, dz);
                assertClose(what + " dw", dw, get(dws), 1e-4, 1e-4);
                assertClose(what + " dz", dz, get(dzs), 1e-5, 1e-4);
                Storage dzOnly = zeros(z.length);
                Intervention.backward(be, n, k, d, wS, ws, zS, zs, put(dOut), null, dzOnly);
                assertClose(what + " dz alone", dz, get(dzOnly), 1e-5, 1e-4);
            }
        }
    }

    @Test
    void interventionArgumentsAreRefusedNamingOpArgumentAndBound() {
        assertRefused("interventionBackward dz: range [0, 12) is outside the storage of 6 floats", () ->
                Intervention.backward(backend(), 2, 3, 2, zeros(6), 3, zeros(12), 6, zeros(4), null, zeros(6)));
    }

    // ---------------------------------------------------------------- convolution

    private static final ConvShape[] CONVS = {
        ConvShape.of(1, 1, 1, 1, 1, 1, 1, 0),
        ConvShape.of(2, 3, 7, 5, 4, 3, 1, 1),
        ConvShape.of(3, 2, 7, 7, 5, 4, 2, 1),
        new ConvShape(1, 3, 13, 9, 2, 3, 2, 2, 1, 1, 0, 2, 2),
        ConvShape.of(2, 5, 3, 3, 3, 3, 1, 0),
    };

    @Test
    void conv2dForwardAndBackwardMatchOracle() {
        for (ConvShape s : CONVS) {
            int xn = s.n() * s.cIn() * s.h() * s.w();
            int wn = s.cOut() * s.cIn() * s.kh() * s.kw();
            int yn = s.n() * s.cOut() * s.outH() * s.outW();
            float[] x = values(xn, xn, -1, 1), w = values(wn, wn, -1, 1), bias = values(3, s.cOut(), -1, 1);
            float[] dy = values(yn, yn, -1, 1);
            for (boolean withBias : new boolean[] {true, false}) {
                Storage ys = zeros(yn);
                Convolution.forward(backend(), s, put(x), put(w), withBias ? put(bias) : null, ys);
                float[] y = new float[yn];
                Convolution.oracleForward(s, x, w, withBias ? bias : null, y);
                assertClose("conv2d forward " + s + " bias=" + withBias, y, get(ys), 1e-4, 1e-4);
            }
            Storage dxs = put(values(1, xn, -1, 1));        // garbage: must be overwritten
            Convolution.backwardData(backend(), s, put(dy), put(w), dxs);
            float[] dx = new float[xn];
            Convolution.oracleBackwardData(s, dy, w, dx);
            assertClose("conv2d backward data " + s, dx, get(dxs), 1e-4, 1e-4);
            Storage dws = put(values(2, wn, -1, 1));
            Storage dbs = put(values(3, s.cOut(), -1, 1));
            Convolution.backwardWeight(backend(), s, put(x), put(dy), dws, dbs);
            float[] dw = new float[wn], db = new float[s.cOut()];
            Convolution.oracleBackwardWeight(s, x, dy, dw, db);
            assertClose("conv2d backward weight " + s, dw, get(dws), 1e-4, 1e-4);
            assertClose("conv2d backward bias " + s, db, get(dbs), 1e-4, 1e-4);
            Storage dws2 = zeros(wn);
            Convolution.backwardWeight(backend(), s, put(x), put(dy), dws2, null);
            assertClose("conv2d backward weight without bias " + s, dw, get(dws2), 1e-4, 1e-4);
        }
    }

    @Test
    void convolutionArgumentsAreRefusedNamingOpArgumentAndBound() {
        Backend be = backend();
        Storage s13 = zeros(13);
        String of13 = " is outside the storage of 13 floats";
        ConvShape conv = ConvShape.of(1, 1, 4, 4, 2, 3, 1, 1);
        assertRefused("conv2dForward y: range [0, 32)" + of13, () ->
                Convolution.forward(be, conv, zeros(16), zeros(18), null, s13));
        assertRefused("conv2dBackwardWeight dBias: range [0, 2) is outside the storage of 1 floats", () ->
                Convolution.backwardWeight(be, conv, zeros(16), zeros(32), zeros(18), zeros(1)));
        // Refused before any work: nothing was written.
        assertArrayEquals(new float[13], get(s13));
    }

    // ---------------------------------------------------------------- pooling

    private static final PoolShape[] POOLS = {
        PoolShape.of(1, 1, 1, 1, 1, 1, 0),
        PoolShape.of(2, 3, 7, 7, 3, 2, 1),
        PoolShape.of(1, 2, 13, 5, 2, 2, 0),
        new PoolShape(3, 1, 5, 7, 3, 2, 1, 2, 1, 1),
        PoolShape.of(1, 1, 4, 4, 3, 3, 1),
        PoolShape.of(1, 2, 9, 71, 3, 2, 1),         // rows wide enough for vector blocks and a tail
        PoolShape.of(2, 1, 5, 40, 3, 1, 1),
        new PoolShape(1, 1, 6, 37, 2, 3, 2, 2, 0, 1),
    };

    @Test
    void maxPoolForwardAndBackwardMatchOracle() {
        for (PoolShape s : POOLS) {
            int xn = s.n() * s.c() * s.h() * s.w(), yn = s.n() * s.c() * s.outH() * s.outW();
            float[] x = values(xn, xn, -1, 1);
            for (int i = 0; i < xn; i += 4) {
                x[i] = 0.5f;                  // ties inside windows: first index must win
            }
            Storage ys = zeros(yn), as = zeros(yn);
            Pooling.maxForward(backend(), s, put(x), ys, as);
            float[] y = new float[yn], arg = new float[yn];
            Pooling.oracleMaxForward(s, x, y, arg);
            assertClose("maxPool forward " + s, y, get(ys), 0, 0);
            assertClose("maxPool argmax " + s, arg, get(as), 0, 0);
            float[] dy = values(yn + 1L, yn, -1, 1);
            Storage dxs = put(values(5, xn, -1, 1));
            Pooling.maxBackward(backend(), s, put(dy), as, dxs);
            float[] dx = new float[xn];
            Pooling.oracleMaxBackward(s, dy, arg, dx);
            assertClose("maxPool backward " + s, dx, get(dxs), 1e-6, 1e-5);
        }
    }

    @Test
    void avgPoolForwardAndBackwardMatchOracle() {
        for (PoolShape s : POOLS) {
            for (boolean countPad : new boolean[] {true, false}) {
                int xn = s.n() * s.c() * s.h() * s.w(), yn = s.n() * s.c() * s.outH() * s.outW();
                float[] x = values(xn + 7L, xn, -1, 1);
                Storage ys = zeros(yn);
                Pooling.avgForward(backend(), s, put(x), ys, countPad);
                float[] y = new float[yn];
                Pooling.oracleAvgForward(s, x, y, countPad);
                assertClose("avgPool forward " + s + " countPad=" + countPad, y, get(ys), 1e-6, 1e-5);
                float[] dy = values(yn + 3L, yn, -1, 1);
                Storage dxs = put(values(6, xn, -1, 1));
                Pooling.avgBackward(backend(), s, put(dy), dxs, countPad);
                float[] dx = new float[xn];
                Pooling.oracleAvgBackward(s, dy, dx, countPad);
                assertClose("avgPool backward " + s + " countPad=" + countPad, dx, get(dxs), 1e-6, 1e-5);
            }
        }
    }

    @Test
    void adaptiveAvgPoolMatchesOracle() {
        int[][] cases = {{3, 7, 7, 1, 1}, {2, 7, 5, 3, 2}, {1, 5, 13, 5, 13}, {2, 3, 3, 5, 4}, {1, 1, 1, 1, 1}};
        for (int[] c : cases) {
            int nc = c[0], h = c[1], w = c[2], oh = c[3], ow = c[4];
            float[] x = values(nc * h * w, nc * h * w, -1, 1);
            Storage ys = zeros(nc * oh * ow);
            Pooling.adaptiveForward(backend(), nc, h, w, oh, ow, put(x), ys);
            float[] y = new float[nc * oh * ow];
            Pooling.oracleAdaptiveForward(nc, h, w, oh, ow, x, y);
            assertClose("adaptiveAvgPool forward " + java.util.Arrays.toString(c), y, get(ys), 1e-6, 1e-5);
            float[] dy = values(7, nc * oh * ow, -1, 1);
            Storage dxs = put(values(8, nc * h * w, -1, 1));
            Pooling.adaptiveBackward(backend(), nc, h, w, oh, ow, put(dy), dxs);
            float[] dx = new float[nc * h * w];
            Pooling.oracleAdaptiveBackward(nc, h, w, oh, ow, dy, dx);
            assertClose("adaptiveAvgPool backward " + java.util.Arrays.toString(c), dx, get(dxs), 1e-6, 1e-5);
        }
    }

    @Test
    void poolingArgumentsAreRefusedNamingOpArgumentAndBound() {
        Backend be = backend();
        Storage s13 = zeros(13);
        String of13 = " is outside the storage of 13 floats";
        PoolShape pool = PoolShape.of(1, 1, 4, 4, 2, 2, 0);
        assertRefused("maxPool2dForward argmax: range [0, 4) is outside the storage of 3 floats", () ->
                Pooling.maxForward(be, pool, zeros(16), zeros(4), zeros(3)));
        assertRefused("avgPool2dBackward dx: range [0, 16)" + of13, () ->
                Pooling.avgBackward(be, pool, zeros(4), s13, true));
        assertRefused("adaptiveAvgPool2dBackward dx: range [0, 16)" + of13, () ->
                Pooling.adaptiveBackward(be, 1, 4, 4, 2, 2, zeros(4), s13));
        // Refused before any work: nothing was written.
        assertArrayEquals(new float[13], get(s13));
        assertRefused("adaptiveAvgPool2dForward oh: 0 is below the minimum 1", () ->
                Pooling.adaptiveForward(be, 1, 3, 3, 0, 1, s13, s13));
    }

    // ---------------------------------------------------------------- batch norm

    @Test
    void batchNormTrainingWithGroupsMatchesOracle() {
        int[][] cases = {{1, 2, 3, 5}, {3, 2, 3, 7}, {1, 7, 1, 1}, {2, 1, 13, 9}};   // groups, n, c, hw
        for (int[] cs : cases) {
            int groups = cs[0], n = cs[1], c = cs[2], hw = cs[3];
            int total = groups * n * c * hw;
            float[] x = values(total, total, -2, 3);
            float[] gamma = values(c, c, 0.5f, 1.5f), beta = values(c + 1L, c, -1, 1);
            for (boolean affine : new boolean[] {true, false}) {
                Storage xs = put(x);
                Storage gs = affine ? put(gamma) : null, bs = affine ? put(beta) : null;
                Storage ys = zeros(total), ms = zeros(groups * c), vs = zeros(groups * c);
                BatchNorm.trainForward(backend(), groups, n, c, hw, 1e-5f, xs, gs, bs, ys, ms, vs);
                float[] y = new float[total], mean = new float[groups * c], var = new float[groups * c];
                BatchNorm.oracleTrainForward(groups, n, c, hw, 1e-5f, x, affine ? gamma : null, affine ? beta : null,
                        y, mean, var);
                String what = "batchNorm " + java.util.Arrays.toString(cs) + " affine=" + affine;
                assertClose(what + " mean", mean, get(ms), 1e-6, 1e-5);
                assertClose(what + " var", var, get(vs), 1e-6, 1e-5);
                assertClose(what + " y", y, get(ys), 1e-5, 1e-4);
                float[] dy = values(total + 9L, total, -1, 1);
                Storage dxs = put(values(1, total, -1, 1));
                Storage dgs = affine ? zeros(c) : null, dbs = affine ? zeros(c) : null;
                BatchNorm.trainBackward(backend(), groups, n, c, hw, 1e-5f, xs, gs, ms, vs, put(dy), dxs, dgs, dbs);
                float[] dx = new float[total], dg = new float[c], db = new float[c];
                BatchNorm.oracleTrainBackward(groups, n, c, hw, 1e-5f, x, affine ? gamma : null, mean, var, dy, dx,
                        dg, db);
                assertClose(what + " dx", dx, get(dxs), 1e-4, 1e-3);
                if (affine) {
                    assertClose(what + " dGamma", dg, get(dgs), 1e-4, 1e-4);
                    assertClose(what + " dBeta", db, get(dbs), 1e-4, 1e-4);
                }
            }
        }
    }

    @Test
    void batchNormEvalMatchesOracle() {
        int n = 3, c = 5, hw = 7;
        float[] x = values(1, n * c * hw, -2, 2), gamma = values(2, c, 0.5f, 1.5f), beta = values(3, c, -1, 1);
        float[] mean = values(4, c, -0.5f, 0.5f), var = values(5, c, 0.2f, 2f);
        Storage ys = zeros(n * c * hw);
        BatchNorm.evalForward(backend(), n, c, hw, 1e-3f, put(x), put(gamma), put(beta), put(mean), put(var), ys);
        float[] y = new float[n * c * hw];
        BatchNorm.oracleEvalForward(n, c, hw, 1e-3f, x, gamma, beta, mean, var, y);
        assertClose("batchNorm eval", y, get(ys), 1e-5, 1e-4);
        Storage ys2 = zeros(n * c * hw);
        BatchNorm.evalForward(backend(), n, c, hw, 1e-3f, put(x), null, null, put(mean), put(var), ys2);
        BatchNorm.oracleEvalForward(n, c, hw, 1e-3f, x, null, null, mean, var, y);
        assertClose("batchNorm eval no affine", y, get(ys2), 1e-5, 1e-4);
    }

    @Test
    void batchNormArgumentsAreRefusedNamingOpArgumentAndBound() {
        Backend be = backend();
        Storage s13 = zeros(13), s8 = zeros(8);
        assertRefused("batchNormTrainForward mean: range [0, 8) is outside the storage of 4 floats", () ->
                BatchNorm.trainForward(be, 2, 1, 4, 1, 1e-5f, s8, null, null, zeros(8), zeros(4), zeros(8)));
        // Refused before any work: nothing was written.
        assertArrayEquals(new float[8], get(s8));
        assertRefused("batchNormEvalForward beta: storage is null while gamma is given (both or neither)", () ->
                BatchNorm.evalForward(be, 1, 1, 13, 1e-5f, s13, zeros(1), null, zeros(1), zeros(1), s13));
    }

    // ---------------------------------------------------------------- optimiser steps

    @Test
    void adamStepsMatchOracle() {
        for (int n : new int[] {1, 13, 4099}) {
            float[] p = values(1, n, -1, 1), m = new float[n], v = new float[n];
            Storage ps = put(p), ms = put(m), vs = put(v);
            for (int step = 1; step <= 3; step++) {
                float[] g = values(10L + step, n, -1, 1);
                Storage gs = put(g);
                OptimizerSteps.adam(backend(), ps, gs, ms, vs, n, 2e-3f, 0.5f, 0.999f, 1e-8f, step == 2 ? 0.01f : 0f,
                        step == 3 ? 0.5f : 1f, step);
                OptimizerSteps.oracleAdam(p, g, m, v, n, 2e-3f, 0.5f, 0.999f, 1e-8f, step == 2 ? 0.01f : 0f,
                        step == 3 ? 0.5f : 1f, step);
                assertClose("adam p n=" + n + " step " + step, p, get(ps), 1e-6, 1e-5);
                assertClose("adam m n=" + n + " step " + step, m, get(ms), 1e-7, 1e-5);
                assertClose("adam v n=" + n + " step " + step, v, get(vs), 1e-8, 1e-5);
            }
        }
    }

    @Test
    void sgdStepsMatchOracle() {
        for (int mode = 0; mode < 3; mode++) {
            int n = 13;
            float[] p = values(1, n, -1, 1), buf = new float[n];
            Storage ps = put(p), bs = mode == 0 ? null : put(buf);
            for (int step = 1; step <= 3; step++) {
                float[] g = values(20L + step, n, -1, 1);
                OptimizerSteps.sgd(backend(), ps, put(g), bs, n, 0.1f, mode == 0 ? 0f : 0.9f, 1e-3f, 2f, mode == 2);
                OptimizerSteps.oracleSgd(p, g, mode == 0 ? null : buf, n, 0.1f, mode == 0 ? 0f : 0.9f, 1e-3f, 2f, mode == 2);
                assertClose("sgd mode " + mode + " step " + step, p, get(ps), 1e-6, 1e-5);
            }
        }
    }

    @Test
    void optimizerStepArgumentsAreRefusedNamingOpArgumentAndBound() {
        Backend be = backend();
        Storage s13 = zeros(13), s8 = zeros(8);
        String of8 = " is outside the storage of 8 floats";
        assertRefused("adamStep v: range [0, 13)" + of8, () ->
                OptimizerSteps.adam(be, s13, s13, zeros(13), s8, 13, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, 1f, 1));
        assertRefused("sgdStep momentumBuf: range [0, 13)" + of8, () ->
                OptimizerSteps.sgd(be, s13, s13, s8, 13, 0.1f, 0.9f, 0f, 1f, false));
        assertRefused("adamStep step: 0 is below the minimum 1", () ->
                OptimizerSteps.adam(be, s13, s13, s13, s13, 13, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, 1f, 0));
        // Refused before any work: nothing was written.
        assertArrayEquals(new float[13], get(s13));
        assertArrayEquals(new float[8], get(s8));
    }

    // ---------------------------------------------------------------- a new op needs no backend change

    /** Toy op {@code y = a x^3} on n floats: its parameters. */
    private record Cube(long n, float a) {}

    /** Forward: inputs x, output y. A CPU kernel only. */
    private static final KernelOp<Cube> CUBE = new KernelOp<>("toyCube", 1, "x", "y") {
        @Override
        protected void check(Cube p, Storage[] io) {
            iern.engine.BackendArgs.atLeast(name(), "n", p.n(), 0);
            iern.engine.BackendArgs.range(name(), "x", io[0], 0, p.n());
            iern.engine.BackendArgs.range(name(), "y", io[1], 0, p.n());
        }

        @Override
        protected long extent(Cube p, int arg) {
            return p.n();
        }

        @Override
        protected void cpu(Cube p, float[][] io) {
            for (int i = 0; i < p.n(); i++) {
                float x = io[0][i];
                io[1][i] = p.a() * x * x * x;
            }
        }
    };

    /** Backward: inputs x, dy, output dx = 3 a x^2 dy. A CPU kernel only. */
    private static final KernelOp<Cube> CUBE_BACKWARD = new KernelOp<>("toyCubeBackward", 2, "x", "dy", "dx") {
        @Override
        protected void check(Cube p, Storage[] io) {
            for (int i = 0; i < 3; i++) {
                iern.engine.BackendArgs.range(name(), i == 0 ? "x" : i == 1 ? "dy" : "dx", io[i], 0, p.n());
            }
        }

        @Override
        protected long extent(Cube p, int arg) {
            return p.n();
        }

        @Override
        protected void cpu(Cube p, float[][] io) {
            for (int i = 0; i < p.n(); i++) {
                float x = io[0][i];
                io[2][i] = 3 * p.a() * x * x * io[1][i];
            }
        }
    };

    private static Tensor cube(Tensor x, float a) {
        Backend be = x.backend();
        Cube p = new Cube(x.numel(), a);
        Tensor y = Tensor.zeros(be, x.shape());
        CUBE.run(be, p, x.storage(), y.storage());
        return KernelOp.record("toyCube", y, g -> {
            Tensor dx = Tensor.zeros(be, x.shape());
            CUBE_BACKWARD.run(be, p, x.storage(), g.storage(), dx.storage());
            return new Tensor[] {dx};
        }, x);
    }

    @Test
    void anOpWithOnlyACpuKernelRunsOnEveryBackendWithCorrectGradients() {
        Backend be = backend();
        assertFalse(CUBE.onDevice(be), "the toy op has no device kernel anywhere");
        Tensor x = Tensor.randn(be, Seed.of(11), 3, 7).detach().requiresGrad(true);
        float[] xs = x.toArray();
        float[] expected = new float[xs.length];
        for (int i = 0; i < xs.length; i++) {
            expected[i] = 0.5f * xs[i] * xs[i] * xs[i];
        }
        Tensor y = cube(x, 0.5f);
        assertEquals(be, y.backend());
        assertClose("toyCube forward", expected, y.toArray(), 1e-6, 1e-6);
        GradCheck.check("toyCube", in -> cube(in.get(0), 0.5f), List.of(x), 1e-2, 2e-3, 2e-2);
        assertRefused("toyCube y: range [0, 21) is outside the storage of 20 floats", () ->
                CUBE.run(be, new Cube(21, 1f), zeros(21), zeros(20)));
    }
}
