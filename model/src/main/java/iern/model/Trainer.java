package iern.model;

import iern.engine.InvalidInput;
import iern.data.loader.Batch;
import iern.engine.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Trains one model on one split: epochs of the method's iteration under the authors' schedule,
 * an evaluation on the test split after each epoch (or every {@code evalEvery}), a checkpoint
 * after each epoch, a checkpoint on a stop request, and a hard stop when a loss stops being
 * finite (the checkpoint of the last good epoch stays).
 */
public final class Trainer {
    public static final String CHECKPOINT = "checkpoint.safetensors";

    /** What the program shows while training; every method is optional. */
    public interface Listener {
        default void info(String line) {}

        default void epochStart(int epoch, int epochs, int steps) {}

        default void step(int epoch, int step, int steps, StepLosses losses) {}

        default void evalStart(int batches) {}

        default void evalStep(int done) {}

        /**
         * Training starts after {@code epochsDone} epochs (0: from scratch): a metrics log should
         * hold exactly those epochs' records from here on.
         */
        default void started(int epochsDone) {}

        /**
         * The epoch's metrics record (what the metrics log stores), given before the epoch's
         * checkpoint is written: a kill between the two repeats the epoch on resume, never loses it.
         */
        default void epochEnd(Map<String, Object> record) {}
    }

    /**
     * @param accuracy     the last evaluation on the test split (and the in-distribution hold-out, if any)
     * @param epochsDone   epochs completed (all of them unless interrupted)
     * @param interrupted  a stop request ended the run early; the checkpoint holds its state
     * @param seconds      time spent training in this process (evaluation included)
     */
    public record Result(Accuracy accuracy, int epochsDone, boolean interrupted, double seconds, Path checkpoint,
                         Map<String, Object> diagnostics) {}

    private Trainer() {}

    public static Result run(ModelConfig requested, TrainConfig train, RunData data, Path runDir, boolean resume,
                             int evalEvery, Listener listener, StopSignal stop) {
        return run(requested, train, data, runDir, resume, evalEvery, listener, stop, null);
    }

