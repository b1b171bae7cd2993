package iern.data.synth;

import iern.data.DataFiles;
import iern.data.MixBasic;
import iern.data.Printable;
import iern.data.Sample;
import iern.data.folds.FoldBuilder;
import iern.data.labels.LabelTable;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A synthetic, deliberately biased emotion benchmark in the authors' Mix-Dataset layout:
 * <pre>
 * root/CKPlus/images/S001_001_00000010.png ...   (grey lab style)
 * root/MMI/images/S001_100_040.png ...           (warm, soft, textured)
 * root/OuluCASIA/images/P001_Anger_015.png ...   (dark near-infrared look)
 * root/emotion_labels.csv                        key,emotion
 * root/{train,test}_ids_{bias100,bias90}v{1,2,3}.csv
 * root/synth.properties                          the config; written last, so its presence means complete
 * </pre>
 * Every (subject, emotion) is a sequence of frames of rising intensity. Same config, same bytes.
 */
public final class SynthBenchmark {
    public static final String MANIFEST = "synth.properties";
    public static final String LABELS = "emotion_labels.csv";
    /** First component of every split line, dropped by the reader as in the authors' files. */
    public static final String SPLIT_PREFIX = "MixBasic";

    /** @param generated false when a complete set with the same config was already there */
    public record Result(Path root, boolean generated, int images) {}

    /** Intensity of the frame before the first one kept; frames rise evenly from it to the apex. */
    static final double PEAK_START = 0.8;

    private SynthBenchmark() {}

    /**
     * Writes the benchmark under root unless a complete one with the same config is already there.
     *
     * @throws IllegalStateException if root holds a different synthetic set or a data set synth did not write
     */
    public static Result generate(Path root, SynthConfig cfg) {
        return generate(root, cfg, false);
    }

    /**
     * As {@link #generate(Path, SynthConfig)}; with {@code force}, a directory holding label, split or
     * source folders that synth did not write is written into anyway (its files of those names replaced).
     * A set left half-written by an interrupted call (its manifest says {@code complete=false}) is
     * always written again.
     */
    public static Result generate(Path root, SynthConfig cfg, boolean force) {
        Path manifest = root.resolve(MANIFEST);
        int expected = 3 * cfg.imagesPerSource();
        if (Files.exists(manifest)) {
            Map<String, String> old = readManifest(manifest);
            boolean current = String.valueOf(SynthConfig.FORMAT_VERSION).equals(old.get("format"));
            if (!current || !"true".equals(old.getOrDefault("complete", "true"))) {
                // an older generator's set, or one interrupted while written: ours, so write it again
                removeOwnFiles(root);
                write(root, cfg);
                return new Result(root, true, expected);
            }
            List<String> differ = new ArrayList<>();
            for (var e : cfg.asProperties().entrySet())
                if (!e.getValue().equals(old.get(e.getKey())))
                    differ.add(e.getKey() + "=" + old.get(e.getKey()) + " (asked " + e.getValue() + ")");
            if (!differ.isEmpty()) {
                throw new IllegalStateException(root + " holds a synthetic benchmark made with "
                        + Printable.of(differ.toString()) + "; use another directory or delete this one");
            }
            if (countImages(root) == expected) return new Result(root, false, expected);
            // images missing: a complete manifest but a damaged tree, so write it again
        } else if (!force) {
            List<String> foreign = new ArrayList<>();
            for (String source : MixBasic.SOURCES)
                if (Files.exists(root.resolve(source))) foreign.add(source + "/");
            if (Files.exists(root.resolve(LABELS))) foreign.add(LABELS);
            try (var list = Files.isDirectory(root) ? Files.list(root) : java.util.stream.Stream.<Path>empty()) {
                list.map(p -> p.getFileName().toString()).filter(n -> n.matches("(train|test)_ids_.*\\.csv")).sorted()
                        .limit(3).forEach(foreign::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + root, e);
            }
            if (!foreign.isEmpty()) {
                throw new IllegalStateException(root + " already holds " + Printable.of(foreign.toString())
                        + " but no " + MANIFEST + ": it is not a synthetic set; refusing to overwrite its files"
                        + " (use a new directory, or --force to write into it anyway)");
            }
        }
        write(root, cfg);
        return new Result(root, true, expected);
    }

