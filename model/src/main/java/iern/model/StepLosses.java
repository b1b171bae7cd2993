package iern.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The losses of one training iteration (NaN where a method has no such loss: the baseline has
 * only {@code cls}) and how many of the batch the classification step got right.
 *
 * @param dis     step 2: (CE(EmoDis(e)) + CE(ConDis(c))) / 2
 * @param emoDis  its emotion part
 * @param conDis  its confounder part
 * @param feat    step 3: gen + center + recons
 * @param gen     (MSE(softmax(ConDis(e)), 1/K) + MSE(softmax(EmoDis(c)), 1/E)) / 2
 * @param center  lambda * centre loss
 * @param recons  MSE(Recons(e, c), b)
 * @param cls     step 4 (or the baseline's only step): CE of the interventional logits
 */
public record StepLosses(double dis, double emoDis, double conDis, double feat, double gen, double center,
                         double recons, double cls, int correct, int images) {

    public static final String[] NAMES = {"dis", "emo_dis", "con_dis", "feat", "gen", "center", "recons", "cls"};

    public double[] values() {
        return new double[] {dis, emoDis, conDis, feat, gen, center, recons, cls};
    }

    /** The first loss that is NaN or infinite as "name = value", or null when all are finite (NaN placeholders of absent losses excepted). */
    public String firstNonFinite(boolean baseline) {
        double[] v = values();
        for (int i = 0; i < v.length; i++) {
            boolean present = !baseline || NAMES[i].equals("cls");
            if (present && !Double.isFinite(v[i])) {
                return NAMES[i] + " = " + v[i];
            }
        }
        return null;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        double[] v = values();
        for (int i = 0; i < v.length; i++) {
            m.put(NAMES[i], v[i]);
        }
        return m;
    }
}
