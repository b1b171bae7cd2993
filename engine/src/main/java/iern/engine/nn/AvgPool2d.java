package iern.engine.nn;

import iern.engine.Tensor;
import iern.engine.ops.Pooling;

/** Average pooling with a square window; the divisor counts padding when {@code countIncludePad}. */
public class AvgPool2d extends Module {

    public final int kernel, stride, padding;
    public final boolean countIncludePad;

    public AvgPool2d(int kernel, int stride, int padding, boolean countIncludePad) {
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.countIncludePad = countIncludePad;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Pooling.avgPool2d(x, kernel, stride, padding, countIncludePad);
    }

    @Override
    protected String describe() {
        return "AvgPool2d(kernel=" + kernel + ", stride=" + stride + ", padding=" + padding
                + ", countIncludePad=" + countIncludePad + ")";
    }
}
