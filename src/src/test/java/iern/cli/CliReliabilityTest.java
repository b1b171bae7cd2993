package iern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.FloatArray;
import iern.engine.io.Json;
import iern.engine.io.SafeTensors;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run directory belongs to one writer and its record survives kills: a second writer, an
 * accidental rerun, a diverging loss, a torn metrics line and kill -9 at random points each end
 * with a clear message and one metrics line per epoch.
 */
class CliReliabilityTest {
    @TempDir
    static Path shared;
    static Path data;

    @TempDir
    Path dir;

    @BeforeAll
    static void synth() {
        data = shared.resolve("synth");
        CliErrorsTest.Outcome s = CliErrorsTest.run("synth", "--out", data.toString(), "--subjects", "2", "--size", "40",
                "--frames", "1");
        assertEquals(0, s.code(), s.err());
    }

    private static String[] train(Path out, int epochs, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--data", data.toString(), "--out", out.toString(),
                "--epochs", Integer.toString(epochs), "--batch", "4", "--width", "0.0625", "--feat", "16",
                "--image-size", "36", "--threads", "1", "--workers", "0", "--method", "baseline"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    private static Path runDir(Path out) {
        return out.resolve("bias100-fold1").resolve("baseline-seed1");
    }

    private static List<Integer> epochsLogged(Path run) throws Exception {
        List<Integer> epochs = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            epochs.add(((Number) Json.parseObject(line, "metrics").get("epoch")).intValue());
        }
        return epochs;
    }

    private static void userError(CliErrorsTest.Outcome o, String expected) {
        assertEquals(2, o.code(), o.err() + o.out());
        assertTrue(o.err().contains(expected), "<" + expected + "> in: " + o.err());
        assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
    }

