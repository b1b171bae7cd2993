package iern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.io.Json;
import iern.engine.io.SafeTensors;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Output for scripts: {@code --json} on eval and predict (stdout one JSON document, nothing
 * else), predict over directories and globs with per-file errors and exit codes 0/4/2, and eval
 * refusing a split that overlaps the checkpoint's training data. One tiny benchmark and one
 * one-epoch baseline serve every test.
 */
class CliScriptOutputTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path run;
    static Path good;

    @BeforeAll
    static void trainOnce() throws Exception {
        data = dir.resolve("synth");
        run = CliErrorsTest.tinyBaselineRun(dir);
        // two good images, a file that is no image, a truncated PNG, and one over --max-pixels
        good = Files.createDirectories(dir.resolve("photos"));
        List<Path> images;
        try (var files = Files.list(data.resolve("MMI").resolve("images"))) {
            images = files.sorted().limit(2).toList();
        }
        Files.copy(images.get(0), good.resolve("a.png"));
        Files.copy(images.get(1), good.resolve("b.png"));
        Path bad = Files.createDirectories(dir.resolve("bad"));
        Files.writeString(bad.resolve("notes.png"), "not an image\n");
        byte[] png = Files.readAllBytes(images.get(0));
        Files.write(bad.resolve("cut.png"), java.util.Arrays.copyOf(png, png.length / 3));
        ImageIO.write(new BufferedImage(100, 100, BufferedImage.TYPE_INT_RGB), "png", bad.resolve("huge.png").toFile());
    }

    private static String ckpt() {
        return run.toString();
    }

    /** Stdout is exactly one JSON value (parsing refuses anything after it). */
    private static Object json(CliErrorsTest.Outcome o) {
        return Json.parse(o.out(), "stdout");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> entries(CliErrorsTest.Outcome o) {
        return (List<Map<String, Object>>) json(o);
    }

    @Test
    void evalJsonIsOneDocumentWithTheWholeReport() {
        CliErrorsTest.Outcome o = CliErrorsTest.run("eval", "--checkpoint", ckpt(), "--data", data.toString(),
                "--threads", "1", "--json", "--confusion", dir.resolve("cm.png").toString());
        assertEquals(0, o.code(), o.err());
        Map<String, Object> doc = map(json(o));
        assertEquals(run.resolve("checkpoint.safetensors").toString(), doc.get("checkpoint"));
        assertEquals(data.resolve("test_ids_bias100v1.csv").toString(), doc.get("split"));
        assertEquals(1L, doc.get("fold"));
        assertEquals("100", doc.get("bias"));
        Map<String, Object> acc = map(doc.get("accuracy"));
        assertEquals(12L, acc.get("images"));
        for (String k : List.of("overall", "out_of_distribution", "mean_per_emotion")) {
            assertTrue(acc.get(k) instanceof Double v && v >= 0 && v <= 1, k + ": " + acc);
        }
        assertNull(acc.get("in_distribution"), "bias100 fold 1's test split is all out of distribution: " + acc);
        assertEquals(6, map(acc.get("per_emotion")).size());
        assertEquals(List.of("CKPlus", "MMI", "OuluCASIA"), List.copyOf(map(acc.get("per_source")).keySet()));
        List<?> confusion = (List<?>) acc.get("confusion");
        long total = 0;
        for (Object row : confusion) {
            assertEquals(6, ((List<?>) row).size());
            for (Object v : (List<?>) row) {
                total += (Long) v;
            }
        }
        assertEquals(12, total);
        Map<String, Object> overall = map(map(doc.get("counts")).get("overall"));
        assertEquals(acc.get("overall"), (double) (Long) overall.get("correct") / (Long) overall.get("images"));
        Map<String, Object> overlap = map(doc.get("overlap"));
        assertEquals(true, overlap.get("checked"));
        assertEquals(0L, overlap.get("training_images"));
        // notices (the confusion PNG) go to stderr, never into the document
        assertTrue(o.err().contains("confusion matrix: "), o.err());
        assertTrue(Files.exists(dir.resolve("cm.png")));
    }

    @Test
    void evalRefusesASplitItWasTrainedOnUnlessAllowed() {
        // fold 2's test images are fold 1's training images
        String[] fold2 = {"eval", "--checkpoint", ckpt(), "--data", data.toString(), "--threads", "1", "--fold", "2"};
        CliErrorsTest.Outcome refused = CliErrorsTest.run(fold2);
        assertEquals(2, refused.code(), refused.err());
        assertEquals("", refused.out());
        assertEquals(1, refused.err().lines().count(), refused.err());
        assertTrue(refused.err().contains("12 of the 12 images of " + data.resolve("test_ids_bias100v2.csv")
                + " were in the training data of") && refused.err().contains("--allow-overlap"), refused.err());

        CliErrorsTest.Outcome text = CliErrorsTest.run(with(fold2, "--allow-overlap"));
        assertEquals(0, text.code(), text.err());
        assertTrue(text.err().contains("WARNING: 12 of the 12 images"), text.err());
        assertTrue(text.out().contains("WARNING: 12 of these 12 images were in the checkpoint's training data"), text.out());

        CliErrorsTest.Outcome js = CliErrorsTest.run(with(fold2, "--allow-overlap", "--json"));
        assertEquals(0, js.code(), js.err());
        assertTrue(js.err().contains("WARNING"), js.err());
        Map<String, Object> overlap = map(map(json(js)).get("overlap"));
        assertEquals(12L, overlap.get("training_images"));
        assertEquals(true, overlap.get("allowed"));
    }

    @Test
    void anOlderCheckpointIsEvaluatedWithAWarningAndADamagedKeyListIsRefused() throws Exception {
        Path old = rewriteData(dir.resolve("old.safetensors"), d -> d.remove("train_keys"));
        CliErrorsTest.Outcome o = CliErrorsTest.run("eval", "--checkpoint", old.toString(), "--data", data.toString(),
                "--threads", "1", "--fold", "2", "--json");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.err().contains("does not record which images it was trained on"), o.err());
        Map<String, Object> overlap = map(map(json(o)).get("overlap"));
        assertEquals(false, overlap.get("checked"));

        Path damaged = rewriteData(dir.resolve("damaged.safetensors"), d -> d.put("train_keys", "sha256-64:!!"));
        CliErrorsTest.Outcome d = CliErrorsTest.run("eval", "--checkpoint", damaged.toString(), "--data",
                data.toString(), "--threads", "1");
        assertEquals(2, d.code(), d.err());
        assertTrue(d.err().contains("'train_keys' is damaged"), d.err());
    }

    /** A copy of the run's checkpoint with its metadata's {@code data} map changed. */
    private static Path rewriteData(Path to, Consumer<Map<String, Object>> change) throws Exception {
        SafeTensors.Contents c = SafeTensors.read(run.resolve("checkpoint.safetensors"));
        Map<String, Object> meta = Json.parseObject(c.metadata().get("iern"), "meta");
        Map<String, Object> d = map(meta.get("data"));
        assertTrue(d.get("train_keys") instanceof String, "the run records its training keys: " + d.keySet());
        change.accept(d);
        SafeTensors.write(to, c.tensors(), Map.of("iern", Json.write(meta)));
        return to;
    }

    @Test
    void predictJsonOverADirectoryAndGlobsAnswersTheGoodAndNamesTheBad() {
        Path cwd = Path.of("").toAbsolutePath();
        String relativeGlob = cwd.relativize(good).resolve("b.*").toString();
        CliErrorsTest.Outcome o = CliErrorsTest.run("predict", "--checkpoint", ckpt(), "--threads", "1",
                "--max-pixels", "5000", "--json", "--no-align", good.toString(), dir.resolve("bad").resolve("*.png").toString(),
                relativeGlob, dir.resolve("nothing*.jpg").toString());
        assertEquals(PredictCommand.SOME_FAILED, o.code(), o.err());
        List<Map<String, Object>> e = entries(o);
        List<String> files = e.stream().map(m -> (String) m.get("file")).toList();
        Path bad = dir.resolve("bad");
        assertEquals(List.of(good.resolve("a.png").toString(), good.resolve("b.png").toString(),
                bad.resolve("cut.png").toString(), bad.resolve("huge.png").toString(), bad.resolve("notes.png").toString(),
                cwd.relativize(good).resolve("b.png").toString(), dir.resolve("nothing*.jpg").toString()), files);
        List<Boolean> ok = e.stream().map(m -> (Boolean) m.get("ok")).toList();
        assertEquals(List.of(true, true, false, false, false, true, false), ok);
        for (Map<String, Object> m : e) {
            assertTrue(m.containsKey("faces") && m.get("faces") == null, m.toString());
            if ((Boolean) m.get("ok")) {
                Map<String, Object> p = map(m.get("probabilities"));
                assertEquals(6, p.size());
                double sum = 0;
                double max = 0;
                for (Object v : p.values()) {
                    sum += (Double) v;
                    max = Math.max(max, (Double) v);
                }
                assertEquals(1.0, sum, 1e-4);
                assertEquals(max, (Double) m.get("probability"));
                assertEquals(max, (Double) p.get((String) m.get("emotion")));
                assertFalse(m.containsKey("error"));
            } else {
                assertTrue(m.get("error") instanceof String s && !s.isEmpty(), m.toString());
            }
        }
        assertTrue(e.get(2).get("error").toString().contains("corrupt image"), e.get(2).toString());
        assertTrue(e.get(3).get("error").toString().contains("over the limit of 5000"), e.get(3).toString());
        assertTrue(e.get(4).get("error").toString().contains("not a decodable image"), e.get(4).toString());
        assertEquals("no file matches this pattern", e.get(6).get("error"));
        assertEquals(e.get(1).get("probabilities"), e.get(5).get("probabilities"), "same file, same answer");
        assertTrue(o.err().contains("4 of 7 images failed"), o.err());
    }

    @Test
    void predictTextModeReportsEachBadFileOnStderrAndGoesOn() {
        Path bad = dir.resolve("bad");
        CliErrorsTest.Outcome o = CliErrorsTest.run("predict", "--checkpoint", ckpt(), "--threads", "1", "--no-align",
                bad.resolve("notes.png").toString(), good.resolve("a.png").toString());
        assertEquals(PredictCommand.SOME_FAILED, o.code(), o.err());
        assertEquals(1, o.out().lines().count(), o.out());
        assertTrue(o.out().startsWith(good.resolve("a.png") + ": "), o.out());
        assertTrue(o.err().lines().anyMatch(l -> l.startsWith(bad.resolve("notes.png") + ": error: not a decodable image")),
                o.err());
    }

    @Test
    void allBadIsExitTwoInBothModes() {
        Path bad = dir.resolve("bad");
        String[] args = {"predict", "--checkpoint", ckpt(), "--threads", "1", "--max-pixels", "5000", bad.toString(),
            dir.resolve("missing.png").toString()};
        CliErrorsTest.Outcome text = CliErrorsTest.run(args);
        assertEquals(2, text.code(), text.err());
        assertEquals("", text.out());
        assertEquals(4, text.err().lines().filter(l -> l.startsWith(dir.toString()) && l.contains(": error: ")).count(),
                text.err());
        assertTrue(text.err().contains(dir.resolve("missing.png") + ": error: does not exist"), text.err());
        assertTrue(text.err().contains("all 4 images failed"), text.err());

        CliErrorsTest.Outcome js = CliErrorsTest.run(with(args, "--json"));
        assertEquals(2, js.code(), js.err());
        List<Map<String, Object>> e = entries(js);
        assertEquals(4, e.size());
        assertTrue(e.stream().noneMatch(m -> (Boolean) m.get("ok")), e.toString());
    }

    @Test
    void globsExpandLikeAShell() throws Exception {
        Path g = Files.createDirectories(dir.resolve("glob"));
        Files.createDirectories(g.resolve("sub").resolve("deep"));
        for (Path p : List.of(g.resolve("x.jpg"), g.resolve("y.JPG"), g.resolve(".hidden.jpg"), g.resolve("z.txt"),
                g.resolve("sub").resolve("s.jpg"), g.resolve("sub").resolve("deep").resolve("d.jpg"))) {
            Files.writeString(p, "");
        }
        assertEquals(List.of("x.jpg"), names(g + "/*.jpg"));
        assertEquals(List.of(".hidden.jpg"), names(g + "/.*.jpg"));
        assertEquals(List.of("s.jpg"), names(g + "/*/*.jpg"));
        assertEquals(List.of("d.jpg", "s.jpg", "x.jpg"), names(g + "/**.jpg"));
        assertEquals(List.of("x.jpg", "y.JPG"), names(g + "/[xy].{jpg,JPG}"));
        // a directory matched is taken as if given: its image files
        assertEquals(List.of("s.jpg"), names(g + "/su?"));
        // a name with wildcard characters that exists is taken as it is
        Path literal = Files.writeString(g.resolve("odd[1].png"), "");
        assertEquals(List.of(new PredictCommand.Item(literal.toString(), literal, null)),
                PredictCommand.expand(literal.toString()));
    }

    private static List<String> names(String pattern) {
        List<String> out = new ArrayList<>();
        for (PredictCommand.Item i : PredictCommand.expand(pattern)) {
            assertTrue(i.file() != null, pattern + ": " + i);
            out.add(i.file().getFileName().toString());
        }
        return out;
    }

    private static String[] with(String[] args, String... more) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
