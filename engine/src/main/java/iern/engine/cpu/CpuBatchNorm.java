package iern.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batch norm over {@code x [groups * n, c, hw]} with statistics per (group, channel). One
 * thread owns each channel (looping over the groups), so the weight gradients, summed over
 * groups, come out in a fixed order.
 *
 * <p>The SIMD path sums each row of {@code hw} values in float lanes, at most {@link #BLOCK}
 * values at a time, and adds each block's lane total to a double: every lane adds at most
 * {@code BLOCK / lanes} floats, so the sums stay within a few float roundings of the double
 * oracle while the passes run at memory speed. Rows shorter than a vector and the tails of rows
 * go through the same scalar double code as {@code -Diern.simd=false}. Normalisation subtracts
 * the mean before scaling (not {@code x * scale + shift}), so a large mean does not cancel, and
 * subtracts it as two floats (the float nearest the double mean, then the remainder): one float
 * alone would be off by half an ulp of the mean, visible when the mean is large against the spread.
 */
public final class CpuBatchNorm {
    private CpuBatchNorm() {}

    private static final VectorSpecies<Float> SP = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SP.length();
    private static final int BLOCK = 512;

    private static int channelGrain(int work) {
        return Math.max(1, (1 << 14) / Math.max(1, work));
    }

    private static boolean simd(int hw) {
        return CpuSettings.SIMD && hw >= LANES;
    }

    // ---------------------------------------------------------------- row kernels

    /**
     * The lanes added in double, lane 0 first. Not {@code reduceLanes}: its order differs
     * between the interpreter and the C2 intrinsic, so a result would change once the JIT warmed up.
     */
    /**
     * One lane buffer per thread for adding a vector's lanes in order, in double. Each kernel
     * stores its own accumulator here: a helper taking the vector as an argument was not always
     * inlined, and C2 then boxed the vector (and {@code v.lane(i)} with a variable i copies it to
     * a new array): ~2 MB of garbage per IERN iteration.
     */
    private static final ThreadLocal<float[]> LANE_BUFFER = ThreadLocal.withInitial(() -> new float[LANES]);

    private static double laneSum(float[] lanes) {
        double s = 0;
        for (int i = 0; i < LANES; i++) {
            s += lanes[i];
        }
        return s;
    }

    /** Sum of x[off, off + len). */
    private static double sum(float[] x, int off, int len) {
        double s = 0;
        int p = 0;
        if (simd(len)) {
            float[] lanes = LANE_BUFFER.get();
            while (p <= len - LANES) {
                int end = Math.min(len - LANES, p + BLOCK - LANES);
                FloatVector acc = FloatVector.zero(SP);
                for (; p <= end; p += LANES) {
                    acc = acc.add(FloatVector.fromArray(SP, x, off + p));
                }
                acc.intoArray(lanes, 0);
                s += laneSum(lanes);
            }
        }
        for (; p < len; p++) {
            s += x[off + p];
        }
        return s;
    }

    /** Sum of (x - mu)^2 over x[off, off + len). */
    private static double sumSquaredDev(float[] x, int off, int len, double mu) {
        double s = 0;
        int p = 0;
        if (simd(len)) {
            FloatVector muV = FloatVector.broadcast(SP, (float) mu);
            FloatVector muLo = FloatVector.broadcast(SP, (float) (mu - (float) mu));
            float[] lanes = LANE_BUFFER.get();
            while (p <= len - LANES) {
                int end = Math.min(len - LANES, p + BLOCK - LANES);
                FloatVector acc = FloatVector.zero(SP);
                for (; p <= end; p += LANES) {
                    FloatVector d = FloatVector.fromArray(SP, x, off + p).sub(muV).sub(muLo);
                    acc = d.fma(d, acc);
                }
                acc.intoArray(lanes, 0);
                s += laneSum(lanes);
            }
        }
        for (; p < len; p++) {
            double d = x[off + p] - mu;
            s += d * d;
        }
        return s;
    }

    /** y = (x - mu) * scale + beta over one row. */
    private static void normalise(float[] x, float[] y, int off, int len, double mu, double scale, double beta) {
        int p = 0;
        if (simd(len)) {
            FloatVector muV = FloatVector.broadcast(SP, (float) mu);
            FloatVector muLo = FloatVector.broadcast(SP, (float) (mu - (float) mu));
            FloatVector scaleV = FloatVector.broadcast(SP, (float) scale);
            FloatVector betaV = FloatVector.broadcast(SP, (float) beta);
            for (; p <= len - LANES; p += LANES) {
                FloatVector.fromArray(SP, x, off + p).sub(muV).sub(muLo).fma(scaleV, betaV).intoArray(y, off + p);
            }
        }
        for (; p < len; p++) {
            y[off + p] = (float) ((x[off + p] - mu) * scale + beta);
        }
    }

    /** Adds sum(dy) to acc[0] and sum(dy * (x - mu)) to acc[1] over one row. */
    private static void gradSums(float[] x, float[] dy, int off, int len, double mu, double[] acc) {
        double sDy = 0;
        double sDyX = 0;
        int p = 0;
        if (simd(len)) {
            FloatVector muV = FloatVector.broadcast(SP, (float) mu);
            FloatVector muLo = FloatVector.broadcast(SP, (float) (mu - (float) mu));
            float[] lanes = LANE_BUFFER.get();
            while (p <= len - LANES) {
                int end = Math.min(len - LANES, p + BLOCK - LANES);
                FloatVector a = FloatVector.zero(SP);
                FloatVector b = FloatVector.zero(SP);
                for (; p <= end; p += LANES) {
                    FloatVector d = FloatVector.fromArray(SP, dy, off + p);
                    a = a.add(d);
                    b = FloatVector.fromArray(SP, x, off + p).sub(muV).sub(muLo).fma(d, b);
                }
                a.intoArray(lanes, 0);
                sDy += laneSum(lanes);
                b.intoArray(lanes, 0);
                sDyX += laneSum(lanes);
            }
        }
        for (; p < len; p++) {
            double d = dy[off + p];
            sDy += d;
            sDyX += d * (x[off + p] - mu);
        }
        acc[0] += sDy;
        acc[1] += sDyX;
    }

    /** dx = a * dy + b * (x - mu) + c over one row. */
    private static void gradInput(float[] x, float[] dy, float[] dx, int off, int len, double mu, double a, double b,
                                  double c) {
        int p = 0;
        if (simd(len)) {
            FloatVector muV = FloatVector.broadcast(SP, (float) mu);
            FloatVector muLo = FloatVector.broadcast(SP, (float) (mu - (float) mu));
            FloatVector aV = FloatVector.broadcast(SP, (float) a);
            FloatVector bV = FloatVector.broadcast(SP, (float) b);
            FloatVector cV = FloatVector.broadcast(SP, (float) c);
            for (; p <= len - LANES; p += LANES) {
                FloatVector xm = FloatVector.fromArray(SP, x, off + p).sub(muV).sub(muLo);
                FloatVector.fromArray(SP, dy, off + p).fma(aV, xm.fma(bV, cV)).intoArray(dx, off + p);
            }
        }
        for (; p < len; p++) {
            dx[off + p] = (float) (a * dy[off + p] + b * (x[off + p] - mu) + c);
        }
    }

    // ---------------------------------------------------------------- kernels

    /**
     * The parallel body of one kernel call: its kind and arguments. One per thread, lent to one
     * call at a time (Parallel.Lender), not a capturing lambda per call.
     */
    private static final class Call implements Parallel.RangeBody {
        int kind;
        int groups;
        int n;
        int c;
        int hw;
        float eps;
        float[] x;
        float[] gamma;
        float[] beta;
        float[] y;
        float[] mean;
        float[] var;
        float[] dy;
        float[] dx;
        float[] dGamma;
        float[] dBeta;

        @Override
        public void run(int start, int end) {
            switch (kind) {
                case TRAIN_FORWARD -> trainForwardChannels(groups, n, c, hw, eps, x, gamma, beta, y, mean, var,
                        start, end);
                case EVAL_FORWARD -> evalForwardPlanes(c, hw, eps, x, gamma, beta, mean, var, y, start, end);
                default -> trainBackwardChannels(groups, n, c, hw, eps, x, gamma, mean, var, dy, dx, dGamma, dBeta,
                        start, end);
            }
        }
    }

    private static final int TRAIN_FORWARD = 0, EVAL_FORWARD = 1, TRAIN_BACKWARD = 2;
    private static final Parallel.Lender<Call> CALLS = new Parallel.Lender<>(Call::new);

    private static Call call(int kind, int groups, int n, int c, int hw, float eps, float[] x, float[] gamma,
                             float[] mean, float[] var) {
        Call k = CALLS.borrow();
        k.kind = kind;
        k.groups = groups;
        k.n = n;
        k.c = c;
        k.hw = hw;
        k.eps = eps;
        k.x = x;
        k.gamma = gamma;
        k.mean = mean;
        k.var = var;
        return k;
    }

    /** Runs {@code k} over [0, range) and gives it back emptied. */
    private static void run(Call k, int range, int grain) {
        try {
            Parallel.forRange(range, grain, k);
        } finally {
            k.x = k.gamma = k.beta = k.y = k.mean = k.var = k.dy = k.dx = k.dGamma = k.dBeta = null;
            CALLS.giveBack(k);
        }
    }

    public static void trainForward(int groups, int n, int c, int hw, float eps, float[] x, float[] gamma, float[] beta,
                             float[] y, float[] mean, float[] var) {
        Call k = call(TRAIN_FORWARD, groups, n, c, hw, eps, x, gamma, mean, var);
        k.beta = beta;
        k.y = y;
        run(k, c, channelGrain(groups * n * hw));
    }

    private static void trainForwardChannels(int groups, int n, int c, int hw, float eps, float[] x, float[] gamma,
                                             float[] beta, float[] y, float[] mean, float[] var, int c0, int c1) {
        for (int ch = c0; ch < c1; ch++) {
            for (int g = 0; g < groups; g++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += sum(x, ((g * n + i) * c + ch) * hw, hw);
                }
                double mu = s / ((double) n * hw);
                double v = 0;
                for (int i = 0; i < n; i++) {
                    v += sumSquaredDev(x, ((g * n + i) * c + ch) * hw, hw, mu);
                }
                v /= (double) n * hw;
                mean[g * c + ch] = (float) mu;
                var[g * c + ch] = (float) v;
                double scale = (gamma == null ? 1.0 : gamma[ch]) / Math.sqrt(v + eps);
                double shift = beta == null ? 0.0 : beta[ch];
                for (int i = 0; i < n; i++) {
                    normalise(x, y, ((g * n + i) * c + ch) * hw, hw, mu, scale, shift);
                }
            }
        }
    }

    public static void evalForward(int n, int c, int hw, float eps, float[] x, float[] gamma, float[] beta,
                            float[] mean, float[] var, float[] y) {
        Call k = call(EVAL_FORWARD, 1, n, c, hw, eps, x, gamma, mean, var);
        k.beta = beta;
        k.y = y;
        run(k, n * c, channelGrain(hw));
    }

    private static void evalForwardPlanes(int c, int hw, float eps, float[] x, float[] gamma, float[] beta,
                                          float[] mean, float[] var, float[] y, int p0, int p1) {
        for (int p = p0; p < p1; p++) {
            int ch = p % c;
            double scale = (gamma == null ? 1.0 : gamma[ch]) / Math.sqrt(var[ch] + (double) eps);
            double shift = beta == null ? 0.0 : beta[ch];
            normalise(x, y, p * hw, hw, mean[ch], scale, shift);
        }
    }

    public static void trainBackward(int groups, int n, int c, int hw, float eps, float[] x, float[] gamma, float[] mean,
                              float[] var, float[] dy, float[] dx, float[] dGamma, float[] dBeta) {
        Call k = call(TRAIN_BACKWARD, groups, n, c, hw, eps, x, gamma, mean, var);
        k.dy = dy;
        k.dx = dx;
        k.dGamma = dGamma;
        k.dBeta = dBeta;
        run(k, c, channelGrain(groups * n * hw));
    }

    /** Each thread's two gradient sums (gradSums' accumulator), not an array per chunk. */
    private static final ThreadLocal<double[]> GRAD_SUMS = ThreadLocal.withInitial(() -> new double[2]);

    private static void trainBackwardChannels(int groups, int n, int c, int hw, float eps, float[] x, float[] gamma,
                                              float[] mean, float[] var, float[] dy, float[] dx, float[] dGamma,
                                              float[] dBeta, int c0, int c1) {
        double count = (double) n * hw;
        double[] acc = GRAD_SUMS.get();
        for (int ch = c0; ch < c1; ch++) {
            double gSum = 0;
            double bSum = 0;
            double gm = gamma == null ? 1.0 : gamma[ch];
            for (int g = 0; g < groups; g++) {
                double mu = mean[g * c + ch];
                double rstd = 1.0 / Math.sqrt(var[g * c + ch] + (double) eps);
                acc[0] = 0;
                acc[1] = 0;
                for (int i = 0; i < n; i++) {
                    gradSums(x, dy, ((g * n + i) * c + ch) * hw, hw, mu, acc);
                }
                double sumDy = acc[0];
                double sumDyXhat = acc[1] * rstd;
                gSum += sumDyXhat;
                bSum += sumDy;
                // dx = k (count dy - sum dy - xhat sum(dy xhat)), xhat = (x - mu) rstd
                double k = gm * rstd / count;
                for (int i = 0; i < n; i++) {
                    gradInput(x, dy, dx, ((g * n + i) * c + ch) * hw, hw, mu, k * count,
                            -k * rstd * sumDyXhat, -k * sumDy);
                }
            }
            if (dGamma != null) {
                dGamma[ch] = (float) gSum;
            }
            if (dBeta != null) {
                dBeta[ch] = (float) bSum;
            }
        }
    }
}