    private static void write(Path root, SynthConfig cfg) {
        try {
            Files.createDirectories(root);
            for (String source : MixBasic.SOURCES) Files.createDirectories(root.resolve(source).resolve("images"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + root, e);
        }
        // First a manifest that says "not complete": an interrupted call leaves a set the next one rewrites.
        writeManifest(root.resolve(MANIFEST), cfg, 0, false);
        List<Sample> samples = new ArrayList<>();
        Map<String, String> labels = new TreeMap<>();
        List<Job> jobs = new ArrayList<>();
        for (int source = 0; source < 3; source++) {
            for (int subject = 0; subject < cfg.subjectsPerSource(); subject++) {
                for (int emotion = 0; emotion < 6; emotion++) {
                    for (int frame = 0; frame < cfg.framesPerSequence(); frame++) {
                        String dataset = MixBasic.SOURCES.get(source);
                        String name = fileName(source, subject, emotion, frame);
                        Path file = root.resolve(dataset).resolve("images").resolve(name);
                        jobs.add(new Job(source, subject, emotion, frame, file));
                        String key = MixBasic.labelKey(dataset, name);
                        labels.put(key, MixBasic.EMOTIONS.get(emotion));
                        samples.add(new Sample(file, key, emotion, source, MixBasic.sequenceOf(dataset, name),
                                file.toString()));
                    }
                }
            }
        }
        renderAll(cfg, jobs);
        LabelTable.writeCsv(root.resolve(LABELS), labels);
        FoldBuilder.writeAll(root, root, samples, SPLIT_PREFIX, cfg.seed());
        writeManifest(root.resolve(MANIFEST), cfg, samples.size(), true);
    }

    private record Job(int source, int subject, int emotion, int frame, Path file) {}

    private static void renderAll(SynthConfig cfg, List<Job> jobs) {
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "iern-synth");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Job job : jobs) done.add(pool.submit(() -> writePng(render(cfg, job.source, job.subject,
                    job.emotion, job.frame), job.file)));
            for (Future<?> f : done) f.get();
        } catch (Exception e) {
            throw new IllegalStateException("rendering the synthetic benchmark failed", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Renders one frame; depends only on the config and the four indices. */
    public static BufferedImage render(SynthConfig cfg, int source, int subject, int emotion, int frame) {
        SplittableRandom idRng = rng(cfg.seed(), source, subject, 0);
        Identity id = Identity.draw(idRng);
        SplittableRandom seqRng = rng(cfg.seed(), source, subject, 1 + emotion);
        Expression apex = Expression.variant(emotion, seqRng);
        double rot = seqRng.nextDouble(-6, 6);
        double scale = seqRng.nextDouble(0.9, 1.06);
        double dx = seqRng.nextDouble(-3, 3);
        double dy = seqRng.nextDouble(-3, 3);
        SplittableRandom frameRng = rng(cfg.seed(), source, subject, 100 + emotion * 16 + frame);
        // peak frames: the last frames of an onset sequence, near the apex, as the authors take from CK+ and Oulu
        double t = PEAK_START + (1 - PEAK_START) * (frame + 1.0) / cfg.framesPerSequence();
        t = Math.min(1.0, t * frameRng.nextDouble(0.95, 1.05));
        int size = cfg.imageSize();
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.scale(size / 100.0, size / 100.0);
        CaptureStyle style = CaptureStyle.forSource(source);
        style.paintBackground(g, rng(cfg.seed(), source, subject, 50 + emotion));
        FaceRenderer.draw(g, id, apex.at(t), rot + frameRng.nextDouble(-0.8, 0.8), scale,
                dx + frameRng.nextDouble(-0.6, 0.6), dy + frameRng.nextDouble(-0.6, 0.6));
        g.dispose();
        style.develop(img, frameRng);
        return img;
    }

    static String fileName(int source, int subject, int emotion, int frame) {
        return switch (source) {
            case 0 -> String.format("S%03d_%03d_%08d.png", subject + 1, emotion + 1, 10 + frame);
            case 1 -> String.format("S%03d_%03d_%03d.png", subject + 1, 100 + subject * 6 + emotion, 40 + frame);
            case 2 -> String.format("P%03d_%s_%03d.png", subject + 1, MixBasic.EMOTIONS.get(emotion), 15 + frame);
            default -> throw new IllegalArgumentException("source " + source);
        };
    }

    private static SplittableRandom rng(long seed, int source, int subject, int tag) {
        long z = seed * 0x9E3779B97F4A7C15L + source * 0xC2B2AE3D27D4EB4FL + subject * 0x165667B19E3779F9L
                + tag * 0xD6E8FEB86659FD93L;
        return new SplittableRandom(z);
    }

    /** PNG at a middle deflate level: the default (maximum) costs twice the time for the same size here. */
    private static void writePng(BufferedImage img, Path file) {
        javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        try {
            Files.deleteIfExists(file); // the file stream below overwrites in place and would not truncate
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace " + file, e);
        }
        try (var out = new javax.imageio.stream.FileImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.5f);
            writer.write(null, new javax.imageio.IIOImage(img, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        } finally {
            writer.dispose();
        }
    }

    /** The names {@link #fileName} gives; a planted manifest can never make synth delete other images. */
    private static final java.util.regex.Pattern SYNTH_NAME = java.util.regex.Pattern.compile(
            "S\\d{3}_\\d{3}_\\d{8}\\.png|S\\d{3}_\\d{3}_\\d{3}\\.png|P\\d{3}_[A-Za-z]+_\\d{3}\\.png");

    /** Deletes what a synth call writes (images of synth's names, labels, split files, manifest) and nothing else. */
    private static void removeOwnFiles(Path root) {
        try {
            for (String source : MixBasic.SOURCES) {
                Path dir = root.resolve(source).resolve("images");
                if (Files.isDirectory(dir)) {
                    try (var list = Files.list(dir)) {
                        Path other = list.filter(p -> !SYNTH_NAME.matcher(p.getFileName().toString()).matches())
                                .findFirst().orElse(null);
                        if (other != null) {
                            throw new IllegalStateException(root + " has a " + MANIFEST + " but also "
                                    + Printable.of(other.toString()) + ", which synth did not write; refusing to"
                                    + " replace the set (delete the directory or use another one)");
                        }
                    }
                }
            }
            for (String source : MixBasic.SOURCES) {
                Path dir = root.resolve(source).resolve("images");
                if (Files.isDirectory(dir)) {
                    try (var list = Files.list(dir)) {
                        for (Path p : list.filter(p -> SYNTH_NAME.matcher(p.getFileName().toString()).matches())
                                .toList()) Files.delete(p);
                    }
                }
            }
            try (var list = Files.list(root)) {
                for (Path p : list.filter(p -> p.getFileName().toString().matches("(train|test)_ids_.*\\.csv")).toList())
                    Files.delete(p);
            }
            Files.deleteIfExists(root.resolve(LABELS));
            Files.deleteIfExists(root.resolve(MANIFEST));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the old synthetic set in " + root, e);
        }
    }

    private static int countImages(Path root) {
        int n = 0;
        for (String source : MixBasic.SOURCES) {
            Path dir = root.resolve(source).resolve("images");
            if (!Files.isDirectory(dir)) return -1;
            try (var list = Files.list(dir)) {
                n += (int) list.filter(p -> p.toString().endsWith(".png")).count();
            } catch (IOException e) {
                return -1;
            }
        }
        return n;
    }

    private static Map<String, String> readManifest(Path file) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(new String(DataFiles.read(file, "synthetic set manifest"), StandardCharsets.UTF_8)));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException(Printable.of(file.toString()) + " is not a synthetic set manifest ("
                    + Printable.of(String.valueOf(e.getMessage())) + "); delete it or use another directory", e);
        }
        Map<String, String> m = new TreeMap<>();
        for (String k : p.stringPropertyNames()) m.put(k, p.getProperty(k));
        return m;
    }

    /** Written to a temp file and moved, so a crash never leaves a manifest that claims a complete set. */
    private static void writeManifest(Path file, SynthConfig cfg, int images, boolean complete) {
        StringBuilder sb = new StringBuilder("# iern synthetic benchmark; regenerate with the same values for the same bytes\n");
        cfg.asProperties().forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        sb.append("images=").append(images).append('\n');
        sb.append("complete=").append(complete).append('\n');
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
