package iern.data.loader;

import iern.data.BadInput;
import iern.data.DataException;
import iern.data.Sample;
import iern.data.TestImages;
import iern.data.transform.Pipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Corrupt, truncated, empty and vanished images: named errors, or skipped and counted. */
class BadImageTest {
    @TempDir
    Path dir;

    private List<Sample> samplesWith(Path bad) {
        List<Sample> list = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Path good = TestImages.png(dir.resolve("good" + i + ".png"), 9, 9, i);
            list.add(new Sample(good, "good" + i, i % 6, 0, "g" + i, "split.csv line " + (i + 1)));
        }
        list.add(2, new Sample(bad, "bad", 1, 1, "b", "split.csv line 9"));
        return list;
    }

    private Path corruptPng() throws Exception {
        Path p = dir.resolve("corrupt.png");
        byte[] real = Files.readAllBytes(TestImages.png(dir.resolve("real.png"), 9, 9, 1));
        byte[] cut = Arrays.copyOf(real, 40); // signature and part of IHDR, then nothing
        Files.write(p, cut);
        return p;
    }

    private Path truncatedJpeg() throws Exception {
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        Path full = dir.resolve("full.jpg");
        ImageIO.write(img, "jpeg", full.toFile());
        byte[] bytes = Files.readAllBytes(full);
        Path p = dir.resolve("cut.jpg");
        Files.write(p, Arrays.copyOf(bytes, 20));
        return p;
    }

    @Test
    void corruptPngNamesTheFileAndTheSplitLine() throws Exception {
        Path bad = corruptPng();
        DataException e = assertThrows(DataException.class,
                () -> ImageStore.open(samplesWith(bad), Pipeline.test(8), BadInput.fail()));
        assertTrue(e.getMessage().startsWith(bad + ": corrupt image (listed at split.csv line 9)"), e.getMessage());
        assertTrue(e.getMessage().endsWith("expected a readable PNG or JPEG"), e.getMessage());
    }

    @Test
    void truncatedJpegIsAnError() throws Exception {
        Path bad = truncatedJpeg();
        DataException e = assertThrows(DataException.class,
                () -> ImageStore.open(samplesWith(bad), Pipeline.test(8), BadInput.fail()));
        assertTrue(e.getMessage().startsWith(bad + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("(listed at split.csv line 9)"), e.getMessage());
    }

    @Test
    void textFileWithImageNameIsNotAnImage() throws Exception {
        Path bad = TestImages.write(dir.resolve("notes.png"), "hello");
        DataException e = assertThrows(DataException.class,
                () -> ImageStore.open(samplesWith(bad), Pipeline.test(8), BadInput.fail()));
        assertEquals(bad + ": not a decodable image (listed at split.csv line 9) (5 bytes, no PNG/JPEG/BMP signature);"
                + " expected a PNG or JPEG", e.getMessage());
    }

    @Test
    void imageDeletedAfterListingIsAnError() {
        Path gone = dir.resolve("gone.png");
        DataException e = assertThrows(DataException.class,
                () -> ImageStore.open(samplesWith(gone), Pipeline.test(8), BadInput.fail()));
        assertEquals(gone + ": image (listed at split.csv line 9) does not exist", e.getMessage());
    }

    @Test
    void skipModeLeavesBadImagesOutAndCountsThem() throws Exception {
        Path bad = corruptPng();
        BadInput skip = BadInput.skip();
        List<Sample> list = samplesWith(bad);
        list.add(new Sample(truncatedJpeg(), "cut", 0, 0, "c", "split.csv line 10"));
        ImageStore store = ImageStore.open(list, Pipeline.test(8), skip);
        assertEquals(2, skip.skippedCount());
        assertEquals(5, store.samples().size());
        assertTrue(store.samples().stream().noneMatch(s -> s.key().equals("bad") || s.key().equals("cut")));
        // skip mode verifies every image up front even when nothing is cached
        BadInput skip2 = BadInput.skip();
        ImageStore uncached = ImageStore.open(samplesWith(bad), 9, 0, 1, skip2);
        assertEquals(1, skip2.skippedCount());
        assertEquals(5, uncached.samples().size());
    }

    @Test
    void withoutCacheACorruptImageFailsOnTheConsumerThreadWithTheSameMessage() throws Exception {
        Path bad = corruptPng();
        Pipeline p = Pipeline.test(8);
        ImageStore store = ImageStore.open(samplesWith(bad), p.loadSize(), 0, 1, BadInput.fail());
        try (Loader loader = Loader.builder(store, p).batchSize(2).workers(2).shuffle(false).build()) {
            loader.startEpoch(0);
            loader.next(); // samples 0, 1 are fine
            DataException e = assertThrows(DataException.class, loader::next);
            assertTrue(e.getMessage().startsWith(bad + ": corrupt image (listed at split.csv line 9)"), e.getMessage());
        }
    }

    /** A noisy image cut at 60%: the header is whole, the scan data stops part way. */
    private Path cutMidway(String format, String name) throws Exception {
        BufferedImage img = new BufferedImage(48, 48, BufferedImage.TYPE_INT_RGB);
        java.util.Random r = new java.util.Random(3);
        for (int y = 0; y < 48; y++)
            for (int x = 0; x < 48; x++) img.setRGB(x, y, r.nextInt());
        Path full = dir.resolve("full." + format);
        ImageIO.write(img, format, full.toFile());
        byte[] bytes = Files.readAllBytes(full);
        return Files.write(dir.resolve(name), Arrays.copyOf(bytes, bytes.length * 6 / 10));
    }

    @Test
    void jpegCutMidScanIsDamagedNotGreyFilled() throws Exception {
        Path bad = cutMidway("jpeg", "cut.jpg");
        DataException e = assertThrows(DataException.class,
                () -> ImageStore.open(samplesWith(bad), Pipeline.test(8), BadInput.fail()));
        assertEquals(bad + ": damaged image (listed at split.csv line 9) (the JPEG decoder says 'Truncated File - "
                + "Missing EOI marker'); expected a complete PNG or JPEG", e.getMessage());
        BadInput skip = BadInput.skip();
        ImageStore store = ImageStore.open(samplesWith(bad), Pipeline.test(8), skip);
        assertEquals(1, skip.skippedCount());
        assertEquals(5, store.samples().size());
        assertTrue(skip.summary().contains("damaged image"), skip.summary());
    }

    @Test
    void pngCutMidDataIsCorrupt() throws Exception {
        Path bad = cutMidway("png", "cut.png");
        DataException e = assertThrows(DataException.class,
                () -> ImageStore.open(samplesWith(bad), Pipeline.test(8), BadInput.fail()));
        assertTrue(e.getMessage().startsWith(bad + ": corrupt image (listed at split.csv line 9)"), e.getMessage());
    }

    @Test
    void devicesAndFifosAreNotOpened() throws Exception {
        Path zero = Path.of("/dev/zero");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(zero));
        DataException e = assertTimeoutPreemptively(java.time.Duration.ofSeconds(5), () -> assertThrows(
                DataException.class, () -> ImageStore.open(samplesWith(zero), Pipeline.test(8), BadInput.fail())));
        assertEquals("/dev/zero: image (listed at split.csv line 9) is not a regular file (a FIFO, device or socket);"
                + " expected a regular file", e.getMessage());
        Path fifo = dir.resolve("fifo.png");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo is not available");
        DataException f = assertTimeoutPreemptively(java.time.Duration.ofSeconds(5), () -> assertThrows(
                DataException.class, () -> ImageStore.open(samplesWith(fifo), Pipeline.test(8), BadInput.fail())));
        assertTrue(f.getMessage().startsWith(fifo + ": image (listed at split.csv line 9) is not a regular file"),
                f.getMessage());
    }
}
