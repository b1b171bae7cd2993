package iern.model;

import iern.engine.F;
import iern.engine.Tensor;
import iern.engine.nn.BatchNorm2d;
import iern.engine.nn.Conv2d;
import iern.engine.nn.Init;
import iern.engine.nn.Linear;
import iern.engine.nn.Module;
import java.util.List;
import java.util.SplittableRandom;

/**
 * All of IERN's networks (DESIGN.md): {@code base} (ResNet + 1x1 conv), {@code emo_gen},
 * {@code con_gen}, {@code recons}, {@code emo_dis}, {@code con_dis}, the confounder
 * {@code memory} and the classifier {@code cls}; the {@code attention} intervention adds
 * {@code attention}. The baseline has {@code base} and {@code cls} only.
 *
 * <p>Parameters live on the engine's default backend at construction time.
 */
public final class IernNetwork extends Module {
    public final ModelConfig config;
    public final ResNet base;
    public final EmotionClassifier cls;
    public final FeatureGenerator emoGen;
    public final FeatureGenerator conGen;
    public final FeatureGenerator recons;
    public final Discriminator emoDis;
    public final Discriminator conDis;
    public final ConfounderMemory memory;
    public final StrataAttention attention;
    /** The conditional source adversary on the emotion features (e; the baseline's b), or null. */
    public final SourceAdversary adversary;
    private final Tensor strataWeights;
    private final Tensor prior;

    public IernNetwork(ModelConfig config, long seed) {
        this.config = config;
        SplittableRandom rng = new SplittableRandom(seed);
        int c = config.featChannels();
        base = registerModule("base", new ResNet(config.backbone(), config.width(), c, rng.split()));
        if (config.isBaseline()) {
            cls = registerModule("cls", new EmotionClassifier(c, config.numEmotions(), rng.split()));
            emoGen = conGen = recons = null;
            emoDis = conDis = null;
            memory = null;
            attention = null;
            strataWeights = prior = null;
            adversary = config.hasAdversary() ? registerModule("src_adv", newAdversary(config, rng.split())) : null;
            initHeads(adversary == null ? List.of(cls) : List.of(cls, adversary), rng.split());
            return;
        }
        int f = config.featSize();
        emoGen = registerModule("emo_gen", new FeatureGenerator(c, c, config.genBlocks(), rng.split()));
        conGen = registerModule("con_gen", new FeatureGenerator(c, c, config.genBlocks(), rng.split()));
        recons = registerModule("recons", new FeatureGenerator(2 * c, c, config.reconsBlocks(), rng.split()));
        emoDis = registerModule("emo_dis", new Discriminator(c, config.numEmotions(), config.disKernel(),
                config.disBlocks(), rng.split()));
        conDis = registerModule("con_dis", new Discriminator(c, config.numConfounders(), config.disKernel(),
                config.disBlocks(), rng.split()));
        memory = registerModule("memory", new ConfounderMemory(config.numConfounders(), c, f, rng.nextLong()));
        cls = registerModule("cls", new EmotionClassifier(c, config.numEmotions(), rng.split()));
        initHeads(List.of(emoGen, conGen, recons, emoDis, conDis, cls), rng.split());
        adversary = config.hasAdversary() ? registerModule("src_adv", newAdversary(config, rng.split())) : null;
        if (adversary != null) {
            initHeads(List.of(adversary), rng.split());
        }
        attention = config.intervention() == InterventionMode.ATTENTION
                ? registerModule("attention", new StrataAttention(c, config.attentionDim(), rng.split()))
                : null;
        // uniform: 1/K; prior and attention: P(z) from the training split (1/K when unknown).
        strataWeights = Tensor.of(config.strataWeights(), config.numConfounders());
        prior = strataWeights;
    }

