package iern.kernels.opencl;

import iern.engine.ConvShape;

/**
 * conv2d as im2col (conv.cl) + the tiled GEMM (gemm.cl), in chunks of images so the column
 * buffer stays bounded. Shapes, per image: x [cIn, h, w], col [K = cIn kh kw, P = outH outW],
 * w [cOut, K], y [cOut, P].
 * <ul>
 *   <li>forward: y = w col (+ bias)</li>
 *   <li>backward data: dcol = w^T dy, then dx = col2im(dcol) (a gather, no atomics)</li>
 *   <li>backward weight: dw = sum over images of dy col^T, accumulated with beta = 1</li>
 * </ul>
 * A 1x1 convolution with stride 1 and no padding needs no im2col: x itself is the column matrix.
 */
final class ClConvolution {
    private ClConvolution() {}

    /** Column buffer budget in floats (64 MiB); tests lower it to exercise the chunk loop. */
    static long columnBudget = 16L << 20;

    private static boolean pointwise(ConvShape s) {
        return s.kh() == 1 && s.kw() == 1 && s.strideH() == 1 && s.strideW() == 1 && s.padH() == 0 && s.padW() == 0;
    }

    private static int chunk(ConvShape s) {
        long perImage = (long) s.cIn() * s.kh() * s.kw() * s.outH() * s.outW();
        return (int) Math.max(1, Math.min(s.n(), columnBudget / Math.max(1, perImage)));
    }

    private static void checkSizes(String op, ConvShape s, ClStorage x, ClStorage w, ClStorage y) {
        OpenClBackend.checkRange(op + " input", x, 0, (long) s.n() * s.cIn() * s.h() * s.w());
        OpenClBackend.checkRange(op + " weight", w, 0, (long) s.cOut() * s.cIn() * s.kh() * s.kw());
        OpenClBackend.checkRange(op + " output", y, 0, (long) s.n() * s.cOut() * s.outH() * s.outW());
    }

    private static void im2col(ClLaunch launch, ConvShape s, ClStorage x, int img0, int images, ClStorage col) {
        long total = (long) images * s.cIn() * s.kh() * s.kw() * s.outH() * s.outW();
        launch.kernel("conv.cl", "im2col").mem(x).l((long) img0 * s.cIn() * s.h() * s.w()).mem(col).i(images);
        geometry(launch, s);
        launch.items(total);
    }

    private static void geometry(ClLaunch launch, ConvShape s) {
        launch.i(s.cIn()).i(s.h()).i(s.w()).i(s.kh()).i(s.kw()).i(s.strideH()).i(s.strideW()).i(s.padH())
                .i(s.padW()).i(s.dilH()).i(s.dilW()).i(s.outH()).i(s.outW());
    }

    static void forward(OpenClBackend be, ClLaunch launch, ConvShape s, ClStorage x, ClStorage w, ClStorage bias,
                        ClStorage y) {
        checkSizes("conv2dForward", s, x, w, y);
        if (bias != null) {
            OpenClBackend.checkRange("conv2dForward bias", bias, 0, s.cOut());
        }
        int kDim = s.cIn() * s.kh() * s.kw();
        int pixels = s.outH() * s.outW();
        long inImage = (long) s.cIn() * s.h() * s.w();
        long outImage = (long) s.cOut() * pixels;
        if (pointwise(s)) {
            be.gemmUnchecked(false, false, s.n(), s.cOut(), pixels, kDim, 1f, w, 0, 0, kDim, x, 0, inImage, pixels,
                    0f, y, 0, outImage, pixels);
        } else {
            int chunk = chunk(s);
            try (ClStorage col = be.allocateRaw((long) chunk * kDim * pixels)) {
                for (int img0 = 0; img0 < s.n(); img0 += chunk) {
                    int images = Math.min(chunk, s.n() - img0);
                    im2col(launch, s, x, img0, images, col);
                    be.gemmUnchecked(false, false, images, s.cOut(), pixels, kDim, 1f, w, 0, 0, kDim,
                            col, 0, (long) kDim * pixels, pixels, 0f, y, img0 * outImage, outImage, pixels);
                }
            }
        }
        if (bias != null) {
            launch.kernel("conv.cl", "add_channel_bias").mem(y).mem(bias).l(s.n()).i(s.cOut()).i(pixels)
                    .items((long) s.n() * outImage);
        }
    }

