package iern.model;

import iern.engine.Tensor;
import iern.engine.nn.BatchNorm2d;
import iern.engine.nn.Conv2d;
import iern.engine.nn.Module;
import java.util.SplittableRandom;

/**
 * The IERN heads' residual block: {@code x + BN(conv3x3(ReLU(BN(conv3x3(x)))))}, convs without
 * bias, no activation after the sum. {@link #forward(Tensor, int)} passes a strata count to the
 * batch norms, so K strata stacked on the batch axis keep their own statistics.
 */
public final class ResidualBlock extends Module {
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Conv2d conv2;
    private final BatchNorm2d bn2;

    public ResidualBlock(int channels, SplittableRandom rng) {
        conv1 = registerModule("conv1", new Conv2d(channels, channels, 3, 1, 1, false, rng));
        bn1 = registerModule("bn1", new BatchNorm2d(channels));
        conv2 = registerModule("conv2", new Conv2d(channels, channels, 3, 1, 1, false, rng));
        bn2 = registerModule("bn2", new BatchNorm2d(channels));
    }

    @Override
    public Tensor forward(Tensor x) {
        return forward(x, 1);
    }

    public Tensor forward(Tensor x, int groups) {
        Tensor h = bn1.forward(conv1.forward(x), groups).relu();
        h = bn2.forward(conv2.forward(h), groups);
        return x.add(h);
    }
}
