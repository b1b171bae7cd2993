package iern.kernels.opencl;

import iern.engine.Storage;
import iern.engine.ops.Intervention;
import iern.engine.ops.Intervention.Dims;

/**
 * The OpenCL kernels of {@link Intervention} (registered in
 * {@code META-INF/services/iern.engine.DeviceKernel}); their source is {@code intervention.cl}
 * beside this class: {@code intervention_forward} (one work-item per output),
 * {@code intervention_backward_weights} (a work-group reduction per weight) and
 * {@code intervention_backward_strata}. Calls hold the backend's lock, as its own methods do.
 */
public final class ClIntervention {
    private ClIntervention() {}

    /** {@link Intervention#FORWARD} on OpenCL. */
    public static final class Forward extends ClKernel<Dims> {
        public Forward() {
            super(Intervention.FORWARD);
        }

        @Override
        void launch(OpenClBackend be, Dims p, Storage[] io) {
            ClStorage ws = be.cl(io[0], "interventionForward w"), zs = be.cl(io[1], "interventionForward z");
            ClStorage os = be.cl(io[2], "interventionForward out");
            int n = p.n(), k = p.k(), d = p.d();
            if ((long) n * d > 0) {
                be.launch().kernel("intervention.cl", "intervention_forward").i(n).i(k).i(d).mem(ws)
                        .l(p.wBatchStride()).mem(zs).l(p.zBatchStride()).mem(os).items((long) n * d);
            }
        }
    }

    /** {@link Intervention#BACKWARD} on OpenCL. */
    public static final class Backward extends ClKernel<Dims> {
        public Backward() {
            super(Intervention.BACKWARD);
        }

        @Override
        void launch(OpenClBackend be, Dims p, Storage[] io) {
            ClStorage ws = be.cl(io[0], "interventionBackward w"), zs = be.cl(io[1], "interventionBackward z");
            ClStorage gs = be.cl(io[2], "interventionBackward dOut");
            int n = p.n(), k = p.k(), d = p.d();
            long wBatchStride = p.wBatchStride(), zBatchStride = p.zBatchStride();
            ClLaunch launch = be.launch();
            if (io[3] != null) {
                ClStorage dws = be.cl(io[3], "interventionBackward dw");
                long groups = wBatchStride == 0 ? k : (long) n * k;
                if (groups > 0) {
                    launch.kernel("intervention.cl", "intervention_backward_weights").i(n).i(k).i(d)
                            .l(wBatchStride).mem(zs).l(zBatchStride).mem(gs).mem(dws)
                            .groups(groups, launch.reductionLocalSize(d));
                }
            }
            if (io[4] != null) {
                ClStorage dzs = be.cl(io[4], "interventionBackward dz");
                long total = (zBatchStride == 0 ? 1L : n) * k * d;
                if (total > 0) {
                    launch.kernel("intervention.cl", "intervention_backward_strata").i(n).i(k).i(d).mem(ws)
                            .l(wBatchStride).l(zBatchStride).mem(gs).mem(dzs).items(total);
                }
            }
        }
    }
}
