package iern.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import iern.engine.io.Json;
import iern.engine.io.SafeTensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TensorBoard event files of a tiny training run, read back by a decoder of this test's own
 * (TFRecord framing with both masked CRC-32C checksums computed here, the protobuf wire format
 * decoded by hand): the file version first, one scalar per number of each metrics record at
 * step = epoch, the confusion chart as a PNG image, and no epoch twice after a resume.
 */
class TensorBoardLogTest {
    @TempDir
    Path dir;

    // ------------------------------------------------------------------ an independent reader

    /** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), bit by bit through a table. */
    private static final int[] CRC_TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ 0x82F63B78 : c >>> 1;
            }
            CRC_TABLE[i] = c;
        }
    }

    static int crc32c(byte[] b, int off, int len) {
        int c = ~0;
        for (int i = off; i < off + len; i++) {
            c = CRC_TABLE[(c ^ b[i]) & 0xff] ^ (c >>> 8);
        }
        return ~c;
    }

    static int masked(int crc) {
        return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    }

    /** The records of a TFRecord file; fails unless the framing and both checksums of each are right. */
    static List<byte[]> records(byte[] f) {
        List<byte[]> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 0;
        while (pos < f.length) {
            assertTrue(f.length - pos >= 16, "truncated record header at " + pos);
            long len = b.getLong(pos);
            assertEquals(masked(crc32c(f, pos, 8)), b.getInt(pos + 8), "length checksum at " + pos);
            assertTrue(len >= 0 && len <= f.length - pos - 16, "length " + len + " at " + pos);
            int start = pos + 12;
            assertEquals(masked(crc32c(f, start, (int) len)), b.getInt(start + (int) len), "data checksum at " + pos);
            out.add(java.util.Arrays.copyOfRange(f, start, start + (int) len));
            pos = start + (int) len + 4;
        }
        return out;
    }

    /** A protobuf message's fields by number: varints and fixed64 as Long, fixed32 as Integer, length-delimited as byte[]. */
    static Map<Integer, List<Object>> fields(byte[] m) {
        Map<Integer, List<Object>> out = new TreeMap<>();
        int[] pos = {0};
        while (pos[0] < m.length) {
            long key = varint(m, pos);
            int number = (int) (key >>> 3);
            int wire = (int) (key & 7);
            Object v = switch (wire) {
                case 0 -> varint(m, pos);
                case 1 -> {
                    long x = ByteBuffer.wrap(m, pos[0], 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                    pos[0] += 8;
                    yield x;
                }
                case 2 -> {
                    int len = (int) varint(m, pos);
                    assertTrue(len >= 0 && pos[0] + len <= m.length, "length-delimited field " + number + " overruns");
                    byte[] x = java.util.Arrays.copyOfRange(m, pos[0], pos[0] + len);
                    pos[0] += len;
                    yield x;
                }
                case 5 -> {
                    int x = ByteBuffer.wrap(m, pos[0], 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
                    pos[0] += 4;
                    yield x;
                }
                default -> throw new AssertionError("wire type " + wire + " of field " + number);
            };
            out.computeIfAbsent(number, k -> new ArrayList<>()).add(v);
        }
        return out;
    }

    static long varint(byte[] m, int[] pos) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = m[pos[0]++];
            v |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw new AssertionError("varint longer than 10 bytes");
    }

    static Object one(Map<Integer, List<Object>> f, int number) {
        List<Object> l = f.get(number);
        if (l == null) {
            return null;
        }
        assertEquals(1, l.size(), "field " + number + " repeated");
        return l.getFirst();
    }

    /** One decoded Event: file_version, or a step's scalars (tag -> float) and images (tag -> image fields). */
    record Decoded(double wallTime, long step, String fileVersion, Map<String, Float> scalars,
                   Map<String, Map<Integer, List<Object>>> images) {}

    static Decoded event(byte[] data) {
        Map<Integer, List<Object>> e = fields(data);
        Object wall = one(e, 1);
        Object step = one(e, 2);
        Object version = one(e, 3);
        Map<String, Float> scalars = new LinkedHashMap<>();
        Map<String, Map<Integer, List<Object>>> images = new LinkedHashMap<>();
        if (one(e, 5) instanceof byte[] summary) {
            for (Object v : fields(summary).getOrDefault(1, List.of())) {
                Map<Integer, List<Object>> value = fields((byte[]) v);
                String tag = new String((byte[]) one(value, 1), StandardCharsets.UTF_8);
                if (one(value, 2) instanceof Integer bits) {
                    assertNull(scalars.put(tag, Float.intBitsToFloat(bits)), "tag " + tag + " twice in one event");
                } else if (one(value, 4) instanceof byte[] image) {
                    assertNull(images.put(tag, fields(image)), "image " + tag + " twice in one event");
                } else {
                    fail("value " + tag + " has neither simple_value nor image: " + value.keySet());
                }
            }
        }
        return new Decoded(wall == null ? 0 : Double.longBitsToDouble((Long) wall), step == null ? 0 : (Long) step,
                version == null ? null : new String((byte[]) version, StandardCharsets.UTF_8), scalars, images);
    }

    /** Every event of a file; asserts that the first, and only the first, is the file-version event. */
    static List<Decoded> events(Path file) throws Exception {
        List<Decoded> out = new ArrayList<>();
        for (byte[] r : records(Files.readAllBytes(file))) {
            out.add(event(r));
        }
        assertFalse(out.isEmpty(), file + " is empty");
        assertEquals("brain.Event:2", out.getFirst().fileVersion(), "first event of " + file);
        assertTrue(out.getFirst().wallTime() > 1.6e9, "wall time in seconds: " + out.getFirst().wallTime());
        for (Decoded d : out.subList(1, out.size())) {
            assertNull(d.fileVersion(), "a second file_version in " + file);
            assertTrue(d.step() >= 1, "step " + d.step());
        }
        return out;
    }

    static List<Path> eventFiles(Path run) throws Exception {
        try (var s = Files.list(run.resolve("tensorboard"))) {
            return s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).sorted().toList();
        }
    }

    // ------------------------------------------------------------------ the run

    private String[] train(Path data, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--data", data.toString(), "--out", out.toString(),
                "--epochs", "2", "--batch", "4", "--width", "0.0625", "--feat", "16", "--image-size", "36",
                "--threads", "1", "--workers", "0", "--method", "iern", "--eval-every", "1"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    /**
     * (step, tag) -> value over all of a run's event files, failing on a (step, tag) seen twice;
     * also checks each file's framing, checksums and file version.
     */
    static Map<Long, Map<String, Float>> scalarsOf(Path run) throws Exception {
        Map<Long, Map<String, Float>> out = new TreeMap<>();
        for (Path f : eventFiles(run)) {
            for (Decoded d : events(f)) {
                for (var s : d.scalars().entrySet()) {
                    assertNull(out.computeIfAbsent(d.step(), k -> new TreeMap<>()).put(s.getKey(), s.getValue()),
                            "step " + d.step() + " tag " + s.getKey() + " logged twice (" + f.getFileName() + ")");
                }
            }
        }
        return out;
    }

    /** What metrics.jsonl says the scalars must be: every number of each line, as float32, at step = epoch. */
    static Map<Long, Map<String, Float>> expected(Path run) throws Exception {
        Map<Long, Map<String, Float>> out = new TreeMap<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
            Map<String, Object> r = Json.parseObject(line, "metrics");
            long epoch = ((Number) r.get("epoch")).longValue();
            Map<String, Float> m = new TreeMap<>();
            for (var e : r.entrySet()) {
                if (!e.getKey().equals("epoch") && !e.getKey().equals("epochs") && e.getValue() instanceof Number n) {
                    m.put(TensorBoardLog.tag(e.getKey()), n.floatValue());
                }
            }
            out.put(epoch, m);
        }
        return out;
    }

    /** The confusion images over all files: step -> image fields; fails on a step twice. */
    static Map<Long, Map<Integer, List<Object>>> imagesOf(Path run) throws Exception {
        Map<Long, Map<Integer, List<Object>>> out = new TreeMap<>();
        for (Path f : eventFiles(run)) {
            for (Decoded d : events(f)) {
                for (var i : d.images().entrySet()) {
                    assertEquals("confusion", i.getKey());
                    assertNull(out.put(d.step(), i.getValue()), "image at step " + d.step() + " twice");
                }
            }
        }
        return out;
    }

    @Test
    void aRunsEventFilesHoldItsMetricsAndConfusionAndAResumeRepeatsNoEpoch() throws Exception {
        Path data = dir.resolve("synth");
        assertEquals(0, CliErrorsTest.run("synth", "--out", data.toString(), "--subjects", "2", "--size", "40",
                "--frames", "1").code());
        Path out = dir.resolve("runs");
        CliErrorsTest.Outcome t = CliErrorsTest.run(train(data, out));
        assertEquals(0, t.code(), t.err() + t.out());
        Path run = out.resolve("bias100-fold1").resolve("iern-seed1");
        assertEquals(1, eventFiles(run).size(), eventFiles(run).toString());
        assertTrue(eventFiles(run).getFirst().getFileName().toString().matches("events\\.out\\.tfevents\\.\\d{10}\\..+"),
                eventFiles(run).toString());

        Map<Long, Map<String, Float>> scalars = scalarsOf(run);
        assertEquals(expected(run), scalars);
        assertEquals(List.of(1L, 2L), List.copyOf(scalars.keySet()));
        for (String tag : List.of("loss/cls", "loss/dis", "loss/feat", "accuracy/train", "accuracy/test",
                "accuracy/ood", "leakage/source", "leakage/source_chance", "leakage/emotion_from_c", "train/lr",
                "speed/images_per_s")) {
            assertTrue(scalars.get(2L).containsKey(tag), tag + " missing: " + scalars.get(2L).keySet());
        }

        Map<Long, Map<Integer, List<Object>>> images = imagesOf(run);
        assertEquals(List.of(2L), List.copyOf(images.keySet()), "the confusion chart at the last epoch");
        Map<Integer, List<Object>> image = images.get(2L);
        byte[] png = (byte[]) one(image, 4);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'},
                java.util.Arrays.copyOf(png, 8), "PNG magic");
        ByteBuffer ihdr = ByteBuffer.wrap(png).order(ByteOrder.BIG_ENDIAN);
        assertEquals("IHDR", new String(png, 12, 4, StandardCharsets.US_ASCII));
        assertEquals((long) ihdr.getInt(16), one(image, 2), "width");
        assertEquals((long) ihdr.getInt(20), one(image, 1), "height");
        assertTrue(ihdr.getInt(16) >= 420 && ihdr.getInt(20) >= 320, "the chart's size");
        long colorspace = (Long) one(image, 3);
        assertTrue(colorspace >= 1 && colorspace <= 4, "colorspace " + colorspace);
        assertArrayEquals(Files.readAllBytes(run.resolve("confusion.png")), png, "the chart confusion.png holds");

        // A kill between epoch 2's log and its checkpoint: the checkpoint says 1 epoch, and the
        // event file was torn in the middle of a record. --resume repeats epoch 2 once.
        Path ckpt = run.resolve("checkpoint.safetensors");
        SafeTensors.Contents c = SafeTensors.read(ckpt);
        Map<String, Object> meta = Json.parseObject(c.metadata().get("iern"), "meta");
        meta.put("epochs_done", 1L);
        meta.put("complete", false);
        SafeTensors.write(ckpt, c.tensors(), Map.of("iern", Json.write(meta)));
        Path first = eventFiles(run).getFirst();
        byte[] torn = TensorBoardLog.frame(List.of(new byte[40]));
        Files.write(first, java.util.Arrays.copyOf(torn, 30), StandardOpenOption.APPEND);

        CliErrorsTest.Outcome again = CliErrorsTest.run(train(data, out, "--resume"));
        assertEquals(0, again.code(), again.err() + again.out());
        assertTrue(again.out().contains("tensorboard: kept epochs 1-1; dropped 2 event(s)"), again.out());
        List<Path> files = eventFiles(run);
        assertEquals(2, files.size(), "a new file for the new process: " + files);
        assertEquals(first, files.getFirst());
        assertEquals(List.of(0L, 1L), events(first).stream().map(Decoded::step).toList(), "the old file keeps epoch 1");
        assertEquals(expected(run), scalarsOf(run));
        assertEquals(List.of(2L), List.copyOf(imagesOf(run).keySet()));

        // A finished run resumed is evaluated again and logs nothing new.
        CliErrorsTest.Outcome done = CliErrorsTest.run(train(data, out, "--resume"));
        assertEquals(0, done.code(), done.err() + done.out());
        assertEquals(files, eventFiles(run));
        assertEquals(expected(run), scalarsOf(run));
        assertEquals(List.of(2L), List.copyOf(imagesOf(run).keySet()));
    }

    // ------------------------------------------------------------------ the writer alone

    @Test
    void aFailingWriterWarnsOnceAndTrainingGoesOn() throws Exception {
        Files.writeString(dir.resolve("tensorboard"), "a file where the folder should be");
        List<String> warnings = new ArrayList<>();
        TensorBoardLog log = new TensorBoardLog(dir, warnings::add);
        log.scalars(1, Map.<String, Object>of("epoch", 1, "cls", 0.5));
        log.scalars(2, Map.<String, Object>of("epoch", 2, "cls", 0.25));
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.getFirst().contains("TensorBoard logging is off"), warnings.getFirst());
    }

    @Test
    void nonNumbersAndNonFiniteValuesAreLeftOutAndTheWriterAgreesWithTheTestsCrc() throws Exception {
        TensorBoardLog log = new TensorBoardLog(dir, w -> fail(w));
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("epoch", 3);
        record.put("epochs", 5);
        record.put("cls", 1.5);
        record.put("dis", Double.NaN);
        record.put("note", "text");
        record.put("some_new_number", 7L);
        log.scalars(3, record);
        List<Decoded> events = events(log.file());
        assertEquals(2, events.size());
        assertEquals(3, events.get(1).step());
        assertEquals(Map.of("loss/cls", 1.5f, "metrics/some_new_number", 7f), events.get(1).scalars());
        // the framing's checksums of known bytes: CRC-32C("123456789") is 0xE3069283
        assertEquals(0xE3069283, crc32c("123456789".getBytes(StandardCharsets.US_ASCII), 0, 9));
        byte[] framed = TensorBoardLog.frame(List.of("123456789".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(masked(0xE3069283), ByteBuffer.wrap(framed).order(ByteOrder.LITTLE_ENDIAN).getInt(12 + 9));
    }

    /** --force keeps the tensorboard folder but trains from epoch 0: the earlier events go, their files too. */
    @Test
    void startingOverDropsEveryEarlierEvent() throws Exception {
        TensorBoardLog before = new TensorBoardLog(dir, w -> fail(w));
        before.scalars(1, Map.<String, Object>of("epoch", 1, "cls", 0.5));
        before.scalars(2, Map.<String, Object>of("epoch", 2, "cls", 0.25));
        assertEquals(1, eventFiles(dir).size());
        TensorBoardLog again = new TensorBoardLog(dir, w -> fail(w));
        assertEquals("tensorboard: kept epochs 1-0; dropped 2 event(s) of epochs the checkpoint does not hold",
                again.keepEpochs(0));
        assertEquals(List.of(), eventFiles(dir));
        assertNull(again.keepEpochs(0), "nothing left to drop");
    }

    /** The committed generated code was made from the committed .proto (generate.sh records its hash). */
    @Test
    void generatedCodeMatchesTheProto() throws Exception {
        Path proto = Path.of("src/main/proto/tensorboard.proto");
        Path java = Path.of("src/main/java/iern/cli/tensorboard/TensorBoardProtos.java");
        assertTrue(Files.exists(proto) && Files.exists(java), "run from the src module: " + Path.of("").toAbsolutePath());
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(proto)));
        String header = Files.readAllLines(java).get(2);
        assertEquals("// tensorboard.proto sha256: " + hash, header,
                "src/main/proto/tensorboard.proto changed: run src/src/main/proto/generate.sh");
    }
}
