package iern.model;

import iern.engine.Tensor;
import iern.engine.nn.Conv2d;
import iern.engine.nn.Module;
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

    /** With {@code groups = K}: K strata stacked on the batch axis, each normalised on its own. */
    public Tensor forward(Tensor x, int groups) {
        Tensor h = conv.forward(x);
        for (ResidualBlock b : blocks) {
            h = b.forward(h, groups);
        }
        return h;
    }
}
