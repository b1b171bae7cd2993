package iern.data;

import iern.data.labels.LabelTable;
import iern.data.mix.SplitFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Label and split files that are not what they claim: endless, blocking, huge, not UTF-8, not readable. */
class DataFilesTest {
    private static final Duration QUICK = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private static String labelError(Path file) {
        return assertTimeoutPreemptively(QUICK, () -> assertThrows(DataException.class,
                () -> LabelTable.read(file, BadInput.fail()))).getMessage();
    }

    @Test
    void deviceAsLabelFileIsRefusedWithoutReading() {
        Path zero = Path.of("/dev/zero");
        assumeTrue(Files.exists(zero));
        assertEquals("/dev/zero: label file is not a regular file (a FIFO, device or socket); expected a regular file",
                labelError(zero));
    }

    @Test
    void fifoAsLabelOrSplitFileIsRefusedInsteadOfBlocking() throws Exception {
        Path fifo = dir.resolve("labels.csv");
        int rc;
        try {
            rc = new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
        } catch (java.io.IOException e) {
            rc = -1;
        }
        assumeTrue(rc == 0, "mkfifo is not available");
        assertEquals(fifo + ": label file is not a regular file (a FIFO, device or socket); expected a regular file",
                labelError(fifo));
        DataException e = assertTimeoutPreemptively(QUICK, () -> assertThrows(DataException.class,
                () -> SplitFile.read(fifo, BadInput.fail())));
        assertTrue(e.getMessage().startsWith(fifo + ": split file is not a regular file"), e.getMessage());
    }

    @Test
    void directoryAsLabelFileIsNamed() {
        assertEquals(dir + ": label file is a directory; expected a regular file", labelError(dir));
    }

    @Test
    void fileOverTheCapIsRefusedBeforeReading() throws Exception {
        Path big = dir.resolve("labels.pkl");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(DataFiles.DEFAULT_MAX_BYTES + 1); // sparse: no disk, no time
        }
        assertTrue(labelError(big).startsWith(big + ": label file is larger than the limit of "
                + DataFiles.DEFAULT_MAX_BYTES + " bytes"), labelError(big));
        Path csv = TestImages.write(dir.resolve("l.csv"), "ckplus_a,Anger\n");
        assertEquals(15, DataFiles.read(csv, "label file", 15).length);
        DataException e = assertThrows(DataException.class, () -> DataFiles.read(csv, "label file", 14));
        assertTrue(e.getMessage().startsWith(csv + ": label file is larger than the limit of 14 bytes"), e.getMessage());
    }

    @Test
    void nonUtf8ByteNamesLineColumnAndEncoding() throws Exception {
        Path f = dir.resolve("l.csv");
        Files.write(f, "key,emotion\nckplus_a,Anger\nmmi_caf\u00e9,Fear\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals(f + " line 3: byte 0xe9 at column 8 is not UTF-8; expected the label file to be UTF-8 text"
                + " (re-save it as UTF-8)", labelError(f));
        Path split = dir.resolve("split.csv");
        Files.write(split, new byte[]{'M', '/', 'C', (byte) 0xff, '\n'});
        DataException e = assertThrows(DataException.class, () -> SplitFile.read(split, BadInput.fail()));
        assertTrue(e.getMessage().startsWith(split + " line 1: byte 0xff at column 4 is not UTF-8"), e.getMessage());
    }

    @Test
    void leadingByteOrderMarkIsSkipped() throws Exception {
        Path f = dir.resolve("l.csv");
        Files.write(f, "\ufeffckplus_a,Anger\r\nmmi_b,Fear\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(Map.of("ckplus_a", "Anger", "mmi_b", "Fear"), LabelTable.readCsv(f, BadInput.fail()).asMap());
        Path header = dir.resolve("h.csv");
        Files.write(header, "\ufeffkey,emotion\nckplus_a,Anger\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(Map.of("ckplus_a", "Anger"), LabelTable.readCsv(header, BadInput.fail()).asMap());
        Path split = dir.resolve("s.csv");
        Files.write(split, "\ufeffMixBasic/CKPlus/images/a.png\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("CKPlus/images/a.png", SplitFile.read(split, BadInput.fail()).getFirst().relative());
    }

    @Test
    void permissionDeniedNamesTheFile() {
        Path f = dir.resolve("l.csv");
        assertEquals(f + ": label file: permission denied",
                DataFiles.problem(f, "label file", new AccessDeniedException(f.toString())).getMessage());
    }

    @Test
    void unreadableFileSaysPermissionDenied() throws Exception {
        Path f = TestImages.write(dir.resolve("l.csv"), "ckplus_a,Anger\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---------"));
        assumeTrue(!Files.isReadable(f), "running as root: permissions are not enforced");
        assertEquals(f + ": label file: permission denied", labelError(f));
    }

    @Test
    void linkInsideTheRootToAFileOutsideIsRefused() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path secret = TestImages.write(dir.resolve("secret.txt"), "ckplus_a,Anger\n");
        Path link = Files.createSymbolicLink(root.resolve("emotion_labels.csv"), secret);
        DataException e = assertThrows(DataException.class, () -> DataFiles.requireInside(root, link, "label file"));
        assertEquals(link + ": label file leads outside the data root " + root.toRealPath() + " (a link to "
                + secret.toRealPath() + "); expected files inside the root", e.getMessage());
        // a link that stays inside, and a file named outside the root on purpose, are fine
        Path inside = TestImages.write(root.resolve("labels/real.csv"), "ckplus_a,Anger\n");
        DataFiles.requireInside(root, Files.createSymbolicLink(root.resolve("l.csv"), inside), "label file");
        DataFiles.requireInside(root, secret, "label file");
    }

    @Test
    void controlCharactersInFileNamesNeverReachTheMessageRaw() {
        Path f = dir.resolve("evil\u001b[2J\u009b.csv");
        DataException e = assertThrows(DataException.class, () -> LabelTable.read(f, BadInput.fail()));
        assertEquals(Printable.of(f.toString()) + ": label file does not exist", e.getMessage());
        assertTrue(e.getMessage().contains("evil\\x1b[2J\\x9b.csv"), e.getMessage());
        assertTrue(e.getMessage().chars().noneMatch(c -> c < 0x20 || (c >= 0x7f && c < 0xa0)), e.getMessage());
    }
}
