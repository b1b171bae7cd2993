package iern.engine.nn;

import iern.engine.Tensor;
import iern.engine.ops.Pooling;

/** Averages each channel over PyTorch's adaptive windows to a fixed {@code outH x outW} (1x1: global average pool). */
public class AdaptiveAvgPool2d extends Module {

    public final int outH, outW;

    public AdaptiveAvgPool2d(int outH, int outW) {
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("AdaptiveAvgPool2d: invalid output size " + outH + "x" + outW);
        }
        this.outH = outH;
        this.outW = outW;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Pooling.adaptiveAvgPool2d(x, outH, outW);
    }

    @Override
    protected String describe() {
        return "AdaptiveAvgPool2d(" + outH + "x" + outW + ")";
    }
}
