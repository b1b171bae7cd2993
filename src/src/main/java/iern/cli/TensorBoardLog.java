package iern.cli;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import iern.cli.tensorboard.TensorBoardProtos.Event;
import iern.cli.tensorboard.TensorBoardProtos.Summary;
import iern.model.StepLosses;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * A run's TensorBoard event files, in {@code <run>/tensorboard/}: per epoch one event (step =
 * the epoch, 1-based) holding every number of the metrics record as a scalar, tagged by kind
 * ({@code loss/cls}, {@code accuracy/test}, {@code leakage/source}, ...), and the confusion
 * matrix as a PNG image when the run finishes.
 *
 * <p>Each process writes a file of its own ({@code events.out.tfevents.<seconds>.<host>.<pid>}),
 * which TensorBoard reads together with the earlier ones of the run. A run that resumes first
 * rewrites its earlier files to hold only the epochs its checkpoint holds (as {@link MetricsLog}
 * does with its lines): an epoch logged just before a kill and about to be repeated is dropped,
 * so no step shows twice. Every event is appended with the file opened and closed around it: a
 * killed run keeps what it logged.
 *
 * <p>The file format: TFRecord framing (little-endian uint64 length, masked CRC-32C of those 8
 * bytes, the data, masked CRC-32C of the data) around protobuf {@code Event} messages
 * ({@code src/src/main/proto/tensorboard.proto}), the first of which carries the file version
 * {@value #FILE_VERSION}. Writing is best effort: the first failure is reported through
 * {@code warn} and turns the log off for the rest of the run; training goes on.
 */
final class TensorBoardLog {
    static final String DIR = "tensorboard";
    static final String PREFIX = "events.out.tfevents.";
    static final String FILE_VERSION = "brain.Event:2";
    static final String CONFUSION_TAG = "confusion";
    private static final String REPAIR_TMP = "repair.tmp";
    private static final Map<String, String> TAGS = tags();

    private final Path dir;
    private final Consumer<String> warn;
    /** Steps of the run that already hold a confusion image (in earlier files or in this one). */
    private final Set<Long> imageSteps = new HashSet<>();
    private Path file;
    private boolean off;

    TensorBoardLog(Path runDir, Consumer<String> warn) {
        this.dir = runDir.resolve(DIR);
        this.warn = warn;
    }

    Path dir() {
        return dir;
    }

    /** This process's event file, or null before its first event. */
    Path file() {
        return file;
    }

    /** The tag of a metrics-record key: losses under {@code loss/}, accuracies, leakage, diagnostics. */
    static String tag(String key) {
        String t = TAGS.get(key);
        return t != null ? t : "metrics/" + key;
    }

    private static Map<String, String> tags() {
        Map<String, String> m = new HashMap<>();
        for (String loss : StepLosses.NAMES) {
            m.put(loss, "loss/" + loss);
        }
        m.put("train_acc", "accuracy/train");
        m.put("test_acc", "accuracy/test");
        m.put("ood_acc", "accuracy/ood");
        m.put("id_acc", "accuracy/id");
        m.put("source_leak", "leakage/source");
        m.put("source_leak_chance", "leakage/source_chance");
        m.put("emotion_leak_c", "leakage/emotion_from_c");
        m.put("emotion_leak_c_chance", "leakage/emotion_from_c_chance");
        m.put("condis_acc_c", "diagnostics/condis_acc_c");
        m.put("condis_acc_e", "diagnostics/condis_acc_e");
        m.put("center_dist", "diagnostics/center_dist");
        m.put("center_sep", "diagnostics/center_sep");
        m.put("lr", "train/lr");
        m.put("images_per_s", "speed/images_per_s");
        m.put("train_seconds", "speed/train_seconds");
        return Map.copyOf(m);
    }

    /**
     * Training starts after {@code epochs} epochs: earlier event files keep only the events of
     * steps 1 to {@code epochs} (a torn last record, as a kill leaves, is dropped too). Returns a
     * note of what was dropped, or null when nothing was.
     */
    String keepEpochs(int epochs) {
        if (off || !Files.isDirectory(dir)) {
            return null;
        }
        int droppedEvents = 0;
        int tornFiles = 0;
        try {
            Files.deleteIfExists(dir.resolve(REPAIR_TMP));
            for (Path f : eventFiles(dir)) {
                byte[] bytes = Files.readAllBytes(f);
                List<byte[]> records = new ArrayList<>();
                int end = readRecords(bytes, records);
                boolean torn = end < bytes.length;
                List<byte[]> kept = new ArrayList<>();
                boolean anySummary = false;
                for (byte[] data : records) {
                    Event e;
                    try {
                        e = Event.parseFrom(data);
                    } catch (InvalidProtocolBufferException ex) {
                        torn = true; // not an event: treat the rest of the file as damaged
                        break;
                    }
                    if (e.hasSummary() && e.getStep() > epochs) {
                        droppedEvents++;
                        continue;
                    }
                    kept.add(data);
                    if (e.hasSummary()) {
                        anySummary = true;
                        for (Summary.Value v : e.getSummary().getValueList()) {
                            if (v.hasImage() && v.getTag().equals(CONFUSION_TAG)) {
                                imageSteps.add(e.getStep());
                            }
                        }
                    }
                }
                if (torn) {
                    tornFiles++;
                }
                if (kept.size() == records.size() && !torn) {
                    continue;
                }
                if (!anySummary) {
                    Files.delete(f); // nothing left but the file-version header
                    continue;
                }
                Path tmp = dir.resolve(REPAIR_TMP); // no "tfevents" in its name: TensorBoard ignores it
                Files.write(tmp, frame(kept));
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            fail("cannot repair the TensorBoard files in " + dir + ": " + e.getMessage());
            return null;
        }
        if (droppedEvents == 0 && tornFiles == 0) {
            return null;
        }
        return "tensorboard: kept epochs 1-" + epochs + "; dropped " + droppedEvents
                + " event(s) of epochs the checkpoint does not hold" + (tornFiles > 0 ? " and " + tornFiles
                + " torn file end(s)" : "");
    }

    /** The epoch's record as scalars at step {@code epoch}; non-numbers and NaN/infinite values are left out. */
    void scalars(long epoch, Map<String, Object> record) {
        Summary.Builder s = Summary.newBuilder();
        for (Map.Entry<String, Object> e : record.entrySet()) {
            if (e.getKey().equals("epoch") || e.getKey().equals("epochs") || !(e.getValue() instanceof Number n)) {
                continue;
            }
            double v = n.doubleValue();
            if (Double.isFinite(v)) {
                s.addValue(Summary.Value.newBuilder().setTag(tag(e.getKey())).setSimpleValue((float) v));
            }
        }
        if (s.getValueCount() > 0) {
            append(summaryEvent(epoch, s.build()));
        }
    }

    /**
     * The confusion matrix chart (the PNG file {@link Charts#confusion} wrote) at step
     * {@code epoch}, unless the run already holds one at that step (a finished run resumed is
     * evaluated again: its image is not repeated).
     */
    void confusion(long epoch, Path pngFile) {
        if (off || imageSteps.contains(epoch)) {
            return;
        }
        byte[] png;
        try {
            png = Files.readAllBytes(pngFile);
        } catch (IOException e) {
            fail("cannot read " + pngFile + ": " + e.getMessage());
            return;
        }
        int[] header = pngHeader(png);
        if (header == null) {
            fail(pngFile + " is not a PNG");
            return;
        }
        Summary.Image image = Summary.Image.newBuilder().setWidth(header[0]).setHeight(header[1])
                .setColorspace(header[2]).setEncodedImageString(ByteString.copyFrom(png)).build();
        Summary s = Summary.newBuilder().addValue(Summary.Value.newBuilder().setTag(CONFUSION_TAG).setImage(image)).build();
        if (append(summaryEvent(epoch, s))) {
            imageSteps.add(epoch);
        }
    }

    /** Width, height and TensorBoard colorspace (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA) from a PNG's IHDR; null if not a PNG. */
    static int[] pngHeader(byte[] png) {
        byte[] magic = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        if (png.length < 26 || !java.util.Arrays.equals(png, 0, 8, magic, 0, 8)
                || !new String(png, 12, 4, StandardCharsets.US_ASCII).equals("IHDR")) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(png).order(ByteOrder.BIG_ENDIAN);
        int colorspace = switch (png[25]) {
            case 0 -> 1;
            case 4 -> 2;
            case 6 -> 4;
            default -> 3; // 2 RGB, 3 palette
        };
        return new int[] {b.getInt(16), b.getInt(20), colorspace};
    }

    private static Event summaryEvent(long step, Summary s) {
        return Event.newBuilder().setWallTime(now()).setStep(step).setSummary(s).build();
    }

    private static double now() {
        return System.currentTimeMillis() / 1000.0;
    }

    /** Appends one event, starting this process's file (with its file-version event) if needed. */
    private boolean append(Event event) {
        if (off) {
            return false;
        }
        try {
            if (file == null) {
                file = create();
            }
            Files.write(file, frame(List.of(event.toByteArray())), StandardOpenOption.APPEND);
            return true;
        } catch (IOException e) {
            fail("cannot write " + (file != null ? file : dir) + ": " + e.getMessage());
            return false;
        }
    }

    private Path create() throws IOException {
        Files.createDirectories(dir);
        long seconds = System.currentTimeMillis() / 1000;
        String base = PREFIX + seconds + "." + host() + "." + ProcessHandle.current().pid();
        byte[] header = frame(List.of(Event.newBuilder().setWallTime(now()).setFileVersion(FILE_VERSION).build()
                .toByteArray()));
        for (int n = 0; ; n++) {
            Path f = dir.resolve(n == 0 ? base : base + "." + n);
            try {
                Files.write(f, header, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return f;
            } catch (FileAlreadyExistsException e) {
                // another writer of this second and process id (a second log in one process): next name
            }
        }
    }

    private void fail(String message) {
        if (!off) {
            off = true;
            warn.accept(message + "; TensorBoard logging is off for the rest of this run");
        }
    }

    /** The host name for the file name (letters, digits, '-', '_' only). */
    static String host() {
        String h = System.getenv("HOSTNAME");
        if (h == null || h.isBlank()) {
            try {
                h = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            } catch (IOException | RuntimeException e) {
                h = "";
            }
        }
        h = h.replaceAll("[^A-Za-z0-9_-]", "_");
        return h.isEmpty() ? "localhost" : h;
    }

    /** The run's event files in name order (which is the order they were started in). */
    static List<Path> eventFiles(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, PREFIX + "*")) {
            for (Path p : s) {
                if (Files.isRegularFile(p)) {
                    files.add(p);
                }
            }
        }
        files.sort(null);
        return files;
    }

    // ------------------------------------------------------------------ TFRecord framing

    /** The records framed one after another: length, its masked CRC, data, its masked CRC. */
    static byte[] frame(List<byte[]> records) {
        int size = 0;
        for (byte[] r : records) {
            size += 16 + r.length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        for (byte[] r : records) {
            int start = b.position();
            b.putLong(r.length);
            b.putInt(maskedCrc(b.array(), start, 8));
            b.put(r);
            b.putInt(maskedCrc(r, 0, r.length));
        }
        return b.array();
    }

    /**
     * Reads whole records with both checksums right into {@code out}; returns the offset where
     * the valid records end (the file's length, unless its end is torn or damaged).
     */
    static int readRecords(byte[] bytes, List<byte[]> out) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 0;
        while (bytes.length - pos >= 12) {
            long length = b.getLong(pos);
            if (b.getInt(pos + 8) != maskedCrc(bytes, pos, 8) || length < 0 || length > bytes.length - pos - 16) {
                break;
            }
            int start = pos + 12;
            int n = (int) length;
            if (b.getInt(start + n) != maskedCrc(bytes, start, n)) {
                break;
            }
            out.add(java.util.Arrays.copyOfRange(bytes, start, start + n));
            pos = start + n + 4;
        }
        return pos;
    }

    static int maskedCrc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + 0xa282ead8;
    }
}
