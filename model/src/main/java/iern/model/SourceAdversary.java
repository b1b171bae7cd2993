package iern.model;

import iern.engine.Tensor;
import iern.engine.nn.Module;
import java.util.SplittableRandom;

/**
 * A source discriminator that reads the emotion features and is told the emotion: one head of
 * K source logits per emotion, the head of each item's own emotion answering. Trained on the
 * features detached, it learns P(source | feature, emotion); the features are then trained
 * towards its confusion, the source distribution each emotion has in the training split
 * (P(z | y)). That target is what the discriminator outputs when the features carry nothing of
 * the source beyond what the emotion already implies, so it removes the capture style without
 * asking the features to forget the emotion-source correlation of a biased split, which an
 * unconditional adversary would (under bias100 the source rules out two emotions).
 */
public final class SourceAdversary extends Module {
    private final Module dis;
    private final int emotions;
    private final int sources;

    /** The discriminator architecture of the paper's ConDis over the feature map. */
    public SourceAdversary(int channels, int emotions, int sources, int kernel, int halvings, SplittableRandom rng) {
        this(new Discriminator(channels, emotions * sources, kernel, halvings, rng), emotions, sources);
    }

    /**
     * Linear on the globally pooled features: exactly what the emotion classifier (global average
     * pool + linear) and the leakage probe read, so fooling it removes the source from the channel
     * the classifier can use.
     */
    public static SourceAdversary linear(int channels, int emotions, int sources, SplittableRandom rng) {
        return new SourceAdversary(new EmotionClassifier(channels, emotions * sources, rng), emotions, sources);
    }

    private SourceAdversary(Module heads, int emotions, int sources) {
        this.emotions = emotions;
        this.sources = sources;
        dis = registerModule("dis", heads);
    }

    /** Source logits {@code [n, K]} of features {@code f [n, C, s, s]}, each from the head of its emotion. */
    public Tensor logits(Tensor f, int[] emotionLabels) {
        int n = f.dim(0);
        if (emotionLabels.length != n) {
            throw new IllegalArgumentException("source adversary: " + emotionLabels.length + " labels for " + n + " items");
        }
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            if (emotionLabels[i] < 0 || emotionLabels[i] >= emotions) {
                throw new IllegalArgumentException("source adversary: emotion " + emotionLabels[i] + " of item " + i
                        + " outside [0, " + emotions + ")");
            }
            rows[i] = i * emotions + emotionLabels[i];
        }
        return dis.forward(f).reshape(n * emotions, sources).indexSelect(0, rows);
    }

    /**
     * The features' loss: cross-entropy of the discriminator's answer against {@code target}
     * {@code [n, K]} (rows of P(z | y)); minimal when the answer is that distribution.
     */
    public static Tensor confusionLoss(Tensor logits, Tensor target) {
        return logits.logSoftmax(1).mul(target).sum().div(-logits.dim(0));
    }

    /**
     * P(z | y) from a training split's (emotion, source) counts, {@code [E][K]}; an emotion the
     * split never shows gets the uniform row.
     */
    public static double[][] sourceGivenEmotion(int[][] counts) {
        double[][] p = new double[counts.length][];
        for (int e = 0; e < counts.length; e++) {
            long total = 0;
            for (int c : counts[e]) {
                total += c;
            }
            p[e] = new double[counts[e].length];
            for (int z = 0; z < p[e].length; z++) {
                p[e][z] = total == 0 ? 1.0 / p[e].length : (double) counts[e][z] / total;
            }
        }
        return p;
    }

    /** The target rows {@code [n, K]} for a batch's emotion labels. */
    public static float[] targetRows(double[][] sourceGivenEmotion, int[] emotionLabels, float[] into) {
        int k = sourceGivenEmotion[0].length;
        for (int i = 0; i < emotionLabels.length; i++) {
            for (int z = 0; z < k; z++) {
                into[i * k + z] = (float) sourceGivenEmotion[emotionLabels[i]][z];
            }
        }
        return into;
    }
}
