package iern.cli;

import iern.cli.face.AlignedFace;
import iern.cli.face.Alignment;
import iern.cli.face.Box;
import iern.cli.face.FaceDetector;
import iern.cli.face.Point;
import iern.data.BadInput;
import iern.data.DataException;
import iern.data.Printable;
import iern.data.Sample;
import iern.data.image.ImageDecoder;
import iern.data.loader.Batch;
import iern.data.loader.ImageStore;
import iern.data.loader.Loader;
import iern.data.transform.FloatImage;
import iern.data.transform.Pipeline;
import iern.data.transform.Resize;
import iern.data.transform.SampleRandom;
import iern.engine.Engine;
import iern.engine.Grad;
import iern.engine.Tensor;
import iern.engine.TensorScope;
import iern.model.Checkpoint;
import iern.model.IernNetwork;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Predicts the emotion of images with a trained checkpoint.",
            "Finds the faces of each image and aligns each as `iern align` does (eyes level, the authors' 256 px"
                + " square), then runs the test-time pipeline on each face: one line per face, with its box"
                + " (x,y WxH in image pixels) and the softmax probabilities. --no-align takes the whole image instead,"
                + " for crops that are already aligned.",
            "A file that cannot be read or holds no face is reported (stderr; with --json its entry has ok=false)"
                + " and the rest go on.",
            "--json: an array, one entry per file: file, ok, then error, or emotion, probability and probabilities"
                + " (of the largest face when aligning); faces: per face left to right its box {x, y, width, height},"
                + " eyes [[x, y], [x, y]] (image-left first; null when not found and the box was used), tilt (the eye"
                + " line's slope in degrees, positive when the right-hand eye is lower; the crop levels it), emotion, probability, probabilities; [] when no face was found,"
                + " null with --no-align or when the file could not be read.",
            "Exit code: 0 all answered, 4 some files failed, 2 all failed or bad options."})
