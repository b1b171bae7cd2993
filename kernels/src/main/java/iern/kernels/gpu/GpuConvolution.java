package iern.kernels.gpu;

import iern.engine.ConvShape;
import iern.engine.Storage;
import iern.engine.ops.Convolution;

/**
 * The GPU kernels of {@link Convolution} for both GPU backends (each registers the subclasses
 * naming its backend class): conv2d as im2col (conv.cl) + the tiled GEMM (gemm.cl). A chunk of images is laid side by
 * side ("wide"), so each pass is one GEMM whose width is images x pixels rather than one
 * narrow GEMM per image: with K = cIn kh kw and P = outH outW,
 * <ul>
 *   <li>forward: Y [cOut, images P] = W [cOut, K] col [K, images P], then to NCHW (+ bias);</li>
 *   <li>backward data: dcol [K, images P] = W^T dY, then dx = col2im(dcol) (a gather, no atomics);</li>
 *   <li>backward weight: dW [cOut, K] (+)= dY [cOut, images P] col^T, beta = 1 after the first chunk.</li>
 * </ul>
 * Chunks keep the scratch (col and the wide Y) within {@link #columnBudget} floats. A 1x1
 * convolution with stride 1, no padding and large maps skips im2col: x itself is, per image,
 * the column matrix, and per-image GEMMs are wide enough.
 */
public final class GpuConvolution {
    private GpuConvolution() {}

    /** {@link Convolution#FORWARD} on a GPU backend. */
    public abstract static class Forward extends GpuKernel<ConvShape> {
        protected Forward(Class<? extends GpuBackend> backend) {
            super(Convolution.FORWARD, backend);
        }

        @Override
        protected final void launch(GpuBackend be, ConvShape s, Storage[] io) {
            forward(be, be.launch(), s, be.own(io[0], "conv2dForward x"), be.own(io[1], "conv2dForward w"),
                    be.optional(io[2], "conv2dForward bias"), be.own(io[3], "conv2dForward y"));
        }
    }

    /** {@link Convolution#BACKWARD_DATA} on a GPU backend. */
    public abstract static class BackwardData extends GpuKernel<ConvShape> {
        protected BackwardData(Class<? extends GpuBackend> backend) {
            super(Convolution.BACKWARD_DATA, backend);
        }

        @Override
        protected final void launch(GpuBackend be, ConvShape s, Storage[] io) {
            backwardData(be, be.launch(), s, be.own(io[0], "conv2dBackwardData dy"),
                    be.own(io[1], "conv2dBackwardData w"), be.own(io[2], "conv2dBackwardData dx"));
        }
    }

    /** {@link Convolution#BACKWARD_WEIGHT} on a GPU backend. */
    public abstract static class BackwardWeight extends GpuKernel<ConvShape> {
        protected BackwardWeight(Class<? extends GpuBackend> backend) {
            super(Convolution.BACKWARD_WEIGHT, backend);
        }

        @Override
        protected final void launch(GpuBackend be, ConvShape s, Storage[] io) {
            backwardWeight(be, be.launch(), s, be.own(io[0], "conv2dBackwardWeight x"),
                    be.own(io[1], "conv2dBackwardWeight dy"), be.own(io[2], "conv2dBackwardWeight dw"),
                    be.optional(io[3], "conv2dBackwardWeight dBias"));
        }
    }

    /** Scratch budget in floats (64 MiB); tests lower it to exercise the chunk loop. */
    public static long columnBudget = 16L << 20;

    /** Below this many output pixels per image, the per-image 1x1 GEMM is too narrow to pay. */
    private static final int DIRECT_MIN_PIXELS = 256;

    private static boolean direct(ConvShape s) {
        return s.kh() == 1 && s.kw() == 1 && s.strideH() == 1 && s.strideW() == 1 && s.padH() == 0 && s.padW() == 0
                && s.outH() * s.outW() >= DIRECT_MIN_PIXELS;
    }

    private static int chunk(ConvShape s) {
        long perImage = ((long) s.cIn() * s.kh() * s.kw() + s.cOut()) * s.outH() * s.outW();
        return (int) Math.max(1, Math.min(s.n(), columnBudget / Math.max(1, perImage)));
    }

    private static void geometry(GpuLaunch launch, ConvShape s) {
        launch.i(s.cIn()).i(s.h()).i(s.w()).i(s.kh()).i(s.kw()).i(s.strideH()).i(s.strideW()).i(s.padH())
                .i(s.padW()).i(s.dilH()).i(s.dilW()).i(s.outH()).i(s.outW());
    }

    private static void im2col(GpuLaunch launch, ConvShape s, GpuStorage x, int img0, int images, GpuStorage col) {
        launch.kernel("conv.cl", "im2col").mem(x).l((long) img0 * s.cIn() * s.h() * s.w()).mem(col).i(images);
        geometry(launch, s);
        launch.items((long) images * s.cIn() * s.kh() * s.kw() * s.outH() * s.outW());
    }

    /** dy images [img0, img0 + images) from NCHW into wide [cOut, images P]. */
    private static void toWide(GpuLaunch launch, ConvShape s, GpuStorage dy, int img0, int images, GpuStorage wide) {
        int pixels = s.outH() * s.outW();
        launch.kernel("conv.cl", "nchw_to_wide").mem(dy).l((long) img0 * s.cOut() * pixels).mem(wide).i(images)
                .i(s.cOut()).i(pixels).items((long) images * s.cOut() * pixels);
    }

