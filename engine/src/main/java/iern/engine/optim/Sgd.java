package iern.engine.optim;

import iern.engine.Tensor;
import iern.engine.ops.OptimizerSteps;
import java.util.List;

/**
 * Stochastic gradient descent with momentum (PyTorch's semantics, dampening 0: the buffer
 * starts as the first gradient) and optional Nesterov momentum; weight decay as L2 added to
 * the gradient.
 */
public final class Sgd extends Optimizer {

    public final float momentum, weightDecay;
    public final boolean nesterov;

    public Sgd(float momentum, float weightDecay, boolean nesterov) {
        if (!(momentum >= 0) || !(weightDecay >= 0) || (nesterov && momentum == 0)) {
            throw new IllegalArgumentException("Sgd: invalid settings momentum=" + momentum + " weightDecay="
                    + weightDecay + " nesterov=" + nesterov + " (Nesterov needs momentum > 0)");
        }
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
    }

    /** One group called "default" holding {@code params} at {@code lr}. */
    public Sgd(List<Tensor> params, double lr, float momentum, float weightDecay, boolean nesterov) {
        this(momentum, weightDecay, nesterov);
        addGroup("default", params, lr);
    }

    @Override
    protected String[] bufferNames() {
        return new String[] {"momentum_buffer"};
    }

    @Override
    protected void update(Tensor p, ParamState s, double lr, float gradScale) {
        s.step++;
        OptimizerSteps.sgd(p.backend(), p.storage(), p.grad().storage(), s.buffers[0], p.numel(), (float) lr, momentum,
                weightDecay, gradScale, nesterov);
    }
}
