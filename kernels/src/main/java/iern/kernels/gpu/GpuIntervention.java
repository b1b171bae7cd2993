package iern.kernels.gpu;

import iern.engine.Storage;
import iern.engine.ops.Intervention;
import iern.engine.ops.Intervention.Dims;

/**
 * The GPU kernels of {@link Intervention} for both GPU backends (each registers the subclasses
 * naming its backend class); their source is {@code intervention.cl}:
 * {@code intervention_forward} (one work-item per output),
 * {@code intervention_backward_weights} (a work-group reduction per weight) and
 * {@code intervention_backward_strata}. Calls hold the backend's lock, as its own methods do.
 */
public final class GpuIntervention {
    private GpuIntervention() {}

    /** {@link Intervention#FORWARD} on a GPU backend. */
    public abstract static class Forward extends GpuKernel<Dims> {
        protected Forward(Class<? extends GpuBackend> backend) {
            super(Intervention.FORWARD, backend);
        }

        @Override
        protected final void launch(GpuBackend be, Dims p, Storage[] io) {
            GpuStorage ws = be.own(io[0], "interventionForward w"), zs = be.own(io[1], "interventionForward z");
            GpuStorage os = be.own(io[2], "interventionForward out");
            int n = p.n(), k = p.k(), d = p.d();
            if ((long) n * d > 0) {
                be.launch().kernel("intervention.cl", "intervention_forward").i(n).i(k).i(d).mem(ws)
                        .l(p.wBatchStride()).mem(zs).l(p.zBatchStride()).mem(os).items((long) n * d);
            }
        }
    }

    /** {@link Intervention#BACKWARD} on a GPU backend. */
    public abstract static class Backward extends GpuKernel<Dims> {
        protected Backward(Class<? extends GpuBackend> backend) {
            super(Intervention.BACKWARD, backend);
        }

        @Override
        protected final void launch(GpuBackend be, Dims p, Storage[] io) {
            GpuStorage ws = be.own(io[0], "interventionBackward w"), zs = be.own(io[1], "interventionBackward z");
            GpuStorage gs = be.own(io[2], "interventionBackward dOut");
            int n = p.n(), k = p.k(), d = p.d();
            long wBatchStride = p.wBatchStride(), zBatchStride = p.zBatchStride();
            GpuLaunch launch = be.launch();
            if (io[3] != null) {
                GpuStorage dws = be.own(io[3], "interventionBackward dw");
                long groups = wBatchStride == 0 ? k : (long) n * k;
                if (groups > 0) {
                    launch.kernel("intervention.cl", "intervention_backward_weights").i(n).i(k).i(d)
                            .l(wBatchStride).mem(zs).l(zBatchStride).mem(gs).mem(dws)
                            .groups(groups, launch.reductionLocalSize(d));
                }
            }
            if (io[4] != null) {
                GpuStorage dzs = be.own(io[4], "interventionBackward dz");
                long total = (zBatchStride == 0 ? 1L : n) * k * d;
                if (total > 0) {
                    launch.kernel("intervention.cl", "intervention_backward_strata").i(n).i(k).i(d).mem(ws)
                            .l(wBatchStride).l(zBatchStride).mem(gs).mem(dzs).items(total);
                }
            }
        }
    }
}
