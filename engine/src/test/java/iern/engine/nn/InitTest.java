package iern.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InitTest {

    private static double mean(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double std(float[] v) {
        double m = mean(v), s = 0;
        for (float x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / v.length);
    }

    @Test
    void sameSeedSameValuesDifferentSeedDifferentValues() {
        float[] a = Init.normal(Tensor.zeros(13, 7), 0, 0.02, new SplittableRandom(5)).toArray();
        float[] b = Init.normal(Tensor.zeros(13, 7), 0, 0.02, new SplittableRandom(5)).toArray();
        float[] c = Init.normal(Tensor.zeros(13, 7), 0, 0.02, new SplittableRandom(6)).toArray();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
        float[] o1 = Init.orthogonal(Tensor.zeros(3, 7), 1, new SplittableRandom(5)).toArray();
        float[] o2 = Init.orthogonal(Tensor.zeros(3, 7), 1, new SplittableRandom(5)).toArray();
        assertArrayEquals(o1, o2);
    }

    @Test
    void normalHasTheRequestedMoments() {
        // 40000 draws: the sample mean is within 5 standard errors (5 * 0.02 / 200) of the target.
        float[] v = Init.normal(Tensor.zeros(200, 200), 1.0, 0.02, new SplittableRandom(1)).toArray();
        assertEquals(1.0, mean(v), 5 * 0.02 / 200);
        assertEquals(0.02, std(v), 0.02 * 0.02);
    }

    @Test
    void fansFollowPyTorch() {
        assertArrayEquals(new int[] {13, 7}, Init.fans(new int[] {7, 13}));
        assertArrayEquals(new int[] {3 * 9, 5 * 9}, Init.fans(new int[] {5, 3, 3, 3}));
        var e = assertThrows(IllegalArgumentException.class, () -> Init.fans(new int[] {7}));
        assertTrue(e.getMessage().contains("[7]"), e.getMessage());
        assertEquals(Math.sqrt(2), Init.gain(Init.Nonlinearity.RELU, 0), 1e-15);
        assertEquals(Math.sqrt(2 / (1 + 0.01 * 0.01)), Init.gain(Init.Nonlinearity.LEAKY_RELU, 0.01), 1e-15);
        assertEquals(5.0 / 3, Init.gain(Init.Nonlinearity.TANH, 0), 1e-15);
    }

    @Test
    void xavierAndKaimingScaleByTheirFans() {
        // conv weight [64, 32, 3, 3]: fanIn 288, fanOut 576, 18432 values
        int[] shape = {64, 32, 3, 3};
        float[] xu = Init.xavierUniform(Tensor.zeros(shape), 1.0, new SplittableRandom(2)).toArray();
        double a = Math.sqrt(6.0 / (288 + 576));
        for (float v : xu) {
            assertTrue(Math.abs(v) <= a);
        }
        assertEquals(a / Math.sqrt(3), std(xu), 0.03 * a);
        float[] xn = Init.xavierNormal(Tensor.zeros(shape), 2.0, new SplittableRandom(3)).toArray();
        assertEquals(2.0 * Math.sqrt(2.0 / (288 + 576)), std(xn), 0.03 * std(xn));
        float[] kn = Init.kaimingNormal(Tensor.zeros(shape), 0, Init.FanMode.FAN_IN, Init.Nonlinearity.RELU,
                new SplittableRandom(4)).toArray();
        assertEquals(Math.sqrt(2.0 / 288), std(kn), 0.03 * Math.sqrt(2.0 / 288));
        float[] knOut = Init.kaimingNormal(Tensor.zeros(shape), 0, Init.FanMode.FAN_OUT, Init.Nonlinearity.RELU,
                new SplittableRandom(4)).toArray();
        assertEquals(Math.sqrt(2.0 / 576), std(knOut), 0.03 * Math.sqrt(2.0 / 576));
        float[] ku = Init.kaimingUniform(Tensor.zeros(shape), 0, Init.FanMode.FAN_IN, Init.Nonlinearity.RELU,
                new SplittableRandom(5)).toArray();
        double bound = Math.sqrt(6.0 / 288);
        for (float v : ku) {
            assertTrue(Math.abs(v) <= bound);
        }
        assertEquals(bound / Math.sqrt(3), std(ku), 0.03 * bound);
    }

    /** Rows of a wide result (or columns of a tall one) are orthonormal times the gain. */
    @Test
    void orthogonalGivesOrthonormalRowsOrColumns() {
        for (int[] shape : new int[][] {{3, 7}, {13, 3}, {7, 7}, {5, 2, 3, 1}, {1, 13}}) {
            double gain = 1.5;
            Tensor t = Init.orthogonal(Tensor.zeros(shape), gain, new SplittableRandom(7));
            int rows = shape[0];
            int cols = (int) (t.numel() / rows);
            float[] v = t.toArray();
            boolean wide = rows < cols;
            int vectors = wide ? rows : cols;
            int length = wide ? cols : rows;
            for (int i = 0; i < vectors; i++) {
                for (int j = 0; j < vectors; j++) {
                    double dot = 0;
                    for (int k = 0; k < length; k++) {
                        double a = wide ? v[i * cols + k] : v[k * cols + i];
                        double b = wide ? v[j * cols + k] : v[k * cols + j];
                        dot += a * b;
                    }
                    assertEquals(i == j ? gain * gain : 0.0, dot, 1e-5, Arrays.toString(shape) + " <" + i + "," + j + ">");
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Init.orthogonal(Tensor.zeros(5), 1, new SplittableRandom(0)));
    }

    @Test
    void constantsFill() {
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, Init.constant(Tensor.zeros(3), 0.5f).toArray());
        assertArrayEquals(new float[] {1f, 1f}, Init.ones(Tensor.zeros(2)).toArray());
        assertArrayEquals(new float[] {0f}, Init.zeros(Tensor.ones(1)).toArray());
        float[] u = Init.uniform(Tensor.zeros(1000), -2, 3, new SplittableRandom(1)).toArray();
        for (float x : u) {
            assertTrue(x >= -2 && x < 3);
        }
    }

    @Test
    void applyInitialisesANetworkAsTheAuthorsDo() {
        SplittableRandom build = new SplittableRandom(1);
        Sequential net = new Sequential(new Conv2d(64, 64, 3, 1, 1, true, build), new BatchNorm2d(64), new ReLU(),
                new Flatten(), new Linear(64, 32, true, build));
        Init.apply(net, Init.Scheme.NORMAL, 0.02, new SplittableRandom(2));
        Conv2d conv = (Conv2d) net.get(0);
        BatchNorm2d bn = (BatchNorm2d) net.get(1);
        Linear lin = (Linear) net.get(4);
        assertEquals(0.02, std(conv.weight.toArray()), 0.02 * 0.03);
        assertEquals(0.0, mean(conv.weight.toArray()), 0.02 * 0.03);
        assertArrayEquals(new float[64], conv.bias.toArray());
        assertArrayEquals(new float[32], lin.bias.toArray());
        assertEquals(1.0, mean(bn.weight.toArray()), 0.02);
        assertArrayEquals(new float[64], bn.bias.toArray());
        // The same seed gives the same network.
        Sequential again = new Sequential(new Conv2d(64, 64, 3, 1, 1, true, new SplittableRandom(7)), new BatchNorm2d(64),
                new ReLU(), new Flatten(), new Linear(64, 32, true, new SplittableRandom(8)));
        Init.apply(again, Init.Scheme.NORMAL, 0.02, new SplittableRandom(2));
        for (String k : net.stateDict().keySet()) {
            assertArrayEquals(net.stateDict().get(k).toArray(), again.stateDict().get(k).toArray(), k);
        }
        Init.apply(again, Init.Scheme.ORTHOGONAL, 1.0, new SplittableRandom(3));
        float[] w = ((Linear) again.get(4)).weight.toArray();
        double norm = 0;
        for (int k = 0; k < 64; k++) {
            norm += w[k] * w[k];
        }
        assertEquals(1.0, norm, 1e-5);
    }
}
