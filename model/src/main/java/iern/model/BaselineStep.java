package iern.model;

import iern.engine.F;
import iern.engine.Tensor;
import iern.engine.TensorScope;
import iern.engine.optim.Adam;
import iern.engine.optim.Optimizer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The baseline the paper compares against: backbone + classifier trained with cross-entropy
 * only, one Adam with the same rates IERN's classification step uses (backbone at the base rate,
 * classifier at the full rate), the same data, schedule and budget.
 */
public final class BaselineStep implements TrainingStep {
    private final IernNetwork net;
    private final Adam adam;
    private final Map<String, Optimizer> optimizers = new LinkedHashMap<>();

    private final AdversaryStep adversary;
    private final float advWeight;

    private final PriorAdjustment adjustment;

    public BaselineStep(IernNetwork net, TrainConfig train) {
        this(net, train, SplitPriors.uniform(net.config.numEmotions(), net.config.numConfounders()));
    }

    /**
     * With a conditional source adversary on b when the network has one, and the source-prior
     * logit adjustment when {@code train} asks for it; both read the training split's {@code priors}.
     */
    public BaselineStep(IernNetwork net, TrainConfig train, SplitPriors priors) {
        if (!net.config.isBaseline()) {
            throw new IllegalArgumentException("BaselineStep needs a baseline network, got " + net.config.method().id());
        }
        this.net = net;
        adam = new Adam((float) train.beta1(), (float) train.beta2(), 1e-8f, 0f);
        adam.addGroup("base", net.base.parameters(), train.baseLr());
        adam.addGroup("cls", net.cls.parameters(), train.lr());
        optimizers.put("cls", adam);
        adversary = AdversaryStep.attach(net, train, priors, optimizers);
        adjustment = train.priorAdjust() ? new PriorAdjustment(priors) : null;
        advWeight = (float) train.advWeight();
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
            adam.zeroGrad();
            Tensor b = net.base.forward(x);
            Tensor logits = net.cls.forward(b);
            Tensor loss = F.crossEntropy(PriorAdjustment.apply(adjustment, logits, confounders), emotions);
            double nan = Double.NaN;
            double srcDis = nan;
            Tensor adv = null;
            if (adversary == null) {
                loss.backward();
            } else {
                srcDis = adversary.trainAdversary(b, emotions, confounders);
                adv = adversary.confusion(b, emotions);
                loss.add(adv.mul(advWeight)).backward();
                adversary.release();
            }
            adam.step();
            return new StepLosses(nan, nan, nan, nan, nan, nan, nan, loss.item(), srcDis,
                    adv == null ? nan : adv.item(), IernStep.countCorrect(logits, emotions), emotions.length);
        } finally {
            if (adversary != null) {
                adversary.release();
            }
        }
    }
}
