package iern.model;

import iern.data.loader.Batch;
import iern.data.loader.Loader;
import iern.engine.Grad;
import iern.engine.Tensor;
import iern.engine.TensorScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the features carry, measured on images the probes were not fitted on. For every method:
 * {@code source_leak}, a fresh {@link LeakageProbe} predicting the source from the pooled emotion
 * features (IERN's e, the baseline's backbone features b), fitted on training images and scored on
 * test images, with its chance level; de-confounding should bring it down to chance. For IERN also
 * {@code emotion_leak_c} (the emotion from the pooled context feature c), ConDis' accuracy on c and
 * on e, the root-mean-square distance of c to its own centre and between centres (per element, so
 * comparable across feature sizes).
 */
public final class Diagnostics {
    private Diagnostics() {}

    /** Features of one pass: pooled rows and labels, plus IERN's extra tallies. */
    private static final class Pass {
        final List<double[]> emo = new ArrayList<>();
        final List<double[]> ctx = new ArrayList<>();
        final List<Integer> source = new ArrayList<>();
        final List<Integer> emotion = new ArrayList<>();
        long conDisOnC;
        long conDisOnE;
        double centerSq;
        long elements;

        int[] labels(List<Integer> l) {
            int[] a = new int[l.size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = l.get(i);
            }
            return a;
        }

        double[][] rows(List<double[]> l) {
            return l.toArray(new double[0][]);
        }
    }

    /** The diagnostics as metric name to value, fitted on {@code train}'s images and scored on {@code test}'s. */
    public static Map<String, Object> measure(IernNetwork net, Loader train, Loader test) {
        Pass fit = pass(net, train);
        Pass score = pass(net, test);
        Map<String, Object> m = new LinkedHashMap<>();
        int k = net.config.numConfounders();
        LeakageProbe.Score src = LeakageProbe.fitAndScore(fit.rows(fit.emo), fit.labels(fit.source),
                score.rows(score.emo), score.labels(score.source), k);
        m.put("source_leak", src.accuracy());
        m.put("source_leak_chance", src.chance());
        if (!net.config.isBaseline()) {
            LeakageProbe.Score emo = LeakageProbe.fitAndScore(fit.rows(fit.ctx), fit.labels(fit.emotion),
                    score.rows(score.ctx), score.labels(score.emotion), net.config.numEmotions());
            m.put("emotion_leak_c", emo.accuracy());
            m.put("emotion_leak_c_chance", emo.chance());
            int n = score.source.size();
            m.put("condis_acc_c", (double) score.conDisOnC / n);
            m.put("condis_acc_e", (double) score.conDisOnE / n);
            m.put("center_dist", Math.sqrt(score.centerSq / score.elements));
            m.put("center_sep", centerSeparation(net));
        }
        return m;
    }

    private static Pass pass(IernNetwork net, Loader loader) {
        Pass p = new Pass();
        float[] centres = net.config.isBaseline() ? null : net.memory.centers.detach().toArray();
        net.eval();
        try (Grad g = Grad.off()) {
            loader.startEpoch(0);
            for (Batch b; (b = loader.next()) != null; ) {
                try (TensorScope scope = TensorScope.open()) {
                    float[] images = java.util.Arrays.copyOf(b.images, b.size * b.floatsPerImage());
                    Tensor x = Tensor.of(images, b.size, 3, b.height, b.width);
                    Tensor feat = net.base.forward(x);
                    if (net.config.isBaseline()) {
                        add(p.emo, feat);
                    } else {
                        Tensor e = net.emoGen.forward(feat);
                        Tensor c = net.conGen.forward(feat);
                        add(p.emo, e);
                        add(p.ctx, c);
                        float[] onC = net.conDis.forward(c).argmax(1).toArray();
                        float[] onE = net.conDis.forward(e).argmax(1).toArray();
                        float[] cs = c.reshape(b.size, -1).toArray();
                        int d = cs.length / b.size;
                        for (int i = 0; i < b.size; i++) {
                            p.conDisOnC += (int) onC[i] == b.confounder[i] ? 1 : 0;
                            p.conDisOnE += (int) onE[i] == b.confounder[i] ? 1 : 0;
                            int off = b.confounder[i] * d;
                            for (int j = 0; j < d; j++) {
                                double diff = cs[i * d + j] - centres[off + j];
                                p.centerSq += diff * diff;
                            }
                            p.elements += d;
                        }
                    }
                    for (int i = 0; i < b.size; i++) {
                        p.source.add(b.confounder[i]);
                        p.emotion.add(b.emotion[i]);
                    }
                }
            }
        } finally {
            net.train();
        }
        return p;
    }

    /** Global average pool of {@code f [n, C, h, w]} into rows of C doubles. */
    private static void add(List<double[]> rows, Tensor f) {
        int n = f.dim(0);
        float[] pooled = f.mean(new int[] {2, 3}, false).toArray();
        int c = pooled.length / n;
        for (int i = 0; i < n; i++) {
            double[] r = new double[c];
            for (int j = 0; j < c; j++) {
                r[j] = pooled[i * c + j];
            }
            rows.add(r);
        }
    }

    /** Root-mean-square per-element distance between two centres, averaged over the pairs. */
    static double centerSeparation(IernNetwork net) {
        float[] z = net.memory.centers.detach().toArray();
        int k = net.memory.count();
        int d = z.length / k;
        double sum = 0;
        int pairs = 0;
        for (int a = 0; a < k; a++) {
            for (int b = a + 1; b < k; b++) {
                double sq = 0;
                for (int j = 0; j < d; j++) {
                    double diff = z[a * d + j] - z[b * d + j];
                    sq += diff * diff;
                }
                sum += Math.sqrt(sq / d);
                pairs++;
            }
        }
        return pairs == 0 ? 0 : sum / pairs;
    }
}
