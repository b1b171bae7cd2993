package iern.bench.data;

import iern.data.BadInput;
import iern.data.Sample;
import iern.data.labels.LabelTable;
import iern.data.loader.Batch;
import iern.data.loader.ImageStore;
import iern.data.loader.Loader;
import iern.data.mix.MixDataset;
import iern.data.synth.SynthBenchmark;
import iern.data.synth.SynthConfig;
import iern.data.transform.Pipeline;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Images per second the loader delivers on the default synthetic benchmark (1080 images, cached), for the
 * training pipeline (resize cached, then flip/crop/blur/jitter/affine in random order, normalise) and the test
 * pipeline (centre crop, normalise), by worker count. The consumer does nothing, so this is the loader's ceiling;
 * it must stay far above what the model consumes per second.
 *
 * <p>Run: {@code java -cp <bench classpath> org.openjdk.jmh.Main iern.bench.data.LoaderBench}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector",
        "-XX:+UnlockDiagnosticVMOptions", "-XX:CompilerDirectivesFile=src/jit-directives.json"})
public class LoaderBench {
    static final int BATCH = 16;

    @Param({"64"})
    public int size;
    @Param({"1", "2"})
    public int workers;
    @Param({"COMMON", "NONE"})
    public String preset;

    private Path root;
    private Loader loader;
    private int epoch;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        root = Files.createTempDirectory("iern-loader-bench");
        SynthBenchmark.generate(root, SynthConfig.defaults().withImageSize(size));
        LabelTable labels = LabelTable.read(root.resolve(SynthBenchmark.LABELS), BadInput.fail());
        List<Sample> samples = MixDataset.open(root, root.resolve("train_ids_bias100v1.csv"), labels, BadInput.fail())
                .samples();
        Pipeline pipeline = Pipeline.Preset.valueOf(preset) == Pipeline.Preset.NONE
                ? Pipeline.test(size) : Pipeline.train(size);
        ImageStore store = ImageStore.open(samples, pipeline, BadInput.fail());
        if (!store.isCached()) throw new IllegalStateException("expected the synthetic set to be cached");
        checkAgainstSingleThread(store, pipeline);
        loader = Loader.builder(store, pipeline).batchSize(BATCH).seed(1).workers(workers).prefetch(4).build();
        loader.startEpoch(epoch);
    }

    /** The result is checked before it is timed: the threaded loader must equal the inline one. */
    private void checkAgainstSingleThread(ImageStore store, Pipeline pipeline) {
        try (Loader inline = Loader.builder(store, pipeline).batchSize(BATCH).seed(1).workers(0).build();
             Loader threaded = Loader.builder(store, pipeline).batchSize(BATCH).seed(1).workers(workers).build()) {
            inline.startEpoch(0);
            threaded.startEpoch(0);
            for (Batch a; (a = inline.next()) != null; ) {
                Batch b = threaded.next();
                if (!Arrays.equals(a.images, b.images) || !Arrays.equals(a.emotion, b.emotion))
                    throw new IllegalStateException("threaded loader differs from inline at batch " + a.number);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public float nextBatch() {
        Batch b = loader.next();
        if (b == null) {
            loader.startEpoch(++epoch);
            b = loader.next();
        }
        return b.images[b.images.length - 1];
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        loader.close();
        try (var walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
