package iern.model;

import iern.engine.FloatArray;
import iern.engine.InvalidInput;
import iern.engine.Tensor;
import iern.model.weights.WeightsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts a {@link ResNet} backbone from a torchvision ResNet-18/34/50 state dict
 * ({@code torchvision.models.resnet50(weights=...).state_dict()} saved with {@code torch.save}, or
 * the same tensors as safetensors). Our parameter names are torchvision's, so the match is by name
 * and strict: every tensor of the backbone must be in the file with its shape, and every tensor of
 * the file must be one of ours, except, by design,
 * <ul>
 * <li>{@code fc.weight}, {@code fc.bias}: torchvision's ImageNet classifier (our heads differ);</li>
 * <li>{@code *.num_batches_tracked}: batch norm's count of batches seen, which PyTorch uses only
 *     when momentum is None; our batch norm always uses momentum 0.1.</li>
 * </ul>
 * Our 1x1 projection ({@code proj}) and every network outside the backbone keep their
 * initialisation. Non-finite values and negative running variances are refused. A file of
 * another depth or width is refused with what it holds, e.g. width-1 ImageNet weights for a
 * backbone built at width 0.25.
 */
public final class PretrainedBackbone {
    /** Our own layer, absent from torchvision: never loaded. */
    static final String PROJ = "proj.";
    /** The classifier head of torchvision's ResNet. */
    static final String HEAD = "fc.";
    static final String COUNTER = "num_batches_tracked";

    private static final int LISTED = 8;

    private PretrainedBackbone() {}

    /**
     * How a file's tensors met the backbone's.
     *
     * @param loaded     backbone tensors found with the right shape, in the backbone's order
     * @param head       the file's classifier tensors, ignored
     * @param counters   the file's {@code num_batches_tracked} tensors, ignored
     * @param missing    backbone tensors the file lacks
     * @param unexpected file tensors that are neither ours nor ignored
     * @param mismatched {@code name: file [..], backbone [..]} for each shape that differs
     * @param kept       our tensors that keep their initialisation (the projection)
     */
    public record Report(Path file, String fileLayout, String backboneLayout, List<String> loaded, List<String> head,
                         List<String> counters, List<String> missing, List<String> unexpected, List<String> mismatched,
                         List<String> kept) {
        /** Nothing missing, unexpected or of the wrong shape. */
        public boolean matches() {
            return missing.isEmpty() && unexpected.isEmpty() && mismatched.isEmpty();
        }

        /** One line for the training log. */
        public String summary() {
            return "pretrained backbone: " + loaded.size() + " tensors of " + fileLayout + " from " + file
                    + "; ignored by design: " + (head.isEmpty() ? "" : String.join(", ", head)
                    + " (torchvision's classifier; our heads are our own) and ")
                    + counters.size() + " num_batches_tracked (our batch norm's momentum is fixed, it needs no count);"
                    + " " + String.join(", ", kept) + " and the other networks keep their initialisation";
        }

        /** The full report, one item per line. */
        public String describe() {
            StringBuilder b = new StringBuilder();
            b.append(file).append(": ").append(fileLayout).append(" for a ").append(backboneLayout).append(" backbone\n");
            b.append("  loaded:     ").append(loaded.size()).append(" tensors\n");
            section(b, "missing", missing);
            section(b, "unexpected", unexpected);
            section(b, "shape mismatch", mismatched);
            section(b, "ignored (torchvision's classifier, our heads differ)", head);
            b.append("  ignored:    ").append(counters.size())
                    .append(" num_batches_tracked (our batch norm uses a fixed momentum)\n");
            section(b, "kept initialised (not in torchvision)", kept);
            return b.toString();
        }

        private static void section(StringBuilder b, String title, List<String> names) {
            if (!names.isEmpty()) {
                b.append("  ").append(title).append(" (").append(names.size()).append("):\n");
                for (String n : names) {
                    b.append("    ").append(n).append('\n');
                }
            }
        }

        /** One line saying what does not fit: the counts and the first few names of each kind. */
        String problems() {
            List<String> parts = new ArrayList<>();
            if (!missing.isEmpty()) {
                parts.add(missing.size() + " missing " + firstFew(missing));
            }
            if (!unexpected.isEmpty()) {
                parts.add(unexpected.size() + " unexpected " + firstFew(unexpected));
            }
            if (!mismatched.isEmpty()) {
                parts.add(mismatched.size() + " of another shape " + firstFew(mismatched));
            }
            return String.join("; ", parts);
        }
    }

