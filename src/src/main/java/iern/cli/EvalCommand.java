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
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluates a checkpoint: accuracy overall, OOD/ID, per emotion/source.",
            "Out of distribution: test cells the fold holds out of training."})
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

    @Mixin
    EngineOptions engine;

    @Override
    public Integer call() {
        PrintWriter w = spec.commandLine().getOut();
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
        Engine.use(engine.open(w::println));
        Checkpoint.Loaded ckpt = Checkpoint.load(file);
        IernNetwork net = Checkpoint.network(ckpt);
        BadInput bad = dataOptions.skipBad ? BadInput.skip() : BadInput.fail();
        SampleSet set = MixDataset.open(dataOptions.data, splitFile, MixDataset.labels(dataOptions.data, dataOptions.labelsFile(), bad), bad);
        if (!set.classNames().equals(ckpt.model().emotions()) || !set.confounderNames().equals(ckpt.model().confounders())) {
            throw new UserError("the checkpoint's classes " + ckpt.model().emotions() + "/" + ckpt.model().confounders()
                    + " differ from the data's " + set.classNames() + "/" + set.confounderNames());
        }
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
        w.print(Report.accuracy(ckpt.model().method().id() + " (" + ckpt.model().intervention().id() + ") from " + file
                + ", " + ckpt.epochsDone() + " epochs, on " + splitFile + (fold > 0 ? " (fold " + fold + ")" : ""), acc));
        if (bad.skippedCount() > 0) {
            w.println(bad.summary());
        }
        if (confusion != null) {
            Charts.confusion(confusion, "Confusion (" + Report.pct(acc.overall()) + ")", set.classNames(), acc.confusion());
            w.println("confusion matrix: " + confusion);
        }
        w.flush();
        return 0;
    }
}
