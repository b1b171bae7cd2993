package iern.engine.cpu;

/**
 * Batch norm over {@code x [groups * n, c, hw]} with statistics per (group, channel). One
 * thread owns each channel (looping over the groups), so the weight gradients, summed over
 * groups, come out in a fixed order.
 */
final class CpuBatchNorm {
    private CpuBatchNorm() {}

    private static int channelGrain(int work) {
        return Math.max(1, (1 << 14) / Math.max(1, work));
    }

    static void trainForward(int groups, int n, int c, int hw, float eps, float[] x, float[] gamma, float[] beta,
                             float[] y, float[] mean, float[] var) {
        Parallel.forRange(c, channelGrain(groups * n * hw), (c0, c1) -> {
            for (int ch = c0; ch < c1; ch++) {
                for (int g = 0; g < groups; g++) {
                    double s = 0;
                    for (int i = 0; i < n; i++) {
                        int base = ((g * n + i) * c + ch) * hw;
                        for (int p = 0; p < hw; p++) {
                            s += x[base + p];
                        }
                    }
                    double mu = s / ((double) n * hw);
                    double v = 0;
                    for (int i = 0; i < n; i++) {
                        int base = ((g * n + i) * c + ch) * hw;
                        for (int p = 0; p < hw; p++) {
                            double d = x[base + p] - mu;
                            v += d * d;
                        }
                    }
                    v /= (double) n * hw;
                    mean[g * c + ch] = (float) mu;
                    var[g * c + ch] = (float) v;
                    double scale = (gamma == null ? 1.0 : gamma[ch]) / Math.sqrt(v + eps);
                    double shift = (beta == null ? 0.0 : beta[ch]) - mu * scale;
                    for (int i = 0; i < n; i++) {
                        int base = ((g * n + i) * c + ch) * hw;
                        for (int p = 0; p < hw; p++) {
                            y[base + p] = (float) (x[base + p] * scale + shift);
                        }
                    }
                }
            }
        });
    }

    static void evalForward(int n, int c, int hw, float eps, float[] x, float[] gamma, float[] beta,
                            float[] mean, float[] var, float[] y) {
        Parallel.forRange(n * c, channelGrain(hw), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int ch = p % c;
                double scale = (gamma == null ? 1.0 : gamma[ch]) / Math.sqrt(var[ch] + (double) eps);
                double shift = (beta == null ? 0.0 : beta[ch]) - mean[ch] * scale;
                for (int i = p * hw; i < (p + 1) * hw; i++) {
                    y[i] = (float) (x[i] * scale + shift);
                }
            }
        });
    }

    static void trainBackward(int groups, int n, int c, int hw, float eps, float[] x, float[] gamma, float[] mean,
                              float[] var, float[] dy, float[] dx, float[] dGamma, float[] dBeta) {
        double count = (double) n * hw;
        Parallel.forRange(c, channelGrain(groups * n * hw), (c0, c1) -> {
            for (int ch = c0; ch < c1; ch++) {
                double gSum = 0;
                double bSum = 0;
                double gm = gamma == null ? 1.0 : gamma[ch];
                for (int g = 0; g < groups; g++) {
                    double mu = mean[g * c + ch];
                    double rstd = 1.0 / Math.sqrt(var[g * c + ch] + (double) eps);
                    double sumDy = 0;
                    double sumDyXhat = 0;
                    for (int i = 0; i < n; i++) {
                        int base = ((g * n + i) * c + ch) * hw;
                        for (int p = 0; p < hw; p++) {
                            double d = dy[base + p];
                            sumDy += d;
                            sumDyXhat += d * (x[base + p] - mu) * rstd;
                        }
                    }
                    gSum += sumDyXhat;
                    bSum += sumDy;
                    double k = gm * rstd / count;
                    for (int i = 0; i < n; i++) {
                        int base = ((g * n + i) * c + ch) * hw;
                        for (int p = 0; p < hw; p++) {
                            double xhat = (x[base + p] - mu) * rstd;
                            dx[base + p] = (float) (k * (count * dy[base + p] - sumDy - xhat * sumDyXhat));
                        }
                    }
                }
                if (dGamma != null) {
                    dGamma[ch] = (float) gSum;
                }
                if (dBeta != null) {
                    dBeta[ch] = (float) bSum;
                }
            }
        });
    }
}
