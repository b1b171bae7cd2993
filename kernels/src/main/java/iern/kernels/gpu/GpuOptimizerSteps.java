package iern.kernels.gpu;

import iern.engine.Storage;
import iern.engine.ops.OptimizerSteps;

/**
 * The GPU kernels of {@link OptimizerSteps} for both GPU backends (each registers the
 * subclasses naming its backend class); their source is {@code optim.cl}: {@code adam_step}
 * and {@code sgd_step}, one work-item per parameter. Adam's bias corrections are folded on the
 * host in double, as on the CPU. Calls hold the backend's lock, as its own methods do.
 */
public final class GpuOptimizerSteps {
    private GpuOptimizerSteps() {}

    /** {@link OptimizerSteps#ADAM} on a GPU backend. */
    public abstract static class Adam extends GpuKernel<OptimizerSteps.Adam> {
        protected Adam(Class<? extends GpuBackend> backend) {
            super(OptimizerSteps.ADAM, backend);
        }

        @Override
        protected final void launch(GpuBackend be, OptimizerSteps.Adam p, Storage[] io) {
            GpuStorage gs = be.own(io[0], "adamStep grad"), ps = be.own(io[1], "adamStep param");
            GpuStorage ms = be.own(io[2], "adamStep m"), vs = be.own(io[3], "adamStep v");
            double bc1 = 1.0 - Math.pow(p.beta1(), p.step());
            double bc2 = 1.0 - Math.pow(p.beta2(), p.step());
            if (p.n() > 0) {
                be.launch().kernel("optim.cl", "adam_step").mem(ps).mem(gs).mem(ms).mem(vs).l(p.n()).f(p.beta1())
                        .f(p.beta2()).f(p.eps()).f(p.weightDecay()).f(p.gradScale()).f((float) (p.lr() / bc1))
                        .f((float) Math.sqrt(bc2)).items(p.n());
            }
        }
    }

    /** {@link OptimizerSteps#SGD} on a GPU backend. */
    public abstract static class Sgd extends GpuKernel<OptimizerSteps.Sgd> {
        protected Sgd(Class<? extends GpuBackend> backend) {
            super(OptimizerSteps.SGD, backend);
        }

        @Override
        protected final void launch(GpuBackend be, OptimizerSteps.Sgd p, Storage[] io) {
            GpuStorage gs = be.own(io[0], "sgdStep grad"), ps = be.own(io[1], "sgdStep param");
            GpuStorage bs = be.optional(io[2], "sgdStep momentumBuf");
            if (p.n() > 0) {
                be.launch().kernel("optim.cl", "sgd_step").mem(ps).mem(gs).mem(bs == null ? be.dummy() : bs)
                        .flag(bs != null).l(p.n()).f(p.lr()).f(p.momentum()).f(p.weightDecay()).f(p.gradScale())
                        .flag(p.nesterov()).items(p.n());
            }
        }
    }
}
