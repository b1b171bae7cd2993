package iern.model;

import iern.engine.Tensor;
import iern.engine.nn.Linear;
import iern.engine.nn.Module;
import java.util.SplittableRandom;

/** Global average pool then Linear(C -> emotions): {@code [n, C, f, f] -> [n, emotions]}. */
public final class EmotionClassifier extends Module {
    private final Linear fc;

    public EmotionClassifier(int channels, int emotions, SplittableRandom rng) {
        fc = registerModule("fc", new Linear(channels, emotions, true, rng));
    }

    @Override
    public Tensor forward(Tensor x) {
        return fc.forward(x.mean(new int[] {2, 3}, false));
    }
}
