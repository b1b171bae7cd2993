package iern.cli;

import iern.data.synth.SynthBenchmark;
import iern.data.synth.SynthConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the images, labels and split files are (the Mix-Dataset layout). */
public final class DataOptions {
    static final String DEFAULT_DATA = "data/synth";

    @Option(names = "--data", defaultValue = DEFAULT_DATA, paramLabel = "DIR",
            description = "Data root in the Mix-Dataset layout (<DIR>/<Source>/images/*.png, labels, split files)."
                + " Default: ${DEFAULT-VALUE}, the synthetic benchmark, generated on first use.")
    Path data;

    @Option(names = "--labels", paramLabel = "FILE",
            description = "Emotion labels, key,emotion CSV or the authors' emotion_labels.pkl."
                + " Default: <DIR>/emotion_labels.csv, else <DIR>/emotion_labels.pkl.")
    Path labels;

    @Option(names = "--skip-bad",
            description = "Skip unreadable images and bad split/label lines (and report how many) instead of stopping.")
    boolean skipBad;

    @picocli.CommandLine.Mixin
    ImageLimit imageLimit;

    Path labelsFile() {
        if (labels != null) {
            return labels;
        }
        Path csv = data.resolve("emotion_labels.csv");
        Path pkl = data.resolve("emotion_labels.pkl");
        return Files.exists(csv) || !Files.exists(pkl) ? csv : pkl;
    }

    /** The label file exists and is a regular file (its content is checked when it is read). */
    void requireLabels() {
        regularFile(labels != null ? "--labels" : "label file", labelsFile(), "");
    }

    boolean isDefaultData() {
        return data.normalize().equals(Path.of(DEFAULT_DATA).normalize());
    }

    /**
     * Makes sure the data root exists: the default root gets the synthetic benchmark written
     * on first use; any other missing root is an error naming it.
     */
    void ensure(PrintWriter out) {
        imageLimit.apply();
        if (!isDefaultData()) {
            if (!Files.isDirectory(data)) {
                throw new UserError("data directory " + data + " does not exist"
                        + " (make the synthetic benchmark with `iern synth --out " + data + "`, or point --data at a"
                        + " Mix-Dataset root)");
            }
            return;
        }
        // The default root is (re)written when absent, of an older generator, or left half-written by a Ctrl-C.
        if (!Files.exists(data.resolve(SynthBenchmark.MANIFEST))) {
            out.println("generating the synthetic benchmark in " + data + " (first run only)...");
            out.flush();
        }
        long t = System.nanoTime();
        SynthBenchmark.Result r;
        try {
            r = SynthBenchmark.generate(data, SynthConfig.defaults());
        } catch (IllegalStateException e) {
            throw new UserError(e.getMessage());
        }
        if (r.generated()) {
            out.printf("  %d images written to %s in %.1f s%n", r.images(), data, (System.nanoTime() - t) / 1e9);
            out.flush();
        }
    }

    /** A split file: an explicit path, or {@code <DIR>/<name>}; missing files are an error. */
    Path split(Path explicit, String name, String option) {
        Path p = explicit != null ? explicit : data.resolve(name);
        return regularFile(explicit != null ? option : "split file", p, explicit != null ? ""
                : " (is --data a Mix-Dataset root with the paper's split files? `iern folds` writes them)");
    }

    /**
     * {@code p} if it is a regular file; else an error that says whether it is missing or something
     * else (a directory, device or FIFO, which reading would hang on or misread).
     */
    static Path regularFile(String what, Path p, String hintIfMissing) {
        if (Files.isRegularFile(p)) {
            return p;
        }
        throw new UserError(what + " " + p + (Files.exists(p)
                ? " is not a regular file (a directory, device or FIFO)" : " does not exist" + hintIfMissing));
    }
}