    private static SourceAdversary newAdversary(ModelConfig config, SplittableRandom rng) {
        if (config.adversary() == Adversary.LINEAR) {
            return SourceAdversary.linear(config.featChannels(), config.numEmotions(), config.numConfounders(), rng);
        }
        return new SourceAdversary(config.featChannels(), config.numEmotions(), config.numConfounders(),
                config.disKernel(), config.disBlocks(), rng);
    }

    /** The authors' init_weights('normal', 0.02) for the heads: conv/linear N(0, 0.02), bias 0; BN scale N(1, 0.02). */
    private static void initHeads(List<Module> heads, SplittableRandom rng) {
        for (Module head : heads) {
            for (Module m : head.namedModules().values()) {
                if (m instanceof Conv2d conv) {
                    Init.normal(conv.weight, 0, 0.02, rng);
                    if (conv.bias != null) {
                        Init.zeros(conv.bias);
                    }
                } else if (m instanceof Linear lin) {
                    Init.normal(lin.weight, 0, 0.02, rng);
                    if (lin.bias != null) {
                        Init.zeros(lin.bias);
                    }
                } else if (m instanceof BatchNorm2d bn) {
                    Init.normal(bn.weight, 1, 0.02, rng);
                    Init.zeros(bn.bias);
                }
            }
        }
    }

    /** Recons: {@code concat(e, c)} on channels through conv3x3 and residual blocks; K strata when {@code groups = K}. */
    public Tensor reconstruct(Tensor e, Tensor c, int groups) {
        return recons.forward(Tensor.cat(List.of(e, c), 1), groups);
    }

    /**
     * The interventional prediction {@code P(Y | do(X))} from emotion features {@code e [n, C, f, f]}:
     * {@code uniform}/{@code prior} run Recons and the classifier over all K strata in one batched
     * pass (strata stacked on the batch axis, batch norm per stratum; Recons' first convolution
     * split so it convolves n items and K strata, not K*n pairs) and mix the K logits with the
     * stratum weights through the engine's intervention op; {@code attention} mixes the strata
     * first and runs one pass. Returns logits {@code [n, emotions]}.
     */
    public Tensor intervene(Tensor e) {
        Tensor z = memory.strata();
        int k = z.dim(0);
        int n = e.dim(0);
        int[] fs = {e.dim(1), e.dim(2), e.dim(3)};
        if (attention != null) {
            Tensor w = attention.weights(e, z, prior);
            Tensor mixed = iern.engine.ops.Intervention.shared(w, z.reshape(k, -1)).reshape(n, fs[0], fs[1], fs[2]);
            return cls.forward(reconstruct(e, mixed, 1));
        }
        Tensor logits = cls.forward(recons.forwardStrata(e, z));
        int emotions = logits.dim(1);
        return iern.engine.ops.Intervention.shared(strataWeights, logits.reshape(k, n * emotions)).reshape(n, emotions);
    }

    /**
     * The same prediction as {@link #intervene} for {@code uniform}/{@code prior}, the authors'
     * way: one Recons + classifier pass per stratum. Kept to prove the batched pass equal (tests)
     * and to time the difference (bench).
     */
    public Tensor interveneSeparately(Tensor e) {
        Tensor z = memory.strata();
        int k = z.dim(0);
        int n = e.dim(0);
        float[] w = config.strataWeights();
        Tensor sum = null;
        for (int j = 0; j < k; j++) {
            Tensor zj = z.slice(0, j, j + 1).expand(n, e.dim(1), e.dim(2), e.dim(3));
            Tensor logits = cls.forward(reconstruct(e, zj, 1)).mul(w[j]);
            sum = sum == null ? logits : sum.add(logits);
        }
        return sum;
    }

    /** Test-time logits {@code [n, emotions]} for images {@code x [n, 3, s, s]}. */
    public Tensor predict(Tensor x) {
        Tensor b = base.forward(x);
        if (config.isBaseline()) {
            return cls.forward(b);
        }
        return intervene(emoGen.forward(b));
    }
}
