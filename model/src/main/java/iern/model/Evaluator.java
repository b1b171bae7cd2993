package iern.model;

import iern.data.loader.Batch;
import iern.data.loader.Loader;
import iern.engine.Grad;
import iern.engine.Tensor;
import iern.engine.TensorScope;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Test-time prediction over a loader: networks in evaluation mode (running statistics), no
 * gradient, {@link IernNetwork#predict} (for IERN the intervention over the stored confounder
 * centres), argmax, counted per source and emotion.
 */
public final class Evaluator {
    private Evaluator() {}

    /**
     * Adds every prediction over {@code loader}'s epoch to {@code into}. {@code progress} gets the
     * number of batches done after each batch (may be null).
     */
    public static void evaluate(IernNetwork net, Loader loader, Accuracy into, IntConsumer progress) {
        net.eval();
        try {
            loader.startEpoch(0);
            Tensor full = null;
            int done = 0;
            try (Grad g = Grad.off()) {
                for (Batch b; (b = loader.next()) != null; ) {
                    try (TensorScope scope = TensorScope.open()) {
                        Tensor x;
                        if (b.size == b.capacity()) {
                            if (full == null) {
                                full = scope.keep(Tensor.zeros(b.size, 3, b.height, b.width));
                            }
                            x = full.write(b.images);
                        } else {
                            float[] part = java.util.Arrays.copyOf(b.images, b.size * b.floatsPerImage());
                            x = Tensor.of(part, b.size, 3, b.height, b.width);
                        }
                        float[] pred = net.predict(x).argmax(1).toArray();
                        for (int i = 0; i < b.size; i++) {
                            into.record(b.confounder[i], b.emotion[i], (int) pred[i]);
                        }
                    }
                    done++;
                    if (progress != null) {
                        progress.accept(done);
                    }
                }
            } finally {
                if (full != null) {
                    full.close();
                }
            }
        } finally {
            net.train();
        }
    }

    public static Accuracy newTally(RunData data) {
        return new Accuracy(data.emotions, data.sources, data.inDistribution);
    }

    public static Accuracy newTally(List<String> emotions, List<String> sources, boolean[][] inDistribution) {
        return new Accuracy(emotions, sources, inDistribution);
    }
}
