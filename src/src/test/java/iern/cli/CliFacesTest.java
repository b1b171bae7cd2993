package iern.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.cli.face.FacePhotos;
import iern.engine.io.Json;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code iern align} and {@code iern predict} on real photographs ({@link FacePhotos}: skipped where
 * the Debian packages are missing, failed under {@code -Diern.require=faces}): crops written per
 * face and never over existing files, one answer per face with its box, no face reported and
 * counted in the exit code, and {@code --no-align} as before. One tiny one-epoch checkpoint serves
 * every test; what it answers does not matter, only that the answers are consistent.
 */
class CliFacesTest {
    @TempDir
    static Path dir;
    static Path ckpt;

    @BeforeAll
    static void trainOnce() {
        // skips the class (or fails it under -Diern.require=faces) before training when photos are missing
        FacePhotos.messi();
        FacePhotos.astronaut();
        FacePhotos.fruits();
        ckpt = CliErrorsTest.tinyBaselineRun(dir);
    }

    /** A folder of photos: messi5.jpg, the astronaut, both side by side, fruits (no face), a text file. */
    private static Path photos(String name) throws Exception {
        Path p = Files.createDirectories(dir.resolve(name));
        Files.copy(FacePhotos.messi(), p.resolve("messi5.jpg"));
        Files.copy(FacePhotos.astronaut(), p.resolve("astronaut.png"));
        FacePhotos.pairFile(p.resolve("pair.png"));
        Files.copy(FacePhotos.fruits(), p.resolve("fruits.jpg"));
        Files.writeString(p.resolve("notes.png"), "not an image\n");
        return p;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> entries(CliErrorsTest.Outcome o) {
        return (List<Map<String, Object>>) Json.parse(o.out(), "stdout");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void alignWritesACropPerFaceNamesTheFailuresAndNeverOverwrites() throws Exception {
        Path in = photos("align-in");
        Path out = dir.resolve("aligned");
        CliErrorsTest.Outcome o = CliErrorsTest.run("align", in.toString(), "--out", out.toString());
        assertEquals(PredictCommand.SOME_FAILED, o.code(), o.err());
        try (var files = Files.list(out)) {
            assertEquals(List.of("astronaut.png", "messi5.png", "pair_face1.png", "pair_face2.png"),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        for (String f : List.of("astronaut.png", "messi5.png", "pair_face1.png", "pair_face2.png")) {
            BufferedImage crop = ImageIO.read(out.resolve(f).toFile());
            assertEquals(256, crop.getWidth(), f);
            assertEquals(256, crop.getHeight(), f);
        }
        // the astronaut alone and on the left of the pair is the same face, cropped alike
        assertCropsAlike(out.resolve("astronaut.png"), out.resolve("pair_face1.png"));
        // one line per photo, in order, with its progress, faces and boxes
        List<String> lines = o.out().lines().toList();
        assertEquals(4, lines.size(), o.out());
        assertTrue(lines.get(0).startsWith("[1/5] " + in.resolve("astronaut.png") + ": 1 face -> astronaut.png (17"), o.out());
        assertTrue(lines.get(1).startsWith("[3/5] " + in.resolve("messi5.jpg") + ": 1 face -> messi5.png (2"), o.out());
        assertTrue(lines.get(1).endsWith("x37, eyes not found: not rotated)"), o.out());
        assertTrue(lines.get(2).startsWith("[5/5] " + in.resolve("pair.png") + ": 2 faces -> pair_face1.png ("), o.out());
        assertTrue(lines.get(3).startsWith("aligned 4 faces (2 from their eyes, 2 from the face box)") && lines.get(3).endsWith("of 3 of 5 images into " + out),
                o.out());
        assertTrue(o.err().contains("[2/5] " + in.resolve("fruits.jpg") + ": error: no face found"), o.err());
        assertTrue(o.err().contains("[4/5] " + in.resolve("notes.png") + ": error: not a decodable image"), o.err());
        assertTrue(o.err().contains("iern align: 2 of 5 images failed"), o.err());

        // again: nothing replaced, each photo refused by name, exit 2 as all failed
        FileTime before = Files.getLastModifiedTime(out.resolve("messi5.png"));
        byte[] bytes = Files.readAllBytes(out.resolve("messi5.png"));
        CliErrorsTest.Outcome again = CliErrorsTest.run("align", in.resolve("messi5.jpg").toString(),
                in.resolve("pair.png").toString(), "--out", out.toString());
        assertEquals(2, again.code(), again.err());
        assertTrue(again.err().contains(out.resolve("messi5.png") + " exists; --force replaces it"), again.err());
        assertTrue(again.err().contains(out.resolve("pair_face1.png") + " exists; --force replaces it"), again.err());
        assertTrue(again.err().contains("iern align: error: all 2 images failed"), again.err());
        assertEquals(before, Files.getLastModifiedTime(out.resolve("messi5.png")));
        assertArrayEquals(bytes, Files.readAllBytes(out.resolve("messi5.png")));

        // --force replaces, with the same crop; --size changes it
        CliErrorsTest.Outcome forced = CliErrorsTest.run("align", in.resolve("messi5.jpg").toString(), "--out",
                out.toString(), "--force", "--size", "128");
        assertEquals(0, forced.code(), forced.err());
        assertEquals(128, ImageIO.read(out.resolve("messi5.png").toFile()).getWidth());
        try (var files = Files.list(out)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith(".")), "no temporary file left");
        }
    }

    /** Two crops of one face: the same size, mean absolute difference under 4 grey levels. */
    private static void assertCropsAlike(Path a, Path b) throws Exception {
        BufferedImage x = ImageIO.read(a.toFile());
        BufferedImage y = ImageIO.read(b.toFile());
        double diff = 0;
        for (int j = 0; j < x.getHeight(); j++) {
            for (int i = 0; i < x.getWidth(); i++) {
                diff += Math.abs((x.getRGB(i, j) & 0xff) - (y.getRGB(i, j) & 0xff));
            }
        }
        diff /= x.getWidth() * x.getHeight();
        assertTrue(diff < 4, a.getFileName() + " vs " + b.getFileName() + ": mean difference " + diff);
    }

    @Test
    void alignTwoPhotosOfTheSameNameDoesNotLetOneReplaceTheOther() throws Exception {
        Path a = Files.createDirectories(dir.resolve("same-a"));
        Path b = Files.createDirectories(dir.resolve("same-b"));
        Files.copy(FacePhotos.messi(), a.resolve("face.jpg"));
        Files.copy(FacePhotos.astronaut(), b.resolve("face.png"));
        Path out = dir.resolve("same-out");
        CliErrorsTest.Outcome o = CliErrorsTest.run("align", a.resolve("face.jpg").toString(),
                b.resolve("face.png").toString(), "--out", out.toString(), "--force");
        assertEquals(PredictCommand.SOME_FAILED, o.code(), o.err());
        assertTrue(o.err().contains(out.resolve("face.png") + " was just written for " + a.resolve("face.jpg")), o.err());
    }

    @Test
    void alignRefusesBadOptionsWithOneLine() throws Exception {
        CliErrorsTest.Outcome size = CliErrorsTest.run("align", FacePhotos.messi().toString(), "--out",
                dir.resolve("x").toString(), "--size", "8");
        assertEquals(2, size.code());
        assertEquals("iern align: error: --size 8: expected 16 to 4096 pixels", size.err().strip());
        Path file = Files.writeString(dir.resolve("a-file"), "");
        CliErrorsTest.Outcome notDir = CliErrorsTest.run("align", FacePhotos.messi().toString(), "--out", file.toString());
        assertEquals(2, notDir.code());
        assertTrue(notDir.err().contains("--out " + file + " is not a directory"), notDir.err());
        CliErrorsTest.Outcome noFace = CliErrorsTest.run("align", FacePhotos.fruits().toString(), "--out",
                dir.resolve("none").toString());
        assertEquals(2, noFace.code(), noFace.err());
        assertTrue(noFace.err().contains("fruits.jpg: error: no face found"), noFace.err());
        assertTrue(noFace.out().contains("aligned 0 faces"), noFace.out());
    }

    @Test
    void predictAnswersPerFaceWithItsBoxAndNamesThePhotoWithout() throws Exception {
        Path in = photos("predict-in");
        CliErrorsTest.Outcome o = CliErrorsTest.run("predict", "--checkpoint", ckpt.toString(), "--threads", "1",
                in.resolve("pair.png").toString(), in.resolve("fruits.jpg").toString(), in.resolve("astronaut.png").toString());
        assertEquals(PredictCommand.SOME_FAILED, o.code(), o.err());
        List<String> lines = o.out().lines().toList();
        assertEquals(3, lines.size(), o.out());
        assertTrue(lines.get(0).matches(java.util.regex.Pattern.quote(in.resolve("pair.png").toString())
                + " face 1/2 \\(17\\d,6\\d 9\\dx9\\d\\): \\w+ \\(\\d+\\.\\d%\\) \\|( \\w+ \\d\\.\\d{3}){6}"), lines.get(0));
        assertTrue(lines.get(1).startsWith(in.resolve("pair.png") + " face 2/2 (7"), lines.get(1));
        assertTrue(lines.get(2).startsWith(in.resolve("astronaut.png") + " face 1/1 (17"), lines.get(2));
        // the same face alone or beside another gets the same answer
        assertEquals(lines.get(0).substring(lines.get(0).indexOf("): ")), lines.get(2).substring(lines.get(2).indexOf("): ")));
        assertTrue(o.err().contains(in.resolve("fruits.jpg") + ": error: no face found (--no-align predicts the whole image)"),
                o.err());
        assertTrue(o.err().contains("1 of 3 images failed"), o.err());

        CliErrorsTest.Outcome none = CliErrorsTest.run("predict", "--checkpoint", ckpt.toString(), "--threads", "1",
                in.resolve("fruits.jpg").toString());
        assertEquals(2, none.code(), none.err());
        assertEquals("", none.out());
    }

    @Test
    void predictJsonListsTheFacesAndTheLargestAnswersForThePhoto() throws Exception {
        Path in = photos("json-in");
        CliErrorsTest.Outcome o = CliErrorsTest.run("predict", "--checkpoint", ckpt.toString(), "--threads", "1", "--json",
                in.resolve("pair.png").toString(), in.resolve("fruits.jpg").toString(), in.resolve("notes.png").toString());
        assertEquals(PredictCommand.SOME_FAILED, o.code(), o.err());
        List<Map<String, Object>> e = entries(o);
        assertEquals(3, e.size());
        Map<String, Object> pair = e.get(0);
        assertEquals(true, pair.get("ok"));
        List<?> faces = (List<?>) pair.get("faces");
        assertEquals(2, faces.size(), pair.toString());
        Map<String, Object> left = map(faces.get(0));
        Map<String, Object> right = map(faces.get(1));
        Map<String, Object> box = map(left.get("box"));
        assertEquals(List.of("x", "y", "width", "height"), List.copyOf(box.keySet()));
        assertTrue((Long) box.get("x") < 512 && (Long) map(right.get("box")).get("x") >= 512, faces.toString());
        List<?> eyes = (List<?>) left.get("eyes");
        assertEquals(2, eyes.size(), left.toString());
        double lx = (Double) ((List<?>) eyes.get(0)).get(0);
        double rx = (Double) ((List<?>) eyes.get(1)).get(0);
        assertTrue(lx < rx && lx > (Long) box.get("x") && rx < (Long) box.get("x") + (Long) box.get("width"), left.toString());
        assertTrue(left.get("tilt") instanceof Double t && Math.abs(t) < 10, left.toString());
        for (Map<String, Object> f : List.of(left, right)) {
            Map<String, Object> p = map(f.get("probabilities"));
            assertEquals(6, p.size());
            assertEquals(1.0, p.values().stream().mapToDouble(v -> (Double) v).sum(), 1e-4);
            assertEquals(p.get((String) f.get("emotion")), f.get("probability"));
        }
        // the photo's own answer is its largest face's: the astronaut's
        assertEquals(left.get("probabilities"), pair.get("probabilities"));
        assertEquals(left.get("emotion"), pair.get("emotion"));

        Map<String, Object> fruits = e.get(1);
        assertEquals(false, fruits.get("ok"));
        assertTrue(((String) fruits.get("error")).startsWith("no face found"), fruits.toString());
        assertEquals(List.of(), fruits.get("faces"), "looked and found none");
        Map<String, Object> notes = e.get(2);
        assertEquals(false, notes.get("ok"));
        assertNull(notes.get("faces"), "never looked");
        assertTrue(notes.containsKey("faces"));
    }

    @Test
    void predictOnTheAlignedCropWithoutAligningGivesTheSameAnswer() throws Exception {
        // align + predict --no-align is predict: the crop goes through the same pipeline as a file of it
        Path out = dir.resolve("same-answer");
        assertEquals(0, CliErrorsTest.run("align", FacePhotos.astronaut().toString(), "--out", out.toString()).code());
        CliErrorsTest.Outcome aligned = CliErrorsTest.run("predict", "--checkpoint", ckpt.toString(), "--threads", "1",
                "--json", FacePhotos.astronaut().toString());
        CliErrorsTest.Outcome file = CliErrorsTest.run("predict", "--checkpoint", ckpt.toString(), "--threads", "1",
                "--json", "--no-align", out.resolve("astronaut.png").toString());
        assertEquals(0, aligned.code(), aligned.err());
        assertEquals(0, file.code(), file.err());
        Map<String, Object> a = entries(aligned).get(0);
        Map<String, Object> f = entries(file).get(0);
        assertEquals(f.get("probabilities"), a.get("probabilities"));
        assertEquals(f.get("probabilities"), map(((List<?>) a.get("faces")).get(0)).get("probabilities"));
        assertNull(f.get("faces"));
    }

    @Test
    void noAlignTakesTheWholePhotoAsBefore() throws Exception {
        CliErrorsTest.Outcome o = CliErrorsTest.run("predict", "--checkpoint", ckpt.toString(), "--threads", "1",
                "--no-align", FacePhotos.fruits().toString(), FacePhotos.messi().toString());
        assertEquals(0, o.code(), o.err());
        List<String> lines = o.out().lines().toList();
        assertEquals(2, lines.size(), o.out());
        assertTrue(lines.get(0).startsWith(FacePhotos.fruits() + ": "), o.out());
        assertFalse(o.out().contains(" face "), o.out());
    }
}
