package iern.cli;

import iern.data.BadInput;
import iern.data.SampleSet;
import iern.data.folds.FoldBuilder;
import iern.data.mix.MixDataset;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "folds", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes the paper's bias100/bias90 split files for three folds,",
            "from the images under --data and their labels: in each fold every",
            "source holds out two emotions for testing; bias90 moves 10% of each",
            "held-out cell's sequences into training. Frames of one sequence never",
            "straddle the split."})
final class FoldsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DataOptions dataOptions;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write the split files. Default: the data root.")
    Path out;

    @Option(names = "--seed", defaultValue = "7", paramLabel = "N",
            description = "Seed of bias90's choice of sequences. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--prefix", defaultValue = "MixBasic", paramLabel = "NAME",
            description = "First path component of every split line (dropped when read, as the authors'). Default: ${DEFAULT-VALUE}.")
    String prefix;

    @Option(names = "--force", description = "Replace split files already in the output directory (its own, or a"
            + " data set's; without --force existing split files are an error).")
    boolean force;

    @Override
    public Integer call() {
        PrintWriter w = spec.commandLine().getOut();
        Path target = out != null ? out : dataOptions.data;
        if (!force) {
            List<String> existing = new java.util.ArrayList<>();
            for (FoldBuilder.Bias bias : FoldBuilder.Bias.values()) {
                for (int fold = 1; fold <= FoldBuilder.FOLDS; fold++) {
                    for (String part : List.of("train", "test")) {
                        String name = FoldBuilder.splitName(part, bias, fold);
                        if (Files.exists(target.resolve(name))) {
                            existing.add(name);
                        }
                    }
                }
            }
            if (!existing.isEmpty()) {
                throw new UserError(target + " already has " + existing.size() + " split file(s) (" + existing.getFirst()
                        + (existing.size() > 1 ? ", ..." : "") + "); --force replaces them, --out writes elsewhere");
            }
        }
        dataOptions.imageLimit.apply();
        if (!Files.isDirectory(dataOptions.data)) {
            throw new UserError("data directory " + dataOptions.data + " does not exist");
        }
        Path labelsFile = dataOptions.labelsFile();
        if (!Files.isRegularFile(labelsFile)) {
            throw new UserError("label file " + labelsFile + " does not exist (give it with --labels)");
        }
        BadInput bad = dataOptions.skipBad ? BadInput.skip() : BadInput.fail();
        SampleSet all = MixDataset.scan(dataOptions.data, MixDataset.labels(dataOptions.data, labelsFile, bad), bad);
        Path dir = target;
        List<Path> written = FoldBuilder.writeAll(dir, dataOptions.data, all.samples(), prefix, seed);
        w.printf("%d labelled images; wrote %d split files to %s%n", all.size(), written.size(), dir);
        if (bad.skippedCount() > 0) {
            w.println(bad.summary());
        }
        w.flush();
        return 0;
    }
}