    @Test
    void anExistingRunIsNeverOverwrittenWithoutForce() throws Exception {
        Path out = dir.resolve("runs");
        assertEquals(0, CliErrorsTest.run(train(out, 1)).code());
        Files.writeString(runDir(out).resolve(".checkpoint.safetensors.123.tmp"), "half a checkpoint");
        userError(CliErrorsTest.run(train(out, 1)), "already holds a run");
        userError(CliErrorsTest.run(train(out, 1, "--resume", "--force")), "give one");
        CliErrorsTest.Outcome forced = CliErrorsTest.run(train(out, 1, "--force"));
        assertEquals(0, forced.code(), forced.err());
        assertEquals(List.of(1), epochsLogged(runDir(out)), "the old record is gone, not appended to");
        try (var files = Files.list(runDir(out))) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".tmp")), "temporary files of a killed run removed");
        }
    }

    @Test
    void aSecondWriterIsRefusedWhileTheFirstHoldsTheRun() throws Exception {
        Path out = dir.resolve("runs");
        Files.createDirectories(runDir(out));
        try (FileChannel c = FileChannel.open(runDir(out).resolve(RunDirectory.LOCK), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock held = c.lock()) {
            userError(CliErrorsTest.run(train(out, 1)), "being written by another");
        }
        assertEquals(0, CliErrorsTest.run(train(out, 1)).code(), "free once the holder is gone");
    }

    @Test
    void badOutputDirectoriesAndRepeatedValuesAreFoundBeforeTraining() throws Exception {
        Path file = dir.resolve("a-file");
        Files.writeString(file, "x");
        userError(CliErrorsTest.run(train(file, 1)), "cannot create output directory");
        userError(CliErrorsTest.run(train(dir.resolve("r"), 1, "--seeds", "1,1")), "--seeds names 1 twice");
        userError(CliErrorsTest.run(train(dir.resolve("r"), 1, "--method", "iern,iern")), "names iern twice");
    }

    @Test
    void aDivergingLossStopsWithItsOwnExitCodeAndKeepsTheCheckpoint() throws Exception {
        Path out = dir.resolve("runs");
        assertEquals(0, CliErrorsTest.run(train(out, 2, "--decay", "1", "--warmup", "0", "--constant", "1")).code());
        // Finite but enormous weights: the next forward overflows and the loss is NaN or infinite.
        Path ckpt = runDir(out).resolve("checkpoint.safetensors");
        SafeTensors.Contents c = SafeTensors.read(ckpt);
        Map<String, FloatArray> tensors = new LinkedHashMap<>(c.tensors());
        tensors.replaceAll((k, v) -> k.endsWith(".weight") ? new FloatArray(v.shape(), filled(v.size(), 3e37f)) : v);
        Map<String, Object> meta = Json.parseObject(c.metadata().get("iern"), "meta");
        meta.put("epochs_done", 1L);
        meta.put("complete", false);
        SafeTensors.write(ckpt, tensors, Map.of("iern", Json.write(meta)));
        CliErrorsTest.Outcome o = CliErrorsTest.run(train(out, 2, "--decay", "1", "--warmup", "0", "--constant", "1",
                "--resume"));
        assertEquals(Main.DIVERGED, o.code(), o.err() + o.out());
        assertTrue(o.err().contains("training diverged: epoch 2 step 1: loss"), o.err());
        assertFalse(o.err().contains("internal error") || o.err().contains("\tat "), o.err());
        assertTrue(Files.exists(ckpt), "the last good checkpoint stays");
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void resumeRepairsATornLineAndRefusesOtherData() throws Exception {
        Path out = dir.resolve("runs");
        assertEquals(0, CliErrorsTest.run(train(out, 2)).code());
        Path metrics = runDir(out).resolve("metrics.jsonl");
        String firstLine = Files.readAllLines(metrics).getFirst();
        Files.writeString(metrics, firstLine + "\n{\"epoch\": 3, \"cls", StandardOpenOption.APPEND);
        CliErrorsTest.Outcome again = CliErrorsTest.run(train(out, 2, "--resume"));
        assertEquals(0, again.code(), again.err() + again.out());
        assertTrue(again.out().contains("dropped 2 line(s): 1 unreadable"), again.out());
        assertEquals(List.of(1, 2), epochsLogged(runDir(out)));

        Path other = shared.resolve("other");
        assertEquals(0, CliErrorsTest.run("synth", "--out", other.toString(), "--subjects", "3", "--size", "40",
                "--frames", "1").code());
        List<String> args = new ArrayList<>(List.of(train(out, 2, "--resume")));
        args.set(args.indexOf(data.toString()), other.toString());
        userError(CliErrorsTest.run(args.toArray(String[]::new)), "was trained on other data");
    }

    /**
     * kill -9 at random moments of a real process, then --resume, until the run finishes: the
     * metrics log ends with exactly one line per epoch, in order, whatever the kills hit.
     */
    @Test
    void killsAtRandomPointsLoseNoEpochAndRepeatNone() throws Exception {
        Path out = dir.resolve("runs");
        int epochs = 5;
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "iern.cli.Main"));
        cmd.addAll(List.of(train(out, epochs, "--resume", "--eval-every", "1")));
        SplittableRandom rng = new SplittableRandom(11);
        int kills = 0;
        for (int attempt = 0; attempt < 40; attempt++) {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("log" + attempt + ".txt").toFile()).start();
            boolean last = kills >= 6;
            if (!last && !p.waitFor(600 + rng.nextInt(2500), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                kills++;
                continue;
            }
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finishes");
            assertEquals(0, p.exitValue(), Files.readString(dir.resolve("log" + attempt + ".txt")));
            if (Files.readString(dir.resolve("log" + attempt + ".txt")).contains("all runs took")) {
                break;
            }
        }
        assertTrue(kills >= 3, "the loop killed the process " + kills + " times");
        List<Integer> expected = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            expected.add(e);
        }
        assertEquals(expected, epochsLogged(runDir(out)), "one line per epoch after " + kills + " kills");
    }

    @Test
    void splitFilesAreNotOverwrittenWithoutForce() throws Exception {
        Path copy = dir.resolve("data");
        Files.createDirectories(copy);
        Path split = copy.resolve("train_ids_bias100v1.csv");
        Files.writeString(split, "MixBasic/CKPlus/images/mine.png\n");
        List<String> a = new ArrayList<>(List.of("folds", "--data", data.toString(), "--out", copy.toString()));
        userError(CliErrorsTest.run(a.toArray(String[]::new)), "already has 1 split file(s) (train_ids_bias100v1.csv)");
        assertEquals("MixBasic/CKPlus/images/mine.png\n", Files.readString(split), "the user's file is untouched");
        a.add("--force");
        assertEquals(0, CliErrorsTest.run(a.toArray(String[]::new)).code());
        assertFalse(Files.readString(split).contains("mine.png"));
    }

    @Test
    void synthWritesIntoAUsersDirectoryOnlyWithForce() throws Exception {
        Path mine = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(mine.resolve("emotion_labels.csv"), "key,emotion\nmy_photo,Happiness\n");
        String[] synth = {"synth", "--out", mine.toString(), "--subjects", "2", "--size", "40", "--frames", "1"};
        userError(CliErrorsTest.run(synth), "not a synthetic set");
        assertTrue(Files.readString(mine.resolve("emotion_labels.csv")).contains("my_photo"));
        List<String> forced = new ArrayList<>(List.of(synth));
        forced.add("--force");
        assertEquals(0, CliErrorsTest.run(forced.toArray(String[]::new)).code());
        assertFalse(Files.readString(mine.resolve("emotion_labels.csv")).contains("my_photo"));
    }

    @Test
    void predictNamesDirectoriesDevicesAndFifosForWhatTheyAre() throws Exception {
        Path out = dir.resolve("runs");
        assertEquals(0, CliErrorsTest.run(train(out, 1)).code());
        String ckpt = runDir(out).toString();
        Path empty = Files.createDirectories(dir.resolve("empty"));
        userError(CliErrorsTest.run("predict", "--checkpoint", ckpt, empty.toString()), "holds no .png");
        userError(CliErrorsTest.run("predict", "--checkpoint", ckpt, "/dev/zero"), "is not a regular file");
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        userError(CliErrorsTest.run("predict", "--checkpoint", ckpt, fifo.toString()), "is not a regular file");
        userError(CliErrorsTest.run("predict", "--checkpoint", fifo.toString(), fifo.toString()), "is not a regular file");
        userError(CliErrorsTest.run("eval", "--checkpoint", "/dev/zero", "--data", data.toString()), "is not a regular file");
        userError(CliErrorsTest.run(train(dir.resolve("r"), 1, "--labels", fifo.toString())), "--labels " + fifo
                + " is not a regular file");
        CliErrorsTest.Outcome folder = CliErrorsTest.run("predict", "--checkpoint", ckpt, "--threads", "1", "--no-align",
                data.resolve("MMI").resolve("images").toString());
        assertEquals(0, folder.code(), folder.err());
        assertEquals(12, folder.out().lines().filter(l -> l.contains(".png: ")).count(), folder.out());
    }

    @Test
    void helpIsCleanAndCudaIsExplained() {
        CliErrorsTest.Outcome help = CliErrorsTest.run("train", "--help");
        assertEquals(0, help.code());
        assertFalse(help.err().contains("WARN") || help.out().contains("WARN"), help.err());
        assertTrue(help.out().contains("90 (10%"), help.out());
        userError(CliErrorsTest.run("train", "--data", data.toString(), "--backend", "cuda", "--out",
                dir.resolve("r").toString()), "no CUDA backend");
    }
}
