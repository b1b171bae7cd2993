package iern.model;

import iern.engine.InvalidInput;
import iern.data.Printable;
import iern.engine.FloatArray;
import iern.engine.io.Json;
import iern.engine.io.SafeTensors;
import iern.engine.optim.Optimizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained (or training) model in one safetensors file: the networks' parameters and buffers
 * under {@code model.<name>}, each optimiser's state under {@code optim.<optimiser>.<key>}, and in
 * the metadata entry {@code iern} a JSON object with the model and training configurations, the
 * class names and how many epochs are done. The same JSON is written beside it as
 * {@code <name>.json} for people to read. Both are written atomically (temp file + rename), so an
 * interrupted save leaves the previous checkpoint intact.
 */
public final class Checkpoint {
    public static final int FORMAT = 1;
    private static final String META_KEY = "iern";

    /**
     * What a checkpoint says about itself, plus its tensors; {@code partial} is null unless the run
     * was stopped inside an epoch.
     */
    public record Loaded(Path file, ModelConfig model, TrainConfig train, int epochsDone, boolean complete,
                         Map<String, FloatArray> tensors, Map<String, Object> data, PartialEpoch partial) {}

    /**
     * Where a stop request left an epoch: its first {@code steps} steps are in the weights, and
     * their loss sums and training tally are kept, so a resumed run skips those batches (the
     * loader's order and augmentation follow from the seed and the epoch) and ends bit for bit
     * where the uninterrupted run would, with the same metrics.
     */
    public record PartialEpoch(int steps, double[] sums, long correct, long seen) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("steps", steps);
            List<Double> l = new java.util.ArrayList<>();
            for (double v : sums) {
                l.add(v);
            }
            m.put("sums", l);
            m.put("correct", correct);
            m.put("seen", seen);
            return m;
        }

        static PartialEpoch fromMap(Map<String, Object> m, String source) {
            ConfigReader r = new ConfigReader(m, source);
            int steps = r.integer("steps");
            long correct = r.longValue("correct");
            long seen = r.longValue("seen");
            List<Object> list = r.list("sums");
            if (steps < 1 || correct < 0 || seen < correct || list.size() != StepLosses.NAMES.length) {
                throw new InvalidInput(source + ": steps " + steps + ", correct " + correct + ", seen " + seen + ", "
                        + list.size() + " sums: expected at least one step, 0 <= correct <= seen and "
                        + StepLosses.NAMES.length + " sums");
            }
            double[] sums = new double[list.size()];
            for (int i = 0; i < sums.length; i++) {
                // a loss the run never computes (IERN's for the baseline) is summed as NaN, written as null
                sums[i] = list.get(i) instanceof Number n ? n.doubleValue() : Double.NaN;
            }
            return new PartialEpoch(steps, sums, correct, seen);
        }
    }

    private Checkpoint() {}

    public static void save(Path file, TrainingStep step, TrainConfig train, int epochsDone, boolean complete) {
        save(file, step, train, epochsDone, complete, Map.of());
    }

    /** With {@code data}: what the run was trained on ({@link RunData#provenance}), checked on resume. */
    public static void save(Path file, TrainingStep step, TrainConfig train, int epochsDone, boolean complete,
                            Map<String, Object> data) {
        save(file, step, train, epochsDone, complete, data, null);
    }

    /** With {@code partial}: the run stops inside epoch {@code epochsDone + 1}, after {@code partial.steps()} steps. */
    public static void save(Path file, TrainingStep step, TrainConfig train, int epochsDone, boolean complete,
                            Map<String, Object> data, PartialEpoch partial) {
        IernNetwork net = step.network();
        Map<String, FloatArray> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, FloatArray> e : net.stateToHost().entrySet()) {
            tensors.put("model." + e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Optimizer> o : step.optimizers().entrySet()) {
            for (Map.Entry<String, FloatArray> e : o.getValue().stateToHost().entrySet()) {
                tensors.put("optim." + o.getKey() + "." + e.getKey(), e.getValue());
            }
        }
        save(file, net, tensors, train, epochsDone, complete, data, partial);
    }

    /** Weights only (no optimiser state): for a model that is done training or exported. */
    public static void saveWeights(Path file, IernNetwork net, TrainConfig train, int epochsDone) {
        Map<String, FloatArray> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, FloatArray> e : net.stateToHost().entrySet()) {
            tensors.put("model." + e.getKey(), e.getValue());
        }
        save(file, net, tensors, train, epochsDone, true, Map.of(), null);
    }

    private static void save(Path file, IernNetwork net, Map<String, FloatArray> tensors, TrainConfig train,
                             int epochsDone, boolean complete, Map<String, Object> data, PartialEpoch partial) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("epochs_done", epochsDone);
        meta.put("complete", complete);
        meta.put("model", net.config.toMap());
        meta.put("train", train.toMap());
        if (!data.isEmpty()) {
            meta.put("data", data);
        }
        if (partial != null) {
            meta.put("partial_epoch", partial.toMap());
        }
        try {
            SafeTensors.write(file, tensors, Map.of(META_KEY, Json.write(meta)));
            Path json = sidecar(file);
            Path tmp = json.resolveSibling(json.getFileName() + ".tmp");
            Files.writeString(tmp, Json.pretty(meta), StandardCharsets.UTF_8);
            Files.move(tmp, json, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@code run/checkpoint.safetensors -> run/checkpoint.json}. */
    public static Path sidecar(Path file) {
        String name = file.getFileName().toString();
        String stem = name.endsWith(".safetensors") ? name.substring(0, name.length() - ".safetensors".length()) : name;
        return file.resolveSibling(stem + ".json");
    }

    public static Loaded load(Path file) {
        SafeTensors.Contents contents;
        try {
            contents = SafeTensors.read(file);
        } catch (NoSuchFileException e) {
            throw new InvalidInput("checkpoint " + file + " does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + file + ": " + e.getMessage(), e);
        }
        String metaText = contents.metadata().get(META_KEY);
        if (metaText == null) {
            throw new InvalidInput(file + ": not an IERN checkpoint (no '" + META_KEY
                    + "' entry in the safetensors metadata)");
        }
        Map<String, Object> meta = Json.parseObject(metaText, file + " metadata");
        ConfigReader r = new ConfigReader(meta, file + " metadata");
        int format = r.integer("format");
        if (format != FORMAT) {
            throw new InvalidInput(file + ": checkpoint format " + format + ", this program reads " + FORMAT);
        }
        ModelConfig model = ModelConfig.fromMap(asMap(meta.get("model"), file), file + " metadata 'model'");
        TrainConfig train = TrainConfig.fromMap(asMap(meta.get("train"), file), file + " metadata 'train'");
        int epochsDone = r.integer("epochs_done");
        if (epochsDone < 0 || epochsDone > train.epochs()) {
            throw new InvalidInput(file + " metadata: epochs_done " + epochsDone + ": expected 0 to "
                    + train.epochs() + " (the epochs of its training configuration)");
        }
        checkTensors(file, contents.tensors());
        Map<String, Object> data = meta.get("data") instanceof Map<?, ?> ? asMap(meta.get("data"), file) : Map.of();
        PartialEpoch partial = null;
        if (meta.get("partial_epoch") != null) {
            partial = PartialEpoch.fromMap(asMap(meta.get("partial_epoch"), file), file + " metadata 'partial_epoch'");
            if (epochsDone >= train.epochs()) {
                throw new InvalidInput(file + " metadata: a partial epoch after all " + epochsDone + " epochs");
            }
        }
        return new Loaded(file, model, train, epochsDone, r.bool("complete"), contents.tensors(), data, partial);
    }

    /**
     * Refuses what would load silently and poison everything after it: names outside the
     * {@code model.} and {@code optim.} families, any NaN or infinity, a negative batch-norm
     * variance.
     */
    private static void checkTensors(Path file, Map<String, FloatArray> tensors) {
        for (Map.Entry<String, FloatArray> e : tensors.entrySet()) {
            String name = e.getKey();
            if (!name.startsWith("model.") && !name.startsWith("optim.")) {
                throw new InvalidInput(file + ": unexpected tensor " + Printable.quote(name)
                        + " (an IERN checkpoint holds model.* and optim.* tensors only)");
            }
            float[] d = e.getValue().data();
            boolean variance = name.startsWith("model.") && name.endsWith(".running_var");
            for (int i = 0; i < d.length; i++) {
                if (!Float.isFinite(d[i]) || (variance && d[i] < 0)) {
                    throw new InvalidInput(file + ": tensor " + Printable.quote(name) + " holds " + d[i]
                            + " at element " + i + (variance ? " (a variance must be finite and at least 0)"
                            : " (weights must be finite)") + "; the checkpoint is damaged");
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o, Path file) {
        if (o instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new InvalidInput(file + ": metadata lacks the model or training configuration");
    }

    /**
     * Builds the network a checkpoint describes and loads its weights (for evaluation and
     * prediction). Parameters go to the engine's default backend.
     */
    public static IernNetwork network(Loaded ckpt) {
        IernNetwork net = new IernNetwork(ckpt.model(), ckpt.train().seed());
        net.loadStateDict(prefixed(ckpt.tensors(), "model."), true);
        return net;
    }

    /**
     * Loads a checkpoint into a training run built from {@code model} and {@code train}; a
     * checkpoint made with another configuration is refused with every difference named.
     */
    public static void restore(Loaded ckpt, TrainingStep step, TrainConfig train) {
        restore(ckpt, step, train, Map.of());
    }

    /**
     * As {@link #restore(Loaded, TrainingStep, TrainConfig)}, and refuses a checkpoint trained on
     * other samples than {@code data} describes (both from {@link RunData#provenance}).
     */
    public static void restore(Loaded ckpt, TrainingStep step, TrainConfig train, Map<String, Object> data) {
        Object was = ckpt.data().get("samples");
        if (was != null && data.get("samples") != null && !was.equals(data.get("samples"))) {
            throw new InvalidInput("checkpoint " + ckpt.file() + " was trained on other data: "
                    + Printable.of(Json.write(TrainedKeys.withoutKeys(ckpt.data()))) + " vs this run's "
                    + Printable.of(Json.write(TrainedKeys.withoutKeys(data)))
                    + "; resuming would mix two data sets. Use the --data and split it was trained on.");
        }
        ModelConfig model = step.network().config;
        List<String> diff = ckpt.model().differences(model);
        if (!diff.isEmpty()) {
            throw new InvalidInput("checkpoint " + ckpt.file() + " was made for another model: "
                    + String.join("; ", diff) + " (checkpoint vs this run). Use the options it was trained with,"
                    + " or another output directory.");
        }
        Map<String, Object> a = ckpt.train().toMap();
        Map<String, Object> b = train.toMap();
        StringBuilder trainDiff = new StringBuilder();
        for (String k : a.keySet()) {
            if (!String.valueOf(a.get(k)).equals(String.valueOf(b.get(k)))) {
                trainDiff.append(trainDiff.length() == 0 ? "" : "; ").append(k).append(": ").append(a.get(k))
                        .append(" vs ").append(b.get(k));
            }
        }
        if (trainDiff.length() > 0) {
            throw new InvalidInput("checkpoint " + ckpt.file() + " was trained with other settings: "
                    + trainDiff + " (checkpoint vs this run); resuming would mix two runs.");
        }
        for (String name : ckpt.tensors().keySet()) {
            if (name.startsWith("optim.") && step.optimizers().keySet().stream()
                    .noneMatch(o -> name.startsWith("optim." + o + "."))) {
                throw new InvalidInput("checkpoint " + ckpt.file() + ": tensor " + Printable.quote(name)
                        + " belongs to no optimiser of this run " + step.optimizers().keySet());
            }
        }
        step.network().loadStateDict(prefixed(ckpt.tensors(), "model."), true);
        for (Map.Entry<String, Optimizer> o : step.optimizers().entrySet()) {
            o.getValue().loadState(prefixed(ckpt.tensors(), "optim." + o.getKey() + "."));
        }
    }

    static Map<String, FloatArray> prefixed(Map<String, FloatArray> all, String prefix) {
        Map<String, FloatArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, FloatArray> e : all.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                out.put(e.getKey().substring(prefix.length()), e.getValue());
            }
        }
        return out;
    }
}
