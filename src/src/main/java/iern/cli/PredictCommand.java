package iern.cli;

import iern.data.BadInput;
import iern.data.DataException;
import iern.data.Printable;
import iern.data.Sample;
import iern.data.loader.Batch;
import iern.data.loader.ImageStore;
import iern.data.loader.Loader;
import iern.data.transform.Pipeline;
import iern.engine.Engine;
import iern.engine.Grad;
import iern.engine.Tensor;
import iern.engine.TensorScope;
import iern.model.Checkpoint;
import iern.model.IernNetwork;
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
            "Test-time pipeline; prints the softmax probabilities.",
            "A file that cannot be read is reported (stderr; with --json its entry has ok=false) and the rest go on.",
            "--json: an array, one entry per file: file, ok, then error, or emotion, probability and probabilities;"
                + " faces: null (reserved for face detection).",
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
                Object[] results = predict(chunk, net, pipe, threads, emotions.size());
                for (int i = 0; i < chunk.size(); i++) {
                    Item item = chunk.get(i);
                    if (results[i] instanceof float[] p) {
                        int best = argmax(p);
                        if (array != null) {
                            array.add(entry(item, null, emotions, p, best));
                        } else {
                            StringBuilder all = new StringBuilder();
                            for (int e = 0; e < emotions.size(); e++) {
                                all.append(String.format(Locale.ROOT, " %s %.3f", emotions.get(e), p[e]));
                            }
                            w.printf("%s: %s (%.1f%%) |%s%n", Printable.of(item.name()), emotions.get(best), 100 * p[best], all);
                        }
                    } else {
                        failed++;
                        String reason = (String) results[i];
                        if (array != null) {
                            array.add(entry(item, reason, emotions, null, 0));
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

    /** A decoder's message without the file name in front (the output names the file already). */
    private static String problem(Path file, String message) {
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
     * One element of the {@code --json} array. {@code faces} is null until face detection comes:
     * then it lists a box and probabilities per face found.
     */
    private static Map<String, Object> entry(Item item, String error, List<String> emotions, float[] p, int best) {
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
        m.put("faces", null);
        return m;
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
