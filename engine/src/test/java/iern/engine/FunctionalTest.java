package iern.engine;

import static iern.engine.testing.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.ops.Attention;
import iern.engine.ops.BatchNorm;
import iern.engine.ops.Intervention;
import iern.engine.testing.GradCheck;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Batch norm, losses, attention and intervention through {@link F}. */
class FunctionalTest {

    private static Tensor param(long seed, float lo, float hi, int... shape) {
        return Tensor.rand(Seed.of(seed), shape).mul(hi - lo).add(lo).detach().requiresGrad(true);
    }

    private static void grad(String what, Function<List<Tensor>, Tensor> f, Tensor... in) {
        GradCheck.check(what, f, List.of(in), 1e-2, 2e-3, 2e-2);
    }

    @Test
    void batchNormTrainingForwardGradientAndRunningStatsWithGroups() {
        int groups = 3, n = 2, c = 3, h = 3, w = 1;
        Tensor x = param(1, -2, 2, groups * n, c, h, w);
        Tensor gamma = param(2, 0.5f, 1.5f, c), beta = param(3, -1, 1, c);
        Tensor rm = Tensor.zeros(c), rv = Tensor.ones(c);
        Tensor y = BatchNorm.batchNorm2d(x, gamma, beta, rm, rv, true, 0.1f, 1e-5f, groups);
        float[] ey = new float[(int) x.numel()], mean = new float[groups * c], var = new float[groups * c];
        BatchNorm.oracleTrainForward(groups, n, c, h * w, 1e-5f, x.toArray(), gamma.toArray(), beta.toArray(), ey,
                mean, var);
        assertClose("batchNorm y", ey, y.toArray(), 1e-5, 1e-4);
        // running stats: three sequential PyTorch updates, unbiased variance
        double[] erm = new double[c], erv = new double[c];
        java.util.Arrays.fill(erv, 1);
        double count = n * h * w;
        for (int g = 0; g < groups; g++) {
            for (int ch = 0; ch < c; ch++) {
                erm[ch] = 0.9 * erm[ch] + 0.1 * mean[g * c + ch];
                erv[ch] = 0.9 * erv[ch] + 0.1 * var[g * c + ch] * count / (count - 1);
            }
        }
        assertClose("running mean", erm, rm.toArray(), 1e-6, 1e-5);
        assertClose("running var", erv, rv.toArray(), 1e-6, 1e-5);
        grad("batchNorm2d groups 3", in -> BatchNorm.batchNorm2d(in.get(0), in.get(1), in.get(2), null, null, true, 0.1f,
                1e-5f, groups), x, gamma, beta);
        grad("batchNorm2d no affine", in -> BatchNorm.batchNorm2d(in.get(0), null, null, null, null, true, 0.1f, 1e-5f, 1),
                x);
    }

    @Test
    void batchNormEvalUsesRunningStats() {
        Tensor x = param(4, -2, 2, 2, 3, 2, 2);
        Tensor gamma = param(5, 0.5f, 1.5f, 3), beta = param(6, -1, 1, 3);
        Tensor rm = Tensor.of(new float[] {0.1f, -0.2f, 0.3f}), rv = Tensor.of(new float[] {0.5f, 1.5f, 2f});
        float[] ey = new float[24];
        BatchNorm.oracleEvalForward(2, 3, 4, 1e-5f, x.toArray(), gamma.toArray(), beta.toArray(), rm.toArray(),
                rv.toArray(), ey);
        assertClose("eval with grad", ey, BatchNorm.batchNorm2d(x, gamma, beta, rm, rv, false, 0.1f, 1e-5f, 1).toArray(),
                1e-5, 1e-4);
        try (var off = Grad.off()) {
            assertClose("eval kernel", ey, BatchNorm.batchNorm2d(x, gamma, beta, rm, rv, false, 0.1f, 1e-5f, 1).toArray(),
                    1e-5, 1e-4);
        }
        assertArrayEquals(new float[] {0.1f, -0.2f, 0.3f}, rm.toArray(), "eval leaves running stats alone");
        grad("batchNorm2d eval", in -> BatchNorm.batchNorm2d(in.get(0), in.get(1), in.get(2), rm, rv, false, 0.1f, 1e-5f, 1),
                x, gamma, beta);
    }

