package iern.model;

import iern.engine.InvalidInput;
import iern.data.BadInput;
import iern.data.Sample;
import iern.data.SampleSet;
import iern.data.folds.FoldBuilder;
import iern.data.labels.LabelTable;
import iern.data.loader.ImageStore;
import iern.data.loader.Loader;
import iern.data.mix.MixDataset;
import iern.data.transform.Pipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The data of one run in the Mix-Dataset layout: training and test loaders, the stratum prior
 * P(z) of the training split, and which (source, emotion) cells count as in distribution.
 *
 * <p>A test cell is out of distribution when the fold's design holds it out of training (for the
 * paper's folds, bias90 included: its 10% leak does not make a cell in distribution), or, for a
 * split without a known fold, when the training split has no image of it. With an
 * {@code idHoldout} fraction, that share of every trained cell's sequences moves out of training
 * into a separate in-distribution test set, to show how far the out-of-distribution accuracy
 * falls below it.
 */
public final class RunData implements AutoCloseable {
    public final List<String> emotions;
    public final List<String> sources;
    public final List<Sample> trainSamples;
    public final List<Sample> testSamples;
    public final List<Sample> idSamples;
    public final Loader train;
    public final Loader test;
    public final Loader idTest;
    /** Seeded subsets (at most {@link #PROBE_IMAGES}) of the training and test images, unaugmented, for {@link Diagnostics}. */
    public final Loader probeTrain;
    public final Loader probeTest;
    public static final int PROBE_IMAGES = 600;
    public final boolean[][] inDistribution;
    public final double[] prior;
    public final BadInput bad;
    private final Map<String, Object> provenance;

    /** Where the data is and how to feed it. */
    public record Spec(Path root, Path labels, Path trainSplit, Path testSplit, int fold, int imageSize,
                       int batchSize, long seed, String augment, int workers, boolean skipBad, double idHoldout) {}

    private RunData(Spec spec) {
        bad = spec.skipBad() ? BadInput.skip() : BadInput.fail();
        if (!Files.isDirectory(spec.root())) {
            throw new InvalidInput("data directory " + spec.root() + " does not exist"
                    + " (run `iern synth` to make the synthetic benchmark, or point --data at a Mix-Dataset root)");
        }
        for (Path p : new Path[] {spec.labels(), spec.trainSplit(), spec.testSplit()}) {
            if (!Files.isRegularFile(p)) {
                throw new InvalidInput(p + " does not exist or is not a file");
            }
        }
        LabelTable labels = MixDataset.labels(spec.root(), spec.labels(), bad);
        SampleSet trainSet = MixDataset.open(spec.root(), spec.trainSplit(), labels, bad);
        SampleSet testSet = MixDataset.open(spec.root(), spec.testSplit(), labels, bad);
        emotions = trainSet.classNames();
        sources = trainSet.confounderNames();
        List<Sample> trainList = new ArrayList<>(trainSet.samples());
        List<Sample> held = List.of();
        if (spec.idHoldout() > 0) {
            List<List<Sample>> split = holdOut(trainList, spec.idHoldout(), spec.seed());
            trainList = split.get(0);
            held = split.get(1);
        }
        trainSamples = List.copyOf(trainList);
        testSamples = testSet.samples();
        idSamples = List.copyOf(held);
        provenance = provenance(spec, trainSet.samples(), testSamples, trainSamples);
        int k = sources.size();
        prior = new double[k];
        for (Sample s : trainSamples) {
            prior[s.confounder()] += 1.0 / trainSamples.size();
        }
        inDistribution = new boolean[k][emotions.size()];
        for (int s = 0; s < k; s++) {
            for (int e = 0; e < emotions.size(); e++) {
                inDistribution[s][e] = spec.fold() > 0 ? !FoldBuilder.isHeldOut(spec.fold(), s, e) : false;
            }
        }
        if (spec.fold() <= 0) {
            for (Sample s : trainSamples) {
                inDistribution[s.confounder()][s.emotion()] = true;
            }
        }
        int size = spec.imageSize();
        Pipeline.Preset preset = switch (spec.augment()) {
            case "common" -> Pipeline.Preset.COMMON;
            case "light" -> Pipeline.Preset.LIGHT;
            case "style" -> Pipeline.Preset.STYLE;
            default -> Pipeline.Preset.NONE;
        };
        Pipeline trainPipe = new Pipeline(Pipeline.loadSizeFor(size), size, preset);
        Pipeline testPipe = Pipeline.test(size);
        if (trainSamples.size() < spec.batchSize()) {
            throw new InvalidInput(spec.trainSplit() + ": " + trainSamples.size()
                    + " training images, fewer than one batch of " + spec.batchSize());
        }
        train = Loader.builder(ImageStore.open(trainSamples, trainPipe, bad), trainPipe).batchSize(spec.batchSize())
                .shuffle(true).dropLast(true).seed(spec.seed()).workers(spec.workers()).build();
        test = Loader.builder(ImageStore.open(testSamples, testPipe, bad), testPipe).batchSize(spec.batchSize())
                .shuffle(false).dropLast(false).seed(spec.seed()).workers(spec.workers()).build();
        probeTrain = Loader.builder(ImageStore.open(subset(trainSamples, spec.seed()), testPipe, bad), testPipe)
                .batchSize(spec.batchSize()).shuffle(false).dropLast(false).workers(spec.workers()).build();
        probeTest = Loader.builder(ImageStore.open(subset(testSamples, spec.seed() + 1), testPipe, bad), testPipe)
                .batchSize(spec.batchSize()).shuffle(false).dropLast(false).workers(spec.workers()).build();
        idTest = idSamples.isEmpty() ? null
                : Loader.builder(ImageStore.open(idSamples, testPipe, bad), testPipe).batchSize(spec.batchSize())
                        .shuffle(false).dropLast(false).seed(spec.seed()).workers(spec.workers()).build();
    }