    /**
     * Reads {@code file}, matches it against {@code backbone} and copies the weights in. Any
     * problem is an {@link InvalidInput} naming the file, and nothing is copied then.
     */
    public static Report load(ResNet backbone, Path file) {
        Map<String, FloatArray> weights = WeightsFile.read(file);
        Report r = match(backbone, weights, file);
        Map<String, FloatArray> state = new LinkedHashMap<>();
        for (String name : r.loaded()) {
            state.put(name, weights.get(name));
        }
        backbone.loadStateDict(state, false);
        return r;
    }

    /**
     * What {@link #load} would do for a network of {@code config}, without training anything: reads
     * the file and matches it against a freshly built backbone (the program's early check, before
     * any run directory is touched).
     */
    public static Report check(ModelConfig config, Path file) {
        ResNet probe = new ResNet(config.backbone(), config.width(), config.featChannels(), new SplittableRandom(0));
        return match(probe, WeightsFile.read(file), file);
    }

    /** Matches {@code weights} (read from {@code file}) against {@code backbone}; refuses what does not fit. */
    public static Report match(ResNet backbone, Map<String, FloatArray> weights, Path file) {
        Report r = compare(backbone, weights, file);
        if (!r.matches()) {
            String reason = layoutReason(Layout.of(shapes(weights)), Layout.of(shapes(backbone)));
            throw new InvalidInput(file + ": " + (reason != null ? reason : "the file does not fit the "
                    + r.backboneLayout() + " backbone: " + r.problems()
                    + " (torchvision's fc.* and num_batches_tracked are ignored by design)"));
        }
        for (String name : r.loaded()) {
            float[] v = weights.get(name).data();
            boolean variance = name.endsWith(".running_var");
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i]) || (variance && v[i] < 0)) {
                    throw new InvalidInput(file + ": tensor " + name + " holds " + (Float.isFinite(v[i])
                            ? "a negative variance " + v[i] : v[i]) + " at element " + i
                            + "; pretrained weights must be finite");
                }
            }
        }
        return r;
    }

    /** How {@code weights} meet {@code backbone}'s tensors, without judging or copying anything. */
    public static Report compare(ResNet backbone, Map<String, FloatArray> weights, Path file) {
        Map<String, Tensor> ours = new LinkedHashMap<>();
        List<String> kept = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : backbone.stateDict().entrySet()) {
            if (e.getKey().startsWith(PROJ)) {
                kept.add(e.getKey());
            } else {
                ours.put(e.getKey(), e.getValue());
            }
        }
        List<String> loaded = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : ours.entrySet()) {
            FloatArray w = weights.get(e.getKey());
            int[] shape = e.getValue().shape();
            if (w == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(w.shape(), shape)) {
                mismatched.add(e.getKey() + ": file " + Arrays.toString(w.shape()) + ", backbone " + Arrays.toString(shape));
            } else {
                loaded.add(e.getKey());
            }
        }
        List<String> head = new ArrayList<>();
        List<String> counters = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        for (String name : weights.keySet()) {
            if (name.equals(COUNTER) || name.endsWith("." + COUNTER)) {
                counters.add(WeightsFile.shown(name));
            } else if (name.startsWith(HEAD)) {
                head.add(WeightsFile.shown(name));
            } else if (!ours.containsKey(name)) {
                unexpected.add(WeightsFile.shown(name));
            }
        }
        return new Report(file, Layout.of(shapes(weights)).describe(), Layout.of(shapes(backbone)).describe(),
                List.copyOf(loaded), List.copyOf(head), List.copyOf(counters), List.copyOf(missing),
                List.copyOf(unexpected), List.copyOf(mismatched), List.copyOf(kept));
    }

    private static Map<String, int[]> shapes(Map<String, FloatArray> weights) {
        Map<String, int[]> out = new LinkedHashMap<>();
        weights.forEach((k, v) -> out.put(k, v.shape()));
        return out;
    }

    private static Map<String, int[]> shapes(ResNet backbone) {
        Map<String, int[]> out = new LinkedHashMap<>();
        backbone.stateDict().forEach((k, v) -> {
            if (!k.startsWith(PROJ)) {
                out.put(k, v.shape());
            }
        });
        return out;
    }

    /** What the file is for when its width, depth or block type is not the backbone's; null when they agree. */
    private static String layoutReason(Layout file, Layout ours) {
        if (file.stem > 0 && ours.stem > 0 && file.stem != ours.stem) {
            return "the weights are for a ResNet of width " + width(file.stem) + " (conv1 has " + file.stem
                    + " channels) but the backbone was built at width " + width(ours.stem) + " (" + ours.stem
                    + " channels); " + (file.stem == 64 ? "torchvision's weights are for width 1: train with --width 1"
                    : "train with --width " + width(file.stem));
        }
        if (file.known() && !file.describe().equals(ours.describe())) {
            return "the file holds a " + file.describe() + " but the backbone is a " + ours.describe()
                    + (file.name != null ? ": use --backbone " + file.name : "");
        }
        return null;
    }

    private static String width(int stem) {
        return stem == 64 ? "1" : Double.toString(stem / 64.0);
    }

    private static String firstFew(List<String> names) {
        List<String> few = names.subList(0, Math.min(LISTED, names.size()));
        return "(" + String.join(", ", few) + (names.size() > LISTED ? ", and " + (names.size() - LISTED) + " more" : "")
                + ")";
    }

    /** A ResNet's shape as read from its tensor names: block type, blocks per stage, stem channels. */
    private record Layout(boolean bottleneck, int[] blocks, int stem, String name) {
        private static final Pattern BLOCK = Pattern.compile("layer([1-4])\\.(\\d{1,4})\\.(conv3\\.)?.*");

        static Layout of(Map<String, int[]> shapes) {
            int[] blocks = new int[4];
            boolean bottleneck = false;
            for (String k : shapes.keySet()) {
                Matcher m = BLOCK.matcher(k);
                if (m.matches()) {
                    int stage = Integer.parseInt(m.group(1)) - 1;
                    blocks[stage] = Math.max(blocks[stage], Integer.parseInt(m.group(2)) + 1);
                    bottleneck |= m.group(3) != null;
                }
            }
            int[] conv1 = shapes.get("conv1.weight");
            int stem = conv1 != null && conv1.length == 4 ? conv1[0] : 0;
            Map<String, String> names = new TreeMap<>(Map.of("basic [2, 2, 2, 2]", "resnet18", "basic [3, 4, 6, 3]",
                    "resnet34", "bottleneck [3, 4, 6, 3]", "resnet50", "bottleneck [3, 4, 23, 3]", "resnet101",
                    "bottleneck [3, 8, 36, 3]", "resnet152"));
            String name = names.get((bottleneck ? "bottleneck " : "basic ") + Arrays.toString(blocks));
            return new Layout(bottleneck, blocks, stem, name);
        }

        boolean known() {
            return Arrays.stream(blocks).allMatch(b -> b > 0);
        }

        String describe() {
            if (!known()) {
                return "state dict without a ResNet's layer1-4";
            }
            return (name != null ? name : "ResNet") + " (" + (bottleneck ? "bottleneck" : "basic") + " blocks "
                    + Arrays.toString(blocks) + ")";
        }
    }
}
