package iern.model.weights;

import iern.engine.FloatArray;
import iern.engine.InvalidInput;
import iern.engine.io.SafeTensors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A state dict from a file, whatever its extension says: PyTorch's {@code .pth} zip
 * ({@link TorchZip}, read without running anything), or safetensors ({@link SafeTensors}). PyTorch's
 * legacy format (before 1.6: a bare pickle stream, which cannot be read without a general
 * unpickler) is refused with the way to convert it. Every tensor comes back as float32.
 */
public final class WeightsFile {
    /** The pickle stream of the legacy format starts with PROTO 2 and LONG1 of 10 bytes (torch's magic number). */
    private static final byte[] LEGACY_MAGIC = {(byte) 0x80, 0x02, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c,
        0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19};

    private WeightsFile() {}

    /** The file's tensors by name, in the file's order; any problem is an {@link InvalidInput} naming the file. */
    public static Map<String, FloatArray> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInput(file + ": " + (Files.exists(file) ? "not a regular file" : "no such file"));
        }
        byte[] head = new byte[16];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new InvalidInput(file + ": cannot read: " + e.getMessage(), e);
        }
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && (head[2] == 3 || head[2] == 5)) {
            return TorchZip.read(file);
        }
        if (n >= 2 && (head[0] & 0xff) == 0x80) {
            boolean magic = n >= LEGACY_MAGIC.length && java.util.Arrays.equals(head, 0, LEGACY_MAGIC.length, LEGACY_MAGIC,
                    0, LEGACY_MAGIC.length);
            throw new InvalidInput(file + ": " + (magic ? "PyTorch's legacy format (before 1.6)"
                    : "a bare pickle, not a PyTorch zip") + ", which is not read: it cannot be loaded without running"
                    + " its pickle. Re-save it with torch.save (zip, the default since PyTorch 1.6), e.g. python3 -c"
                    + " \"import torch; torch.save(torch.load('old.pth', weights_only=True), 'new.pth')\","
                    + " or convert it to safetensors");
        }
        if (n >= 9 && head[8] == '{') {
            long headerLen = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLen > 0 && headerLen <= SafeTensors.MAX_HEADER_BYTES) {
                try {
                    return SafeTensors.read(file).tensors();
                } catch (IOException e) {
                    throw new InvalidInput(e.getMessage(), e);
                }
            }
        }
        throw new InvalidInput(file + ": neither a PyTorch .pth (a zip written by torch.save) nor a safetensors file"
                + (n == 0 ? " (it is empty)" : ""));
    }

    /** A tensor name from a weights file as messages show it: as is when plain printable text, else quoted and escaped. */
    public static String shown(String name) {
        return TorchPickle.shown(name);
    }
}
