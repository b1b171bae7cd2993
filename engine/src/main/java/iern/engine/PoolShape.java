package iern.engine;

/** Geometry of 2-d pooling over {@code [n, c, h, w]} to {@code [n, c, outH(), outW()]}. */
public record PoolShape(int n, int c, int h, int w, int kh, int kw, int strideH, int strideW, int padH, int padW) {

    public PoolShape {
        if (n < 1 || c < 1 || h < 1 || w < 1 || kh < 1 || kw < 1 || strideH < 1 || strideW < 1
                || padH < 0 || padW < 0 || padH > kh / 2 || padW > kw / 2) {
            throw new IllegalArgumentException("pool2d: invalid geometry " + this
                    + " (padding must be at most half the kernel, as in PyTorch)");
        }
        if (h + 2 * padH < kh || w + 2 * padW < kw) {
            throw new IllegalArgumentException("pool2d: kernel " + kh + "x" + kw + " larger than padded input "
                    + (h + 2 * padH) + "x" + (w + 2 * padW));
        }
    }

    public static PoolShape of(int n, int c, int h, int w, int k, int stride, int pad) {
        return new PoolShape(n, c, h, w, k, k, stride, stride, pad, pad);
    }

    public int outH() { return (h + 2 * padH - kh) / strideH + 1; }

    public int outW() { return (w + 2 * padW - kw) / strideW + 1; }
}
