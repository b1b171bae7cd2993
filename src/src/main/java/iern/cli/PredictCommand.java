package iern.cli;

import iern.data.BadInput;
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
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Predicts the emotion of images with a trained checkpoint.",
            "Test-time pipeline; prints the softmax probabilities."})
final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE",
            description = "A checkpoint.safetensors, or the run directory holding one.")
    Path checkpoint;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "PNG, JPEG or BMP files, or directories of them.")
    List<Path> images;

    @Mixin
    EngineOptions engine;

    @Mixin
    ImageLimit imageLimit;

    @Override
    public Integer call() {
        PrintWriter w = spec.commandLine().getOut();
        imageLimit.apply();
        Path file = checkpointFile(checkpoint);
        List<Path> files = new ArrayList<>();
        for (Path p : images) {
            files.addAll(imageFiles(p));
        }
        Engine.use(engine.open(w::println));
        Checkpoint.Loaded ckpt = Checkpoint.load(file);
        IernNetwork net = Checkpoint.network(ckpt);
        net.eval();
        List<String> emotions = ckpt.model().emotions();
        List<Sample> samples = new ArrayList<>();
        for (Path p : files) {
            samples.add(new Sample(p, p.getFileName().toString(), 0, 0, p.toString(), p.toString()));
        }
        Pipeline pipe = Pipeline.test(ckpt.model().imageSize());
        try (Loader loader = Loader.builder(ImageStore.open(samples, pipe, BadInput.fail()), pipe).batchSize(16)
                .shuffle(false).dropLast(false).workers(0).build();
             Grad g = Grad.off()) {
            loader.startEpoch(0);
            for (Batch b; (b = loader.next()) != null; ) {
                try (TensorScope s = TensorScope.open()) {
                    Tensor x = Tensor.of(Arrays.copyOf(b.images, b.size * b.floatsPerImage()), b.size, 3, b.height, b.width);
                    float[] probs = net.predict(x).softmax(1).toArray();
                    for (int i = 0; i < b.size; i++) {
                        int best = 0;
                        StringBuilder all = new StringBuilder();
                        for (int e = 0; e < emotions.size(); e++) {
                            float p = probs[i * emotions.size() + e];
                            if (p > probs[i * emotions.size() + best]) {
                                best = e;
                            }
                            all.append(String.format(Locale.ROOT, " %s %.3f", emotions.get(e), p));
                        }
                        w.printf("%s: %s (%.1f%%) |%s%n", iern.data.Printable.of(samples.get(b.sampleIndex[i]).path().toString()), emotions.get(best),
                                100 * probs[i * emotions.size() + best], all);
                    }
                }
            }
        }
        w.flush();
        return 0;
    }

    /** A checkpoint file, or the run directory holding one; a missing or non-regular file is named. */
    static Path checkpointFile(Path given) {
        Path file = Files.isDirectory(given) ? given.resolve(iern.model.Trainer.CHECKPOINT) : given;
        return DataOptions.regularFile("checkpoint", file, "");
    }

    private static final java.util.regex.Pattern IMAGE_NAME =
            java.util.regex.Pattern.compile("(?i).*\\.(png|jpe?g|bmp)");

    /** A file as given, or a directory's image files (by name, sorted); anything else is named. */
    static List<Path> imageFiles(Path p) {
        if (Files.isRegularFile(p)) {
            return List.of(p);
        }
        if (!Files.exists(p)) {
            throw new UserError("image " + p + " does not exist");
        }
        if (!Files.isDirectory(p)) {
            throw new UserError("image " + p + " is not a regular file (a device, FIFO or socket)");
        }
        try (var list = Files.list(p)) {
            List<Path> found = list.filter(f -> Files.isRegularFile(f)
                    && IMAGE_NAME.matcher(f.getFileName().toString()).matches()).sorted().toList();
            if (found.isEmpty()) {
                throw new UserError("directory " + p + " holds no .png, .jpg, .jpeg or .bmp file");
            }
            return found;
        } catch (java.io.IOException e) {
            throw new UserError("cannot list directory " + p + ": " + e.getMessage());
        }
    }
}
