package iern.data.synth;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark's bias is real: a nearest-centroid classifier on six colour statistics (mean and standard
 * deviation of R, G, B) names the source of unseen people almost perfectly, and the same classifier on the same
 * features cannot name the emotion much better than chance, so the emotion lives in the face, not the colours.
 */
class BiasTest {
    record Item(double[] features, int source, int emotion, int subject) {}

    @Test
    void colourStatisticsGiveAwayTheSourceButNotTheEmotion() {
        SynthConfig cfg = new SynthConfig(7, 8, 32, 3);
        List<Item> items = new ArrayList<>();
        for (int src = 0; src < 3; src++)
            for (int subj = 0; subj < cfg.subjectsPerSource(); subj++)
                for (int emo = 0; emo < 6; emo++)
                    for (int f = 0; f < 3; f++)
                        items.add(new Item(colourStats(SynthBenchmark.render(cfg, src, subj, emo, f)), src, emo, subj));
        // train on the first half of the people, test on unseen people
        List<Item> train = items.stream().filter(i -> i.subject < 4).toList();
        List<Item> test = items.stream().filter(i -> i.subject >= 4).toList();
        double sourceAcc = nearestCentroidAccuracy(train, test, true, 3);
        double emotionAcc = nearestCentroidAccuracy(train, test, false, 6);
        System.out.printf("colour-statistics nearest centroid: source %.3f, emotion %.3f (chance 0.333 / 0.167)%n",
                sourceAcc, emotionAcc);
        assertTrue(sourceAcc >= 0.97, "source accuracy " + sourceAcc);
        assertTrue(emotionAcc <= 0.40, "emotion accuracy " + emotionAcc);
        assertTrue(sourceAcc - emotionAcc >= 0.5, sourceAcc + " vs " + emotionAcc);
    }

    static double[] colourStats(BufferedImage img) {
        int n = img.getWidth() * img.getHeight();
        double[] sum = new double[3];
        double[] sq = new double[3];
        for (int y = 0; y < img.getHeight(); y++)
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                for (int c = 0; c < 3; c++) {
                    double v = (p >> (16 - 8 * c)) & 0xff;
                    sum[c] += v;
                    sq[c] += v * v;
                }
            }
        double[] f = new double[6];
        for (int c = 0; c < 3; c++) {
            f[c] = sum[c] / n;
            f[3 + c] = Math.sqrt(Math.max(0, sq[c] / n - f[c] * f[c]));
        }
        return f;
    }

    static double nearestCentroidAccuracy(List<Item> train, List<Item> test, boolean bySource, int classes) {
        double[][] centroid = new double[classes][6];
        int[] count = new int[classes];
        for (Item i : train) {
            int k = bySource ? i.source : i.emotion;
            count[k]++;
            for (int d = 0; d < 6; d++) centroid[k][d] += i.features[d];
        }
        for (int k = 0; k < classes; k++) for (int d = 0; d < 6; d++) centroid[k][d] /= count[k];
        int right = 0;
        for (Item i : test) {
            int best = -1;
            double bestDist = Double.MAX_VALUE;
            for (int k = 0; k < classes; k++) {
                double dist = 0;
                for (int d = 0; d < 6; d++) dist += (i.features[d] - centroid[k][d]) * (i.features[d] - centroid[k][d]);
                if (dist < bestDist) {
                    bestDist = dist;
                    best = k;
                }
            }
            if (best == (bySource ? i.source : i.emotion)) right++;
        }
        return right / (double) test.size();
    }

    @Test
    void biasProbeOnTheWrittenFilesAgrees(@org.junit.jupiter.api.io.TempDir java.nio.file.Path root) {
        SynthBenchmark.generate(root, new SynthConfig(4, 4, 24, 3));
        var labels = iern.data.mix.MixDataset.labelsIn(root, iern.data.BadInput.fail());
        var all = iern.data.mix.MixDataset.scan(root, labels, iern.data.BadInput.fail()).samples();
        // train on odd-numbered people, test on the others: every test face is a stranger
        BiasProbe.Result r = BiasProbe.run(all, s -> subjectNumber(s.sequence()) % 2 == 1, 3, 6);
        System.out.println(r);
        assertTrue(r.trained() == 108 && r.tested() == 108, r.toString());
        assertTrue(r.source() >= 0.97, r.toString());
        assertTrue(r.emotion() <= 0.40, r.toString());
    }

    /** "CKPlus/S003_004" or "OuluCASIA/P003_Fear" -> 3. */
    static int subjectNumber(String sequence) {
        String name = sequence.substring(sequence.indexOf('/') + 2);
        return Integer.parseInt(name.substring(0, 3));
    }
}