    @Test
    void crossEntropyMatchesDefinitionAndChecksTargets() {
        Tensor logits = param(7, -3, 3, 3, 5);
        int[] targets = {4, 0, 2};
        float[] l = logits.toArray();
        double expected = 0;
        for (int i = 0; i < 3; i++) {
            double m = Double.NEGATIVE_INFINITY, s = 0;
            for (int j = 0; j < 5; j++) {
                m = Math.max(m, l[i * 5 + j]);
            }
            for (int j = 0; j < 5; j++) {
                s += Math.exp(l[i * 5 + j] - m);
            }
            expected += -(l[i * 5 + targets[i]] - m - Math.log(s)) / 3;
        }
        assertEquals(expected, F.crossEntropy(logits, targets).item(), 1e-5);
        grad("crossEntropy", in -> F.crossEntropy(in.get(0), targets), logits);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> F.crossEntropy(logits, new int[] {1, 5, 0}));
        assertTrue(e.getMessage().contains("target 5 of item 1 outside [0, 5)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> F.crossEntropy(logits, new int[] {1}));
    }

    @Test
    void mseAgainstTensorAndConstant() {
        Tensor a = param(8, -1, 1, 3, 7), b = param(9, -1, 1, 3, 7);
        float[] av = a.toArray(), bv = b.toArray();
        double s = 0, s2 = 0;
        for (int i = 0; i < av.length; i++) {
            s += (av[i] - bv[i]) * (av[i] - bv[i]);
            s2 += (av[i] - 0.25) * (av[i] - 0.25);
        }
        assertEquals(s / 21, F.mse(a, b).item(), 1e-6);
        assertEquals(s2 / 21, F.mse(a, 0.25f).item(), 1e-6);
        grad("mse", in -> F.mse(in.get(0), in.get(1)), a, b);
        Tensor row = param(10, -1, 1, 7);
        grad("mse broadcast target", in -> F.mse(in.get(0), in.get(1)), a, row);
        assertThrows(IllegalArgumentException.class, () -> F.mse(row, a));
    }

    /** Attention written with plain ops, per head: the reference for the fused kernel. */
    private static Tensor attentionByOps(Tensor q, Tensor k, Tensor v, Tensor mask, int heads) {
        int b = q.dim(0), lq = q.dim(1), lk = k.dim(1), e = q.dim(2), ev = v.dim(2);
        int d = e / heads, dv = ev / heads;
        Tensor qh = q.reshape(b, lq, heads, d).permute(0, 2, 1, 3);
        Tensor kh = k.reshape(b, lk, heads, d).permute(0, 2, 3, 1);
        Tensor vh = v.reshape(b, lk, heads, dv).permute(0, 2, 1, 3);
        Tensor s = qh.matmul(kh).mul((float) (1 / Math.sqrt(d)));
        if (mask != null) {
            s = s.add(mask.rank() == 2 ? mask : mask.unsqueeze(1));
        }
        return s.softmax(-1).matmul(vh).permute(0, 2, 1, 3).reshape(b, lq, ev);
    }

    @Test
    void attentionMatchesComposedOpsWithHeadsAndMasks() {
        int b = 2, lq = 3, lk = 5, e = 6, ev = 4;
        Tensor q = param(11, -1, 1, b, lq, e), k = param(12, -1, 1, b, lk, e), v = param(13, -1, 1, b, lk, ev);
        Tensor shared = Tensor.rand(Seed.of(14), lq, lk).mul(-2f);
        Tensor perItem = Tensor.rand(Seed.of(15), b, lq, lk).mul(-2f);
        for (int heads : new int[] {1, 2}) {
            for (Tensor mask : new Tensor[] {null, shared, perItem}) {
                String what = "attention heads=" + heads + " mask=" + (mask == null ? "none" : mask.rank());
                assertClose(what, attentionByOps(q, k, v, mask, heads).toArray(),
                        Attention.apply(q, k, v, mask, heads).toArray(), 1e-5, 1e-4);
                grad(what, in -> Attention.apply(in.get(0), in.get(1), in.get(2), mask, heads), q, k, v);
            }
        }
        IllegalArgumentException err = assertThrows(IllegalArgumentException.class,
                () -> Attention.apply(q, k, v, null, 4));
        assertTrue(err.getMessage().contains("4 heads do not divide"), err.getMessage());
    }

    @Test
    void interventionSharedAndPerItemStrata() {
        int n = 3, kk = 4;
        Tensor z = param(16, -1, 1, kk, 2, 3);              // shared memory [K, 2, 3]
        Tensor zi = param(17, -1, 1, n, kk, 5);             // per item [n, K, 5]
        Tensor w = param(18, 0, 1, n, kk);
        Tensor prior = param(19, 0, 1, kk);
        // reference: weights times strata summed over K, with ops
        Tensor ref1 = w.reshape(n, kk, 1).mul(z.reshape(1, kk, 6)).sum(1, false).reshape(n, 2, 3);
        assertClose("intervention per-item weights, shared strata", ref1.toArray(), Intervention.shared(w, z).toArray(),
                1e-5, 1e-4);
        assertArrayEquals(new int[] {n, 2, 3}, Intervention.shared(w, z).shape());
        Tensor ref2 = prior.reshape(kk, 1).mul(z.reshape(kk, 6)).sum(0, true).reshape(1, 2, 3);
        assertClose("intervention prior weights", ref2.toArray(), Intervention.shared(prior, z).toArray(), 1e-5, 1e-4);
        Tensor ref3 = w.reshape(n, kk, 1).mul(zi).sum(1, false);
        assertClose("intervention per-item strata", ref3.toArray(), Intervention.perItem(w, zi).toArray(), 1e-5, 1e-4);
        Tensor ref4 = prior.reshape(1, kk, 1).mul(zi).sum(1, false);
        assertClose("intervention shared weights per-item strata", ref4.toArray(),
                Intervention.perItem(prior, zi).toArray(), 1e-5, 1e-4);
        Tensor uniform = F.uniformWeights(Engine.backend(), kk);
        assertClose("uniform = mean over strata", z.mean(0, true).toArray(), Intervention.shared(uniform, z).toArray(),
                1e-6, 1e-5);
        grad("intervention shared strata", in -> Intervention.shared(in.get(0), in.get(1)), w, z);
        grad("intervention prior", in -> Intervention.shared(in.get(0), in.get(1)), prior, z);
        grad("intervention per item", in -> Intervention.perItem(in.get(0), in.get(1)), w, zi);
        grad("intervention shared w per item", in -> Intervention.perItem(in.get(0), in.get(1)), prior, zi);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Intervention.shared(Tensor.ones(3, 5), z));
        assertTrue(e.getMessage().contains("weights [3, 5] do not match strata [4, 2, 3]"), e.getMessage());
    }

    @Test
    void attentionWeightsFormOfTheAdjustment() {
        Tensor q = param(20, -1, 1, 3, 6), keys = param(21, -1, 1, 4, 6), prior = param(22, 0.1f, 1, 4);
        Tensor w = F.attentionWeights(q, keys, null);
        float[] wv = w.toArray();
        for (int i = 0; i < 3; i++) {
            double s = 0;
            for (int j = 0; j < 4; j++) {
                s += wv[i * 4 + j];
            }
            assertEquals(1, s, 1e-5);
        }
        grad("attentionWeights with prior then intervention", in -> Intervention.shared(
                F.attentionWeights(in.get(0), in.get(1), in.get(2)), in.get(1)), q, keys, prior);
    }
}
