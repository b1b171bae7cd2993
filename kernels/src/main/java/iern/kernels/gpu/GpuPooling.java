package iern.kernels.gpu;

import iern.engine.PoolShape;
import iern.engine.Storage;
import iern.engine.ops.Pooling;
import iern.engine.ops.Pooling.Adaptive;
import iern.engine.ops.Pooling.Avg;

/**
 * The GPU kernels of {@link Pooling} for both GPU backends (each registers the subclasses
 * naming its backend class); their source is {@code pool.cl}, one work-item per output
 * element forward and per input element backward (a gather, no atomics). Calls hold the
 * backend's lock, as its own methods do.
 */
public final class GpuPooling {
    private GpuPooling() {}

    private static void window(GpuLaunch launch, PoolShape s) {
        launch.l((long) s.n() * s.c()).i(s.h()).i(s.w()).i(s.kh()).i(s.kw()).i(s.strideH()).i(s.strideW())
                .i(s.padH()).i(s.padW()).i(s.outH()).i(s.outW());
    }

    private static long in(PoolShape s) {
        return (long) s.n() * s.c() * s.h() * s.w();
    }

    private static long out(PoolShape s) {
        return (long) s.n() * s.c() * s.outH() * s.outW();
    }

    /** {@link Pooling#MAX_FORWARD} on a GPU backend. */
    public abstract static class MaxForward extends GpuKernel<PoolShape> {
        protected MaxForward(Class<? extends GpuBackend> backend) {
            super(Pooling.MAX_FORWARD, backend);
        }

        @Override
        protected final void launch(GpuBackend be, PoolShape s, Storage[] io) {
            GpuStorage xs = be.own(io[0], "maxPool2dForward x"), ys = be.own(io[1], "maxPool2dForward y");
            GpuStorage as = be.own(io[2], "maxPool2dForward argmax");
            GpuLaunch launch = be.launch().kernel("pool.cl", "max_pool_forward").mem(xs).mem(ys).mem(as);
            window(launch, s);
            launch.items(out(s));
        }
    }

    /** {@link Pooling#MAX_BACKWARD} on a GPU backend. */
    public abstract static class MaxBackward extends GpuKernel<PoolShape> {
        protected MaxBackward(Class<? extends GpuBackend> backend) {
            super(Pooling.MAX_BACKWARD, backend);
        }

        @Override
        protected final void launch(GpuBackend be, PoolShape s, Storage[] io) {
            GpuStorage dys = be.own(io[0], "maxPool2dBackward dy"), as = be.own(io[1], "maxPool2dBackward argmax");
            GpuStorage dxs = be.own(io[2], "maxPool2dBackward dx");
            GpuLaunch launch = be.launch().kernel("pool.cl", "max_pool_backward").mem(dys).mem(as).mem(dxs);
            window(launch, s);
            launch.items(in(s));
        }
    }

    /** {@link Pooling#AVG_FORWARD} on a GPU backend. */
    public abstract static class AvgForward extends GpuKernel<Avg> {
        protected AvgForward(Class<? extends GpuBackend> backend) {
            super(Pooling.AVG_FORWARD, backend);
        }

        @Override
        protected final void launch(GpuBackend be, Avg p, Storage[] io) {
            GpuStorage xs = be.own(io[0], "avgPool2dForward x"), ys = be.own(io[1], "avgPool2dForward y");
            GpuLaunch launch = be.launch().kernel("pool.cl", "avg_pool_forward").mem(xs).mem(ys);
            window(launch, p.shape());
            launch.flag(p.countIncludePad()).items(out(p.shape()));
        }
    }

    /** {@link Pooling#AVG_BACKWARD} on a GPU backend. */
    public abstract static class AvgBackward extends GpuKernel<Avg> {
        protected AvgBackward(Class<? extends GpuBackend> backend) {
            super(Pooling.AVG_BACKWARD, backend);
        }

        @Override
        protected final void launch(GpuBackend be, Avg p, Storage[] io) {
            GpuStorage dys = be.own(io[0], "avgPool2dBackward dy"), dxs = be.own(io[1], "avgPool2dBackward dx");
            GpuLaunch launch = be.launch().kernel("pool.cl", "avg_pool_backward").mem(dys).mem(dxs);
            window(launch, p.shape());
            launch.flag(p.countIncludePad()).items(in(p.shape()));
        }
    }

    /** {@link Pooling#ADAPTIVE_FORWARD} on a GPU backend. */
    public abstract static class AdaptiveForward extends GpuKernel<Adaptive> {
        protected AdaptiveForward(Class<? extends GpuBackend> backend) {
            super(Pooling.ADAPTIVE_FORWARD, backend);
        }

        @Override
        protected final void launch(GpuBackend be, Adaptive a, Storage[] io) {
            GpuStorage xs = be.own(io[0], "adaptiveAvgPool2dForward x");
            GpuStorage ys = be.own(io[1], "adaptiveAvgPool2dForward y");
            be.launch().kernel("pool.cl", "adaptive_avg_pool_forward").mem(xs).mem(ys).l(a.nc()).i(a.h()).i(a.w())
                    .i(a.oh()).i(a.ow()).items((long) a.nc() * a.oh() * a.ow());
        }
    }

    /** {@link Pooling#ADAPTIVE_BACKWARD} on a GPU backend. */
    public abstract static class AdaptiveBackward extends GpuKernel<Adaptive> {
        protected AdaptiveBackward(Class<? extends GpuBackend> backend) {
            super(Pooling.ADAPTIVE_BACKWARD, backend);
        }

        @Override
        protected final void launch(GpuBackend be, Adaptive a, Storage[] io) {
            GpuStorage dys = be.own(io[0], "adaptiveAvgPool2dBackward dy");
            GpuStorage dxs = be.own(io[1], "adaptiveAvgPool2dBackward dx");
            be.launch().kernel("pool.cl", "adaptive_avg_pool_backward").mem(dys).mem(dxs).l(a.nc()).i(a.h())
                    .i(a.w()).i(a.oh()).i(a.ow()).items((long) a.nc() * a.h() * a.w());
        }
    }
}
