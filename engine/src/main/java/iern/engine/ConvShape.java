package iern.engine;

/**
 * Geometry of one 2-d convolution: input {@code [n, cIn, h, w]}, weight
 * {@code [cOut, cIn, kh, kw]}, output {@code [n, cOut, outH(), outW()]}.
 */
public record ConvShape(int n, int cIn, int h, int w, int cOut, int kh, int kw,
                        int strideH, int strideW, int padH, int padW, int dilH, int dilW) {

    public ConvShape {
        if (n < 1 || cIn < 1 || h < 1 || w < 1 || cOut < 1 || kh < 1 || kw < 1
                || strideH < 1 || strideW < 1 || padH < 0 || padW < 0 || dilH < 1 || dilW < 1) {
            throw new IllegalArgumentException("conv2d: invalid geometry " + this);
        }
        if (outHOf(h, kh, strideH, padH, dilH) < 1 || outHOf(w, kw, strideW, padW, dilW) < 1) {
            throw new IllegalArgumentException("conv2d: kernel " + kh + "x" + kw + " (dilation "
                    + dilH + "x" + dilW + ", padding " + padH + "x" + padW + ") does not fit input "
                    + h + "x" + w);
        }
    }

    /** Square kernel, same stride/padding on both axes, no dilation. */
    public static ConvShape of(int n, int cIn, int h, int w, int cOut, int k, int stride, int pad) {
        return new ConvShape(n, cIn, h, w, cOut, k, k, stride, stride, pad, pad, 1, 1);
    }

    public int outH() { return outHOf(h, kh, strideH, padH, dilH); }

    public int outW() { return outHOf(w, kw, strideW, padW, dilW); }

    /** Multiply-adds of the forward pass times two. */
    public double flops() {
        return 2.0 * n * cOut * outH() * outW() * cIn * kh * kw;
    }

    private static int outHOf(int size, int k, int stride, int pad, int dil) {
        return (size + 2 * pad - dil * (k - 1) - 1) / stride + 1;
    }
}
