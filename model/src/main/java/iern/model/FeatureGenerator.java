package iern.model;

import iern.engine.Tensor;
import iern.engine.nn.Conv2d;
import iern.engine.nn.Module;
import iern.engine.ops.Convolution;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * conv3x3 (with bias, padding 1) followed by residual blocks: EmoGen and ConGen
 * ({@code in = out = C}, 2 blocks) and the body of Recons ({@code in = 2C}, 3 blocks).
 */
public final class FeatureGenerator extends Module {
    private final Conv2d conv;
    private final List<ResidualBlock> blocks = new ArrayList<>();

    public FeatureGenerator(int in, int out, int blockCount, SplittableRandom rng) {
        conv = registerModule("conv", new Conv2d(in, out, 3, 1, 1, true, rng));
        for (int i = 0; i < blockCount; i++) {
            blocks.add(registerModule("block" + i, new ResidualBlock(out, rng)));
        }
    }

    @Override
    public Tensor forward(Tensor x) {
        return forward(x, 1);
    }

    /** The plans of the split convolutions, kept while their shapes repeat (every step). */
    private Convolution.Plan planA, planZ;

    /**
     * {@code forward(concat(a_i, z_j), K)} for every stratum {@code j < K} and item {@code i < n},
     * stacked stratum-major ({@code [K*n, C, h, w]}), without building the K*n concatenations: the
     * first convolution is linear in its input channels, so {@code conv([a; z]) = conv_a(a) +
     * conv_z(z) + bias} with the weight split by input channel. That convolves n items and K strata
     * instead of K*n pairs (the intervention's largest convolution shrinks K-fold) and, backward,
     * sums the strata's gradients before one convolution. Equal to the concatenated pass up to
     * float rounding (the sum is taken in another order).
     */
    public Tensor forwardStrata(Tensor a, Tensor z) {
        int n = a.dim(0), k = z.dim(0), split = a.dim(1);
        if (split + z.dim(1) != conv.inChannels) {
            throw new IllegalArgumentException("FeatureGenerator: " + split + " + " + z.dim(1)
                    + " input channels, the convolution takes " + conv.inChannels);
        }
        Tensor wa = conv.weight.slice(1, 0, split);
        Tensor wz = conv.weight.slice(1, split, conv.inChannels);
        planA = Convolution.plan(planA, a, wa, 1, 1, 1, 1, 1, 1);      // stride 1, padding 1
        planZ = Convolution.plan(planZ, z, wz, 1, 1, 1, 1, 1, 1);
        Tensor ya = Convolution.conv2d(a, wa, conv.bias, planA);
        Tensor yz = Convolution.conv2d(z, wz, null, planZ);
        int[] s = {ya.dim(1), ya.dim(2), ya.dim(3)};
        Tensor h = yz.unsqueeze(1).add(ya.unsqueeze(0)).reshape(k * n, s[0], s[1], s[2]);
        for (ResidualBlock b : blocks) {
            h = b.forward(h, k);
        }
        return h;
    }

    /** With {@code groups = K}: K strata stacked on the batch axis, each normalised on its own. */
    public Tensor forward(Tensor x, int groups) {
        Tensor h = conv.forward(x);
        for (ResidualBlock b : blocks) {
            h = b.forward(h, groups);
        }
        return h;
    }
}
