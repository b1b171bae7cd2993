package iern.engine.nn;

import iern.engine.Tensor;
import iern.engine.ops.Convolution;
import java.util.SplittableRandom;

/**
 * 2-d convolution over NCHW input: weight {@code [cOut, cIn, kh, kw]}, optional bias
 * {@code [cOut]}, initialised as PyTorch does by default (U(-1/sqrt(fanIn), 1/sqrt(fanIn))).
 */
public class Conv2d extends Module {

    public final int inChannels, outChannels, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW;
    public final Tensor weight;
    /** Null when built without bias. */
    public final Tensor bias;

    /** Square kernel, the same stride and padding on both axes, no dilation. */
    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, boolean bias,
                  SplittableRandom rng) {
        this(inChannels, outChannels, kernel, kernel, stride, stride, padding, padding, 1, 1, bias, rng);
    }

    public Conv2d(int inChannels, int outChannels, int kernelH, int kernelW, int strideH, int strideW,
                  int padH, int padW, int dilationH, int dilationW, boolean bias, SplittableRandom rng) {
        if (inChannels < 1 || outChannels < 1 || kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1
                || padH < 0 || padW < 0 || dilationH < 1 || dilationW < 1) {
            throw new IllegalArgumentException("Conv2d: invalid settings in=" + inChannels + " out=" + outChannels
                    + " kernel=" + kernelH + "x" + kernelW + " stride=" + strideH + "x" + strideW
                    + " padding=" + padH + "x" + padW + " dilation=" + dilationH + "x" + dilationW);
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelH = kernelH;
        this.kernelW = kernelW;
        this.strideH = strideH;
        this.strideW = strideW;
        this.padH = padH;
        this.padW = padW;
        this.dilationH = dilationH;
        this.dilationW = dilationW;
        this.weight = registerParameter("weight", Tensor.zeros(outChannels, inChannels, kernelH, kernelW));
        this.bias = bias ? registerParameter("bias", Tensor.zeros(outChannels)) : null;
        Init.defaultLayer(weight, this.bias, rng);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 4 || x.dim(1) != inChannels) {
            throw new IllegalArgumentException("Conv2d(" + inChannels + "->" + outChannels + "): input of shape "
                    + java.util.Arrays.toString(x.shape()) + " is not [n, " + inChannels + ", h, w]");
        }
        plan = Convolution.plan(plan, x, weight, strideH, strideW, padH, padW, dilationH, dilationW);
        return Convolution.conv2d(x, weight, bias, plan);
    }

    /** The geometry of the last input, kept while the input shape repeats (every training step). */
    private Convolution.Plan plan;

    @Override
    protected String describe() {
        return "Conv2d(" + inChannels + ", " + outChannels + ", kernel=" + kernelH + "x" + kernelW
                + ", stride=" + strideH + "x" + strideW + ", padding=" + padH + "x" + padW
                + (dilationH != 1 || dilationW != 1 ? ", dilation=" + dilationH + "x" + dilationW : "")
                + (bias == null ? ", bias=false" : "") + ")";
    }
}
