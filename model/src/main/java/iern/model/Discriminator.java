package iern.model;

import iern.engine.Tensor;
import iern.engine.nn.Conv2d;
import iern.engine.nn.Module;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * EmoDis / ConDis: conv4x4 stride 2 pad 1 (C -> C), LeakyReLU(0.01), {@code halvings} 1x1 convs
 * each halving the channels with LeakyReLU(0.01), then a bias-free conv whose kernel covers the
 * whole remaining map ({@link ModelConfig#disKernel()}: 3 for the paper's 7x7 features) to the
 * class count. Output {@code [n, classes]} (logits).
 */
public final class Discriminator extends Module {
    private final Conv2d down;
    private final List<Conv2d> halves = new ArrayList<>();
    private final Conv2d head;
    private final int classes;

    public Discriminator(int channels, int classes, int kernel, int halvings, SplittableRandom rng) {
        this.classes = classes;
        down = registerModule("down", new Conv2d(channels, channels, 4, 2, 1, true, rng));
        int c = channels;
        for (int i = 0; i < halvings; i++) {
            halves.add(registerModule("half" + i, new Conv2d(c, c / 2, 1, 1, 0, true, rng)));
            c /= 2;
        }
        head = registerModule("head", new Conv2d(c, classes, kernel, 1, 0, false, rng));
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor h = down.forward(x).leakyRelu(0.01f);
        for (Conv2d c : halves) {
            h = c.forward(h).leakyRelu(0.01f);
        }
        Tensor out = head.forward(h);
        if (out.dim(2) != 1 || out.dim(3) != 1) {
            throw new IllegalStateException("discriminator head left a " + out.dim(2) + "x" + out.dim(3)
                    + " map; its kernel must cover the whole map");
        }
        return out.reshape(out.dim(0), classes);
    }
}