    /**
     * What this run trains and tests on, for a checkpoint to remember: the data root and split
     * files as given, the image counts, and a digest of every sample's key, emotion and source
     * (the identity a resume is checked against; a moved data root keeps it), and the hashes of
     * the keys trained on ({@link TrainedKeys}, for {@code iern eval}'s overlap check).
     */
    public Map<String, Object> provenance() {
        return provenance;
    }

    private static Map<String, Object> provenance(Spec spec, List<Sample> train, List<Sample> test, List<Sample> trained) {
        java.security.MessageDigest md;
        try {
            md = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (List<Sample> part : List.of(train, test)) {
            for (Sample s : part) {
                md.update((s.key() + '\t' + s.emotion() + '\t' + s.confounder() + '\n')
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            md.update((byte) 0);
        }
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("root", spec.root().toAbsolutePath().normalize().toString());
        m.put("train_split", String.valueOf(spec.trainSplit().getFileName()));
        m.put("test_split", String.valueOf(spec.testSplit().getFileName()));
        m.put("train_images", (long) train.size());
        m.put("test_images", (long) test.size());
        m.put("samples", "sha256:" + java.util.HexFormat.of().formatHex(md.digest(), 0, 12));
        String keys = TrainedKeys.encode(trained);
        if (keys != null) {
            m.put(TrainedKeys.FIELD, keys);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    /** The training split's (emotion, source) cell counts. */
    public SplitPriors priors() {
        int[][] counts = new int[emotions.size()][sources.size()];
        for (Sample s : trainSamples) {
            counts[s.emotion()][s.confounder()]++;
        }
        return new SplitPriors(counts);
    }

    public static RunData open(Spec spec) {
        return new RunData(spec);
    }

    /** At most PROBE_IMAGES samples, a seeded draw without replacement, in their original order. */
    static List<Sample> subset(List<Sample> samples, long seed) {
        if (samples.size() <= PROBE_IMAGES) {
            return samples;
        }
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            idx.add(i);
        }
        Collections.shuffle(idx, new Random(seed * 0x9E3779B97F4A7C15L + 17));
        List<Integer> keep = new ArrayList<>(idx.subList(0, PROBE_IMAGES));
        Collections.sort(keep);
        List<Sample> out = new ArrayList<>();
        for (int i : keep) {
            out.add(samples.get(i));
        }
        return out;
    }

    /** Moves round(fraction) of each (source, emotion) cell's sequences, seeded, into a second list. */
    static List<List<Sample>> holdOut(List<Sample> samples, double fraction, long seed) {
        Map<String, List<Sample>> bySequence = new TreeMap<>();
        for (Sample s : samples) {
            bySequence.computeIfAbsent(s.sequence(), x -> new ArrayList<>()).add(s);
        }
        Map<Integer, List<String>> byCell = new TreeMap<>();
        for (Map.Entry<String, List<Sample>> e : bySequence.entrySet()) {
            Sample first = e.getValue().getFirst();
            byCell.computeIfAbsent(first.confounder() * 1000 + first.emotion(), x -> new ArrayList<>()).add(e.getKey());
        }
        java.util.Set<String> moved = new java.util.HashSet<>();
        for (Map.Entry<Integer, List<String>> cell : byCell.entrySet()) {
            List<String> ids = new ArrayList<>(cell.getValue());
            Collections.shuffle(ids, new Random(seed * 31 + cell.getKey()));
            moved.addAll(ids.subList(0, (int) Math.round(ids.size() * fraction)));
        }
        List<Sample> keep = new ArrayList<>();
        List<Sample> out = new ArrayList<>();
        for (Sample s : samples) {
            (moved.contains(s.sequence()) ? out : keep).add(s);
        }
        return List.of(keep, out);
    }

    @Override
    public void close() {
        train.close();
        test.close();
        probeTrain.close();
        probeTest.close();
        if (idTest != null) {
            idTest.close();
        }
    }
}
