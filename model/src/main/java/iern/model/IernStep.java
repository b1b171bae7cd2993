package iern.model;

import iern.engine.F;
import iern.engine.Tensor;
import iern.engine.TensorScope;
import iern.engine.nn.BatchNorm2d;
import iern.engine.nn.Module;
import iern.engine.optim.Adam;
import iern.engine.optim.Optimizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * IERN's iteration (DESIGN.md, the authors' {@code optimize_parameters}) with three Adam
 * optimisers:
 * <ol>
 *   <li>features: {@code b = Base(x)}, {@code e = EmoGen(b)}, {@code c = ConGen(b)}, {@code r = Recons(e, c)};</li>
 *   <li>discriminators ({@code dis}): {@code [CE(EmoDis(e'), y) + CE(ConDis(c'), z)] / 2} on detached e', c';</li>
 *   <li>disentangling ({@code feat}: EmoGen, ConGen, centres, Recons; discriminators frozen):
 *       {@code [MSE(softmax(ConDis(e)), 1/K) + MSE(softmax(EmoDis(c)), 1/E)] / 2 + lambda CenterLoss(c, z) + MSE(r, b)},
 *       the centres' gradient scaled by {@code 1/lambda} so lambda shapes c but not the centres;</li>
 *   <li>classification ({@code cls}: Base at the base rate, EmoGen and classifier at the full
 *       rate, Recons in a group at rate 0): {@code CE(sum_k w_k Cls(Recons(e, z_k)), y)}.</li>
 * </ol>
 * Two deliberate differences from the authors' code, neither changing what is learned:
 * <ul>
 *   <li><b>Step 4 recomputes e</b> with the EmoGen that step 3 just updated. The authors
 *       back-propagate through the e of step 1, computed with EmoGen's old weights (PyTorch
 *       before 1.5 allowed this; newer versions refuse because step 3 changed the weights in
 *       place). The recomputation leaves EmoGen's batch-norm running statistics as they were,
 *       so they are updated once per iteration, as in the authors' run.</li>
 *   <li>Steps 1-3 read {@code b} detached. The authors let step 3's loss reach the backbone,
 *       but no step-3 optimiser holds the backbone and step 4 clears its gradient before use,
 *       so that backward pass was wasted work.</li>
 * </ul>
 * Parameters that an update would not change anyway skip their gradient: the discriminators in
 * step 3 (frozen, as the authors) and Recons in step 4 (its rate is 0).
 */
public final class IernStep implements TrainingStep {
    private final IernNetwork net;
    private final TrainConfig train;
    private final Adam dis;
    private final Adam feat;
    private final Adam cls;
    private final Map<String, Optimizer> optimizers = new LinkedHashMap<>();
    private final List<BatchNorm2d> emoGenNorms = new ArrayList<>();
    private final List<Tensor> savedStats = new ArrayList<>();
    private final Tensor uniformEmotions;
    private final Tensor uniformConfounders;
    private final boolean batchedStrata;
    private final AdversaryStep adversary;
    private final PriorAdjustment adjustment;

    public IernStep(IernNetwork net, TrainConfig train) {
        this(net, train, true);
    }

    public IernStep(IernNetwork net, TrainConfig train, boolean batchedStrata) {
        this(net, train, batchedStrata, SplitPriors.uniform(net.config.numEmotions(), net.config.numConfounders()));
    }

    /**
     * With {@code batchedStrata} false, step 4 runs Recons and the classifier once per stratum as
     * the authors do (the same function, slower; kept for the benchmark's comparison).
     * {@code priors} (the training split's cell counts) give the conditional adversary its target
     * and the source-prior logit adjustment its prior.
     */
    public IernStep(IernNetwork net, TrainConfig train, boolean batchedStrata, SplitPriors priors) {
        if (net.config.isBaseline()) {
            throw new IllegalArgumentException("IernStep needs an IERN network, got the baseline");
        }
        this.net = net;
        this.train = train;
        this.batchedStrata = batchedStrata || net.attention != null;
        float b1 = (float) train.beta1();
        float b2 = (float) train.beta2();
        dis = new Adam(b1, b2, 1e-8f, 0f);
        dis.addGroup("emo_dis", net.emoDis.parameters(), train.lr());
        dis.addGroup("con_dis", net.conDis.parameters(), train.lr());
        feat = new Adam(b1, b2, 1e-8f, 0f);
        feat.addGroup("emo_gen", net.emoGen.parameters(), train.lr());
        feat.addGroup("con_gen", net.conGen.parameters(), train.lr());
        feat.addGroup("centers", net.memory.parameters(), train.lr());
        feat.addGroup("recons", net.recons.parameters(), train.lr());
        feat.setGradScale(net.memory.centers, (float) (1.0 / train.lambdaCenter()));
        cls = new Adam(b1, b2, 1e-8f, 0f);
        cls.addGroup("base", net.base.parameters(), train.baseLr());
        cls.addGroup("emo_gen", net.emoGen.parameters(), train.lr());
        cls.addGroup("recons", net.recons.parameters(), 0.0);
        cls.addGroup("cls", net.cls.parameters(), train.lr());
        if (net.attention != null) {
            cls.addGroup("attention", net.attention.parameters(), train.lr());
        }
        optimizers.put("dis", dis);
        optimizers.put("feat", feat);
        optimizers.put("cls", cls);
        adversary = AdversaryStep.attach(net, train, priors, optimizers);
        adjustment = train.priorAdjust() ? new PriorAdjustment(priors) : null;
        for (Module m : net.emoGen.namedModules().values()) {
            if (m instanceof BatchNorm2d bn) {
                emoGenNorms.add(bn);
                savedStats.add(Tensor.zerosLike(bn.runningMean));
                savedStats.add(Tensor.zerosLike(bn.runningVar));
            }
        }
        int n = net.config.numEmotions();
        int k = net.config.numConfounders();
        uniformEmotions = Tensor.full(1f / n, 1, n);
        uniformConfounders = Tensor.full(1f / k, 1, k);
    }

