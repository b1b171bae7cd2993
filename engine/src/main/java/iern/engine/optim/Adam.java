package iern.engine.optim;

import iern.engine.Tensor;
import iern.engine.ops.OptimizerSteps;
import java.util.List;

/**
 * Adam with PyTorch's semantics: per-parameter step counts, bias-corrected moments, and
 * weight decay as L2 added to the gradient (not AdamW). One fused kernel per parameter
 * ({@link OptimizerSteps#ADAM}).
 */
public final class Adam extends Optimizer {

    public final float beta1, beta2, eps, weightDecay;

    public Adam(float beta1, float beta2, float eps, float weightDecay) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps > 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("Adam: invalid settings beta1=" + beta1 + " beta2=" + beta2
                    + " eps=" + eps + " weightDecay=" + weightDecay);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    /** One group called "default" holding {@code params} at {@code lr}. */
    public Adam(List<Tensor> params, double lr, float beta1, float beta2, float eps, float weightDecay) {
        this(beta1, beta2, eps, weightDecay);
        addGroup("default", params, lr);
    }

    /** One group called "default" at {@code lr} with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no decay. */
    public Adam(List<Tensor> params, double lr) {
        this(params, lr, 0.9f, 0.999f, 1e-8f, 0f);
    }

    @Override
    protected String[] bufferNames() {
        return new String[] {"exp_avg", "exp_avg_sq"};
    }

    @Override
    protected void update(Tensor p, ParamState s, double lr, float gradScale) {
        s.step++;
        OptimizerSteps.adam(p.backend(), p.storage(), p.grad().storage(), s.buffers[0], s.buffers[1], p.numel(), (float) lr,
                beta1, beta2, eps, weightDecay, gradScale, s.step);
    }
}
