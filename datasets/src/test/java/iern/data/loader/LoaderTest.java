package iern.data.loader;

import iern.data.BadInput;
import iern.data.Sample;
import iern.data.SampleSet;
import iern.data.labels.LabelTable;
import iern.data.mix.MixDataset;
import iern.data.synth.SynthBenchmark;
import iern.data.synth.SynthConfig;
import iern.data.transform.Pipeline;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoaderTest {
    @TempDir
    static Path root;
    static List<Sample> samples;

    @BeforeAll
    static void makeData() {
        SynthBenchmark.generate(root, new SynthConfig(2, 1, 24, 3)); // 54 images
        LabelTable labels = LabelTable.read(root.resolve(SynthBenchmark.LABELS), BadInput.fail());
        SampleSet all = MixDataset.scan(root, labels, BadInput.fail());
        samples = all.samples();
        assertEquals(54, samples.size());
    }

    /** Everything two epochs deliver, copied out of the reused buffers. */
    static List<String> run(ImageStore store, Pipeline p, int workers, int prefetch, boolean shuffle, boolean dropLast) {
        List<String> out = new ArrayList<>();
        try (Loader loader = Loader.builder(store, p).batchSize(8).seed(99).workers(workers).prefetch(prefetch)
                .shuffle(shuffle).dropLast(dropLast).build()) {
            for (int epoch = 0; epoch < 2; epoch++) {
                loader.startEpoch(epoch);
                for (Batch b; (b = loader.next()) != null; ) {
                    out.add(epoch + ":" + b.number + ":" + b.size + ":" + Arrays.toString(Arrays.copyOf(b.sampleIndex, b.size))
                            + Arrays.toString(Arrays.copyOf(b.emotion, b.size))
                            + Arrays.hashCode(Arrays.copyOf(b.images, b.size * b.floatsPerImage())));
                }
            }
        }
        return out;
    }

    @Test
    void sameSeedSameBatchesWhateverTheThreadsPrefetchOrCache() {
        Pipeline p = Pipeline.train(20);
        ImageStore cached = ImageStore.open(samples, p, BadInput.fail());
        ImageStore uncached = ImageStore.open(samples, p.loadSize(), 0, 2, BadInput.fail());
        assertTrue(cached.isCached());
        assertFalse(uncached.isCached());
        List<String> reference = run(cached, p, 0, 1, true, true);
        assertEquals(12, reference.size());
        assertEquals(reference, run(cached, p, 1, 1, true, true));
        assertEquals(reference, run(cached, p, 3, 5, true, true));
        assertEquals(reference, run(uncached, p, 2, 2, true, true));
    }

    @Test
    void eachEpochVisitsEverySampleOnceInAFreshOrder() {
        Pipeline p = Pipeline.test(20);
        ImageStore store = ImageStore.open(samples, p, BadInput.fail());
        try (Loader loader = Loader.builder(store, p).batchSize(8).seed(1).workers(2).dropLast(false).build()) {
            assertEquals(7, loader.batchesPerEpoch());
            List<Integer> firstOrder = null;
            for (int epoch = 0; epoch < 2; epoch++) {
                loader.startEpoch(epoch);
                List<Integer> seen = new ArrayList<>();
                int batches = 0;
                for (Batch b; (b = loader.next()) != null; batches++) {
                    assertEquals(batches, b.number);
                    assertEquals(batches < 6 ? 8 : 6, b.size);
                    for (int j = 0; j < b.size; j++) {
                        Sample s = samples.get(b.sampleIndex[j]);
                        assertEquals(s.emotion(), b.emotion[j]);
                        assertEquals(s.confounder(), b.confounder[j]);
                        assertEquals(s.key(), b.keys[j]);
                        seen.add(b.sampleIndex[j]);
                    }
                }
                assertEquals(7, batches);
                assertEquals(54, new HashSet<>(seen).size());
                if (firstOrder == null) firstOrder = seen;
                else assertFalse(firstOrder.equals(seen), "epochs must shuffle differently");
                assertNull(loader.next());
            }
        }
    }

    @Test
    void dropLastDropsTheShortBatchAndUnshuffledKeepsSampleOrder() {
        Pipeline p = Pipeline.test(20);
        ImageStore store = ImageStore.open(samples, p, BadInput.fail());
        try (Loader loader = Loader.builder(store, p).batchSize(8).workers(1).shuffle(false).dropLast(true).build()) {
            assertEquals(6, loader.batchesPerEpoch());
            loader.startEpoch(0);
            int expected = 0;
            for (Batch b; (b = loader.next()) != null; ) {
                for (int j = 0; j < b.size; j++) assertEquals(expected++, b.sampleIndex[j]);
            }
            assertEquals(48, expected);
        }
    }

    @Test
    void testPipelineOutputIsTheSameEveryEpochAndNormalised() {
        Pipeline p = Pipeline.test(20);
        ImageStore store = ImageStore.open(samples, p, BadInput.fail());
        List<String> two = run(store, p, 2, 2, false, false);
        assertEquals(two.subList(0, 7).stream().map(s -> s.substring(1)).toList(),
                two.subList(7, 14).stream().map(s -> s.substring(1)).toList());
        try (Loader loader = Loader.builder(store, p).batchSize(8).workers(0).shuffle(false).build()) {
            loader.startEpoch(0);
            Batch b = loader.next();
            for (float v : b.images) assertTrue(v >= -1f && v <= 1f);
            assertEquals(3 * 20 * 20, b.floatsPerImage());
        }
    }

    @Test
    void batchesComeFromAFixedRingOfBuffers() {
        Pipeline p = Pipeline.train(20);
        ImageStore store = ImageStore.open(samples, p, BadInput.fail());
        try (Loader loader = Loader.builder(store, p).batchSize(4).workers(2).prefetch(2).build()) {
            Set<Batch> distinct = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            for (int epoch = 0; epoch < 3; epoch++) {
                loader.startEpoch(epoch);
                for (Batch b; (b = loader.next()) != null; ) distinct.add(b);
            }
            assertEquals(3, distinct.size());
        }
    }

    @Test
    void abandoningAnEpochThenStartingAnotherIsSafe() {
        Pipeline p = Pipeline.train(20);
        ImageStore store = ImageStore.open(samples, p, BadInput.fail());
        List<String> reference = run(store, p, 0, 1, true, true);
        try (Loader loader = Loader.builder(store, p).batchSize(8).seed(99).workers(2).prefetch(3).build()) {
            loader.startEpoch(0);
            loader.next(); // walk away mid-epoch with batches in flight
            loader.startEpoch(1);
            Batch b = loader.next();
            String got = "1:" + b.number + ":" + b.size + ":" + Arrays.toString(Arrays.copyOf(b.sampleIndex, b.size))
                    + Arrays.toString(Arrays.copyOf(b.emotion, b.size)) + Arrays.hashCode(b.images);
            assertEquals(reference.get(6), got);
        }
    }

    @Test
    void imagesArriveUnchangedThroughTheTestPipelineAtLoadSize() {
        // with crop == load size, the test pipeline is only normalisation: compare with a direct decode
        Pipeline p = new Pipeline(24, 24, Pipeline.Preset.NONE);
        ImageStore store = ImageStore.open(samples, p, BadInput.fail());
        float[] direct = iern.data.image.ImageDecoder.toPlanar(
                iern.data.image.ImageDecoder.read(samples.get(5).path(), null));
        try (Loader loader = Loader.builder(store, p).batchSize(6).workers(1).shuffle(false).build()) {
            loader.startEpoch(0);
            Batch b = loader.next();
            float[] got = Arrays.copyOfRange(b.images, 5 * b.floatsPerImage(), 6 * b.floatsPerImage());
            float[] want = new float[direct.length];
            for (int i = 0; i < want.length; i++) want[i] = (direct[i] - 0.5f) * 2f;
            assertArrayEquals(want, got, 1e-6f);
        }
    }

    @Test
    void contactSheetOfABatchShowsThePixelsTheModelGets(@TempDir Path out) throws Exception {
        Pipeline p = new Pipeline(24, 24, Pipeline.Preset.NONE);
        ImageStore store = ImageStore.open(samples, p, BadInput.fail());
        try (Loader loader = Loader.builder(store, p).batchSize(3).workers(0).shuffle(false).build()) {
            loader.startEpoch(0);
            Path sheet = out.resolve("batch.png");
            iern.data.synth.ContactSheet.ofBatch(loader.next(), iern.data.MixBasic.EMOTIONS, 24, sheet);
            var img = javax.imageio.ImageIO.read(sheet.toFile());
            var first = javax.imageio.ImageIO.read(samples.get(0).path().toFile());
            assertEquals(3 * 24, img.getWidth());
            for (int y = 0; y < 24; y += 5)
                for (int x = 0; x < 24; x += 5) assertEquals(first.getRGB(x, y), img.getRGB(x, y), x + "," + y);
        }
    }

    @Test
    void singleImageMatchesTheEvaluationLoader() {
        Pipeline p = Pipeline.test(20);
        ImageStore store = ImageStore.open(samples, p, BadInput.fail());
        try (Loader loader = Loader.builder(store, p).batchSize(4).workers(0).shuffle(false).build()) {
            loader.startEpoch(0);
            Batch b = loader.next();
            float[] one = new float[p.outputFloats()];
            SingleImage.prepare(samples.get(3).path(), p, one, 0);
            assertArrayEquals(Arrays.copyOfRange(b.images, 3 * one.length, 4 * one.length), one);
        }
        Path missing = root.resolve("nope.png");
        var e = org.junit.jupiter.api.Assertions.assertThrows(iern.data.DataException.class,
                () -> SingleImage.prepare(missing, p, new float[p.outputFloats()], 0));
        assertEquals(missing + ": image (listed at the command line) does not exist", e.getMessage());
    }
}