    @Override
    public IernNetwork network() {
        return net;
    }

    @Override
    public Map<String, Optimizer> optimizers() {
        return optimizers;
    }

    @Override
    public StepLosses step(Tensor x, int[] emotions, int[] confounders) {
        net.train();
        try (TensorScope scope = TensorScope.open()) {
            // 1. features
            Tensor b = net.base.forward(x);
            Tensor bd = b.detach();
            Tensor e = net.emoGen.forward(bd);
            Tensor c = net.conGen.forward(bd);
            Tensor r = net.reconstruct(e, c, 1);

            // 2. discriminators learn to read emotion from e and source from c
            dis.zeroGrad();
            Tensor emoDis = F.crossEntropy(net.emoDis.forward(e.detach()), emotions);
            Tensor conDis = F.crossEntropy(net.conDis.forward(c.detach()), confounders);
            Tensor lossDis = emoDis.add(conDis).mul(0.5f);
            lossDis.backward();
            dis.step();
            double srcDis = adversary == null ? Double.NaN : adversary.trainAdversary(e, emotions, confounders);

            // 3. generators fool the frozen discriminators; c clusters at its source's centre; Recons rebuilds b
            net.emoDis.requiresGrad(false);
            net.conDis.requiresGrad(false);
            feat.zeroGrad();
            net.memory.startAt(c, confounders);
            Tensor genE = F.mse(net.conDis.forward(e).softmax(1), uniformConfounders);
            Tensor genC = F.mse(net.emoDis.forward(c).softmax(1), uniformEmotions);
            Tensor gen = genE.add(genC).mul(0.5f);
            Tensor center = net.memory.centerLoss(c, confounders).mul((float) train.lambdaCenter());
            Tensor recons = F.mse(r, bd);
            Tensor lossFeat = gen.add(center).add(recons);
            lossFeat.backward();
            feat.step();
            net.emoDis.requiresGrad(true);
            net.conDis.requiresGrad(true);

            // 4. classify through the intervention, with e recomputed by the updated EmoGen
            cls.zeroGrad();
            net.recons.requiresGrad(false);
            saveEmoGenStats();
            Tensor e2 = net.emoGen.forward(b);
            restoreEmoGenStats();
            Tensor logits = batchedStrata ? net.intervene(e2) : net.interveneSeparately(e2);
            Tensor lossCls = F.crossEntropy(PriorAdjustment.apply(adjustment, logits, confounders), emotions);
            Tensor adv = null;
            if (adversary == null) {
                lossCls.backward();
            } else {
                // the features fool the source adversary while they classify (it does not change here)
                adv = adversary.confusion(e2, emotions);
                lossCls.add(adv.mul((float) train.advWeight())).backward();
                adversary.release();
            }
            cls.step();
            net.recons.requiresGrad(true);

            int correct = countCorrect(logits, emotions);
            return new StepLosses(lossDis.item(), emoDis.item(), conDis.item(), lossFeat.item(), gen.item(),
                    center.item(), recons.item(), lossCls.item(), srcDis, adv == null ? Double.NaN : adv.item(),
                    correct, emotions.length);
        } finally {
            if (adversary != null) {
                adversary.release();
            }
            net.emoDis.requiresGrad(true);
            net.conDis.requiresGrad(true);
            net.recons.requiresGrad(true);
        }
    }

    private void saveEmoGenStats() {
        for (int i = 0; i < emoGenNorms.size(); i++) {
            savedStats.get(2 * i).copyFrom(emoGenNorms.get(i).runningMean);
            savedStats.get(2 * i + 1).copyFrom(emoGenNorms.get(i).runningVar);
        }
    }

    private void restoreEmoGenStats() {
        for (int i = 0; i < emoGenNorms.size(); i++) {
            emoGenNorms.get(i).runningMean.copyFrom(savedStats.get(2 * i));
            emoGenNorms.get(i).runningVar.copyFrom(savedStats.get(2 * i + 1));
        }
    }

    static int countCorrect(Tensor logits, int[] labels) {
        float[] pred = logits.detach().argmax(1).toArray();
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if ((int) pred[i] == labels[i]) {
                correct++;
            }
        }
        return correct;
    }
}
