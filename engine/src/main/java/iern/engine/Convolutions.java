package iern.engine;

import java.util.Arrays;

/**
 * Convolution and pooling over NCHW tensors; each is a kernel pair with an explicit backward.
 *
 * <pre>
 * conv2d             conv2dForward            conv2dBackwardData (x), conv2dBackwardWeight (w, bias)
 * maxPool2d          maxPool2dForward         maxPool2dBackward with the saved argmax
 * avgPool2d          avgPool2dForward         avgPool2dBackward
 * adaptiveAvgPool2d  adaptiveAvgPool2dForward adaptiveAvgPool2dBackward
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

    static Tensor maxPool2d(Tensor x, int k, int stride, int pad) {
        require4d("maxPool2d", x);
        int[] xs = x.shapeRef();
        PoolShape s = PoolShape.of(xs[0], xs[1], xs[2], xs[3], k, stride, pad);
        Backend be = x.backend();
        int[] outShape = {xs[0], xs[1], s.outH(), s.outW()};
        Tensor y = Tensor.output(be, outShape);
        Tensor argmax = Tensor.output(be, outShape);
        be.maxPool2dForward(s, x.storage(), y.storage(), argmax.storage());
        if (!Autograd.needsGrad(x)) {
            argmax.close();
            return y;
        }
        return Autograd.record("maxPool2d", y, g -> {
            Tensor dx = Tensor.output(be, xs);
            be.maxPool2dBackward(s, g.storage(), argmax.storage(), dx.storage());
            return new Tensor[] {dx};
        }, x);
    }

    static Tensor avgPool2d(Tensor x, int k, int stride, int pad, boolean countPad) {
        require4d("avgPool2d", x);
        int[] xs = x.shapeRef();
        PoolShape s = PoolShape.of(xs[0], xs[1], xs[2], xs[3], k, stride, pad);
        Backend be = x.backend();
        Tensor y = Tensor.output(be, new int[] {xs[0], xs[1], s.outH(), s.outW()});
        be.avgPool2dForward(s, x.storage(), y.storage(), countPad);
        return Autograd.record("avgPool2d", y, g -> {
            Tensor dx = Tensor.output(be, xs);
            be.avgPool2dBackward(s, g.storage(), dx.storage(), countPad);
            return new Tensor[] {dx};
        }, x);
    }

    static Tensor adaptiveAvgPool2d(Tensor x, int oh, int ow) {
        require4d("adaptiveAvgPool2d", x);
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException("adaptiveAvgPool2d: output size " + oh + "x" + ow + " must be positive");
        }
        int[] xs = x.shapeRef();
        int nc = xs[0] * xs[1];
        Backend be = x.backend();
        Tensor y = Tensor.output(be, new int[] {xs[0], xs[1], oh, ow});
        be.adaptiveAvgPool2dForward(nc, xs[2], xs[3], oh, ow, x.storage(), y.storage());
        return Autograd.record("adaptiveAvgPool2d", y, g -> {
            Tensor dx = Tensor.output(be, xs);
            be.adaptiveAvgPool2dBackward(nc, xs[2], xs[3], oh, ow, g.storage(), dx.storage());
            return new Tensor[] {dx};
        }, x);
    }
}
