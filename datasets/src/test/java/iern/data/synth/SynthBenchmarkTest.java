package iern.data.synth;

import iern.data.BadInput;
import iern.data.MixBasic;
import iern.data.Sample;
import iern.data.SampleSet;
import iern.data.folds.FoldBuilder;
import iern.data.labels.LabelTable;
import iern.data.mix.MixDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SynthBenchmarkTest {
    static final SynthConfig TINY = new SynthConfig(11, 2, 32, 3);

    @TempDir
    Path dir;

    /** SHA-256 over every file's relative path and bytes, in sorted order. */
    static String treeHash(Path root) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            md.update(root.relativize(f).toString().getBytes());
            md.update(Files.readAllBytes(f));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() throws Exception {
        SynthBenchmark.generate(dir.resolve("a"), TINY);
        SynthBenchmark.generate(dir.resolve("b"), TINY);
        SynthBenchmark.generate(dir.resolve("c"), TINY.withSeed(12));
        assertEquals(treeHash(dir.resolve("a")), treeHash(dir.resolve("b")));
        assertNotEquals(treeHash(dir.resolve("a")), treeHash(dir.resolve("c")));
    }

    @Test
    void writesTheMixDatasetLayoutThatTheRealDataReaderReads() throws Exception {
        Path root = dir.resolve("s");
        SynthBenchmark.Result r = SynthBenchmark.generate(root, TINY);
        assertTrue(r.generated());
        assertEquals(3 * 2 * 6 * 3, r.images());
        assertTrue(Files.exists(root.resolve("CKPlus/images/S001_001_00000010.png")));
        assertTrue(Files.exists(root.resolve("MMI/images/S002_111_042.png")));
        assertTrue(Files.exists(root.resolve("OuluCASIA/images/P001_Surprise_017.png")));
        BufferedImage img = ImageIO.read(root.resolve("MMI/images/S001_100_040.png").toFile());
        assertEquals(32, img.getWidth());
        assertEquals(32, img.getHeight());

        LabelTable labels = LabelTable.read(root.resolve(SynthBenchmark.LABELS), BadInput.fail());
        assertEquals(108, labels.size());
        assertEquals("Surprise", labels.get("oulucasia_P001_Surprise_017"));
        for (FoldBuilder.Bias bias : List.of(FoldBuilder.Bias.BIAS100, FoldBuilder.Bias.BIAS90)) {
            for (int fold = 1; fold <= 3; fold++) {
                SampleSet train = MixDataset.open(root, root.resolve(FoldBuilder.splitName("train", bias, fold)),
                        labels, BadInput.fail());
                SampleSet test = MixDataset.open(root, root.resolve(FoldBuilder.splitName("test", bias, fold)),
                        labels, BadInput.fail());
                assertEquals(108, train.size() + test.size());
                // bias100: 6 held-out cells x 2 subjects x 3 frames; bias90 moves round(0.2) = 0 sequences
                assertEquals(36, test.size(), bias + " fold " + fold);
                for (Sample s : test.samples())
                    assertTrue(FoldBuilder.isHeldOut(fold, s.confounder(), s.emotion()), s.key());
            }
        }
    }

    @Test
    void bias90OfTwentySubjectsMovesTwoSequencesPerHeldOutCell() throws Exception {
        Path root = dir.resolve("d");
        SynthConfig cfg = new SynthConfig(3, 20, 16, 3); // tiny images to stay fast
        SynthBenchmark.generate(root, cfg);
        LabelTable labels = LabelTable.read(root.resolve(SynthBenchmark.LABELS), BadInput.fail());
        SampleSet test100 = MixDataset.open(root, root.resolve("test_ids_bias100v2.csv"), labels, BadInput.fail());
        SampleSet test90 = MixDataset.open(root, root.resolve("test_ids_bias90v2.csv"), labels, BadInput.fail());
        SampleSet train90 = MixDataset.open(root, root.resolve("train_ids_bias90v2.csv"), labels, BadInput.fail());
        assertEquals(6 * 20 * 3, test100.size());
        assertEquals(6 * 18 * 3, test90.size());
        assertEquals(1080 - 6 * 18 * 3, train90.size());
    }

    @Test
    void secondCallWithSameConfigSkipsAndDifferentConfigIsRefused() throws Exception {
        Path root = dir.resolve("s");
        assertTrue(SynthBenchmark.generate(root, TINY).generated());
        String before = treeHash(root);
        assertFalse(SynthBenchmark.generate(root, TINY).generated());
        assertEquals(before, treeHash(root));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SynthBenchmark.generate(root, TINY.withImageSize(48)));
        assertTrue(e.getMessage().contains("imageSize=32 (asked 48)"), e.getMessage());
        // a damaged tree (an image deleted) is rewritten to the same bytes
        Files.delete(root.resolve("CKPlus/images/S001_001_00000010.png"));
        assertTrue(SynthBenchmark.generate(root, TINY).generated());
        assertEquals(before, treeHash(root));
    }

    @Test
    void aSetOfAnOlderFormatIsRegeneratedNotReused() throws Exception {
        Path root = dir.resolve("old");
        SynthBenchmark.generate(root, TINY);
        String fresh = treeHash(root);
        // what the first generator left: format 1, other sizes, an image and a split file this one does not write
        Path manifest = root.resolve(SynthBenchmark.MANIFEST);
        Files.writeString(manifest, Files.readString(manifest).replace("format=" + SynthConfig.FORMAT_VERSION, "format=1")
                .replace("framesPerSequence=3", "framesPerSequence=2"));
        Files.writeString(root.resolve("CKPlus/images/S099_001_00000010.png"), "old");
        Files.writeString(root.resolve("test_ids_bias100v9.csv"), "old");
        Files.writeString(root.resolve("notes.txt"), "the user's own file");
        assertTrue(SynthBenchmark.generate(root, TINY).generated());
        assertFalse(Files.exists(root.resolve("CKPlus/images/S099_001_00000010.png")));
        assertFalse(Files.exists(root.resolve("test_ids_bias100v9.csv")));
        Files.delete(root.resolve("notes.txt")); // kept: it is not the generator's
        assertEquals(fresh, treeHash(root));
    }

    @Test
    void refusesToWriteIntoADataSetItDidNotMake() throws Exception {
        Path root = dir.resolve("real");
        Files.createDirectories(root.resolve("CKPlus/images"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SynthBenchmark.generate(root, TINY));
        assertTrue(e.getMessage().contains("not a synthetic set"), e.getMessage());
    }

    @Test
    void aUsersLabelFileIsReplacedOnlyWithForce() throws Exception {
        Path root = dir.resolve("mine");
        Files.createDirectories(root);
        Files.writeString(root.resolve(SynthBenchmark.LABELS), "my,labels\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SynthBenchmark.generate(root, TINY));
        assertTrue(e.getMessage().contains(SynthBenchmark.LABELS) && e.getMessage().contains("--force"), e.getMessage());
        assertEquals("my,labels\n", Files.readString(root.resolve(SynthBenchmark.LABELS)));
        assertTrue(SynthBenchmark.generate(root, TINY, true).generated());
        assertTrue(Files.readString(root.resolve(SynthBenchmark.LABELS)).contains("ckplus_S001"));
    }

    @Test
    void aSetInterruptedWhileWrittenIsWrittenAgain() throws Exception {
        Path root = dir.resolve("cut");
        SynthBenchmark.generate(root, TINY);
        String fresh = treeHash(root);
        // what a Ctrl-C leaves: the manifest written first says not complete, and images are missing
        Path manifest = root.resolve(SynthBenchmark.MANIFEST);
        Files.writeString(manifest, Files.readString(manifest).replace("complete=true", "complete=false"));
        try (Stream<Path> images = Files.list(root.resolve("MMI/images"))) {
            for (Path p : images.limit(5).toList()) {
                Files.delete(p);
            }
        }
        Files.delete(root.resolve(SynthBenchmark.LABELS));
        assertTrue(SynthBenchmark.generate(root, TINY).generated());
        assertEquals(fresh, treeHash(root));
    }

    @Test
    void aPlantedManifestNeverDeletesImagesSynthDidNotWrite() throws Exception {
        Path root = dir.resolve("real");
        Path photo = root.resolve("OuluCASIA/images/photo_of_a_person.png");
        Files.createDirectories(photo.getParent());
        Files.writeString(photo, "a real image");
        Files.writeString(root.resolve(SynthBenchmark.MANIFEST), "format=1\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SynthBenchmark.generate(root, TINY));
        assertTrue(e.getMessage().contains("photo_of_a_person.png"), e.getMessage());
        assertEquals("a real image", Files.readString(photo));
    }

    @Test
    void framesOfASequenceDifferOnlyALittleAndEmotionsDifferMore() {
        SynthConfig cfg = new SynthConfig(5, 1, 64, 3);
        BufferedImage f0 = SynthBenchmark.render(cfg, 0, 0, 5, 0);
        BufferedImage f2 = SynthBenchmark.render(cfg, 0, 0, 5, 2);
        BufferedImage other = SynthBenchmark.render(cfg, 0, 0, 0, 2);
        double withinSequence = meanAbsDiff(f0, f2);
        double acrossEmotion = meanAbsDiff(other, f2);
        assertTrue(withinSequence > 0.5, "frames must change: " + withinSequence);
        assertTrue(acrossEmotion > withinSequence, acrossEmotion + " vs " + withinSequence);
    }

    @Test
    void contactSheetShowsSourcesTimesEmotions() throws Exception {
        Path out = dir.resolve("sheet.png");
        ContactSheet.ofSynth(TINY, 1, 40, out);
        BufferedImage sheet = ImageIO.read(out.toFile());
        assertEquals(6 * 40, sheet.getWidth());
        assertEquals(3 * (40 + 14), sheet.getHeight());
        assertEquals(MixBasic.SOURCES.size(), 3);
    }

    static double meanAbsDiff(BufferedImage a, BufferedImage b) {
        double sum = 0;
        for (int y = 0; y < a.getHeight(); y++)
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y), q = b.getRGB(x, y);
                for (int s = 0; s <= 16; s += 8) sum += Math.abs(((p >> s) & 0xff) - ((q >> s) & 0xff));
            }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }

    @Test
    void absurdSizesAreRefusedNamingTheFieldAndItsBound() {
        IllegalArgumentException subjects = assertThrows(IllegalArgumentException.class,
                () -> new SynthConfig(1, 100_000_000, 64, 2)); // took 7.9 GB before
        assertEquals("subjectsPerSource must be 1..10000, got 100000000", subjects.getMessage());
        assertEquals("imageSize must be 16..1024, got 8",
                assertThrows(IllegalArgumentException.class, () -> new SynthConfig(1, 150, 8, 2)).getMessage());
        assertEquals("framesPerSequence must be 1..9, got 10",
                assertThrows(IllegalArgumentException.class, () -> new SynthConfig(1, 150, 64, 10)).getMessage());
        assertEquals("subjectsPerSource x framesPerSequence gives 360000 images (3 sources x 6 emotions x 10000 x 2);"
                + " must be at most 200000",
                assertThrows(IllegalArgumentException.class, () -> new SynthConfig(1, 10_000, 64, 2)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SynthConfig(1, 1000, 1024, 1)).getMessage()
                .endsWith("pixels; must be at most 4294967296"));
        assertEquals(5400, 3 * SynthConfig.defaults().imagesPerSource());
    }
}
