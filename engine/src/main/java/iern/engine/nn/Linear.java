package iern.engine.nn;

import iern.engine.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * {@code y = x W^T + b} over the last axis: weight {@code [out, in]} (PyTorch's layout, so
 * state dicts line up), optional bias {@code [out]}, PyTorch's default initialisation.
 */
public class Linear extends Module {

    public final int inFeatures, outFeatures;
    public final Tensor weight;
    /** Null when built without bias. */
    public final Tensor bias;

    public Linear(int inFeatures, int outFeatures, boolean bias, SplittableRandom rng) {
        if (inFeatures < 1 || outFeatures < 1) {
            throw new IllegalArgumentException("Linear: invalid sizes " + inFeatures + " -> " + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = registerParameter("weight", Tensor.zeros(outFeatures, inFeatures));
        this.bias = bias ? registerParameter("bias", Tensor.zeros(outFeatures)) : null;
        Init.defaultLayer(weight, this.bias, rng);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() < 1 || x.dim(-1) != inFeatures) {
            throw new IllegalArgumentException("Linear(" + inFeatures + "->" + outFeatures + "): input of shape "
                    + Arrays.toString(x.shape()) + " does not end in " + inFeatures);
        }
        Tensor y = x.matmul(weight.transpose(0, 1));
        return bias == null ? y : y.add(bias);
    }

    @Override
    protected String describe() {
        return "Linear(" + inFeatures + ", " + outFeatures + (bias == null ? ", bias=false" : "") + ")";
    }
}
