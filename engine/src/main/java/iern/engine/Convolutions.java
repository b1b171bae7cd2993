package iern.engine;

import java.util.Arrays;

/**
 * Convolution over NCHW tensors, a kernel triple with an explicit backward (pooling is the
 * kernel op {@code iern.engine.ops.Pooling}).
 *
 * <pre>
 * conv2d             conv2dForward            conv2dBackwardData (x), conv2dBackwardWeight (w, bias)
 * </pre>
 */
final class Convolutions {
    private Convolutions() {}

    private static void require4d(String op, Tensor x) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException(op + ": input of shape " + Arrays.toString(x.shapeRef())
                    + " is not 4-d NCHW");
        }
    }

    static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int sh, int sw, int ph, int pw, int dh, int dw) {
        require4d("conv2d", x);
        Elementwise.requireSameBackend("conv2d", x, w);
        int[] xs = x.shapeRef();
        int[] ws = w.shapeRef();
        if (ws.length != 4 || ws[1] != xs[1]) {
            throw new IllegalArgumentException("conv2d: input " + Arrays.toString(xs) + " and weight "
                    + Arrays.toString(ws) + " do not match (weight must be [cOut, " + xs[1] + ", kh, kw])");
        }
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != ws[0])) {
            throw new IllegalArgumentException("conv2d: bias " + Arrays.toString(bias.shapeRef())
                    + " does not match weight " + Arrays.toString(ws) + " (expected [" + ws[0] + "])");
        }
        ConvShape s;
        try {
            s = new ConvShape(xs[0], xs[1], xs[2], xs[3], ws[0], ws[2], ws[3], sh, sw, ph, pw, dh, dw);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (input " + Arrays.toString(xs) + ", weight "
                    + Arrays.toString(ws) + ")", e);
        }
        Backend be = x.backend();
        Tensor y = Tensor.output(be, new int[] {s.n(), s.cOut(), s.outH(), s.outW()});
        be.conv2dForward(s, x.storage(), w.storage(), bias == null ? null : bias.storage(), y.storage());
        Node.Rule rule = g -> {
            Tensor dx = null;
            Tensor dW = null;
            Tensor dB = null;
            if (x.requiresGrad()) {
                dx = Tensor.output(be, xs);
                be.conv2dBackwardData(s, g.storage(), w.storage(), dx.storage());
            }
            boolean needB = bias != null && bias.requiresGrad();
            if (w.requiresGrad() || needB) {
                dW = Tensor.output(be, ws);
                dB = needB ? Tensor.output(be, bias.shapeRef()) : null;
                be.conv2dBackwardWeight(s, x.storage(), g.storage(), dW.storage(), dB == null ? null : dB.storage());
                if (!w.requiresGrad()) {
                    dW = null;
                }
            }
            return new Tensor[] {dx, dW, dB};
        };
        return bias == null ? Autograd.record("conv2d", y, rule, x, w)
                : Autograd.record("conv2d", y, rule, x, w, bias);
    }
}
