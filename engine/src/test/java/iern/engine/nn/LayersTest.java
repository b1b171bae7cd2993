package iern.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.Seed;
import iern.engine.Tensor;
import iern.engine.ops.Convolution;
import iern.engine.testing.Close;
import iern.engine.testing.GradCheck;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LayersTest {

    @Test
    void linearIsXTimesWeightTransposedPlusBias() {
        Linear l = new Linear(13, 7, true, new SplittableRandom(1));
        Tensor x = Tensor.randn(Seed.of(2), 3, 13);
        float[] xv = x.toArray(), w = l.weight.toArray(), b = l.bias.toArray();
        double[] expected = new double[3 * 7];
        for (int i = 0; i < 3; i++) {
            for (int o = 0; o < 7; o++) {
                double s = b[o];
                for (int k = 0; k < 13; k++) {
                    s += (double) xv[i * 13 + k] * w[o * 13 + k];
                }
                expected[i * 7 + o] = s;
            }
        }
        Tensor y = l.forward(x);
        assertArrayEquals(new int[] {3, 7}, y.shape());
        Close.assertClose("linear", expected, y.toArray(), 1e-5, 1e-5);
        var e = assertThrows(IllegalArgumentException.class, () -> l.forward(Tensor.zeros(3, 12)));
        assertTrue(e.getMessage().contains("[3, 12]") && e.getMessage().contains("13"), e.getMessage());
    }

    @Test
    void linearGradientsMatchFiniteDifferences() {
        Linear l = new Linear(7, 3, true, new SplittableRandom(2));
        Tensor x = Tensor.randn(Seed.of(3), 1, 7).requiresGrad(true);
        GradCheck.check("linear", in -> l.forward(in.get(0)), List.of(x, l.weight, l.bias), 1e-2, 2e-3, 2e-3);
    }

    /** A convolution's plan is reused while the shapes repeat, remade when they change, refused for others. */
    @Test
    void conv2dPlansFollowTheInputShape() {
        Conv2d conv = new Conv2d(3, 4, 3, 2, 1, true, new SplittableRandom(2));
        Tensor small = Tensor.randn(Seed.of(3), 2, 3, 5, 5);
        Tensor big = Tensor.randn(Seed.of(4), 1, 3, 8, 6);
        var p = Convolution.plan(null, small, conv.weight, 2, 2, 1, 1, 1, 1);
        assertSame(p, Convolution.plan(p, Tensor.zeros(2, 3, 5, 5), conv.weight, 2, 2, 1, 1, 1, 1));
        var q = Convolution.plan(p, big, conv.weight, 2, 2, 1, 1, 1, 1);
        assertTrue(q != p && q.shape().h() == 8 && q.shape().w() == 6);
        assertTrue(Convolution.plan(p, small, conv.weight, 1, 1, 1, 1, 1, 1) != p);    // other stride
        assertThrows(IllegalArgumentException.class, () -> Convolution.conv2d(big, conv.weight, conv.bias, p));
        for (Tensor x : new Tensor[] {small, big, small, big}) {      // the module's plan switches each time
            assertArrayEquals(Convolution.conv2d(x, conv.weight, conv.bias, 2, 2, 1, 1, 1, 1).toArray(),
                    conv.forward(x).toArray());
        }
    }

    @Test
    void conv2dUsesItsSettingsAndChecksChannels() {
        Conv2d c = new Conv2d(3, 5, 3, 3, 1, 2, 0, 1, 1, 1, true, new SplittableRandom(3));
        Tensor x = Tensor.randn(Seed.of(4), 2, 3, 7, 13);
        Tensor y = c.forward(x);
        // H: (7 + 0 - 3) / 1 + 1 = 5;  W: (13 + 2 - 3) / 2 + 1 = 7
        assertArrayEquals(new int[] {2, 5, 5, 7}, y.shape());
        Close.assertClose("conv2d module", Convolution.conv2d(x, c.weight, c.bias, 1, 2, 0, 1, 1, 1).toArray(),
                y.toArray(), 0, 0);
        var e = assertThrows(IllegalArgumentException.class, () -> c.forward(Tensor.zeros(1, 4, 7, 7)));
        assertTrue(e.getMessage().contains("[1, 4, 7, 7]"), e.getMessage());
        assertTrue(new Conv2d(3, 5, 1, 1, 0, false, new SplittableRandom(0)).bias == null);
    }

    @Test
    void defaultInitStaysWithinPyTorchBounds() {
        Conv2d c = new Conv2d(7, 13, 3, 1, 1, true, new SplittableRandom(4));
        double bound = 1 / Math.sqrt(7 * 9);
        for (float v : c.weight.toArray()) {
            assertTrue(Math.abs(v) <= bound, "weight " + v + " beyond " + bound);
        }
        for (float v : c.bias.toArray()) {
            assertTrue(Math.abs(v) <= bound, "bias " + v + " beyond " + bound);
        }
    }

    /** Per-channel batch statistics and the running update, recomputed in double. */
    @Test
    void batchNormTrainingNormalisesAndUpdatesRunningStatistics() {
        BatchNorm2d bn = new BatchNorm2d(3, 1e-5f, 0.25f, true);
        bn.weight.write(new float[] {1.5f, -0.5f, 2f});
        bn.bias.write(new float[] {0.1f, 0.2f, -0.3f});
        int n = 2, c = 3, hw = 7;
        Tensor x = Tensor.randn(Seed.of(5), n, c, 7, 1).mul(2f).add(1f);
        float[] xv = x.toArray();
        Tensor y = bn.forward(x);
        float[] yv = y.toArray();
        double[] expectedY = new double[xv.length];
        float[] rm = new float[c], rv = new float[c];
        float[] gamma = {1.5f, -0.5f, 2f}, beta = {0.1f, 0.2f, -0.3f};
        for (int ch = 0; ch < c; ch++) {
            double sum = 0, sq = 0;
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < hw; p++) {
                    sum += xv[(i * c + ch) * hw + p];
                }
            }
            double mean = sum / (n * hw);
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < hw; p++) {
                    double d = xv[(i * c + ch) * hw + p] - mean;
                    sq += d * d;
                }
            }
            double var = sq / (n * hw);
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < hw; p++) {
                    int idx = (i * c + ch) * hw + p;
                    expectedY[idx] = gamma[ch] * (xv[idx] - mean) / Math.sqrt(var + 1e-5) + beta[ch];
                }
            }
            rm[ch] = (float) (0.75 * 0 + 0.25 * mean);
            rv[ch] = (float) (0.75 * 1 + 0.25 * var * (n * hw) / (n * hw - 1));
        }
        Close.assertClose("bn train output", expectedY, yv, 1e-5, 1e-5);
        Close.assertClose("running mean", rm, bn.runningMean.toArray(), 1e-6, 1e-5);
        Close.assertClose("running var", rv, bn.runningVar.toArray(), 1e-6, 1e-5);

        // Eval mode normalises with the running statistics and leaves them alone.
        bn.eval();
        float[] ye = bn.forward(x).toArray();
        double[] expectedEval = new double[xv.length];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < hw; p++) {
                    int idx = (i * c + ch) * hw + p;
                    expectedEval[idx] = gamma[ch] * (xv[idx] - rm[ch]) / Math.sqrt(rv[ch] + 1e-5) + beta[ch];
                }
            }
        }
        Close.assertClose("bn eval output", expectedEval, ye, 1e-5, 1e-5);
        Close.assertClose("running mean untouched in eval", rm, bn.runningMean.toArray(), 0, 0);
    }

    /**
     * The running statistics follow PyTorch's formula with float rounding at each step, group
     * after group: {@code r = r * (1 - m) + stat * m} (the variance's factor m * unbias), bit for bit.
     */
    @Test
    void batchNormRunningUpdateIsTheFloatFormulaExactly() {
        int groups = 3, n = 2, c = 5, hw = 12;
        BatchNorm2d bn = new BatchNorm2d(c, 1e-5f, 0.3f, true);
        float[] rm0 = new float[c], rv0 = new float[c];
        SplittableRandom r = new SplittableRandom(8);
        for (int i = 0; i < c; i++) {
            rm0[i] = (float) r.nextDouble(-1, 1);
            rv0[i] = (float) r.nextDouble(0.5, 2);
        }
        bn.runningMean.write(rm0);
        bn.runningVar.write(rv0);
        Tensor x = Tensor.randn(Seed.of(9), groups * n, c, 3, 4);
        bn.forward(x, groups);
        float[] mean = new float[groups * c], var = new float[groups * c];
        iern.engine.cpu.CpuBatchNorm.trainForward(groups, n, c, hw, 1e-5f, x.toArray(), bn.weight.toArray(),
                bn.bias.toArray(), new float[groups * n * c * hw], mean, var);
        float m = 0.3f, unbias = (float) ((double) (n * hw) / (n * hw - 1));
        for (int g = 0; g < groups; g++) {
            for (int i = 0; i < c; i++) {
                rm0[i] = rm0[i] * (1f - m) + mean[g * c + i] * m;
                rv0[i] = rv0[i] * (1f - m) + var[g * c + i] * (m * unbias);
            }
        }
        assertArrayEquals(rm0, bn.runningMean.toArray());
        assertArrayEquals(rv0, bn.runningVar.toArray());
    }

    /** K strata stacked on the batch axis behave exactly as K calls, running statistics included. */
    @Test
    void batchNormGroupsEqualSeparateCalls() {
        BatchNorm2d stacked = new BatchNorm2d(7);
        BatchNorm2d separate = new BatchNorm2d(7);
        Tensor x = Tensor.randn(Seed.of(6), 3 * 2, 7, 3, 5);
        float[] joint = stacked.forward(x, 3).toArray();
        float[] parts = new float[joint.length];
        int chunk = joint.length / 3;
        for (int k = 0; k < 3; k++) {
            float[] part = separate.forward(x.slice(0, 2 * k, 2 * k + 2)).toArray();
            System.arraycopy(part, 0, parts, k * chunk, chunk);
        }
        Close.assertClose("grouped output", parts, joint, 1e-6, 1e-6);
        Close.assertClose("grouped running mean", separate.runningMean.toArray(), stacked.runningMean.toArray(), 1e-7, 1e-6);
        Close.assertClose("grouped running var", separate.runningVar.toArray(), stacked.runningVar.toArray(), 1e-7, 1e-6);
        var e = assertThrows(IllegalArgumentException.class, () -> stacked.forward(x, 4));
        assertTrue(e.getMessage().contains("6") && e.getMessage().contains("4 groups"), e.getMessage());
    }

    @Test
    void dropoutIsIdentityInEvalAndScalesSurvivorsInTraining() {
        Dropout d = new Dropout(0.25f, 42);
        Tensor x = Tensor.ones(64, 64);
        float[] y = d.forward(x).toArray();
        int zeros = 0;
        for (float v : y) {
            if (v == 0f) {
                zeros++;
            } else {
                assertEquals(1f / 0.75f, v, 1e-6f);
            }
        }
        // 4096 Bernoulli(0.25) draws: mean 1024, sd about 28; 5 sd either side.
        assertTrue(zeros > 1024 - 140 && zeros < 1024 + 140, "zeroed " + zeros + " of 4096");
        float[] again = d.forward(x).toArray();
        assertTrue(!java.util.Arrays.equals(y, again), "each call draws a new mask");
        float[] replay = new Dropout(0.25f, 42).forward(x).toArray();
        assertArrayEquals(y, replay, "same seed, same masks");
        d.eval();
        assertSame(x, d.forward(x));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1f, 0));
    }

    @Test
    void activationsPoolsAndFlattenDelegateToTheirOps() {
        Tensor x = Tensor.randn(Seed.of(8), 2, 3, 7, 13);
        Close.assertClose("relu", x.relu().toArray(), new ReLU().forward(x).toArray(), 0, 0);
        Close.assertClose("leaky", x.leakyRelu(0.01f).toArray(), new LeakyReLU().forward(x).toArray(), 0, 0);
        Close.assertClose("leaky 0.2", x.leakyRelu(0.2f).toArray(), new LeakyReLU(0.2f).forward(x).toArray(), 0, 0);
        Close.assertClose("sigmoid", x.sigmoid().toArray(), new Sigmoid().forward(x).toArray(), 0, 0);
        Close.assertClose("tanh", x.tanh().toArray(), new Tanh().forward(x).toArray(), 0, 0);
        assertArrayEquals(new int[] {2, 3, 3, 6}, new MaxPool2d(2).forward(x).shape());
        assertArrayEquals(new int[] {2, 3, 4, 7}, new MaxPool2d(3, 2, 1).forward(x).shape());
        assertArrayEquals(new int[] {2, 3, 7, 13}, new AvgPool2d(3, 1, 1, false).forward(x).shape());
        assertArrayEquals(new int[] {2, 3, 1, 1}, new AdaptiveAvgPool2d(1, 1).forward(x).shape());
        Close.assertClose("global average", x.mean(new int[] {2, 3}, true).toArray(),
                new AdaptiveAvgPool2d(1, 1).forward(x).toArray(), 1e-6, 1e-5);
        assertArrayEquals(new int[] {2, 3 * 7 * 13}, new Flatten().forward(x).shape());
        assertArrayEquals(new int[] {2, 3, 7 * 13}, new Flatten(2).forward(x).shape());
    }

    @Test
    void gradientsFlowThroughASmallNetworkInTrainingMode() {
        SplittableRandom rng = new SplittableRandom(9);
        Conv2d conv = new Conv2d(2, 3, 3, 1, 1, false, rng);
        BatchNorm2d bn = new BatchNorm2d(3);
        Init.normal(bn.weight, 1.0, 0.3, rng);
        Sequential net = new Sequential(conv, bn, new Tanh(), new AdaptiveAvgPool2d(1, 1), new Flatten(),
                new Linear(3, 2, true, rng));
        Tensor x = Tensor.randn(Seed.of(10), 3, 2, 5, 3);
        GradCheck.check("conv-bn-tanh-pool-linear", in -> net.forward(x),
                List.of(conv.weight, bn.weight, bn.bias), 1e-2, 3e-3, 3e-3);
    }
}
