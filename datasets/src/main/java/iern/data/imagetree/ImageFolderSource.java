package iern.data.imagetree;

import iern.data.BadInput;
import iern.data.DataException;
import iern.data.DataFiles;
import iern.data.Printable;
import iern.data.Sample;
import iern.data.SampleSet;
import iern.data.labels.LabelTable;
import iern.data.mix.SplitFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A generic labelled image tree, for benchmarks other than Mix-Dataset (e.g. scene-confounded sentiment sets).
 * The class is one folder level of each image's path under the root; the confounder is another level, or comes
 * from a CSV {@code <relative path>,<confounder>}, or is absent (one confounder for all).
 *
 * <p>Examples: {@code <root>/<class>/<img>} is {@code classLevel 0}; {@code <root>/<source>/<class>/<img>} is
 * {@code classLevel 1, confounderLevel 0}.
 *
 * <p>Links are not followed out of the root: an image whose real path leaves the root's real path is refused.
 */
public final class ImageFolderSource {
    /** Where the confounder of an image comes from. */
    public sealed interface Confounder {
        record None() implements Confounder {}

        record Level(int level) implements Confounder {}

        record Csv(LabelTable table) implements Confounder {}
    }

    private ImageFolderSource() {}

    public static SampleSet open(Path root, int classLevel, Confounder confounder, BadInput bad) {
        Path base = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(base)) throw new DataException(root, 0, "image folder root is not a directory");
        Path realBase = DataFiles.realPath(base, "image folder root");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(base)) {
            files = walk.filter(f -> !Files.isDirectory(f)).filter(ImageFolderSource::isImage).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            IOException io = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
            Path where = io instanceof FileSystemException f && f.getFile() != null ? Path.of(f.getFile()) : base;
            throw DataFiles.problem(where, "folder", io);
        }
        record Found(Path path, String relative, String cls, String conf) {}
        List<Found> found = new ArrayList<>();
        TreeSet<String> classes = new TreeSet<>();
        TreeSet<String> confounders = new TreeSet<>();
        for (Path file : files) {
            String problem = checkFile(file, realBase);
            if (problem != null) {
                bad.report(new DataException(file, 0, problem));
                continue;
            }
            Path rel = base.relativize(file);
            String relative = rel.toString().replace('\\', '/');
            int folders = rel.getNameCount() - 1;
            if (classLevel >= folders) {
                bad.report(new DataException(file, 0, "has no folder at level " + classLevel
                        + " to name its class; expected <root>/.../<class>/<image>"));
                continue;
            }
            String cls = rel.getName(classLevel).toString();
            String conf;
            switch (confounder) {
                case Confounder.None n -> conf = "all";
                case Confounder.Level l -> {
                    if (l.level() >= folders) {
                        bad.report(new DataException(file, 0, "has no folder at level " + l.level()
                                + " to name its confounder"));
                        continue;
                    }
                    conf = rel.getName(l.level()).toString();
                }
                case Confounder.Csv c -> {
                    conf = c.table().get(relative);
                    if (conf == null) {
                        bad.report(new DataException(c.table().file(), 0, "no confounder for image "
                                + Printable.quote(relative) + "; expected a line " + Printable.quote(relative
                                + ",<confounder>")));
                        continue;
                    }
                }
            }
            classes.add(cls);
            confounders.add(conf);
            found.add(new Found(file, relative, cls, conf));
        }
        if (found.isEmpty()) {
            throw new DataException(root, 0, "no images found; expected <root>/<class>/<image> with extensions "
                    + SplitFile.IMAGE_EXTENSIONS);
        }
        List<String> classNames = List.copyOf(classes);
        List<String> confNames = List.copyOf(confounders);
        List<Sample> samples = new ArrayList<>(found.size());
        for (Found f : found) {
            samples.add(new Sample(f.path(), f.relative(), classNames.indexOf(f.cls()), confNames.indexOf(f.conf()),
                    f.relative(), f.path().toString()));
        }
        return new SampleSet(List.copyOf(samples), classNames, confNames, bad);
    }

    /** Why a listed image cannot be used (a link out of the root, not a regular file), or null. */
    private static String checkFile(Path file, Path realBase) {
        Path real;
        try {
            real = file.toRealPath();
        } catch (IOException e) {
            return DataFiles.problem(file, "image", e).problem();
        }
        if (!real.startsWith(realBase))
            return DataFiles.outside(file, "image", real, realBase).problem();
        if (!Files.isRegularFile(real)) return "image is not a regular file; expected a PNG or JPEG file";
        return null;
    }

    static boolean isImage(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && SplitFile.IMAGE_EXTENSIONS.contains(n.substring(dot).toLowerCase(Locale.ROOT));
    }

    /** Convenience for a confounder CSV ({@code relative/path,confounder}). */
    public static Confounder confounderCsv(Path csv, BadInput bad) {
        return new Confounder.Csv(LabelTable.readCsv(csv, bad));
    }
}
