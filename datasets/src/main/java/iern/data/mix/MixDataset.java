package iern.data.mix;

import iern.data.BadInput;
import iern.data.DataException;
import iern.data.DataFiles;
import iern.data.MixBasic;
import iern.data.Printable;
import iern.data.Sample;
import iern.data.SampleSet;
import iern.data.labels.LabelTable;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The authors' Mix-Dataset: {@code <root>/<Dataset>/images/<name>.png}, a split file, and labels keyed
 * {@code <dataset lower-case>_<basename>}. The confounder of an image is the dataset folder it sits in.
 *
 * <p>Nothing named inside the root may lead out of it: images, and split and label files in the root, are
 * checked by their real path (links resolved), so a link {@code CKPlus/images/a.png -> /etc/shadow} is refused.
 */
public final class MixDataset {
    private MixDataset() {}

    /** The label files looked for in a data root, in order: the authors' pickle, then the CSV the synth writes. */
    public static final java.util.List<String> LABEL_FILES = java.util.List.of("emotion_labels.pkl", "emotion_labels.csv");

    /** Reads the root's label file ({@link #LABEL_FILES}). */
    public static LabelTable labelsIn(Path root, BadInput bad) {
        for (String name : LABEL_FILES) {
            Path f = root.resolve(name);
            if (Files.exists(f, LinkOption.NOFOLLOW_LINKS)) return labels(root, f, bad);
        }
        throw new DataException(root, 0, "no label file; expected one of " + LABEL_FILES + " in the data root");
    }

    /**
     * Reads a label file ({@link LabelTable#read}); one named inside the root must not lead out of it by a link.
     * A file given outside the root is read as it is.
     */
    public static LabelTable labels(Path root, Path file, BadInput bad) {
        DataFiles.requireInside(root, file, "label file");
        return LabelTable.read(file, bad);
    }

    /** Opens the split file {@code splitName} of a data root with the root's labels. */
    public static SampleSet open(Path root, String splitName, BadInput bad) {
        return open(root, root.resolve(splitName), labelsIn(root, bad), bad);
    }

    /** Opens one split; every entry is checked now so that a bad entry fails here and not mid-epoch. */
    public static SampleSet open(Path root, Path splitFile, LabelTable labels, BadInput bad) {
        Path base = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(base)) throw new DataException(root, 0, "data root is not a directory");
        Path realBase = DataFiles.realPath(base, "data root");
        DataFiles.requireInside(base, splitFile, "split file");
        List<Sample> samples = new ArrayList<>();
        for (SplitFile.Entry entry : SplitFile.read(splitFile, bad)) {
            Sample s = resolve(base, realBase, splitFile, entry, labels, bad);
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
        Path realBase = DataFiles.realPath(base, "data root");
        List<Sample> samples = new ArrayList<>();
        for (String dataset : MixBasic.SOURCES) {
            Path images = base.resolve(dataset).resolve("images");
            if (!Files.isDirectory(images)) continue;
            List<Path> files;
            try (var list = Files.list(images)) {
                files = list.filter(f -> !Files.isDirectory(f)).sorted().toList();
            } catch (IOException e) {
                throw DataFiles.problem(images, "image folder", e);
            }
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (!SplitFile.isImageName(name)) continue; // notes, label files...
                SplitFile.Entry entry = new SplitFile.Entry(dataset + "/images/" + name, 0, "MixBasic/" + dataset
                        + "/images/" + name);
                Sample s = resolve(base, realBase, file, entry, labels, bad); // errors name the image itself
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

    private static Sample resolve(Path base, Path realBase, Path splitFile, SplitFile.Entry entry, LabelTable labels,
                                  BadInput bad) {
        int line = entry.line();
        String text = Printable.quote(entry.text());
        String[] parts = entry.relative().split("/");
        if (parts.length < 3) {
            bad.report(new DataException(splitFile, line, text + " is too short; " + SplitFile.EXPECTED));
            return null;
        }
        String dataset = parts[parts.length - 3];
        String name = parts[parts.length - 1];
        int source = MixBasic.sourceIndex(dataset);
        if (source < 0) {
            bad.report(new DataException(splitFile, line, "unknown dataset " + Printable.quote(dataset) + " in " + text
                    + "; expected one of " + MixBasic.SOURCES));
            return null;
        }
        Path path = base.resolve(entry.relative()).normalize();
        String image = "image " + Printable.of(path.toString());
        if (!path.startsWith(base)) {
            bad.report(new DataException(splitFile, line, text + " escapes the data root " + Printable.of(base.toString())));
            return null;
        }
        String key = MixBasic.labelKey(dataset, name);
        String label = labels.get(key);
        if (label == null) {
            bad.report(new DataException(splitFile, line, "no label for key " + Printable.quote(key) + " in "
                    + Printable.of(labels.file().toString()) + "; expected an entry " + Printable.quote(key)
                    + " -> one of " + MixBasic.EMOTIONS));
            return null;
        }
        int emotion = MixBasic.emotionIndex(label);
        if (emotion < 0) {
            bad.report(new DataException(splitFile, line, "unknown emotion " + Printable.quote(label) + " for key "
                    + Printable.quote(key) + " (" + labels.originOf(key) + "); expected one of " + MixBasic.EMOTIONS));
            return null;
        }
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            String why = e instanceof NoSuchFileException ? " does not exist"
                    : e instanceof AccessDeniedException ? ": permission denied"
                    : ": " + Printable.of(String.valueOf(e.getMessage()));
            bad.report(new DataException(splitFile, line, image + why));
            return null;
        }
        if (!real.startsWith(realBase)) {
            bad.report(new DataException(splitFile, line, image + " leads outside the data root "
                    + Printable.of(realBase.toString()) + " (a link to " + Printable.of(real.toString())
                    + "); expected images inside the root"));
            return null;
        }
        if (!Files.isRegularFile(real)) {
            bad.report(new DataException(splitFile, line, image + " is not a regular file"));
            return null;
        }
        if (!Files.isReadable(real)) {
            bad.report(new DataException(splitFile, line, image + ": permission denied"));
            return null;
        }
        return new Sample(path, key, emotion, source, MixBasic.sequenceOf(dataset, name),
                line > 0 ? splitFile + " line " + line : path.toString());
    }
}
