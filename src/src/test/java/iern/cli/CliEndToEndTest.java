package iern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** synth -> train (baseline and IERN) -> resume -> eval -> predict on a tiny benchmark and tiny networks. */
class CliEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void ceilingAdversaryAndLeakageDiagnosticsEndToEnd() throws Exception {
        Path data = dir.resolve("synth");
        CliErrorsTest.Outcome s = CliErrorsTest.run("synth", "--out", data.toString(), "--subjects", "3", "--size", "40",
                "--frames", "1");
        assertEquals(0, s.code(), s.err());
        assertTrue(Files.exists(data.resolve("train_ids_bias0v3.csv")));
        Path runs = dir.resolve("grid");
        CliErrorsTest.Outcome t = CliErrorsTest.run("train", "--data", data.toString(), "--out", runs.toString(),
                "--epochs", "1", "--batch", "4", "--width", "0.0625", "--feat", "16", "--image-size", "36",
                "--threads", "1", "--workers", "0", "--bias", "0,100", "--method", "baseline,iern",
                "--adversary", "none,conditional");
        assertEquals(0, t.code(), t.err() + t.out());
        assertTrue(t.out().contains("bias0 (ceiling)") && t.out().contains("leak: a fresh linear probe"), t.out());
        for (String run : List.of("baseline-seed1", "baseline+cadv-seed1", "iern-seed1", "iern+cadv-seed1")) {
            Path r = runs.resolve("bias0-fold1").resolve(run);
            List<String> lines = Files.readAllLines(r.resolve("metrics.jsonl"));
            Map<String, Object> last = Json.parseObject(lines.getLast(), "metrics");
            assertTrue(last.get("source_leak") instanceof Number && last.get("source_leak_chance") instanceof Number,
                    last.toString());
            assertEquals(run.startsWith("iern"), last.get("emotion_leak_c") instanceof Number, last.toString());
            assertEquals(run.contains("+cadv"), last.get("adv") instanceof Number && last.get("src_dis") instanceof Number,
                    last.toString());
            assertTrue(Files.size(r.resolve("leakage.png")) > 0, r + " has no leakage chart");
        }
        Map<String, Object> summary = Json.parseObject(Files.readString(runs.resolve("summary.json")), "summary");
        assertTrue(summary.containsKey("bias0") && summary.containsKey("bias100"), summary.toString());
        assertTrue(((Map<?, ?>) summary.get("bias0")).containsKey("iern+cadv"), summary.toString());
        assertTrue(Files.size(runs.resolve("summary.png")) > 0);

        // summarize pools the same runs from their result.json files into the same table
        String trainTable = t.out().substring(t.out().indexOf("Accuracy"), t.out().indexOf("(written to"));
        Files.delete(runs.resolve("summary.json"));
        CliErrorsTest.Outcome sum = CliErrorsTest.run("summarize", "--out", runs.toString());
        assertEquals(0, sum.code(), sum.err());
        assertTrue(sum.out().contains("8 finished run(s)"), sum.out());
        assertTrue(sum.out().contains(trainTable), "summarize differs from train:\n" + sum.out() + "\nvs\n" + trainTable);
        assertEquals(summary, Json.parseObject(Files.readString(runs.resolve("summary.json")), "summary"));
        CliErrorsTest.Outcome none = CliErrorsTest.run("summarize", "--out", data.toString());
        assertEquals(2, none.code(), none.out());
        assertTrue(none.err().contains("no finished run"), none.err());
    }

    @Test
    void wholeProgramOnATinyBenchmark() throws Exception {
        Path data = dir.resolve("synth");
        CliErrorsTest.Outcome s = CliErrorsTest.run("synth", "--out", data.toString(), "--subjects", "2", "--size", "40");
        assertEquals(0, s.code(), s.err());
        assertTrue(Files.exists(data.resolve("train_ids_bias100v1.csv")));

        Path runs = dir.resolve("runs");
        String[] train = {"train", "--data", data.toString(), "--out", runs.toString(), "--epochs", "2",
            "--batch", "4", "--width", "0.0625", "--feat", "16", "--image-size", "36", "--threads", "1",
            "--workers", "0", "--method", "baseline,iern"};
        CliErrorsTest.Outcome t = CliErrorsTest.run(train);
        assertEquals(0, t.code(), t.err() + t.out());
        assertTrue(t.out().matches("(?s).*\\| setting +\\| baseline +\\| leak +\\| iern +\\| leak +\\|.*"), t.out());
        for (String run : List.of("baseline-seed1", "iern-seed1")) {
            Path r = runs.resolve("bias100-fold1").resolve(run);
            for (String f : List.of("checkpoint.safetensors", "checkpoint.json", "metrics.jsonl", "losses.png",
                    "accuracy.png", "confusion.png", "result.json")) {
                assertTrue(Files.exists(r.resolve(f)), r.resolve(f) + " missing; output: " + t.out());
            }
            assertEquals(2, Files.readAllLines(r.resolve("metrics.jsonl")).size());
        }
        Map<String, Object> summary = Json.parseObject(Files.readString(runs.resolve("summary.json")), "summary");
        assertTrue(summary.containsKey("bias100"), summary.toString());

        // A finished run resumed is only re-evaluated: same accuracy, no new epochs.
        Path iernRun = runs.resolve("bias100-fold1").resolve("iern-seed1");
        Object before = Json.parseObject(Files.readString(iernRun.resolve("result.json")), "r").get("accuracy");
        String[] resume = java.util.Arrays.copyOf(train, train.length + 1);
        resume[train.length] = "--resume";
        resume[java.util.Arrays.asList(resume).indexOf("baseline,iern")] = "iern";
        CliErrorsTest.Outcome again = CliErrorsTest.run(resume);
        assertEquals(0, again.code(), again.err() + again.out());
        assertTrue(again.out().contains("resuming"), again.out());
        assertEquals(2, Files.readAllLines(iernRun.resolve("metrics.jsonl")).size());
        Object after = Json.parseObject(Files.readString(iernRun.resolve("result.json")), "r").get("accuracy");
        assertEquals(before, after);

        // Resuming with another model is refused with the difference named.
        String[] other = resume.clone();
        other[java.util.Arrays.asList(other).indexOf("16")] = "32";
        CliErrorsTest.Outcome refused = CliErrorsTest.run(other);
        assertEquals(2, refused.code(), refused.out());
        assertTrue(refused.err().contains("feat_channels: 16 vs 32"), refused.err());

        CliErrorsTest.Outcome e = CliErrorsTest.run("eval", "--checkpoint", iernRun.toString(), "--data",
                data.toString(), "--threads", "1", "--confusion", dir.resolve("cm.png").toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("out of distribution") && e.out().contains("per source"), e.out());
        assertTrue(Files.size(dir.resolve("cm.png")) > 0);

        Path image;
        try (var files = Files.list(data.resolve("MMI").resolve("images"))) {
            image = files.sorted().findFirst().orElseThrow();
        }
        CliErrorsTest.Outcome p = CliErrorsTest.run("predict", "--checkpoint", iernRun.toString(), "--threads", "1",
                "--no-align", image.toString());
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().startsWith(image + ": "), p.out());
        assertTrue(p.out().contains("Surprise"), p.out());
    }
}
