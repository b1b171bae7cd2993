package iern.engine.nn;

import iern.engine.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Weight initialisers with PyTorch's definitions (fans, gains, bounds). Values are drawn on
 * the host from the caller's {@link SplittableRandom} in row-major order and written into the
 * tensor in place, so one seed gives the same weights on every backend and every run.
 *
 * <p>Only {@link #orthogonal} needs EJML (for its QR decomposition), and this class does not
 * name any EJML type: that is left to {@link OrthogonalQr}, which the JVM loads on the first
 * orthogonal initialisation. So a {@link Linear} or {@link Conv2d}, whose constructors call
 * {@link #defaultLayer}, runs without EJML on the class path ({@code EjmlFreeTest}).
 */
public final class Init {

    private Init() {}

    /** Which fan scales the variance: fan-in keeps forward activations, fan-out keeps gradients. */
    public enum FanMode { FAN_IN, FAN_OUT }

    /** The nonlinearity following the layer, for {@link #gain}. */
    public enum Nonlinearity { LINEAR, SIGMOID, TANH, RELU, LEAKY_RELU }

    /** How {@link #apply} draws the weights of convolutions and linear layers. */
    public enum Scheme { NORMAL, XAVIER, KAIMING, ORTHOGONAL }

    /**
     * Initialises a whole network the way the IERN authors (and pix2pix/CycleGAN before them)
     * do: every {@link Conv2d} and {@link Linear} weight by {@code scheme} ({@code NORMAL}:
     * N(0, gain); {@code XAVIER}: xavier normal with {@code gain}; {@code KAIMING}: kaiming
     * normal, a = 0, fan-in; {@code ORTHOGONAL}: orthogonal with {@code gain}) and its bias 0;
     * every {@link BatchNorm2d} scale N(1, gain) and shift 0. Modules are visited in
     * {@link Module#namedModules()} order, so a seed fixes the whole network.
     */
    public static void apply(Module root, Scheme scheme, double gain, SplittableRandom rng) {
        for (Module m : root.namedModules().values()) {
            Tensor weight = null, bias = null;
            if (m instanceof Conv2d c) {
                weight = c.weight;
                bias = c.bias;
            } else if (m instanceof Linear l) {
                weight = l.weight;
                bias = l.bias;
            } else if (m instanceof BatchNorm2d bn) {
                if (bn.weight != null) {
                    normal(bn.weight, 1.0, gain, rng);
                    zeros(bn.bias);
                }
                continue;
            }
            if (weight == null) {
                continue;
            }
            switch (scheme) {
                case NORMAL -> normal(weight, 0.0, gain, rng);
                case XAVIER -> xavierNormal(weight, gain, rng);
                case KAIMING -> kaimingNormal(weight, 0.0, FanMode.FAN_IN, Nonlinearity.LEAKY_RELU, rng);
                case ORTHOGONAL -> orthogonal(weight, gain, rng);
            }
            if (bias != null) {
                zeros(bias);
            }
        }
    }

    /** PyTorch's recommended gain; {@code param} is the negative slope for leaky ReLU. */
    public static double gain(Nonlinearity nl, double param) {
        return switch (nl) {
            case LINEAR, SIGMOID -> 1.0;
            case TANH -> 5.0 / 3.0;
            case RELU -> Math.sqrt(2.0);
            case LEAKY_RELU -> Math.sqrt(2.0 / (1.0 + param * param));
        };
    }

    /** {@code {fanIn, fanOut}}: dims 1 and 0 times the receptive field (product of dims 2..). */
    public static int[] fans(int[] shape) {
        if (shape.length < 2) {
            throw new IllegalArgumentException("fan in/out need a tensor of rank >= 2, got shape "
                    + Arrays.toString(shape));
        }
        int receptive = 1;
        for (int i = 2; i < shape.length; i++) {
            receptive *= shape[i];
        }
        return new int[] {shape[1] * receptive, shape[0] * receptive};
    }

    public static Tensor constant(Tensor t, float value) {
        return t.fillInPlace(value);
    }

    public static Tensor zeros(Tensor t) {
        return constant(t, 0f);
    }

    public static Tensor ones(Tensor t) {
        return constant(t, 1f);
    }

    /** Uniform on [lo, hi). */
    public static Tensor uniform(Tensor t, double lo, double hi, SplittableRandom rng) {
        float[] v = new float[Math.toIntExact(t.numel())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (lo + (hi - lo) * rng.nextDouble());
        }
        return t.write(v);
    }

    /** Normal with the given mean and standard deviation (IERN: N(0, 0.02) weights, N(1, 0.02) BN scales). */
    public static Tensor normal(Tensor t, double mean, double std, SplittableRandom rng) {
        float[] v = new float[Math.toIntExact(t.numel())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (mean + std * rng.nextGaussian());
        }
        return t.write(v);
    }

    /** Glorot: U(-a, a) with {@code a = gain * sqrt(6 / (fanIn + fanOut))}. */
    public static Tensor xavierUniform(Tensor t, double gain, SplittableRandom rng) {
        int[] f = fans(t.shape());
        double a = gain * Math.sqrt(6.0 / (f[0] + f[1]));
        return uniform(t, -a, a, rng);
    }

    /** Glorot: N(0, std) with {@code std = gain * sqrt(2 / (fanIn + fanOut))}. */
    public static Tensor xavierNormal(Tensor t, double gain, SplittableRandom rng) {
        int[] f = fans(t.shape());
        return normal(t, 0.0, gain * Math.sqrt(2.0 / (f[0] + f[1])), rng);
    }

    /** He: U(-b, b) with {@code b = gain(nl, a) * sqrt(3 / fan)}. */
    public static Tensor kaimingUniform(Tensor t, double a, FanMode mode, Nonlinearity nl, SplittableRandom rng) {
        double bound = Math.sqrt(3.0) * kaimingStd(t, a, mode, nl);
        return uniform(t, -bound, bound, rng);
    }

    /** He: N(0, std) with {@code std = gain(nl, a) / sqrt(fan)}. */
    public static Tensor kaimingNormal(Tensor t, double a, FanMode mode, Nonlinearity nl, SplittableRandom rng) {
        return normal(t, 0.0, kaimingStd(t, a, mode, nl), rng);
    }

    private static double kaimingStd(Tensor t, double a, FanMode mode, Nonlinearity nl) {
        int[] f = fans(t.shape());
        int fan = mode == FanMode.FAN_IN ? f[0] : f[1];
        return gain(nl, a) / Math.sqrt(fan);
    }

    /**
     * A (semi-)orthogonal matrix scaled by {@code gain}, over the tensor viewed as
     * {@code [dim0, rest]}: the Q of a QR decomposition of a standard normal matrix, with column
     * signs fixed by R's diagonal so that the result is uniformly distributed (Haar).
     */
    public static Tensor orthogonal(Tensor t, double gain, SplittableRandom rng) {
        if (t.rank() < 2) {
            throw new IllegalArgumentException("orthogonal init needs rank >= 2, got shape " + Arrays.toString(t.shape()));
        }
        int rows = t.dim(0);
        int cols = Math.toIntExact(t.numel() / Math.max(rows, 1));
        if (rows == 0 || cols == 0) {
            return t;
        }
        // Drawn in the row-major order of the [rows, cols] matrix (OrthogonalQr transposes if wide).
        double[] drawn = new double[rows * cols];
        for (int i = 0; i < drawn.length; i++) {
            drawn[i] = rng.nextGaussian();
        }
        return t.write(OrthogonalQr.orthogonalize(drawn, rows, cols, gain));
    }

    /**
     * PyTorch's default for a Linear or Conv2d weight {@code [out, in, ...]}: U(-1/sqrt(fanIn),
     * 1/sqrt(fanIn)) (kaiming uniform with a = sqrt(5)), and the same bound for its bias.
     */
    public static void defaultLayer(Tensor weight, Tensor bias, SplittableRandom rng) {
        kaimingUniform(weight, Math.sqrt(5.0), FanMode.FAN_IN, Nonlinearity.LEAKY_RELU, rng);
        if (bias != null) {
            double bound = 1.0 / Math.sqrt(fans(weight.shape())[0]);
            uniform(bias, -bound, bound, rng);
        }
    }
}
