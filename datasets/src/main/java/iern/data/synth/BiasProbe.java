package iern.data.synth;

import iern.data.Sample;
import iern.data.image.ImageDecoder;

import java.util.List;
import java.util.function.Predicate;

/**
 * How much a data set's labels can be read off its colour statistics alone: nearest-centroid classifiers on the
 * mean and standard deviation of R, G and B, trained on one group of images and scored on another. On a
 * confounded benchmark the source should be almost perfectly predictable and the emotion near chance.
 */
public final class BiasProbe {
    /** @param source accuracy predicting the confounder; @param emotion accuracy predicting the class */
    public record Result(double source, double emotion, int trained, int tested) {
        @Override
        public String toString() {
            return String.format("colour statistics predict the source with %.1f%% and the emotion with %.1f%% "
                    + "accuracy (%d training / %d held-out images)", 100 * source, 100 * emotion, trained, tested);
        }
    }

    private BiasProbe() {}

    /** Features: mean and standard deviation of each channel, in [0, 1]. */
    public static double[] colourStats(float[] planar) {
        int plane = planar.length / 3;
        double[] f = new double[6];
        for (int c = 0; c < 3; c++) {
            double sum = 0, sq = 0;
            for (int i = 0; i < plane; i++) {
                double v = planar[c * plane + i];
                sum += v;
                sq += v * v;
            }
            f[c] = sum / plane;
            f[3 + c] = Math.sqrt(Math.max(0, sq / plane - f[c] * f[c]));
        }
        return f;
    }

    /** Trains on the samples matching {@code isTrain}, scores on the rest. */
    public static Result run(List<Sample> samples, Predicate<Sample> isTrain, int sources, int emotions) {
        double[][] features = new double[samples.size()][];
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            features[i] = colourStats(ImageDecoder.toPlanar(ImageDecoder.read(s.path(), s.origin())));
        }
        double src = accuracy(samples, features, isTrain, true, sources);
        double emo = accuracy(samples, features, isTrain, false, emotions);
        int trained = (int) samples.stream().filter(isTrain).count();
        return new Result(src, emo, trained, samples.size() - trained);
    }

    static double accuracy(List<Sample> samples, double[][] x, Predicate<Sample> isTrain, boolean bySource, int k) {
        double[][] centroid = new double[k][6];
        int[] count = new int[k];
        for (int i = 0; i < samples.size(); i++) {
            if (!isTrain.test(samples.get(i))) continue;
            int label = label(samples.get(i), bySource);
            count[label]++;
            for (int d = 0; d < 6; d++) centroid[label][d] += x[i][d];
        }
        for (int c = 0; c < k; c++) for (int d = 0; d < 6; d++) centroid[c][d] /= Math.max(1, count[c]);
        int right = 0, total = 0;
        for (int i = 0; i < samples.size(); i++) {
            if (isTrain.test(samples.get(i))) continue;
            int best = 0;
            double bestDist = Double.MAX_VALUE;
            for (int c = 0; c < k; c++) {
                if (count[c] == 0) continue;
                double dist = 0;
                for (int d = 0; d < 6; d++) dist += (x[i][d] - centroid[c][d]) * (x[i][d] - centroid[c][d]);
                if (dist < bestDist) {
                    bestDist = dist;
                    best = c;
                }
            }
            total++;
            if (best == label(samples.get(i), bySource)) right++;
        }
        return total == 0 ? Double.NaN : right / (double) total;
    }

    private static int label(Sample s, boolean bySource) {
        return bySource ? s.confounder() : s.emotion();
    }
}
