package iern.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LeakageProbeTest {

    /** Features and labels; row i of x belongs to label y[i]. */
    private record Data(double[][] x, int[] y) {}

    /** Gaussian blobs: class c is centred at spread * e_c, unit noise in every dimension. */
    private static Data blobs(SplittableRandom random, int n, int d, int classes, double spread) {
        double[][] x = new double[n][d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = random.nextInt(classes);
            for (int j = 0; j < d; j++) x[i][j] = random.nextGaussian() + (j == y[i] ? spread : 0);
        }
        return new Data(x, y);
    }

    /** Pure noise, except feature `planted` = 2 * label + noise(sd) when planted >= 0. */
    private static Data planted(SplittableRandom random, int n, int d, int classes, int planted, double sd) {
        double[][] x = new double[n][d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = random.nextInt(classes);
            for (int j = 0; j < d; j++) x[i][j] = random.nextGaussian();
            if (planted >= 0) x[i][planted] = 2 * y[i] + sd * random.nextGaussian();
        }
        return new Data(x, y);
    }

    private static Data without(Data data, int feature) {
        double[][] x = new double[data.x.length][];
        for (int i = 0; i < x.length; i++) {
            double[] row = data.x[i];
            x[i] = new double[row.length - 1];
            for (int j = 0, o = 0; j < row.length; j++) if (j != feature) x[i][o++] = row[j];
        }
        return new Data(x, data.y);
    }

    private static double maxShare(int[] y, int classes) {
        int[] count = new int[classes];
        for (int label : y) count[label]++;
        int most = 0;
        for (int c : count) most = Math.max(most, c);
        return (double) most / y.length;
    }

    private static LeakageProbe.Score probe(Data train, Data test, int classes) {
        return LeakageProbe.fitAndScore(train.x, train.y, test.x, test.y, classes);
    }

    @Test
    void separableBlobsAreFoundAndChanceIsTheLargestClassShare() {
        SplittableRandom random = new SplittableRandom(1);
        Data train = blobs(random, 300, 5, 3, 4);
        Data test = blobs(random, 300, 5, 3, 4);
        LeakageProbe.Score s = probe(train, test, 3);
        assertTrue(s.accuracy() > 0.95, "accuracy " + s.accuracy());
        assertEquals(maxShare(test.y, 3), s.chance(), 1e-15);
        assertEquals(1.0 / 3, s.chance(), 0.06);
        assertEquals(300, s.trained());
        assertEquals(300, s.scored());
        Map<String, Object> m = s.toMap();
        assertEquals(List.of("accuracy", "chance", "trained", "scored"), List.copyOf(m.keySet()));
        assertEquals(s.accuracy(), m.get("accuracy"));
        assertEquals(300, m.get("scored"));
    }

    @Test
    void noiseWithRandomLabelsStaysAtChance() {
        SplittableRandom random = new SplittableRandom(2);
        Data train = planted(random, 600, 32, 6, -1, 0);
        Data test = planted(random, 600, 32, 6, -1, 0);
        LeakageProbe.Score s = probe(train, test, 6);
        assertEquals(maxShare(test.y, 6), s.chance(), 1e-15);
        assertEquals(s.chance(), s.accuracy(), 0.08, "the probe must not invent signal");
    }

    @Test
    void aPlantedLabelIsFoundAndGoneOnceItsFeatureIsRemoved() {
        SplittableRandom random = new SplittableRandom(3);
        Data train = planted(random, 600, 20, 3, 7, 0.3);
        Data test = planted(random, 600, 20, 3, 7, 0.3);
        LeakageProbe.Score with = probe(train, test, 3);
        assertTrue(with.accuracy() > 0.9, "accuracy with the planted feature " + with.accuracy());
        LeakageProbe.Score gone = probe(without(train, 7), without(test, 7), 3);
        assertEquals(gone.chance(), gone.accuracy(), 0.08, "accuracy without it " + gone.accuracy());
    }

    @Test
    void scaleOfAFeatureDoesNotMatter() {
        SplittableRandom random = new SplittableRandom(4);
        // Noisier planted feature so accuracy is not pinned at 1 and a change could show.
        Data train = planted(random, 600, 20, 3, 7, 1.5);
        Data test = planted(random, 600, 20, 3, 7, 1.5);
        LeakageProbe.Score plain = probe(train, test, 3);
        for (Data data : List.of(train, test)) {
            for (double[] row : data.x) row[7] *= 1e4;
        }
        LeakageProbe.Score scaled = probe(train, test, 3);
        assertTrue(plain.accuracy() > plain.chance() + 0.2, "accuracy " + plain.accuracy());
        assertEquals(plain.accuracy(), scaled.accuracy(), 0.02);
    }

    @Test
    void classesMissingFromTrainingDoNotCrash() {
        SplittableRandom random = new SplittableRandom(5);
        Data train = blobs(random, 200, 5, 3, 4);       // labels 0..2 only
        Data test = blobs(random, 200, 5, 3, 4);
        test.y[0] = 4;                                   // a class never trained on
        LeakageProbe.Score s = probe(train, test, 5);
        assertTrue(s.accuracy() > 0.9, "accuracy " + s.accuracy());
    }

    @Test
    void badInputIsRejectedNamingTheProblem() {
        double[][] x = {{1, 2}, {3, 4}, {5, 6}};
        int[] y = {0, 1, 0};
        assertMessage("yTrain", () -> LeakageProbe.fitAndScore(x, new int[] {0, 1}, x, y, 2));
        assertMessage("yTest[1] = 2", () -> LeakageProbe.fitAndScore(x, y, x, new int[] {0, 2, 0}, 2));
        assertMessage("yTrain[2] = -1", () -> LeakageProbe.fitAndScore(x, new int[] {0, 1, -1}, x, y, 2));
        double[][] nan = {{1, 2}, {3, 4}, {5, Double.NaN}};
        assertMessage("xTrain[2][1]", () -> LeakageProbe.fitAndScore(nan, y, x, y, 2));
        double[][] ragged = {{1, 2}, {3}, {5, 6}};
        assertMessage("xTest[1]", () -> LeakageProbe.fitAndScore(x, y, ragged, y, 2));
        assertMessage("xTest", () -> LeakageProbe.fitAndScore(x, y, new double[0][], new int[0], 2));
        assertMessage("xTrain", () -> LeakageProbe.fitAndScore(new double[0][], new int[0], x, y, 2));
    }

    private static void assertMessage(String part, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should name " + part);
    }

    @Test
    void sameInputSameScore() {
        SplittableRandom random = new SplittableRandom(6);
        Data train = planted(random, 400, 20, 4, 3, 1.0);
        Data test = planted(random, 400, 20, 4, 3, 1.0);
        assertEquals(probe(train, test, 4), probe(train, test, 4));
    }
}
