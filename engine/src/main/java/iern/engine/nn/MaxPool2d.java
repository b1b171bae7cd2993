package iern.engine.nn;

import iern.engine.Tensor;
import iern.engine.ops.Pooling;

/** Max pooling with a square window; padding counts as minus infinity. */
public class MaxPool2d extends Module {

    public final int kernel, stride, padding;

    /** Stride equal to the kernel, no padding (PyTorch's default). */
    public MaxPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    public MaxPool2d(int kernel, int stride, int padding) {
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Pooling.maxPool2d(x, kernel, stride, padding);
    }

    @Override
    protected String describe() {
        return "MaxPool2d(kernel=" + kernel + ", stride=" + stride + ", padding=" + padding + ")";
    }
}
