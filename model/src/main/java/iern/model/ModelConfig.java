package iern.model;

import iern.engine.InvalidInput;
import iern.data.Printable;
import iern.engine.io.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything that fixes the shapes of the networks, so a checkpoint can say what it was
 * trained as and refuse to load into anything else.
 *
 * @param method        IERN (the paper) or the baseline (backbone + classifier, cross-entropy only)
 * @param backbone      {@code resnet18}, {@code resnet34} or {@code resnet50}
 * @param width         multiplier on the ResNet channel counts (1 = torchvision's widths)
 * @param featChannels  channels of the feature map {@code b} after the 1x1 conv (512 in the paper)
 * @param imageSize     square input side in pixels; the feature side follows it ({@link #featSize()})
 * @param emotions      class names, in label order
 * @param confounders   confounder (source data set) names, in label order
 * @param genBlocks     residual blocks in EmoGen/ConGen (2 in the paper)
 * @param reconsBlocks  residual blocks in Recons (3)
 * @param disBlocks     halving 1x1 convs in the discriminators (3)
 * @param intervention  {@code uniform} (the paper: mean over strata), {@code prior} (strata weighted by
 *                      their training frequency) or {@code attention} (NWGM, one pass)
 * @param prior         P(z) per confounder, from the training split (used by {@code prior} and {@code attention})
 * @param attentionDim  query/key width of the {@code attention} intervention
 * @param adversary     {@code none} (the paper), {@code conditional}: a source discriminator that reads the
 *                      emotion features (IERN's e, the baseline's b) with one head per emotion, which the
 *                      features are trained to fool ({@link SourceAdversary}), or {@code linear}: the same
 *                      with linear heads on the pooled features
 */
public record ModelConfig(Method method, String backbone, double width, int featChannels, int imageSize,
                          List<String> emotions, List<String> confounders, int genBlocks, int reconsBlocks,
                          int disBlocks, InterventionMode intervention, double[] prior, int attentionDim,
                          Adversary adversary) {

    public static final List<String> BACKBONES = List.of("resnet18", "resnet34", "resnet50");

    /** Without an adversary, as the paper. */
    public ModelConfig(Method method, String backbone, double width, int featChannels, int imageSize,
                       List<String> emotions, List<String> confounders, int genBlocks, int reconsBlocks,
                       int disBlocks, InterventionMode intervention, double[] prior, int attentionDim) {
        this(method, backbone, width, featChannels, imageSize, emotions, confounders, genBlocks, reconsBlocks,
                disBlocks, intervention, prior, attentionDim, Adversary.NONE);
    }

    /**
     * Bounds on every size, a few times the paper's (width 1, 512 features, 224 pixels, 2 and 3
     * blocks, 6 emotions, 3 sources). A configuration read from a file is checked against them
     * before anything is allocated, so a hostile checkpoint cannot ask for gigabytes.
     */
    public static final double MAX_WIDTH = 4;
    public static final int MAX_FEAT_CHANNELS = 1024;
    public static final int MAX_IMAGE_SIZE = 1024;
    public static final int MAX_BLOCKS = 8;
    public static final int MAX_CLASSES = 64;
    public static final int MAX_ATTENTION_DIM = 1024;
    private static final int MAX_NAME = 64;

    public ModelConfig {
        Objects.requireNonNull(emotions, "emotions");
        Objects.requireNonNull(confounders, "confounders");
        emotions = List.copyOf(emotions);
        confounders = List.copyOf(confounders);
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(intervention, "intervention");
        Objects.requireNonNull(adversary, "adversary");
        if (!BACKBONES.contains(backbone)) {
            throw new InvalidInput("backbone " + Printable.of(String.valueOf(backbone)) + ": expected one of " + BACKBONES);
        }
        if (!(width > 0) || width > MAX_WIDTH) {
            throw new InvalidInput("width " + width + ": expected a multiplier in (0, "
                    + java.math.BigDecimal.valueOf(MAX_WIDTH).stripTrailingZeros().toPlainString() + "]");
        }
        if (featChannels < 16 || featChannels % 16 != 0 || featChannels > MAX_FEAT_CHANNELS) {
            // The discriminators halve the width three times and must keep at least two channels.
            throw new InvalidInput("feat_channels " + featChannels + ": expected a multiple of 16 in [16, "
                    + MAX_FEAT_CHANNELS + "] (the discriminators halve it three times)");
        }
        int f = featSizeOf(imageSize);
        if (f < 2 || imageSize > MAX_IMAGE_SIZE) {
            throw new InvalidInput("image_size " + imageSize + ": expected " + minImageSize() + " to " + MAX_IMAGE_SIZE
                    + " pixels (" + (f < 2 ? imageSize + " gives a " + f + "x" + f + " feature map; " : "")
                    + "the discriminator's 4x4 stride-2 conv needs at least 2x2, so at least " + minImageSize() + ")");
        }
        names("emotions", emotions, 2);
        names("confounders", confounders, 1);
        if (genBlocks < 0 || genBlocks > MAX_BLOCKS || reconsBlocks < 0 || reconsBlocks > MAX_BLOCKS
                || disBlocks < 0 || disBlocks > 4) {
            throw new InvalidInput("gen_blocks " + genBlocks + ", recons_blocks " + reconsBlocks
                    + ", dis_blocks " + disBlocks + ": expected gen and recons in [0, " + MAX_BLOCKS
                    + "], dis in [0, 4]");
        }
        if (prior != null) {
            if (prior.length != confounders.size()) {
                throw new InvalidInput("prior has " + prior.length + " entries for "
                        + confounders.size() + " confounders");
            }
            double sum = 0;
            for (double v : prior) {
                if (!(v >= 0) || Double.isInfinite(v)) {
                    throw new InvalidInput("prior " + java.util.Arrays.toString(prior)
                            + ": expected finite probabilities at least 0");
                }
                sum += v;
            }
            if (!(sum > 0)) {
                throw new InvalidInput("prior " + java.util.Arrays.toString(prior) + ": all zero");
            }
            prior = prior.clone();
        }
        if (attentionDim < 1 || attentionDim > MAX_ATTENTION_DIM) {
            throw new InvalidInput("attention_dim " + attentionDim + ": expected a number in [1, "
                    + MAX_ATTENTION_DIM + "]");
        }
    }

    private static void names(String field, List<String> list, int min) {
        if (list.size() < min || list.size() > MAX_CLASSES) {
            throw new InvalidInput(field + ": " + list.size() + " names, expected " + min + " to "
                    + MAX_CLASSES);
        }
        if (new java.util.HashSet<>(list).size() != list.size()) {
            throw new InvalidInput(field + ": names repeat in " + Printable.of(list.toString()));
        }
        for (String n : list) {
            if (n.isEmpty() || n.length() > MAX_NAME || !n.equals(Printable.of(n))) {
                throw new InvalidInput(field + ": name " + Printable.quote(n) + " should be 1 to "
                        + MAX_NAME + " printable characters");
            }
        }
    }

    /** The default emotion and source names of the Mix-Dataset (and of the synthetic benchmark). */
    public static final List<String> MIX_EMOTIONS = List.of("Anger", "Disgust", "Fear", "Happiness", "Sadness", "Surprise");
    public static final List<String> MIX_SOURCES = List.of("CKPlus", "MMI", "OuluCASIA");

    /** The paper's IERN: ResNet-50, 512 features, 224 pixels. */
    public static ModelConfig paper() {
        return new ModelConfig(Method.IERN, "resnet50", 1.0, 512, 224, MIX_EMOTIONS, MIX_SOURCES, 2, 3, 3,
                InterventionMode.UNIFORM, null, 64);
    }

    /** Side of the backbone's output map: the stem (7x7/2, max-pool 3x3/2) and three stride-2 stages. */
    public int featSize() {
        return featSizeOf(imageSize);
    }

    static int featSizeOf(int s) {
        if (s < 1) {
            return 0;
        }
        s = (s + 2 * 3 - 7) / 2 + 1;   // conv 7x7 stride 2 pad 3
        s = (s + 2 * 1 - 3) / 2 + 1;   // max-pool 3x3 stride 2 pad 1
        for (int stage = 0; stage < 3; stage++) {
            s = (s + 2 * 1 - 3) / 2 + 1;   // first 3x3 (or 1x1 stride 2) conv of layers 2..4
        }
        return s;
    }

    static int minImageSize() {
        int s = 1;
        while (featSizeOf(s) < 2) {
            s++;
        }
        return s;
    }

    /** Side of the discriminator's map after its 4x4 stride-2 conv; its last conv uses this kernel. */
    public int disKernel() {
        int f = featSize();
        return (f + 2 - 4) / 2 + 1;
    }

    public int numEmotions() {
        return emotions.size();
    }

    public int numConfounders() {
        return confounders.size();
    }

    public boolean isBaseline() {
        return method == Method.BASELINE;
    }

    /** The weights of the backdoor adjustment for {@code uniform} and {@code prior}. */
    public float[] strataWeights() {
        int k = numConfounders();
        float[] w = new float[k];
        if (intervention == InterventionMode.UNIFORM || prior == null) {
            java.util.Arrays.fill(w, 1f / k);
        } else {
            double sum = 0;
            for (double p : prior) {
                sum += p;
            }
            for (int i = 0; i < k; i++) {
                w[i] = (float) (prior[i] / sum);
            }
        }
        return w;
    }

    public ModelConfig withMethod(Method m) {
        return new ModelConfig(m, backbone, width, featChannels, imageSize, emotions, confounders, genBlocks,
                reconsBlocks, disBlocks, intervention, prior, attentionDim, adversary);
    }

    public ModelConfig withIntervention(InterventionMode mode) {
        return new ModelConfig(method, backbone, width, featChannels, imageSize, emotions, confounders, genBlocks,
                reconsBlocks, disBlocks, mode, prior, attentionDim, adversary);
    }

    public ModelConfig withPrior(double[] p) {
        return new ModelConfig(method, backbone, width, featChannels, imageSize, emotions, confounders, genBlocks,
                reconsBlocks, disBlocks, intervention, p, attentionDim, adversary);
    }

    public ModelConfig withAdversary(Adversary a) {
        return new ModelConfig(method, backbone, width, featChannels, imageSize, emotions, confounders, genBlocks,
                reconsBlocks, disBlocks, intervention, prior, attentionDim, a);
    }

    public boolean hasAdversary() {
        return adversary != Adversary.NONE;
    }

    public ModelConfig withClasses(List<String> emo, List<String> conf) {
        return new ModelConfig(method, backbone, width, featChannels, imageSize, emo, conf, genBlocks,
                reconsBlocks, disBlocks, intervention, null, attentionDim, adversary);
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", method.id());
        m.put("backbone", backbone);
        m.put("width", width);
        m.put("feat_channels", featChannels);
        m.put("image_size", imageSize);
        m.put("feat_size", featSize());
        m.put("emotions", emotions);
        m.put("confounders", confounders);
        m.put("gen_blocks", genBlocks);
        m.put("recons_blocks", reconsBlocks);
        m.put("dis_blocks", disBlocks);
        m.put("intervention", intervention.id());
        List<Double> p = null;
        if (prior != null) {
            p = new ArrayList<>();
            for (double v : prior) {
                p.add(v);
            }
        }
        m.put("prior", p);
        m.put("attention_dim", attentionDim);
        m.put("adversary", adversary.id());
        return m;
    }

    public static ModelConfig fromMap(Map<String, Object> m, String source) {
        ConfigReader r = new ConfigReader(m, source);
        List<String> emo = r.strings("emotions");
        List<String> conf = r.strings("confounders");
        Object priorValue = m.get("prior");
        double[] p = null;
        if (priorValue != null) {
            List<Object> list = r.list("prior");
            p = new double[list.size()];
            for (int i = 0; i < p.length; i++) {
                if (!(list.get(i) instanceof Number n)) {
                    throw new InvalidInput(source + ": key 'prior' should be an array of numbers, found "
                            + Printable.of(Json.write(list)));
                }
                p[i] = n.doubleValue();
            }
        }
        try {
            return new ModelConfig(Method.of(r.string("method")), r.string("backbone"), r.number("width"),
                    r.integer("feat_channels"), r.integer("image_size"), emo, conf, r.integer("gen_blocks"),
                    r.integer("recons_blocks"), r.integer("dis_blocks"), InterventionMode.of(r.string("intervention")), p,
                    r.integer("attention_dim"),
                    m.containsKey("adversary") ? Adversary.of(r.string("adversary")) : Adversary.NONE);
        } catch (IllegalArgumentException e) {
            throw new InvalidInput(e.getMessage().startsWith(source) ? e.getMessage()
                    : source + ": " + e.getMessage(), e);
        }
    }

    /**
     * Lists every field that differs, as {@code name: this vs other}; empty when the two build
     * networks of the same shapes with the same meaning.
     */
    public List<String> differences(ModelConfig other) {
        List<String> diff = new ArrayList<>();
        Map<String, Object> a = toMap();
        Map<String, Object> b = other.toMap();
        for (String key : a.keySet()) {
            Object x = a.get(key);
            Object y = b.get(key);
            if (!Objects.equals(x, y)) {
                diff.add(key + ": " + Json.write(x) + " vs " + Json.write(y));
            }
        }
        return diff;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelConfig c && differences(c).isEmpty();
    }

    @Override
    public int hashCode() {
        return Json.write(toMap()).hashCode();
    }

    @Override
    public String toString() {
        return Json.write(toMap());
    }
}
