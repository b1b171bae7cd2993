package iern.cli;

import iern.engine.InvalidInput;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One grid, many workers: --shard, skipping finished runs, and summarize pooling the workers' runs. */
class CliGridTest {
    @TempDir
    Path dir;

    private String[] train(Path data, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--data", data.toString(), "--out", out.toString(),
                "--epochs", "1", "--batch", "4", "--width", "0.0625", "--feat", "16", "--image-size", "36",
                "--threads", "1", "--workers", "0", "--method", "baseline,iern", "--seeds", "1,2"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    private static Map<String, Object> summary(Path out) throws Exception {
        return Json.parseObject(Files.readString(out.resolve("summary.json")), out.toString());
    }

    @Test
    void shardedWorkersGiveTheSummaryOfOneProcess() throws Exception {
        Path data = dir.resolve("synth");
        assertEquals(0, CliErrorsTest.run("synth", "--out", data.toString(), "--subjects", "2", "--size", "40").code());

        Path whole = dir.resolve("whole");
        CliErrorsTest.Outcome one = CliErrorsTest.run(train(data, whole));
        assertEquals(0, one.code(), one.err() + one.out());

        Path shared = dir.resolve("shared");
        CliErrorsTest.Outcome first = CliErrorsTest.run(train(data, shared, "--shard", "0/3"));
        assertEquals(0, first.code(), first.err() + first.out());
        assertTrue(first.out().contains("shard 0 of 3: 2 of the grid's 4 runs, 0 already finished"), first.out());
        assertFalse(Files.exists(shared.resolve("summary.json")), "a worker leaves summary.json to summarize");
        // grid order: baseline seed 1, seed 2, iern seed 1, seed 2; worker 0 of 3 takes indices 0 and 3
        assertTrue(Files.exists(shared.resolve("bias100-fold1/baseline-seed1/result.json")));
        assertTrue(Files.exists(shared.resolve("bias100-fold1/iern-seed2/result.json")));

        CliErrorsTest.Outcome partial = CliErrorsTest.run("summarize", "--out", shared.toString());
        assertEquals(0, partial.code(), partial.err());
        assertTrue(partial.out().contains("2 run(s) of the grid(s) recorded under " + shared + " have not finished"),
                partial.out());
        assertTrue(partial.out().contains("bias100-fold1/baseline-seed2 (not started)"), partial.out());

        for (String s : List.of("1/3", "2/3")) {
            CliErrorsTest.Outcome o = CliErrorsTest.run(train(data, shared, "--shard", s));
            assertEquals(0, o.code(), o.err() + o.out());
        }
        // a worker run again finds its runs finished and trains nothing
        CliErrorsTest.Outcome again = CliErrorsTest.run(train(data, shared, "--shard", "0/3"));
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("2 already finished") && !again.out().contains("epoch 1/1"), again.out());

        // a run that lost its result (killed after its last checkpoint) is resumed, not retrained
        Path iern1 = shared.resolve("bias100-fold1/iern-seed1");
        Files.delete(iern1.resolve("result.json"));
        CliErrorsTest.Outcome resumed = CliErrorsTest.run(train(data, shared, "--shard", "2/3"));
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("resuming"), resumed.out());

        CliErrorsTest.Outcome sum = CliErrorsTest.run("summarize", "--out", shared.toString());
        assertEquals(0, sum.code(), sum.err());
        assertTrue(sum.out().contains("4 finished run(s)") && !sum.out().contains("not finished"), sum.out());
        assertEquals(summary(whole), summary(shared));
        // each biased run as one point of source leak against accuracy
        assertTrue(sum.out().contains("leak-vs-accuracy.png"), sum.out());
        assertTrue(javax.imageio.ImageIO.read(shared.resolve("leak-vs-accuracy.png").toFile()).getWidth() == 820);
    }

    @Test
    void shardOptionsAreCheckedAndTheIndexComesFromTheScheduler() {
        assertArrayEquals(new int[] {2, 5}, Shard.parse("2/5", Map.of()));
        assertArrayEquals(new int[] {3, 8}, Shard.parse("8", Map.of("SLURM_ARRAY_TASK_ID", "3")));
        assertArrayEquals(new int[] {1, 4}, Shard.parse("4", Map.of("JOB_COMPLETION_INDEX", "1")));
        assertArrayEquals(new int[] {0, 4}, Shard.parse("4", Map.of("SLURM_ARRAY_TASK_ID", "0",
                "JOB_COMPLETION_INDEX", "2")));
        assertTrue(assertThrows(UserError.class, () -> Shard.parse("4", Map.of())).getMessage()
                .contains("SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX"));
        assertTrue(assertThrows(UserError.class, () -> Shard.parse("5/5", Map.of())).getMessage()
                .contains("expected 0 <= I < N"));
        assertTrue(assertThrows(UserError.class, () -> Shard.parse("a/2", Map.of())).getMessage()
                .contains("the worker's index I"));
        assertTrue(assertThrows(UserError.class, () -> Shard.parse("0/0", Map.of())).getMessage()
                .contains("expected 0 <= I < N"));
        assertTrue(assertThrows(UserError.class, () -> Shard.parse("9", Map.of("SLURM_ARRAY_TASK_ID", "x")))
                .getMessage().contains("SLURM_ARRAY_TASK_ID=x"));
        CliErrorsTest.Outcome force = CliErrorsTest.run("train", "--data", dir.toString(), "--shard", "0/2", "--force");
        assertEquals(2, force.code(), force.out());
        assertTrue(force.err().contains("--force cannot go with it"), force.err());
    }

    @Test
    void anInternalErrorShowsItsTraceAndAUserErrorDoesNot() throws Exception {
        CliErrorsTest.Outcome user = CliErrorsTest.run("summarize", "--out", dir.resolve("nothing").toString());
        assertEquals(2, user.code());
        assertFalse(user.err().contains("\tat "), user.err());
        var cl = Main.commandLine();
        var err = new java.io.StringWriter();
        cl.setErr(new java.io.PrintWriter(err, true));
        int code = cl.getExecutionExceptionHandler().handleExecutionException(
                new IllegalArgumentException("shape mismatch deep in the engine"), cl, null);
        assertEquals(1, code);
        assertTrue(err.toString().contains("internal error") && err.toString().contains("\tat "), err.toString());
        err.getBuffer().setLength(0);
        code = cl.getExecutionExceptionHandler().handleExecutionException(
                new InvalidInput("checkpoint.json: key 'width' should be a number"), cl, null);
        assertEquals(2, code);
        assertFalse(err.toString().contains("\tat "), err.toString());
    }

    private static List<String> planned(String... args) {
        picocli.CommandLine cl = new picocli.CommandLine(new TrainCommand());
        cl.parseArgs(args);
        return ((TrainCommand) cl.getCommand()).plannedRunDirs();
    }

    @Test
    void theMainJobComparesTheBaselineIernAndTheChosenVariantBesideTheCeiling() {
        assertEquals(List.of("bias100-fold1/baseline-seed1", "bias100-fold1/iern-seed1",
                "bias100-fold1/baseline+la-seed1", "bias0-fold1/baseline-seed1"), planned());
        assertEquals(List.of("bias100-fold1/baseline-seed1", "bias100-fold1/iern-seed1",
                "bias100-fold1/baseline+la-seed1"), planned("--bias", "100"));
        assertEquals(List.of("bias100-fold2/iern-seed1", "bias100-fold2/iern-seed2"),
                planned("--method", "iern", "--fold", "2", "--seeds", "1,2"));
    }
}
