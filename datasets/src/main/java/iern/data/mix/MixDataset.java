package iern.data.mix;

import iern.data.BadInput;
import iern.data.DataException;
import iern.data.MixBasic;
import iern.data.Sample;
import iern.data.SampleSet;
import iern.data.labels.LabelTable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The authors' Mix-Dataset: {@code <root>/<Dataset>/images/<name>.png}, a split file, and labels keyed
 * {@code <dataset lower-case>_<basename>}. The confounder of an image is the dataset folder it sits in.
 */
public final class MixDataset {
    private MixDataset() {}

    /** The label files looked for in a data root, in order: the authors' pickle, then the CSV the synth writes. */
    public static final java.util.List<String> LABEL_FILES = java.util.List.of("emotion_labels.pkl", "emotion_labels.csv");

    /** Reads the root's label file ({@link #LABEL_FILES}). */
    public static LabelTable labelsIn(Path root, BadInput bad) {
        for (String name : LABEL_FILES) {
            Path f = root.resolve(name);
            if (Files.isRegularFile(f)) return LabelTable.read(f, bad);
        }
        throw new DataException(root, 0, "no label file; expected one of " + LABEL_FILES + " in the data root");
    }

    /** Opens the split file {@code splitName} of a data root with the root's labels. */
    public static SampleSet open(Path root, String splitName, BadInput bad) {
        return open(root, root.resolve(splitName), labelsIn(root, bad), bad);
    }

    /** Opens one split; every entry is checked now so that a bad entry fails here and not mid-epoch. */
    public static SampleSet open(Path root, Path splitFile, LabelTable labels, BadInput bad) {
        Path base = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(base)) throw new DataException(root, 0, "data root is not a directory");
        List<Sample> samples = new ArrayList<>();
        for (SplitFile.Entry entry : SplitFile.read(splitFile, bad)) {
            Sample s = resolve(base, splitFile, entry, labels, bad);
            if (s != null) samples.add(s);
        }
        if (samples.isEmpty()) {
            throw new DataException(splitFile, 0, "no usable images (" + bad.skippedCount()
                    + " skipped); first problem: " + bad.skippedMessages().stream().findFirst().orElse("none"));
        }
        // The authors sort the full paths; doing the same keeps the unshuffled order identical.
        samples.sort(Comparator.comparing(s -> s.path().toString()));
        return new SampleSet(List.copyOf(samples), MixBasic.EMOTIONS, MixBasic.SOURCES, bad);
    }

    /**
     * Every image under {@code <root>/<Dataset>/images/} for the known datasets, labelled from the table: the
     * input of the fold builder. Images without a label are reported (the authors' scripts delete such images).
     */
    public static SampleSet scan(Path root, LabelTable labels, BadInput bad) {
        Path base = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(base)) throw new DataException(root, 0, "data root is not a directory");
        List<Sample> samples = new ArrayList<>();
        for (String dataset : MixBasic.SOURCES) {
            Path images = base.resolve(dataset).resolve("images");
            if (!Files.isDirectory(images)) continue;
            List<Path> files;
            try (var list = Files.list(images)) {
                files = list.filter(Files::isRegularFile).sorted().toList();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot list " + images, e);
            }
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (SplitFile.check("x/" + name) != null) continue; // not an image file name
                SplitFile.Entry entry = new SplitFile.Entry(dataset + "/images/" + name, 0, "MixBasic/" + dataset
                        + "/images/" + name);
                Sample s = resolve(base, file, entry, labels, bad); // errors name the image itself
                if (s != null) samples.add(s);
            }
        }
        if (samples.isEmpty()) {
            throw new DataException(root, 0, "no labelled images; expected <root>/<Dataset>/images/<name>.png with"
                    + " <Dataset> one of " + MixBasic.SOURCES);
        }
        samples.sort(Comparator.comparing(s -> s.path().toString()));
        return new SampleSet(List.copyOf(samples), MixBasic.EMOTIONS, MixBasic.SOURCES, bad);
    }

    private static Sample resolve(Path base, Path splitFile, SplitFile.Entry entry, LabelTable labels, BadInput bad) {
        int line = entry.line();
        String[] parts = entry.relative().split("/");
        if (parts.length < 3) {
            bad.report(new DataException(splitFile, line, "'" + entry.text() + "' is too short; " + SplitFile.EXPECTED));
            return null;
        }
        String dataset = parts[parts.length - 3];
        String name = parts[parts.length - 1];
        int source = MixBasic.sourceIndex(dataset);
        if (source < 0) {
            bad.report(new DataException(splitFile, line, "unknown dataset '" + dataset + "' in '" + entry.text()
                    + "'; expected one of " + MixBasic.SOURCES));
            return null;
        }
        Path path = base.resolve(entry.relative()).normalize();
        if (!path.startsWith(base)) {
            bad.report(new DataException(splitFile, line, "'" + entry.text() + "' escapes the data root " + base));
            return null;
        }
        String key = MixBasic.labelKey(dataset, name);
        String label = labels.get(key);
        if (label == null) {
            bad.report(new DataException(splitFile, line, "no label for key '" + key + "' in " + labels.file()
                    + "; expected an entry '" + key + "' -> one of " + MixBasic.EMOTIONS));
            return null;
        }
        int emotion = MixBasic.emotionIndex(label);
        if (emotion < 0) {
            bad.report(new DataException(splitFile, line, "unknown emotion '" + label + "' for key '" + key + "' ("
                    + labels.originOf(key) + "); expected one of " + MixBasic.EMOTIONS));
            return null;
        }
        if (!Files.isRegularFile(path)) {
            bad.report(new DataException(splitFile, line, "image " + path
                    + (Files.exists(path) ? " is not a regular file" : " does not exist")));
            return null;
        }
        if (!Files.isReadable(path)) {
            bad.report(new DataException(splitFile, line, "image " + path + " is not readable"));
            return null;
        }
        return new Sample(path, key, emotion, source, MixBasic.sequenceOf(dataset, name),
                line > 0 ? splitFile + " line " + line : path.toString());
    }
}