    static void backwardData(OpenClBackend be, ClLaunch launch, ConvShape s, ClStorage dy, ClStorage w, ClStorage dx) {
        checkSizes("conv2dBackwardData", s, dx, w, dy);
        int kDim = s.cIn() * s.kh() * s.kw();
        int pixels = s.outH() * s.outW();
        long outImage = (long) s.cOut() * pixels;
        if (pointwise(s)) {
            be.gemmUnchecked(true, false, s.n(), kDim, pixels, s.cOut(), 1f, w, 0, 0, kDim, dy, 0, outImage, pixels,
                    0f, dx, 0, (long) kDim * pixels, pixels);
            return;
        }
        int chunk = chunk(s);
        try (ClStorage col = be.allocateRaw((long) chunk * kDim * pixels)) {
            for (int img0 = 0; img0 < s.n(); img0 += chunk) {
                int images = Math.min(chunk, s.n() - img0);
                be.gemmUnchecked(true, false, images, kDim, pixels, s.cOut(), 1f, w, 0, 0, kDim,
                        dy, img0 * outImage, outImage, pixels, 0f, col, 0, (long) kDim * pixels, pixels);
                launch.kernel("conv.cl", "col2im").mem(col).mem(dx).l((long) img0 * s.cIn() * s.h() * s.w())
                        .i(images);
                geometry(launch, s);
                launch.items((long) images * s.cIn() * s.h() * s.w());
            }
        }
    }

    static void backwardWeight(OpenClBackend be, ClLaunch launch, ConvShape s, ClStorage x, ClStorage dy,
                               ClStorage dw, ClStorage dBias) {
        checkSizes("conv2dBackwardWeight", s, x, dw, dy);
        if (dBias != null) {
            OpenClBackend.checkRange("conv2dBackwardWeight dBias", dBias, 0, s.cOut());
        }
        int kDim = s.cIn() * s.kh() * s.kw();
        int pixels = s.outH() * s.outW();
        long outImage = (long) s.cOut() * pixels;
        long inImage = (long) s.cIn() * s.h() * s.w();
        if (pointwise(s)) {
            for (int img = 0; img < s.n(); img++) {
                be.gemmUnchecked(false, true, 1, s.cOut(), kDim, pixels, 1f, dy, img * outImage, 0, pixels,
                        x, img * inImage, 0, pixels, img == 0 ? 0f : 1f, dw, 0, 0, kDim);
            }
        } else {
            int chunk = chunk(s);
            try (ClStorage col = be.allocateRaw((long) chunk * kDim * pixels)) {
                for (int img0 = 0; img0 < s.n(); img0 += chunk) {
                    int images = Math.min(chunk, s.n() - img0);
                    im2col(launch, s, x, img0, images, col);
                    for (int i = 0; i < images; i++) {
                        be.gemmUnchecked(false, true, 1, s.cOut(), kDim, pixels, 1f, dy, (img0 + i) * outImage, 0,
                                pixels, col, (long) i * kDim * pixels, 0, pixels, img0 + i == 0 ? 0f : 1f, dw, 0, 0,
                                kDim);
                    }
                }
            }
        }
        if (dBias != null) {
            launch.kernel("conv.cl", "channel_sum").mem(dy).mem(dBias).i(s.n()).i(s.cOut()).i(pixels)
                    .groups(s.cOut(), ClLaunch.reductionLocalSize((long) s.n() * pixels));
        }
    }
}
