package iern.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A fresh linear probe (softmax regression) that measures how much of a label, e.g. the source
 * dataset, a feature still carries on images it was not fitted on. It is a new model fitted from
 * zero, not the network's own discriminator, so a low score cannot come from a discriminator the
 * feature generator has merely learnt to fool.
 *
 * <p>Features are standardised with the training mean and sd; the objective is mean cross-entropy
 * + (L2/2)||W||^2, minimised by full-batch Nesterov descent from zero for a fixed ITERATIONS, so
 * the result is deterministic. Cost: about 2 * ITERATIONS * n * d * classes multiply-adds.
 */
public final class LeakageProbe {
    /** L2 weight on W (not on b): keeps weights finite when the training set is separable. */
    public static final double L2 = 1e-3;
    /**
     * Fixed, so the probe is deterministic. Correlated features (as network features are) converge
     * slowly, and an unconverged probe under-reports leakage, so this errs on the side of more.
     */
    public static final int ITERATIONS = 300;

    private LeakageProbe() {}

    /** Accuracy of the probe on the scored set; chance = share of the most frequent class there. */
    public record Score(double accuracy, double chance, int trained, int scored) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("accuracy", accuracy);
            m.put("chance", chance);
            m.put("trained", trained);
            m.put("scored", scored);
            return m;
        }
    }

    /** Fits on (xTrain[i], yTrain[i] in [0, classes)) and scores on (xTest, yTest). */
    public static Score fitAndScore(double[][] xTrain, int[] yTrain, double[][] xTest, int[] yTest, int classes) {
        if (classes < 1) throw new IllegalArgumentException("classes must be at least 1, got " + classes);
        int d = check("xTrain", "yTrain", xTrain, yTrain, classes, -1);
        check("xTest", "yTest", xTest, yTest, classes, d);
        // Training statistics only: the scored set must not leak into the fit.
        double[] mean = new double[d], sd = new double[d];
        for (double[] row : xTrain) for (int j = 0; j < d; j++) mean[j] += row[j];
        for (int j = 0; j < d; j++) mean[j] /= xTrain.length;
        for (double[] row : xTrain) for (int j = 0; j < d; j++) sd[j] += (row[j] - mean[j]) * (row[j] - mean[j]);
        for (int j = 0; j < d; j++) {
            sd[j] = Math.sqrt(sd[j] / xTrain.length);
            if (sd[j] < 1e-12) sd[j] = 1;   // a constant feature stays 0 rather than dividing by 0
        }
        double[] theta = fit(standardise(xTrain, mean, sd), yTrain, classes);
        double[][] test = standardise(xTest, mean, sd);
        double[] z = new double[classes];
        int[] count = new int[classes];
        int right = 0;
        for (int i = 0; i < test.length; i++) {
            logits(theta, test[i], classes, z);
            int best = 0;
            for (int c = 1; c < classes; c++) if (z[c] > z[best]) best = c;   // ties: lowest index
            if (best == yTest[i]) right++;
            count[yTest[i]]++;
        }
        int most = Arrays.stream(count).max().getAsInt();
        return new Score((double) right / test.length, (double) most / test.length, xTrain.length, test.length);
    }

    /** Returns the row length; d < 0 means "take it from the first row". */
    private static int check(String xs, String ys, double[][] x, int[] y, int classes, int d) {
        if (x == null || y == null) throw new IllegalArgumentException(xs + " or " + ys + " is null");
        if (x.length != y.length) {
            throw new IllegalArgumentException(xs + " has " + x.length + " rows but " + ys + " has " + y.length + " labels");
        }
        if (x.length == 0) throw new IllegalArgumentException(xs + " is empty: need at least one item");
        for (int i = 0; i < x.length; i++) {
            if (x[i] == null) throw new IllegalArgumentException(xs + "[" + i + "] is null");
            if (d < 0) d = x[i].length;
            if (x[i].length != d) {
                throw new IllegalArgumentException(xs + "[" + i + "] has " + x[i].length + " features, expected " + d);
            }
            for (int j = 0; j < d; j++) {
                if (!Double.isFinite(x[i][j])) throw new IllegalArgumentException(xs + "[" + i + "][" + j + "] is " + x[i][j]);
            }
            if (y[i] < 0 || y[i] >= classes) {
                throw new IllegalArgumentException(ys + "[" + i + "] = " + y[i] + " is outside [0, " + classes + ")");
            }
        }
        return d;
    }

    private static double[][] standardise(double[][] x, double[] mean, double[] sd) {
        double[][] out = new double[x.length][mean.length];
        for (int i = 0; i < x.length; i++) for (int j = 0; j < mean.length; j++) out[i][j] = (x[i][j] - mean[j]) / sd[j];
        return out;
    }

    /**
     * Nesterov gradient descent with adaptive restart (O'Donoghue and Candes). theta[c * (d + 1) + j]
     * is W[c][j], with b[c] at j = d. Step 1/L, L = 0.5 * lambda_max(X'X/n) + L2 (the softmax Hessian
     * is at most 1/2 per direction), lambda_max by power iteration with a 20% margin, and at least 1,
     * the bias column's eigenvalue (standardised features are centred, so it is orthogonal to them).
     */
    private static double[] fit(double[][] x, int[] y, int k) {
        int n = x.length, d = x[0].length, size = (d + 1) * k;
        double[][] xt = new double[d][n];   // column copy: the forward pass becomes vectorisable axpys
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) xt[j][i] = x[i][j];
        double step = 1 / (0.5 * 1.2 * Math.max(1, topEigenvalue(x, xt)) + L2);
        double[] theta = new double[size], prev = new double[size], look = new double[size], g = new double[size];
        double[][] z = new double[k][n];
        double t = 1;
        for (int it = 0; it < ITERATIONS; it++) {
            gradient(x, xt, y, look, g, z);
            double uphill = 0;
            for (int i = 0; i < size; i++) {
                double next = look[i] - step * g[i];
                uphill += g[i] * (next - theta[i]);
                prev[i] = theta[i];
                theta[i] = next;
            }
            if (uphill > 0) t = 1;   // momentum points uphill: drop it instead of oscillating
            double tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2, beta = (t - 1) / tNext;
            t = tNext;
            for (int i = 0; i < size; i++) look[i] = theta[i] + beta * (theta[i] - prev[i]);
        }
        return theta;
    }

    /** g = gradient of mean cross-entropy + (L2/2)||W||^2 at theta; z[c][i] holds the logits. */
    private static void gradient(double[][] x, double[][] xt, int[] y, double[] theta, double[] g, double[][] z) {
        int n = x.length, d = xt.length, k = z.length, s = d + 1;
        for (int c = 0; c < k; c++) Arrays.fill(z[c], theta[c * s + d]);
        for (int j = 0; j < d; j++) {
            double[] col = xt[j];
            for (int c = 0; c < k; c++) {
                double w = theta[c * s + j];
                double[] zc = z[c];
                for (int i = 0; i < n; i++) zc[i] += w * col[i];
            }
        }
        Arrays.fill(g, 0);
        double[] r = new double[k];
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int c = 0; c < k; c++) max = Math.max(max, z[c][i]);
            for (int c = 0; c < k; c++) sum += r[c] = Math.exp(z[c][i] - max);   // minus max: no overflow
            for (int c = 0; c < k; c++) r[c] /= sum;
            r[y[i]] -= 1;   // d(CE)/d(logit) = p - onehot
            double[] xi = x[i];
            for (int c = 0; c < k; c++) {
                double rc = r[c];
                int off = c * s;
                for (int j = 0; j < d; j++) g[off + j] += rc * xi[j];
                g[off + d] += rc;
            }
        }
        for (int c = 0; c < k; c++) {
            for (int j = 0; j <= d; j++) g[c * s + j] = g[c * s + j] / n + (j < d ? L2 * theta[c * s + j] : 0);
        }
    }

    private static void logits(double[] theta, double[] xi, int k, double[] z) {
        int d = xi.length;
        for (int c = 0; c < k; c++) {
            double sum = theta[c * (d + 1) + d];
            for (int j = 0; j < d; j++) sum += theta[c * (d + 1) + j] * xi[j];
            z[c] = sum;
        }
    }

    /** Largest eigenvalue of X'X/n by power iteration from a fixed random start (deterministic). */
    private static double topEigenvalue(double[][] x, double[][] xt) {
        int n = x.length, d = xt.length;
        SplittableRandom random = new SplittableRandom(17);
        double[] v = new double[d];
        for (int j = 0; j < d; j++) v[j] = random.nextDouble(-1, 1);
        double lambda = 0;
        for (int it = 0; it < 12; it++) {
            double norm = 0;
            for (double a : v) norm += a * a;
            if (norm == 0) return lambda;
            norm = Math.sqrt(norm);
            for (int j = 0; j < d; j++) v[j] /= norm;
            double[] u = new double[n], w = new double[d];
            for (int j = 0; j < d; j++) for (int i = 0; i < n; i++) u[i] += v[j] * xt[j][i];
            for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) w[j] += u[i] * x[i][j];
            lambda = 0;
            for (int j = 0; j < d; j++) lambda += (w[j] /= n) * v[j];   // Rayleigh quotient
            v = w;
        }
        return lambda;
    }
}