    /**
     * {@link #run(ModelConfig, TrainConfig, RunData, Path, boolean, int, Listener, StopSignal)} with
     * the backbone of a run that starts from scratch loaded from {@code pretrained} (torchvision
     * weights, {@link PretrainedBackbone}; null: none). A run that continues from its checkpoint
     * does not read the file: the checkpoint holds the weights.
     */
    public static Result run(ModelConfig requested, TrainConfig train, RunData data, Path runDir, boolean resume,
                             int evalEvery, Listener listener, StopSignal stop, Path pretrained) {
        if (!requested.emotions().equals(data.emotions) || !requested.confounders().equals(data.sources)) {
            throw new InvalidInput("the model's classes " + requested.emotions() + "/"
                    + requested.confounders() + " differ from the data's " + data.emotions + "/" + data.sources);
        }
        ModelConfig model = requested.isBaseline() ? requested : requested.withPrior(data.prior);
        Path ckptFile = runDir.resolve(CHECKPOINT);
        long start = System.nanoTime();
        IernNetwork net = new IernNetwork(model, train.seed());
        if (pretrained != null) {
            listener.info(resume && Files.exists(ckptFile)
                    ? "--pretrained " + pretrained + " not read: the run continues from its checkpoint"
                    : PretrainedBackbone.load(net.base, pretrained).summary());
        }
        int epochs = train.epochs();
        int first = 0;
        Checkpoint.PartialEpoch partial = null;
        Accuracy last = null;
        Map<String, Object> diagnostics = Map.of();
        try (TrainingStep step = TrainingStep.of(net, train, data.priors())) {
            if (resume && Files.exists(ckptFile)) {
                Checkpoint.Loaded loaded = Checkpoint.load(ckptFile);
                Checkpoint.restore(loaded, step, train, data.provenance());
                first = loaded.epochsDone();
                partial = loaded.partial();
                listener.info("resuming " + ckptFile + " after epoch " + first + " of " + epochs
                        + (partial == null ? "" : " and " + partial.steps() + " steps of epoch " + (first + 1)));
            } else if (Files.exists(ckptFile)) {
                listener.info("starting over in " + runDir + " (its old checkpoint will be replaced; --resume continues it)");
            }
            listener.started(first);
            int steps = data.train.batchesPerEpoch();
            Tensor x = null;
            if (stop != null) {
                stop.enter();
            }
            try {
                for (int epoch = first; epoch < epochs; epoch++) {
                    step.startEpoch(epoch, train);
                    data.train.startEpoch(epoch);
                    listener.epochStart(epoch, epochs, steps);
                    long epochStart = System.nanoTime();
                    // a run stopped inside this epoch skips the batches it had trained on, keeping their sums
                    int skip = partial != null && epoch == first ? partial.steps() : 0;
                    double[] sums = skip > 0 ? partial.sums().clone() : new double[StepLosses.NAMES.length];
                    long correct = skip > 0 ? partial.correct() : 0;
                    long seen = skip > 0 ? partial.seen() : 0;
                    int s = 0;
                    for (Batch b; (b = data.train.next()) != null; s++) {
                        if (s < skip) {
                            continue;
                        }
                        if (x == null) {
                            x = Tensor.zeros(b.capacity(), 3, b.height, b.width);
                        }
                        x.write(b.images);
                        StepLosses losses = step.step(x, b.emotion, b.confounder);
                        String bad = losses.firstNonFinite(model.isBaseline(), model.hasAdversary());
                        if (bad != null) {
                            throw new TrainingDiverged("epoch " + (epoch + 1) + " step " + (s + 1) + ": loss " + bad
                                    + "; training stopped. " + (epoch > first || first > 0
                                        ? "The checkpoint of epoch " + epoch + " (" + ckptFile + ") is kept."
                                        : "No checkpoint was written yet.")
                                    + " Try a lower --lr.");
                        }
                        double[] v = losses.values();
                        for (int i = 0; i < v.length; i++) {
                            sums[i] += v[i];
                        }
                        correct += losses.correct();
                        seen += losses.images();
                        listener.step(epoch, s, steps, losses);
                        if (stop != null && stop.requested()) {
                            Checkpoint.save(ckptFile, step, train, epoch, false, data.provenance(),
                                    new Checkpoint.PartialEpoch(s + 1, sums.clone(), correct, seen));
                            listener.info("stopped in epoch " + (epoch + 1) + " after step " + (s + 1) + "; saved "
                                    + ckptFile + " (--resume continues from the next step)");
                            return new Result(last, epoch, true, seconds(start), ckptFile, diagnostics);
                        }
                    }
                    double trainSeconds = seconds(epochStart);
                    boolean lastEpoch = epoch == epochs - 1;
                    Map<String, Object> record = new LinkedHashMap<>();
                    record.put("epoch", epoch + 1);
                    record.put("epochs", epochs);
                    record.put("lr", train.lr() * train.schedule().factor(epoch));
                    for (int i = 0; i < sums.length; i++) {
                        record.put(StepLosses.NAMES[i], s == 0 ? Double.NaN : sums[i] / s);
                    }
                    record.put("train_acc", seen == 0 ? Double.NaN : (double) correct / seen);
                    if (lastEpoch || (evalEvery > 0 && (epoch + 1) % evalEvery == 0)) {
                        last = evaluate(net, data, listener);
                        record.put("test_acc", last.overall());
                        record.put("ood_acc", last.outOfDistribution());
                        record.put("id_acc", last.inDistribution());
                        diagnostics = Diagnostics.measure(net, data.probeTrain, data.probeTest);
                        record.putAll(diagnostics);
                    }
                    record.put("train_seconds", trainSeconds);
                    record.put("images_per_s", seen / Math.max(1e-9, trainSeconds));
                    listener.epochEnd(record);
                    Checkpoint.save(ckptFile, step, train, epoch + 1, lastEpoch, data.provenance());
                }
            } finally {
                if (x != null) {
                    x.close();
                }
                if (stop != null) {
                    stop.exit();
                }
            }
            if (last == null) {
                // Resumed a finished run: evaluate what it left.
                last = evaluate(net, data, listener);
                diagnostics = Diagnostics.measure(net, data.probeTrain, data.probeTest);
            }
            return new Result(last, epochs, false, seconds(start), ckptFile, diagnostics);
        }
    }

    /** Evaluates on the test split and, when present, the in-distribution hold-out, into one tally. */
    public static Accuracy evaluate(IernNetwork net, RunData data, Listener listener) {
        Accuracy acc = Evaluator.newTally(data);
        int batches = data.test.batchesPerEpoch() + (data.idTest == null ? 0 : data.idTest.batchesPerEpoch());
        listener.evalStart(batches);
        int[] offset = {0};
        Evaluator.evaluate(net, data.test, acc, done -> listener.evalStep(done));
        if (data.idTest != null) {
            offset[0] = data.test.batchesPerEpoch();
            Evaluator.evaluate(net, data.idTest, acc, done -> listener.evalStep(offset[0] + done));
        }
        return acc;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
