package iern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad input gets one clear line naming what was wrong and exit code 2, never a stack trace. */
class CliErrorsTest {
    @TempDir
    Path dir;

    record Outcome(int code, String out, String err) {}

    static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Outcome(code, out.toString(), err.toString());
    }

    /**
     * A one-epoch baseline checkpoint on a tiny synthetic set, for tests of the commands that
     * read one: the data in {@code dir/synth}, the runs in {@code dir/runs}; returns the run.
     */
    static Path tinyBaselineRun(Path dir) {
        Path data = dir.resolve("synth");
        Outcome s = run("synth", "--out", data.toString(), "--subjects", "2", "--size", "40", "--frames", "1");
        assertEquals(0, s.code(), s.err());
        Path runs = dir.resolve("runs");
        Outcome t = run("train", "--data", data.toString(), "--out", runs.toString(),
                "--epochs", "1", "--batch", "4", "--width", "0.0625", "--feat", "16", "--image-size", "36",
                "--threads", "1", "--workers", "0", "--method", "baseline");
        assertEquals(0, t.code(), t.err() + t.out());
        return runs.resolve("bias100-fold1").resolve("baseline-seed1");
    }

    private static void assertError(Outcome o, String expected) {
        assertEquals(2, o.code(), "exit code; stderr: " + o.err());
        assertTrue(o.err().contains(expected), "stderr should contain <" + expected + ">, was: " + o.err());
        assertTrue(!o.err().contains("\tat "), "no stack trace: " + o.err());
    }

    @Test
    void missingDataDirectoryIsNamed() {
        Path missing = dir.resolve("no-such-data");
        assertError(run("train", "--data", missing.toString()),
                "data directory " + missing + " does not exist");
        assertError(run("eval", "--checkpoint", dir.toString(), "--data", missing.toString()),
                "checkpoint " + dir.resolve("checkpoint.safetensors") + " does not exist");
    }

    @Test
    void badSplitPathIsNamed() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path split = data.resolve("nope.csv");
        assertError(run("train", "--data", data.toString(), "--train-split", split.toString(), "--test-split",
                split.toString(), "--threads", "1"), "--train-split " + split + " does not exist");
        assertError(run("train", "--data", data.toString(), "--train-split", split.toString()),
                "--train-split and --test-split go together");
        assertError(run("train", "--data", data.toString(), "--threads", "1"),
                "split file " + data.resolve("train_ids_bias100v1.csv") + " does not exist");
    }

    @Test
    void unknownBackendListsTheKnownOnes() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Outcome o = run("train", "--data", data.toString(), "--backend", "quantum");
        assertError(o, "--backend quantum: unknown backend 'quantum'; known: [");
        assertTrue(o.err().contains("cpu"), o.err());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--batch|abc|Invalid value for option '--batch': 'abc' is not an int",
        "--batch|1|--batch 1: expected a number from 2 to 4096",
        "--epochs|0|--epochs 0: expected a number from 1 to 100000",
        "--lr|-1|--lr -1.0 / --base-lr 5.0E-4: expected rates in (0, 1)",
        "--lr|fast|Invalid value for option '--lr': 'fast' is not a double",
        "--beta1|1|--beta1 1.0: expected a number in [0, 1)",
        "--adv-weight|-2|--adv-weight -2.0: expected a number from 0 to below 1000000",
        "--lambda-center|0|--lambda-center 0.0: expected a positive number below 1000000",
        "--decay|-1|--warmup 0 / --constant 1 / --decay -1: expected counts of at least 0, at least one epoch",
        "--fold|4|--fold 4: expected 1, 2 or 3",
        "--bias|80|--bias 80: expected 100, 90 or 0",
        "--image-size|32|--image-size 32: expected 33 to 1024 pixels",
        "--feat|40|--feat 40: expected a multiple of 16",
        "--width|0|--width 0.0: expected a multiplier in (0, 4]",
        "--method|svm|--method svm: expected baseline or iern",
        "--intervention|magic|--intervention magic: expected one of [uniform, prior, attention]",
        "--threads|0|--threads 0: expected a number from 1 to 1024",
        "--id-holdout|1.5|--id-holdout 1.5: expected a fraction in [0, 1)",
        "--augment|heavy|--augment heavy: expected one of [none, light, common, style]",
        "--backbone|vgg|--backbone vgg: expected one of [resnet18, resnet34, resnet50]"})
    void badNumbersAndNamesAreRefused(String option, String value, String message) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        assertError(run("train", "--data", data.toString(), option, value), message);
    }

    @Test
    void badSynthSettingsAreRefused() {
        assertError(run("synth", "--out", dir.resolve("s").toString(), "--size", "8"),
                "synthetic benchmark settings: imageSize must be 16..1024");
    }

    @Test
    void predictNamesAMissingImage() {
        assertError(run("predict", "--checkpoint", dir.toString(), "x.png"),
                "checkpoint " + dir.resolve("checkpoint.safetensors") + " does not exist");
    }

    @Test
    void everyCommandHasHelp() {
        for (String c : new String[] {"train", "eval", "predict", "align", "synth", "folds", "info"}) {
            Outcome o = run(c, "--help");
            assertEquals(0, o.code(), c);
            assertTrue(o.out().contains("Usage: iern " + c), c + ": " + o.out());
        }
        Outcome o = run("info");
        assertEquals(0, o.code());
        assertTrue(o.out().contains("cpu") && o.out().contains("simd"), o.out());
    }
}
