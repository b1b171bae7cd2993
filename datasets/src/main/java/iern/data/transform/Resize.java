package iern.data.transform;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Bicubic resampling (a = -0.5, as PIL's BICUBIC) with the kernel widened when shrinking, which is PIL's
 * anti-aliasing: every source pixel under an output pixel contributes. Separable: rows first, then columns.
 */
public final class Resize {
    /** Per-axis taps: for output i, weights[i*taps + k] applies to source index first[i] + k (clamped). */
    record Taps(int taps, int[] first, float[] weights) {}

    private static final ConcurrentHashMap<Long, Taps> CACHE = new ConcurrentHashMap<>();
    /** Sizes whose taps are kept: a data set has a few; one of many odd sizes must not grow the cache forever. */
    static final int CACHED_SIZES = 64;

    private Resize() {}

    static double cubic(double x) {
        final double a = -0.5;
        x = Math.abs(x);
        if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
        if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
        return 0;
    }

    static Taps taps(int in, int out) {
        if (CACHE.size() >= CACHED_SIZES) CACHE.clear();
        return CACHE.computeIfAbsent(((long) in << 32) | out, k -> computeTaps(in, out));
    }

    static int cachedSizes() {
        return CACHE.size();
    }

    private static Taps computeTaps(int in, int out) {
        double scale = (double) in / out;
        double stretch = Math.max(scale, 1.0);
        double support = 2.0 * stretch;
        int taps = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[out];
        float[] weights = new float[out * taps];
        for (int i = 0; i < out; i++) {
            double center = (i + 0.5) * scale;
            // like PIL, the window is cut at the border and renormalised instead of repeating edge pixels
            int lo = Math.max((int) (center - support + 0.5), 0);
            int hi = Math.min((int) (center + support + 0.5), in);
            first[i] = lo;
            double sum = 0;
            double[] w = new double[taps];
            for (int k = 0; k < taps && lo + k < hi; k++) {
                w[k] = cubic((lo + k + 0.5 - center) / stretch);
                sum += w[k];
            }
            for (int k = 0; k < taps; k++) weights[i * taps + k] = (float) (sum == 0 ? 0 : w[k] / sum);
        }
        return new Taps(taps, first, weights);
    }

    /** Resizes src into dst (reshaped to w x h); tmp is scratch of at least 3*w*src.height floats. */
    public static void apply(FloatImage src, FloatImage dst, FloatImage tmp, int w, int h) {
        int sw = src.width;
        int sh = src.height;
        Taps tx = taps(sw, w);
        Taps ty = taps(sh, h);
        tmp.reshape(w, sh);
        for (int c = 0; c < 3; c++) {
            int sBase = c * sw * sh;
            int tBase = c * w * sh;
            for (int y = 0; y < sh; y++) {
                int row = sBase + y * sw;
                for (int x = 0; x < w; x++) {
                    float acc = 0;
                    int lo = tx.first[x];
                    for (int k = 0; k < tx.taps; k++) {
                        int sx = Math.min(Math.max(lo + k, 0), sw - 1);
                        acc += tx.weights[x * tx.taps + k] * src.data[row + sx];
                    }
                    // PIL keeps the intermediate as 8-bit (when both axes change); rounding here reproduces it
                    tmp.data[tBase + y * w + x] = sh == h ? acc : Math.round(Math.min(1f, Math.max(0f, acc)) * 255f) / 255f;
                }
            }
        }
        dst.reshape(w, h);
        for (int c = 0; c < 3; c++) {
            int tBase = c * w * sh;
            int dBase = c * w * h;
            for (int y = 0; y < h; y++) {
                int lo = ty.first[y];
                int out = dBase + y * w;
                for (int x = 0; x < w; x++) dst.data[out + x] = 0;
                for (int k = 0; k < ty.taps; k++) {
                    int sy = Math.min(Math.max(lo + k, 0), sh - 1);
                    float wk = ty.weights[y * ty.taps + k];
                    int in = tBase + sy * w;
                    for (int x = 0; x < w; x++) dst.data[out + x] += wk * tmp.data[in + x];
                }
                for (int x = 0; x < w; x++) dst.data[out + x] = Math.min(1f, Math.max(0f, dst.data[out + x]));
            }
        }
    }
}
