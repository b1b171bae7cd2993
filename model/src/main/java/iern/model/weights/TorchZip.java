package iern.model.weights;

import iern.engine.FloatArray;
import iern.engine.InvalidInput;
import iern.model.weights.TorchPickle.StorageRef;
import iern.model.weights.TorchPickle.StorageType;
import iern.model.weights.TorchPickle.TensorRef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * PyTorch's {@code .pth} format since 1.6 ({@code torch.save}'s default): a zip whose records
 * sit under one folder, {@code <name>/data.pkl} (the pickled state dict, read by
 * {@link TorchPickle}), {@code <name>/data/<key>} (each storage's raw bytes, stored
 * uncompressed), {@code <name>/version} and, from PyTorch 1.11 on, {@code <name>/byteorder}
 * ({@code little}; older files are little-endian).
 *
 * <p>Every view is checked against its storage before anything is copied: the storage record
 * must hold exactly the elements the pickle declares, and the offset, sizes and strides must stay
 * inside it. Records are read only as far as they are needed, and their CRC is verified.
 */
final class TorchZip {
    /** The largest {@code data.pkl} read: a ResNet-152 state dict pickles to about 60 KB. */
    static final int MAX_PICKLE_BYTES = 64 << 20;
    /** Java arrays stop a little short of Integer.MAX_VALUE. */
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private TorchZip() {}

