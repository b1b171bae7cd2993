package iern.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.data.folds.FoldBuilder;
import iern.data.synth.SynthBenchmark;
import iern.data.synth.SynthConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped inside an epoch (Ctrl-C, SIGTERM from a scheduler) and resumed ends with the
 * weights, accuracy and metrics of the run that was never stopped: the checkpoint keeps how far
 * the epoch got, and the resumed run skips those batches instead of training them twice.
 */
class StopResumeTest {
    @TempDir
    Path dir;

    private static final class Recorder implements Trainer.Listener {
        final List<Map<String, Object>> records = new ArrayList<>();
        final StopSignal stop;
        final int stopAtEpoch;
        final int stopAtStep;

        Recorder(StopSignal stop, int stopAtEpoch, int stopAtStep) {
            this.stop = stop;
            this.stopAtEpoch = stopAtEpoch;
            this.stopAtStep = stopAtStep;
        }

        @Override
        public void step(int epoch, int step, int steps, StepLosses losses) {
            if (epoch == stopAtEpoch && step == stopAtStep) {
                stop.request();
            }
        }

        @Override
        public void epochEnd(Map<String, Object> record) {
            Map<String, Object> r = new java.util.LinkedHashMap<>(record);
            r.remove("train_seconds");
            r.remove("images_per_s");
            records.add(r);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"iern", "baseline"})
    void aRunStoppedInsideAnEpochResumesToTheSameResult(String method) {
        Path data = dir.resolve("synth");
        SynthBenchmark.generate(data, new SynthConfig(3, 3, 40, 1));
        ModelConfig model = Tiny.config(method, "uniform");
        TrainConfig train = new TrainConfig(0, 2, 1, 4, 2e-3, 1e-3, 0.5, 0.999, 5e-4, 3, "light");
        RunData.Spec spec = new RunData.Spec(data, data.resolve(SynthBenchmark.LABELS),
                data.resolve(FoldBuilder.splitName("train", FoldBuilder.Bias.BIAS100, 1)),
                data.resolve(FoldBuilder.splitName("test", FoldBuilder.Bias.BIAS100, 1)), 1, Tiny.IMAGE,
                train.batchSize(), train.seed(), train.augment(), 0, false, 0);

        Recorder plain = new Recorder(new StopSignal(), -1, -1);
        Trainer.Result whole;
        try (RunData d = RunData.open(spec)) {
            whole = Trainer.run(model, train, d, dir.resolve("whole"), false, 1, plain, plain.stop);
        }
        StopSignal stop = new StopSignal();
        Recorder first = new Recorder(stop, 1, 2);   // epoch 2, after its third step
        try (RunData d = RunData.open(spec)) {
            Trainer.Result cut = Trainer.run(model, train, d, dir.resolve("cut"), false, 1, first, stop);
            assertTrue(cut.interrupted());
            assertEquals(1, cut.epochsDone());
        }
        Checkpoint.Loaded saved = Checkpoint.load(dir.resolve("cut").resolve(Trainer.CHECKPOINT));
        assertNotNull(saved.partial(), "the checkpoint says how far epoch 2 got");
        assertEquals(3, saved.partial().steps());
        Recorder second = new Recorder(new StopSignal(), -1, -1);
        Trainer.Result resumed;
        try (RunData d = RunData.open(spec)) {
            resumed = Trainer.run(model, train, d, dir.resolve("cut"), true, 1, second, second.stop);
        }
        assertEquals(whole.accuracy().toMap(), resumed.accuracy().toMap());
        List<Map<String, Object>> joined = new ArrayList<>(first.records);
        joined.addAll(second.records);
        assertEquals(plain.records.toString(), joined.toString(), "the same metrics, epoch for epoch");
        Checkpoint.Loaded a = Checkpoint.load(dir.resolve("whole").resolve(Trainer.CHECKPOINT));
        Checkpoint.Loaded b = Checkpoint.load(dir.resolve("cut").resolve(Trainer.CHECKPOINT));
        assertEquals(a.tensors().keySet(), b.tensors().keySet());
        for (String name : a.tensors().keySet()) {
            assertArrayEquals(a.tensors().get(name).data(), b.tensors().get(name).data(), name);
        }
        assertEquals(null, b.partial());
    }
}
