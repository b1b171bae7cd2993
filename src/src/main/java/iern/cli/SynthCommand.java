package iern.cli;

import iern.data.synth.ContactSheet;
import iern.data.synth.SynthBenchmark;
import iern.data.synth.SynthConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "synth", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes the synthetic biased benchmark (Mix-Dataset layout).",
            "Procedural faces showing six emotions, drawn in three capture styles",
            "(the 'source datasets', i.e. the confounders), with labels and the",
            "paper's bias100/bias90 split files for three folds.",
            "Same seed, same bytes."})
final class SynthCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", defaultValue = DataOptions.DEFAULT_DATA, paramLabel = "DIR",
            description = "Directory to write. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--seed", defaultValue = "7", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--subjects", defaultValue = "300", paramLabel = "N",
            description = "Identities per source (each shows all six emotions). Default: ${DEFAULT-VALUE}.")
    int subjects;

    @Option(names = "--size", defaultValue = "64", paramLabel = "PX", description = "Image side. Default: ${DEFAULT-VALUE}.")
    int size;

    @Option(names = "--frames", defaultValue = "1", paramLabel = "N",
            description = "Peak frames per sequence (rising to the apex). Default: ${DEFAULT-VALUE}.")
    int frames;

    @Option(names = "--force", description = "Write into a directory that holds label, split or source folders synth"
            + " did not write, replacing files of the same names (without it that is an error).")
    boolean force;

    @Option(names = "--sheet", paramLabel = "PNG", description = "Also write a contact sheet of a few subjects to this PNG.")
    Path sheet;

    @Override
    public Integer call() {
        PrintWriter w = spec.commandLine().getOut();
        SynthConfig cfg;
        try {
            cfg = new SynthConfig(seed, subjects, size, frames);
        } catch (IllegalArgumentException e) {
            throw new UserError("synthetic benchmark settings: " + e.getMessage());
        }
        long t = System.nanoTime();
        SynthBenchmark.Result r;
        try {
            r = SynthBenchmark.generate(out, cfg, force);
        } catch (IllegalStateException e) {
            throw new UserError(e.getMessage());
        }
        w.printf("%s: %d images %s in %.1f s%n", r.root(), r.images(), r.generated() ? "written" : "already there",
                (System.nanoTime() - t) / 1e9);
        if (sheet != null) {
            ContactSheet.ofSynth(cfg, Math.min(4, subjects), 96, sheet);
            w.println("contact sheet: " + sheet);
        }
        w.flush();
        return 0;
    }
}