    static Map<String, FloatArray> read(Path file) {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new InvalidInput(file + ": not a complete zip archive (" + e.getMessage() + "): the file is truncated"
                    + " or damaged; download or save it again");
        } catch (IOException e) {
            throw new InvalidInput(file + ": cannot read: " + e.getMessage(), e);
        }
        try (zip) {
            String prefix = recordFolder(zip, file);
            String where = file + ": " + prefix + "data.pkl";
            ZipEntry byteorder = zip.getEntry(prefix + "byteorder");
            if (byteorder != null) {
                String order = new String(readEntry(zip, byteorder, 16, file), StandardCharsets.US_ASCII).strip();
                if (!order.equals("little")) {
                    throw new InvalidInput(file + ": storages are " + TorchPickle.printable(order)
                            + "-endian; only little-endian files are read (save it on a little-endian machine)");
                }
            }
            Map<String, TensorRef> refs = TorchPickle.stateDict(where, readEntry(zip, zip.getEntry(prefix + "data.pkl"),
                    MAX_PICKLE_BYTES, file));
            Map<String, ByteBuffer> storages = new HashMap<>();
            Map<String, FloatArray> out = new LinkedHashMap<>();
            for (Map.Entry<String, TensorRef> e : refs.entrySet()) {
                String name = e.getKey();
                TensorRef t = e.getValue();
                StorageType type = t.storage().type();
                if (!type.readable()) {
                    throw new InvalidInput(file + ": tensor " + TorchPickle.printable(name) + " is " + type.dtype
                            + " (torch." + type.className + "); a weights file holds float tensors (float32, float64,"
                            + " float16, bfloat16) and int64 counters");
                }
                int[] shape = checkView(file, name, t);
                ByteBuffer bytes = storages.get(t.storage().key());
                if (bytes == null) {
                    bytes = storage(zip, prefix, t.storage(), name, file);
                    storages.put(t.storage().key(), bytes);
                }
                out.put(name, new FloatArray(shape, gather(bytes, type, t, shape)));
            }
            return out;
        } catch (IOException e) {
            throw new InvalidInput(file + ": cannot read the zip archive (" + e.getMessage()
                    + "): the file is damaged or truncated", e);
        }
    }

    private static long fileSize(Path file) throws IOException {
        return java.nio.file.Files.size(file);
    }

    /** The one folder holding {@code data.pkl}, with its slash. */
    private static String recordFolder(ZipFile zip, Path file) {
        List<String> pickles = new ArrayList<>();
        for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
            String n = en.nextElement().getName();
            int slash = n.indexOf('/');
            if (slash > 0 && n.indexOf('/', slash + 1) < 0 && n.endsWith("/data.pkl")) {
                pickles.add(n);
            }
        }
        if (pickles.size() != 1) {
            throw new InvalidInput(file + ": " + (pickles.isEmpty() ? "a zip without <name>/data.pkl"
                    : "a zip with " + pickles.size() + " data.pkl records") + "; not a PyTorch .pth file saved by torch.save");
        }
        String p = pickles.getFirst();
        return p.substring(0, p.length() - "data.pkl".length());
    }

    /** An entry's bytes, at most {@code limit} of them, CRC-checked. */
    private static byte[] readEntry(ZipFile zip, ZipEntry entry, int limit, Path file) throws IOException {
        long size = entry.getSize();
        if (size < 0 || size > limit || (entry.getMethod() == ZipEntry.STORED && size > fileSize(file))) {
            throw new InvalidInput(file + ": record " + entry.getName() + " is " + (size < 0 ? "of unknown size" : size
                    + " bytes") + " (at most " + limit + " expected)");
        }
        byte[] b = readFully(zip, entry, (int) size, file);
        return b;
    }

    private static byte[] readFully(ZipFile zip, ZipEntry entry, int size, Path file) throws IOException {
        byte[] b = new byte[size];
        try (InputStream in = zip.getInputStream(entry)) {
            int n = in.readNBytes(b, 0, size);
            if (n < size) {
                throw new InvalidInput(file + ": record " + entry.getName() + " ends after " + n + " of its " + size
                        + " bytes: the file is truncated");
            }
            if (in.read() >= 0) {
                throw new InvalidInput(file + ": record " + entry.getName() + " holds more than the " + size
                        + " bytes its header declares");
            }
        }
        CRC32 crc = new CRC32();
        crc.update(b);
        if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
            throw new InvalidInput(file + ": record " + entry.getName() + " fails its CRC check: the file is damaged");
        }
        return b;
    }

    /** {@code <name>/data/<key>}: uncompressed, exactly the bytes the pickle declares. */
    private static ByteBuffer storage(ZipFile zip, String prefix, StorageRef s, String tensor, Path file)
            throws IOException {
        String record = prefix + "data/" + s.key();
        ZipEntry entry = zip.getEntry(record);
        String of = "storage " + s.key() + " of tensor " + TorchPickle.printable(tensor);
        if (entry == null) {
            throw new InvalidInput(file + ": " + of + " has no record " + record);
        }
        if (entry.getMethod() != ZipEntry.STORED) {
            throw new InvalidInput(file + ": record " + record + " is compressed; torch.save stores storages"
                    + " uncompressed (save the file again with torch.save)");
        }
        long declared = s.numel() > MAX_ELEMENTS * 2 ? -1 : s.numel() * s.type().bytes;
        long size = entry.getSize();
        if (declared < 0 || size != declared) {
            throw new InvalidInput(file + ": " + of + " declares " + s.numel() + " " + s.type().dtype + " elements ("
                    + (declared < 0 ? "too many" : declared + " bytes") + ") but its record " + record + " holds " + size
                    + " bytes");
        }
        if (declared > MAX_ELEMENTS || declared > fileSize(file)) {
            throw new InvalidInput(file + ": " + of + " claims " + declared + " bytes, more than the file holds");
        }
        return ByteBuffer.wrap(readFully(zip, entry, (int) declared, file)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The view's shape, once its offset, sizes and strides are known to stay inside its storage. */
    private static int[] checkView(Path file, String name, TensorRef t) {
        String what = file + ": tensor " + TorchPickle.printable(name) + " (size " + Arrays.toString(t.size())
                + ", stride " + Arrays.toString(t.stride()) + ", offset " + t.offset() + ")";
        if (t.offset() < 0) {
            throw new InvalidInput(what + ": negative storage offset");
        }
        long count = 1;
        long last = t.offset();
        int[] shape = new int[t.size().length];
        for (int i = 0; i < shape.length; i++) {
            long d = t.size()[i];
            long st = t.stride()[i];
            if (d < 0 || st < 0) {
                throw new InvalidInput(what + ": negative size or stride");
            }
            if (d > MAX_ELEMENTS || (d > 0 && count > MAX_ELEMENTS / d)) {
                throw new InvalidInput(what + ": more elements than an array can hold");
            }
            count *= d;
            shape[i] = (int) d;
            if (d > 0 && st > 0) {
                if ((d - 1) > (Long.MAX_VALUE - last) / st) {
                    throw new InvalidInput(what + ": strides run out of range");
                }
                last += (d - 1) * st;
            }
        }
        if (count > 0 && last >= t.storage().numel()) {
            throw new InvalidInput(what + ": reaches element " + last + " of storage " + t.storage().key()
                    + ", which holds " + t.storage().numel());
        }
        return shape;
    }

    /** The view's elements in row-major order, as float32. */
    private static float[] gather(ByteBuffer b, StorageType type, TensorRef t, int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] out = new float[n];
        int rank = shape.length;
        int[] index = new int[rank];
        long at = t.offset();
        for (int i = 0; i < n; i++) {
            out[i] = element(b, type, (int) at);
            // odometer over the indices, last dimension fastest
            for (int d = rank - 1; d >= 0; d--) {
                if (++index[d] < shape[d]) {
                    at += t.stride()[d];
                    break;
                }
                at -= (long) (shape[d] - 1) * t.stride()[d];
                index[d] = 0;
            }
        }
        return out;
    }

    private static float element(ByteBuffer b, StorageType type, int i) {
        return switch (type) {
            case FLOAT -> b.getFloat(i * 4);
            case DOUBLE -> (float) b.getDouble(i * 8);
            case HALF -> Float.float16ToFloat(b.getShort(i * 2));
            case BFLOAT16 -> Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16);
            case LONG -> (float) b.getLong(i * 8);
            default -> throw new IllegalStateException("unreadable dtype " + type);
        };
    }
}
