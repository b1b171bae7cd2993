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
 * @param srcDis  the conditional source adversary's own cross-entropy (NaN without one)
 * @param adv     the features' confusion loss against it, unweighted (NaN without one)
 */
public record StepLosses(double dis, double emoDis, double conDis, double feat, double gen, double center,
                         double recons, double cls, double srcDis, double adv, int correct, int images) {

    public static final String[] NAMES = {"dis", "emo_dis", "con_dis", "feat", "gen", "center", "recons", "cls",
        "src_dis", "adv"};

    /** Without an adversary. */
    public StepLosses(double dis, double emoDis, double conDis, double feat, double gen, double center,
                      double recons, double cls, int correct, int images) {
        this(dis, emoDis, conDis, feat, gen, center, recons, cls, Double.NaN, Double.NaN, correct, images);
    }

    public double[] values() {
        return new double[] {dis, emoDis, conDis, feat, gen, center, recons, cls, srcDis, adv};
    }

    /** The first loss that is NaN or infinite as "name = value", or null when all are finite (NaN placeholders of absent losses excepted). */
    public String firstNonFinite(boolean baseline, boolean adversary) {
        double[] v = values();
        for (int i = 0; i < v.length; i++) {
            boolean adv = NAMES[i].equals("src_dis") || NAMES[i].equals("adv");
            boolean present = adv ? adversary : !baseline || NAMES[i].equals("cls");
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
