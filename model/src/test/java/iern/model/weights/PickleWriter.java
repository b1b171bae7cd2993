package iern.model.weights;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes pickles opcode by opcode and wraps them in {@code .pth} zips, for tests that need files
 * torch.save would never write. Nothing here unpickles anything.
 */
final class PickleWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleWriter op(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    PickleWriter proto(int p) { return op(0x80, p); }

    PickleWriter global(String module, String name) {
        op('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    PickleWriter str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op('X').u32(b.length);
        out.writeBytes(b);
        return this;
    }

    PickleWriter shortStr(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op(0x8c, b.length);
        out.writeBytes(b);
        return this;
    }

    PickleWriter integer(long v) {
        if (v >= 0 && v < 256) {
            return op('K', (int) v);
        }
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            return op('J').u32((int) v);
        }
        op(0x8a, 8);
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    PickleWriter u32(int v) {
        for (int i = 0; i < 4; i++) {
            out.write(v >>> (8 * i));
        }
        return this;
    }

    PickleWriter mark() { return op('('); }
    PickleWriter tuple() { return op('t'); }
    PickleWriter emptyTuple() { return op(')'); }
    PickleWriter emptyDict() { return op('}'); }
    PickleWriter reduce() { return op('R'); }
    PickleWriter setItems() { return op('u'); }
    PickleWriter stop() { return op('.'); }

    /** {@code collections.OrderedDict()}. */
    PickleWriter orderedDict() {
        return global("collections", "OrderedDict").emptyTuple().reduce();
    }

    /** {@code _rebuild_tensor_v2(('storage', torch.<type>, key, 'cpu', numel), offset, size, stride, False, OrderedDict())}. */
    PickleWriter tensor(String storageType, String key, long numel, long offset, long[] size, long[] stride) {
        global("torch._utils", "_rebuild_tensor_v2").mark();
        mark().str("storage").global("torch", storageType).str(key).str("cpu").integer(numel).tuple().op('Q');
        integer(offset);
        mark();
        for (long d : size) {
            integer(d);
        }
        tuple().mark();
        for (long d : stride) {
            integer(d);
        }
        tuple().op(0x89).orderedDict().tuple().reduce();
        return this;
    }

    /** A protocol-2 state dict of one float tensor called {@code name}, storage "0". */
    static byte[] stateDict(String name, String storageType, long numel, long offset, long[] size, long[] stride) {
        return new PickleWriter().proto(2).orderedDict().mark().str(name)
                .tensor(storageType, "0", numel, offset, size, stride).setItems().stop().bytes();
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    /** A torch.save-style zip: {@code <stem>/data.pkl}, {@code <stem>/data/<key>} for each storage, {@code <stem>/version}. */
    static Path pth(Path file, byte[] pickle, Map<String, byte[]> storages) {
        Map<String, byte[]> records = new LinkedHashMap<>();
        String stem = file.getFileName().toString().replaceFirst("\\.pth$", "");
        records.put(stem + "/data.pkl", pickle);
        storages.forEach((k, v) -> records.put(stem + "/data/" + k, v));
        records.put(stem + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        return zip(file, records, true);
    }

    static Path zip(Path file, Map<String, byte[]> records, boolean stored) {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> r : records.entrySet()) {
                ZipEntry e = new ZipEntry(r.getKey());
                if (stored) {
                    e.setMethod(ZipEntry.STORED);
                    e.setSize(r.getValue().length);
                    CRC32 crc = new CRC32();
                    crc.update(r.getValue());
                    e.setCrc(crc.getValue());
                }
                z.putNextEntry(e);
                z.write(r.getValue());
                z.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
