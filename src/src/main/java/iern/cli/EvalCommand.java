package iern.cli;

import iern.data.BadInput;
import iern.data.SampleSet;
import iern.data.folds.FoldBuilder;
import iern.data.loader.ImageStore;
import iern.data.loader.Loader;
import iern.data.mix.MixDataset;
import iern.data.transform.Pipeline;
import iern.engine.Engine;
import iern.model.Accuracy;
import iern.model.Checkpoint;
import iern.model.Evaluator;
import iern.model.IernNetwork;
import iern.model.TrainedKeys;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluates a checkpoint: accuracy overall, OOD/ID, per emotion/source.",
            "Out of distribution: test cells the fold holds out of training.",
            "Refuses a split that shares images with the checkpoint's training data (--allow-overlap: evaluate anyway)."})
final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE",
            description = "A checkpoint.safetensors, or the run directory holding one.")
    Path checkpoint;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--split", paramLabel = "FILE", description = "Split file to evaluate (default: the test split of --bias/--fold).")
    Path split;

    @Option(names = "--bias", defaultValue = "100", paramLabel = "100|90|0", description = "Setting of the default split (0: the ceiling, unseen people). Default: ${DEFAULT-VALUE}.")
    String bias;

    @Option(names = "--fold", defaultValue = "1", paramLabel = "1|2|3",
            description = "The fold, which decides which cells are out of distribution (0: unknown). Default: ${DEFAULT-VALUE}.")
    int fold;

    @Option(names = "--batch", defaultValue = "32", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--confusion", paramLabel = "PNG", description = "Also draw the confusion matrix to this PNG.")
    Path confusion;

    @Option(names = "--allow-overlap",
            description = "Evaluate even when the split holds images the checkpoint was trained on (with a warning).")
    boolean allowOverlap;

    @Mixin
    JsonOutput json;

    @Mixin
    EngineOptions engine;

    @Override
    public Integer call() {
        PrintWriter w = JsonOutput.out(spec);
        PrintWriter notes = json.notices(spec);
        PrintWriter err = spec.commandLine().getErr();
        if (fold < 0 || fold > FoldBuilder.FOLDS) {
            throw new UserError("--fold " + fold + ": expected 0, 1, 2 or 3");
        }
        if (!bias.equals("100") && !bias.equals("90") && !bias.equals("0")) {
            throw new UserError("--bias " + bias + ": expected 100, 90 or 0");
        }
        if (batch < 1 || batch > 4096) {
            throw new UserError("--batch " + batch + ": expected a number from 1 to 4096");
        }
        Path file = PredictCommand.checkpointFile(checkpoint);
        dataOptions.imageLimit.apply();
        if (!Files.isDirectory(dataOptions.data)) {
            throw new UserError("data directory " + dataOptions.data + " does not exist");
        }
        Path splitFile = split != null ? dataOptions.split(split, null, "--split")
                : dataOptions.split(null, FoldBuilder.splitName("test",
                    FoldBuilder.bias(bias), Math.max(1, fold)), null);
        Engine.use(engine.open(notes::println));
        Checkpoint.Loaded ckpt = Checkpoint.load(file);
        BadInput bad = dataOptions.skipBad ? BadInput.skip() : BadInput.fail();
        SampleSet set = MixDataset.open(dataOptions.data, splitFile, MixDataset.labels(dataOptions.data, dataOptions.labelsFile(), bad), bad);
        if (!set.classNames().equals(ckpt.model().emotions()) || !set.confounderNames().equals(ckpt.model().confounders())) {
            throw new UserError("the checkpoint's classes " + ckpt.model().emotions() + "/" + ckpt.model().confounders()
                    + " differ from the data's " + set.classNames() + "/" + set.confounderNames());
        }
        Map<String, Object> overlap = overlap(ckpt, file, set, splitFile, err);
        IernNetwork net = Checkpoint.network(ckpt);
        boolean[][] in = new boolean[set.confounderNames().size()][set.classNames().size()];
        for (int s = 0; s < in.length; s++) {
            for (int e = 0; e < in[s].length; e++) {
                // bias0 holds out people, not cells: every cell is in distribution
                in[s][e] = fold > 0 && (bias.equals("0") || !FoldBuilder.isHeldOut(fold, s, e));
            }
        }
        Pipeline pipe = Pipeline.test(ckpt.model().imageSize());
        Accuracy acc = new Accuracy(set.classNames(), set.confounderNames(), in);
        try (Loader loader = Loader.builder(ImageStore.open(set.samples(), pipe, bad), pipe).batchSize(batch)
                .shuffle(false).dropLast(false).workers(1).build()) {
            Evaluator.evaluate(net, loader, acc, null);
        }
        if (confusion != null) {
            Charts.confusion(confusion, "Confusion (" + Report.pct(acc.overall()) + ")", set.classNames(), acc.confusion());
        }
        if (json.on) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("checkpoint", file.toString());
            doc.put("method", ckpt.model().method().id());
            doc.put("intervention", ckpt.model().intervention().id());
            doc.put("epochs_done", ckpt.epochsDone());
            doc.put("split", splitFile.toString());
            doc.put("bias", bias);
            doc.put("fold", fold);
            doc.put("emotions", set.classNames());
            doc.put("sources", set.confounderNames());
            doc.put("accuracy", acc.toMap());
            doc.put("counts", counts(acc));
            doc.put("skipped_images", bad.skippedCount());
            doc.put("overlap", overlap);
            doc.put("confusion_png", confusion == null ? null : confusion.toString());
            JsonOutput.document(w, doc);
        } else {
            String title = ckpt.model().method().id() + " (" + ckpt.model().intervention().id() + ") from " + file
                    + ", " + ckpt.epochsDone() + " epochs, on " + splitFile + (fold > 0 ? " (fold " + fold + ")" : "");
            if (overlap.get("training_images") instanceof Integer n && n > 0) {
                title += "\n  WARNING: " + n + " of these " + set.samples().size()
                        + " images were in the checkpoint's training data (--allow-overlap)";
            }
            w.print(Report.accuracy(title, acc));
        }
        if (bad.skippedCount() > 0) {
            notes.println(bad.summary());
        }
        if (confusion != null) {
            notes.println("confusion matrix: " + confusion);
        }
        w.flush();
        notes.flush();
        return 0;
    }

    /**
     * How many of the split's images the checkpoint was trained on: refused (exit 2) when any,
     * unless {@code --allow-overlap}, which warns instead; a checkpoint that records no training
     * keys (older ones) gets a warning that the check could not be made.
     */
    private Map<String, Object> overlap(Checkpoint.Loaded ckpt, Path file, SampleSet set, Path splitFile, PrintWriter err) {
        Map<String, Object> m = new LinkedHashMap<>();
        long[] trained = TrainedKeys.of(ckpt.data(), file + " metadata 'data'");
        List<String> keys = set.samples().stream().map(iern.data.Sample::key).toList();
        m.put("checked", trained != null);
        m.put("images", keys.size());
        if (trained == null) {
            m.put("training_images", null);
            err.println("iern eval: warning: " + file + " does not record which images it was trained on (made by an"
                    + " older iern, or trained on more than " + TrainedKeys.MAX_KEYS + "); cannot check whether "
                    + splitFile + " overlaps its training data");
            err.flush();
            return m;
        }
        int n = TrainedKeys.overlap(trained, keys);
        m.put("training_images", n);
        m.put("allowed", n > 0 && allowOverlap);
        if (n > 0) {
            String what = n + " of the " + keys.size() + " images of " + splitFile + " were in the training data of "
                    + file + (ckpt.data().get("train_split") instanceof String t ? " (" + iern.data.Printable.of(t) + ")" : "");
            if (!allowOverlap) {
                throw new UserError(what + "; its accuracy on them would overstate how it does on unseen images."
                        + " Evaluate on the test split of the fold it was trained on, or add --allow-overlap");
            }
            err.println("iern eval: WARNING: " + what + "; the accuracy reported overstates how it does on unseen images"
                    + " (--allow-overlap)");
            err.flush();
        }
        return m;
    }

    /** Correct and total images of every row the text report shows. */
    private static Map<String, Object> counts(Accuracy a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("overall", pair(a.count((s, e, in) -> true)));
        m.put("out_of_distribution", pair(a.count((s, e, in) -> !in)));
        m.put("in_distribution", pair(a.count((s, e, in) -> in)));
        Map<String, Object> perEmotion = new LinkedHashMap<>();
        for (int e = 0; e < a.emotions().size(); e++) {
            int emotion = e;
            perEmotion.put(a.emotions().get(e), pair(a.count((s, t, in) -> t == emotion)));
        }
        m.put("per_emotion", perEmotion);
        Map<String, Object> perSource = new LinkedHashMap<>();
        for (int s = 0; s < a.sources().size(); s++) {
            int source = s;
            perSource.put(a.sources().get(s), pair(a.count((src, t, in) -> src == source)));
        }
        m.put("per_source", perSource);
        return m;
    }

    private static Map<String, Object> pair(long[] ct) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("correct", ct[0]);
        m.put("images", ct[1]);
        return m;
    }
}