final class PredictCommand implements Callable<Integer> {
    /** Exit code when some files failed and at least one was answered. */
    static final int SOME_FAILED = 4;
    /** Files decoded together (each batch of them is one forward pass of {@link #BATCH}). */
    private static final int CHUNK = 64;
    private static final int BATCH = 16;

    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE",
            description = "A checkpoint.safetensors, or the run directory holding one.")
    Path checkpoint;

    @Parameters(arity = "1..*", paramLabel = "IMAGE",
            description = "PNG, JPEG or BMP files; directories (their image files by name, not recursive); glob"
                + " patterns the shell did not expand (quoted: 'photos/*.jpg'), relative to the working directory.")
    List<String> images;

    @Option(names = "--no-align",
            description = "Do not look for faces: squash the whole image to the network's square, for crops that are"
                + " already aligned (iern align's output, the authors' data).")
    boolean noAlign;

    @Mixin
    JsonOutput json;

    @Mixin
    EngineOptions engine;

    @Mixin
    ImageLimit imageLimit;

    /** One input: a file to predict, or an argument that named none ({@code file} null, {@code error} why). */
    record Item(String name, Path file, String error) {}

    @Override
    public Integer call() {
        PrintWriter w = JsonOutput.out(spec);
        PrintWriter err = spec.commandLine().getErr();
        imageLimit.apply();
        Path file = checkpointFile(checkpoint);
        List<Item> items = new ArrayList<>();
        for (String arg : images) {
            items.addAll(expand(arg));
        }
        if (!noAlign) {
            try {
                FaceDetector.get();
            } catch (FaceDetector.Unavailable e) {
                throw new UserError(e.getMessage());
            }
        }
        Engine.use(engine.open(json.notices(spec)::println));
        Checkpoint.Loaded ckpt = Checkpoint.load(file);
        IernNetwork net = Checkpoint.network(ckpt);
        net.eval();
        List<String> emotions = ckpt.model().emotions();
        Pipeline pipe = Pipeline.test(ckpt.model().imageSize());
        int threads = engine.threads != null ? engine.threads : Runtime.getRuntime().availableProcessors();
        JsonOutput.ArrayStream array = json.on ? new JsonOutput.ArrayStream(w) : null;
        int failed = 0;
        try (Grad g = Grad.off()) {
            for (int from = 0; from < items.size(); from += CHUNK) {
                List<Item> chunk = items.subList(from, Math.min(items.size(), from + CHUNK));
                Object[] results = noAlign ? predict(chunk, net, pipe, threads, emotions.size())
                        : predictFaces(chunk, net, pipe, emotions.size());
                for (int i = 0; i < chunk.size(); i++) {
                    Item item = chunk.get(i);
                    if (results[i] instanceof List<?> list) {
                        @SuppressWarnings("unchecked")
                        List<FaceAnswer> faces = (List<FaceAnswer>) list;
                        if (array != null) {
                            FaceAnswer main = largest(faces);
                            array.add(entry(item, null, emotions, main.p(), argmax(main.p()), faces));
                        } else {
                            for (int f = 0; f < faces.size(); f++) {
                                FaceAnswer a = faces.get(f);
                                int best = argmax(a.p());
                                w.printf("%s face %d/%d (%s): %s (%.1f%%) |%s%n", Printable.of(item.name()), f + 1,
                                        faces.size(), a.face().describe(), emotions.get(best), 100 * a.p()[best],
                                        all(emotions, a.p()));
                            }
                        }
                    } else if (results[i] instanceof float[] p) {
                        int best = argmax(p);
                        if (array != null) {
                            array.add(entry(item, null, emotions, p, best, null));
                        } else {
                            w.printf("%s: %s (%.1f%%) |%s%n", Printable.of(item.name()), emotions.get(best), 100 * p[best],
                                    all(emotions, p));
                        }
                    } else {
                        failed++;
                        String reason = (String) results[i];
                        if (array != null) {
                            array.add(entry(item, reason, emotions, null, 0,
                                    reason.startsWith(NO_FACE) ? List.of() : null));
                        } else {
                            err.println(Printable.of(item.name()) + ": error: " + reason);
                        }
                    }
                }
                w.flush();
                err.flush();
            }
        }
        if (array != null) {
            array.close();
        }
        w.flush();
        if (failed == 0) {
            return 0;
        }
        int n = items.size();
        if (failed == n) {
            err.println("iern predict: error: " + (n == 1 ? "the image" : "all " + n + " images") + " failed");
            err.flush();
            return 2;
        }
        err.println("iern predict: " + failed + " of " + n + " images failed");
        err.flush();
        return SOME_FAILED;
    }

    /**
     * The probabilities (a {@code float[]}) or the reason it failed (a {@code String}) for each
     * item of a chunk, in order. The chunk's images are decoded together; one that cannot be
     * read costs only its own answer.
     */
    private static Object[] predict(List<Item> chunk, IernNetwork net, Pipeline pipe, int threads, int classes) {
        Object[] results = new Object[chunk.size()];
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < chunk.size(); i++) {
            Item item = chunk.get(i);
            if (item.file() == null) {
                results[i] = item.error();
            } else {
                // the key carries the item's place in the chunk; no origin: the error names the file alone
                samples.add(new Sample(item.file(), Integer.toString(i), 0, 0, Integer.toString(i), null));
            }
        }
        if (samples.isEmpty()) {
            return results;
        }
        BadInput bad = BadInput.skip();
        ImageStore store = null;
        try {
            store = ImageStore.open(samples, pipe.loadSize(), ImageStore.DEFAULT_BUDGET, threads, bad);
        } catch (DataException e) {
            // every image of the chunk failed; each was reported to bad first
        }
        // bad holds one message per failed sample, in sample order
        java.util.Set<Sample> good = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        if (store != null) {
            good.addAll(store.samples());
        }
        List<String> messages = bad.skippedMessages();
        int m = 0;
        for (Sample s : samples) {
            if (!good.contains(s)) {
                results[Integer.parseInt(s.key())] = m < messages.size() ? problem(s.path(), messages.get(m++)) : "unreadable";
            }
        }
        if (store == null) {
            return results;
        }
        try (Loader loader = Loader.builder(store, pipe).batchSize(BATCH).shuffle(false).dropLast(false).workers(0).build()) {
            loader.startEpoch(0);
            for (Batch b; (b = loader.next()) != null; ) {
                try (TensorScope scope = TensorScope.open()) {
                    Tensor x = Tensor.of(Arrays.copyOf(b.images, b.size * b.floatsPerImage()), b.size, 3, b.height, b.width);
                    float[] probs = net.predict(x).softmax(1).toArray();
                    for (int i = 0; i < b.size; i++) {
                        results[Integer.parseInt(b.keys[i])] = Arrays.copyOfRange(probs, i * classes, (i + 1) * classes);
                    }
                }
            }
        }
        return results;
    }

    /** One face's answer: where it was and its probabilities. */
    record FaceAnswer(AlignedFace face, float[] p) {}

    /** The error of a file in which no face was found. */
    static final String NO_FACE = "no face found";

    /**
     * For each item of a chunk, its faces' answers (a non-empty {@code List<FaceAnswer>}, left to
     * right) or why there is none (a {@code String}). Each file is decoded, its faces found and
     * aligned at the authors' 256 px, and each crop goes through the test pipeline exactly as an
     * image file of that crop would ({@code iern align} then {@code predict --no-align}).
     */
    private static Object[] predictFaces(List<Item> chunk, IernNetwork net, Pipeline pipe, int classes) {
        Object[] results = new Object[chunk.size()];
        Pipeline.Scratch scratch = new Pipeline.Scratch(pipe.loadSize());
        FloatImage[] buffers = {new FloatImage(1), new FloatImage(1), new FloatImage(1)};
        for (int i = 0; i < chunk.size(); i++) {
            Item item = chunk.get(i);
            if (item.file() == null) {
                results[i] = item.error();
                continue;
            }
            List<AlignedFace> faces;
            try {
                faces = AlignedFace.all(ImageDecoder.read(item.file(), null), Alignment.DEFAULT_SIZE);
            } catch (DataException e) {
                results[i] = problem(item.file(), e.getMessage());
                continue;
            }
            if (faces.isEmpty()) {
                results[i] = NO_FACE + " (--no-align predicts the whole image)";
                continue;
            }
            List<FaceAnswer> answers = new ArrayList<>();
            int floats = pipe.outputFloats();
            for (int from = 0; from < faces.size(); from += BATCH) {
                int n = Math.min(BATCH, faces.size() - from);
                float[] x = new float[n * floats];
                for (int f = 0; f < n; f++) {
                    prepare(faces.get(from + f).crop(), pipe, scratch, buffers, x, f * floats);
                }
                try (TensorScope scope = TensorScope.open()) {
                    float[] probs = net.predict(Tensor.of(x, n, 3, pipe.cropSize(), pipe.cropSize())).softmax(1).toArray();
                    for (int f = 0; f < n; f++) {
                        answers.add(new FaceAnswer(faces.get(from + f), Arrays.copyOfRange(probs, f * classes, (f + 1) * classes)));
                    }
                }
            }
            results[i] = answers;
        }
        return results;
    }

    /**
     * One aligned crop through the test pipeline into out[offset...], as the loader prepares an image
     * file: planar floats, bicubic resize to the load size, rounded to bytes, then centre crop and
     * normalisation.
     */
    static void prepare(BufferedImage crop, Pipeline pipe, Pipeline.Scratch s, FloatImage[] buffers, float[] out, int offset) {
        int size = pipe.loadSize();
        FloatImage decoded = buffers[0];
        decoded.reshape(crop.getWidth(), crop.getHeight());
        ImageDecoder.toPlanar(crop, decoded.data);
        FloatImage sized = decoded;
        if (crop.getWidth() != size || crop.getHeight() != size) {
            Resize.apply(decoded, buffers[1], buffers[2], size, size);
            sized = buffers[1];
        }
        byte[] bytes = new byte[3 * size * size];
        for (int k = 0; k < bytes.length; k++) {
            bytes[k] = (byte) Math.round(sized.data[k] * 255f);
        }
        pipe.loadBytes(bytes, 0, s);
        pipe.run(s, new SampleRandom(0), out, offset);
    }

    private static FaceAnswer largest(List<FaceAnswer> faces) {
        FaceAnswer best = faces.get(0);
        for (FaceAnswer a : faces) {
            if (a.face().face().box().area() > best.face().face().box().area()) {
                best = a;
            }
        }
        return best;
    }

    private static String all(List<String> emotions, float[] p) {
        StringBuilder all = new StringBuilder();
        for (int e = 0; e < emotions.size(); e++) {
            all.append(String.format(Locale.ROOT, " %s %.3f", emotions.get(e), p[e]));
        }
        return all.toString();
    }

    /** A decoder's message without the file name in front (the output names the file already). */
    static String problem(Path file, String message) {
        String prefix = Printable.of(file.toString()) + ": ";
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    private static int argmax(float[] p) {
        int best = 0;
        for (int e = 1; e < p.length; e++) {
            if (p[e] > p[best]) {
                best = e;
            }
        }
        return best;
    }

    /**
     * One element of the {@code --json} array. {@code faces}: the answer per face when aligning
     * (empty when none was found), null with {@code --no-align} or when the file was not read.
     */
    private static Map<String, Object> entry(Item item, String error, List<String> emotions, float[] p, int best,
            List<FaceAnswer> faces) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", item.name());
        m.put("ok", error == null);
        if (error != null) {
            m.put("error", error);
        } else {
            m.put("emotion", emotions.get(best));
            m.put("probability", p[best]);
            Map<String, Object> all = new LinkedHashMap<>();
            for (int e = 0; e < emotions.size(); e++) {
                all.put(emotions.get(e), p[e]);
            }
            m.put("probabilities", all);
        }
        if (faces == null) {
            m.put("faces", null);
        } else {
            List<Object> list = new ArrayList<>();
            for (FaceAnswer a : faces) {
                Map<String, Object> f = new LinkedHashMap<>();
                Box b = a.face().face().box();
                Map<String, Object> box = new LinkedHashMap<>();
                box.put("x", b.x());
                box.put("y", b.y());
                box.put("width", b.width());
                box.put("height", b.height());
                f.put("box", box);
                Point l = a.face().face().leftEye();
                Point r = a.face().face().rightEye();
                f.put("eyes", l == null ? null : List.of(List.of(round(l.x()), round(l.y())), List.of(round(r.x()), round(r.y()))));
                f.put("tilt", round(a.face().alignment().tiltDegrees()));
                int top = argmax(a.p());
                f.put("emotion", emotions.get(top));
                f.put("probability", a.p()[top]);
                Map<String, Object> probs = new LinkedHashMap<>();
                for (int e = 0; e < emotions.size(); e++) {
                    probs.put(emotions.get(e), a.p()[e]);
                }
                f.put("probabilities", probs);
                list.add(f);
            }
            m.put("faces", list);
        }
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /** A checkpoint file, or the run directory holding one; a missing or non-regular file is named. */
    static Path checkpointFile(Path given) {
        Path file = Files.isDirectory(given) ? given.resolve(iern.model.Trainer.CHECKPOINT) : given;
        return DataOptions.regularFile("checkpoint", file, "");
    }

    private static final java.util.regex.Pattern IMAGE_NAME =
            java.util.regex.Pattern.compile("(?i).*\\.(png|jpe?g|bmp)");

    /**
     * What one argument names: a file as given, a directory's image files (by name, sorted), or a
     * glob's matches (sorted, each a file or directory as if given); an argument that names no
     * image is one item with its error.
     */
    static List<Item> expand(String arg) {
        Path p;
        try {
            p = Path.of(arg);
        } catch (InvalidPathException e) {
            return List.of(new Item(arg, null, "not a valid path (" + e.getReason() + ")"));
        }
        if (!Files.exists(p) && isGlob(arg)) {
            List<Path> matches = glob(p);
            if (matches.isEmpty()) {
                return List.of(new Item(arg, null, "no file matches this pattern"));
            }
            List<Item> out = new ArrayList<>();
            for (Path m : matches) {
                out.addAll(pathItems(m));
            }
            return out;
        }
        return pathItems(p);
    }

    private static List<Item> pathItems(Path p) {
        String name = p.toString();
        if (Files.isRegularFile(p)) {
            return List.of(new Item(name, p, null));
        }
        if (!Files.exists(p)) {
            return List.of(new Item(name, null, "does not exist"));
        }
        if (!Files.isDirectory(p)) {
            return List.of(new Item(name, null, "is not a regular file (a device, FIFO or socket)"));
        }
        try (var list = Files.list(p)) {
            List<Item> found = list.filter(f -> Files.isRegularFile(f)
                    && IMAGE_NAME.matcher(f.getFileName().toString()).matches()).sorted()
                    .map(f -> new Item(f.toString(), f, null)).toList();
            if (found.isEmpty()) {
                return List.of(new Item(name, null, "directory holds no .png, .jpg, .jpeg or .bmp file"));
            }
            return found;
        } catch (IOException | java.io.UncheckedIOException e) {
            return List.of(new Item(name, null, "cannot list directory: " + Printable.of(String.valueOf(e.getMessage()))));
        }
    }

    static boolean isGlob(String arg) {
        return arg.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    /**
     * The paths a glob pattern matches, as a shell would list them: relative patterns against the
     * working directory, names starting with a dot only when the pattern's part says so, sorted.
     * The walk starts at the pattern's longest leading part without wildcards and goes as deep
     * as the pattern has parts ({@code **} crosses directories: then without limit).
     */
    static List<Path> glob(Path pattern) {
        Path base = pattern.getRoot() != null ? pattern.getRoot() : Path.of("");
        int first = 0;
        int count = pattern.getNameCount();
        while (first < count && !isGlob(pattern.getName(first).toString())) {
            base = base.resolve(pattern.getName(first));
            first++;
        }
        if (first == count || !Files.isDirectory(base)) {
            return List.of();
        }
        Path rest = pattern.subpath(first, count);
        boolean anyDepth = rest.toString().contains("**");
        int depth = anyDepth ? Integer.MAX_VALUE : rest.getNameCount();
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + rest);
        boolean dotted = rest.toString().startsWith(".") || rest.toString().contains("/.");
        Path start = base;
        List<Path> found = new ArrayList<>();
        try {
            Files.walkFileTree(start, EnumSet.noneOf(java.nio.file.FileVisitOption.class), depth,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                            if (!dir.equals(start) && hidden(start.relativize(dir), dotted)) {
                                return FileVisitResult.SKIP_SUBTREE;
                            }
                            consider(dir);
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            consider(file);
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            return FileVisitResult.CONTINUE; // an unreadable directory has no matches
                        }

                        private void consider(Path p) {
                            if (p.equals(start)) {
                                return;
                            }
                            Path rel = start.relativize(p);
                            // with ** the pattern walks the directories itself: take what it matches in them
                            if (matcher.matches(rel) && !hidden(rel, dotted) && !(anyDepth && Files.isDirectory(p))) {
                                found.add(p);
                            }
                        }
                    });
        } catch (IOException e) {
            return List.of();
        }
        found.sort((a, b) -> a.toString().compareTo(b.toString()));
        return found;
    }

    private static boolean hidden(Path rel, boolean dotted) {
        if (dotted) {
            return false;
        }
        for (Path part : rel) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