    static void forward(GpuBackend be, GpuLaunch launch, ConvShape s, GpuStorage x, GpuStorage w, GpuStorage bias,
                        GpuStorage y) {
        int kDim = s.cIn() * s.kh() * s.kw();
        int pixels = s.outH() * s.outW();
        long outImage = (long) s.cOut() * pixels;
        if (direct(s)) {
            be.gemmUnchecked(false, false, s.n(), s.cOut(), pixels, kDim, 1f, w, 0, 0, kDim, x, 0,
                    (long) s.cIn() * pixels, pixels, 0f, y, 0, outImage, pixels);
            if (bias != null) {
                launch.kernel("conv.cl", "add_channel_bias").mem(y).mem(bias).l(s.n()).i(s.cOut()).i(pixels)
                        .items((long) s.n() * outImage);
            }
            return;
        }
        int chunk = chunk(s);
        try (GpuStorage col = be.allocateRaw((long) chunk * kDim * pixels);
             GpuStorage wide = be.allocateRaw((long) chunk * outImage)) {
            for (int img0 = 0; img0 < s.n(); img0 += chunk) {
                int images = Math.min(chunk, s.n() - img0);
                int width = images * pixels;
                im2col(launch, s, x, img0, images, col);
                be.gemmUnchecked(false, false, 1, s.cOut(), width, kDim, 1f, w, 0, 0, kDim, col, 0, 0, width,
                        0f, wide, 0, 0, width);
                launch.kernel("conv.cl", "wide_to_nchw").mem(wide).mem(y).l(img0 * outImage).i(images).i(s.cOut())
                        .i(pixels).mem(bias == null ? be.dummy() : bias).flag(bias != null)
                        .items((long) images * outImage);
            }
        }
    }

    static void backwardData(GpuBackend be, GpuLaunch launch, ConvShape s, GpuStorage dy, GpuStorage w, GpuStorage dx) {
        int kDim = s.cIn() * s.kh() * s.kw();
        int pixels = s.outH() * s.outW();
        long outImage = (long) s.cOut() * pixels;
        if (direct(s)) {
            be.gemmUnchecked(true, false, s.n(), kDim, pixels, s.cOut(), 1f, w, 0, 0, kDim, dy, 0, outImage, pixels,
                    0f, dx, 0, (long) kDim * pixels, pixels);
            return;
        }
        int chunk = chunk(s);
        try (GpuStorage col = be.allocateRaw((long) chunk * kDim * pixels);
             GpuStorage wide = be.allocateRaw((long) chunk * outImage)) {
            for (int img0 = 0; img0 < s.n(); img0 += chunk) {
                int images = Math.min(chunk, s.n() - img0);
                int width = images * pixels;
                toWide(launch, s, dy, img0, images, wide);
                be.gemmUnchecked(true, false, 1, kDim, width, s.cOut(), 1f, w, 0, 0, kDim, wide, 0, 0, width,
                        0f, col, 0, 0, width);
                launch.kernel("conv.cl", "col2im").mem(col).mem(dx).l((long) img0 * s.cIn() * s.h() * s.w())
                        .i(images);
                geometry(launch, s);
                launch.items((long) images * s.cIn() * s.h() * s.w());
            }
        }
    }

    static void backwardWeight(GpuBackend be, GpuLaunch launch, ConvShape s, GpuStorage x, GpuStorage dy,
                               GpuStorage dw, GpuStorage dBias) {
        int kDim = s.cIn() * s.kh() * s.kw();
        int pixels = s.outH() * s.outW();
        long outImage = (long) s.cOut() * pixels;
        if (direct(s)) {
            long inImage = (long) s.cIn() * pixels;
            for (int img = 0; img < s.n(); img++) {
                be.gemmUnchecked(false, true, 1, s.cOut(), kDim, pixels, 1f, dy, img * outImage, 0, pixels,
                        x, img * inImage, 0, pixels, img == 0 ? 0f : 1f, dw, 0, 0, kDim);
            }
        } else {
            int chunk = chunk(s);
            try (GpuStorage col = be.allocateRaw((long) chunk * kDim * pixels);
                 GpuStorage wide = be.allocateRaw((long) chunk * outImage)) {
                for (int img0 = 0; img0 < s.n(); img0 += chunk) {
                    int images = Math.min(chunk, s.n() - img0);
                    int width = images * pixels;
                    im2col(launch, s, x, img0, images, col);
                    toWide(launch, s, dy, img0, images, wide);
                    be.gemmUnchecked(false, true, 1, s.cOut(), kDim, width, 1f, wide, 0, 0, width, col, 0, 0, width,
                            img0 == 0 ? 0f : 1f, dw, 0, 0, kDim);
                }
            }
        }
        if (dBias != null) {
            launch.kernel("conv.cl", "channel_sum").mem(dy).mem(dBias).i(s.n()).i(s.cOut()).i(pixels)
                    .groups(s.cOut(), launch.reductionLocalSize((long) s.n() * pixels));
        }
    }
}
