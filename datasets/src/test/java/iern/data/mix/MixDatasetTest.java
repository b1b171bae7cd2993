package iern.data.mix;

import iern.data.BadInput;
import iern.data.DataException;
import iern.data.MixBasic;
import iern.data.Sample;
import iern.data.SampleSet;
import iern.data.TestImages;
import iern.data.labels.LabelTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MixDatasetTest {
    @TempDir
    Path root;

    private LabelTable labels() {
        return LabelTable.readCsv(root.resolve("emotion_labels.csv"), BadInput.fail());
    }

    private Path standardTree() {
        return TestImages.mixTree(root, List.of(
                new String[]{"OuluCASIA/P001_Fear_015.png", "Fear"},
                new String[]{"CKPlus/S010_004_00000017.png", "Anger"},
                new String[]{"CKPlus/S010_004_00000018.png", "Anger"},
                new String[]{"MMI/S001_104_043.png", "Surprise"}));
    }

    @Test
    void readsTheAuthorsLayoutDroppingTheFirstComponentAndSortingByPath() {
        Path split = standardTree();
        SampleSet set = MixDataset.open(root, split, labels(), BadInput.fail());
        List<Sample> s = set.samples();
        assertEquals(4, s.size());
        assertEquals(MixBasic.EMOTIONS, set.classNames());
        assertEquals(MixBasic.SOURCES, set.confounderNames());
        Sample first = s.get(0);
        assertEquals(root.toAbsolutePath().resolve("CKPlus/images/S010_004_00000017.png"), first.path());
        assertEquals("ckplus_S010_004_00000017", first.key());
        assertEquals(MixBasic.emotionIndex("Anger"), first.emotion());
        assertEquals(MixBasic.sourceIndex("CKPlus"), first.confounder());
        assertEquals("CKPlus/S010_004", first.sequence());
        assertEquals(split + " line 2", first.origin());
        Sample mmi = s.get(2);
        assertEquals("mmi_S001_104_043", mmi.key());
        assertEquals(1, mmi.confounder());
        assertEquals("MMI/S001_104", mmi.sequence());
        Sample oulu = s.get(3);
        assertEquals(2, oulu.confounder());
        assertEquals(2, oulu.emotion());
        assertEquals("OuluCASIA/P001_Fear", oulu.sequence());
    }

    @Test
    void scanFindsEveryLabelledImageForTheFoldBuilder() {
        standardTree();
        SampleSet set = MixDataset.scan(root, labels(), BadInput.fail());
        assertEquals(4, set.size());
        Path unlabelled = TestImages.png(root.resolve("MMI/images/S009_100_001.png"), 4, 4, 1);
        DataException e = assertThrows(DataException.class, () -> MixDataset.scan(root, labels(), BadInput.fail()));
        assertTrue(e.getMessage().startsWith(unlabelled.toAbsolutePath() + ": no label for key 'mmi_S009_100_001' in "
                + root.resolve("emotion_labels.csv")), e.getMessage());
        BadInput skip = BadInput.skip();
        assertEquals(4, MixDataset.scan(root, labels(), skip).size());
        assertEquals(1, skip.skippedCount());
    }

    private String failMessage(String splitText) {
        standardTree();
        Path split = TestImages.write(root.resolve("bad.csv"), splitText);
        return assertThrows(DataException.class, () -> MixDataset.open(root, split, labels(), BadInput.fail()))
                .getMessage();
    }

    @Test
    void missingImageNamesSplitFileLineAndPath() {
        String m = failMessage("MixBasic/CKPlus/images/S010_004_00000017.png\nMixBasic/CKPlus/images/S999_001_00000001.png\n");
        // the label is looked up before the file, so a missing image needs a label to reach the file check
        assertTrue(m.startsWith(root.resolve("bad.csv") + " line 2: no label for key 'ckplus_S999_001_00000001'"), m);
        TestImages.write(root.resolve("emotion_labels.csv"),
                "ckplus_S010_004_00000017,Anger\nckplus_S999_001_00000001,Anger\n");
        Path split = root.resolve("bad.csv");
        String m2 = assertThrows(DataException.class, () -> MixDataset.open(root, split, labels(), BadInput.fail()))
                .getMessage();
        assertEquals(split + " line 2: image " + root.toAbsolutePath().resolve("CKPlus/images/S999_001_00000001.png")
                + " does not exist", m2);
    }

    @Test
    void unknownDatasetListsTheExpectedOnes() {
        String m = failMessage("MixBasic/AffectNet/images/x_1.png\n");
        assertEquals(root.resolve("bad.csv") + " line 1: unknown dataset 'AffectNet' in "
                + "'MixBasic/AffectNet/images/x_1.png'; expected one of [CKPlus, MMI, OuluCASIA]", m);
    }

    @Test
    void unknownEmotionNamesTheLabelOrigin() {
        standardTree();
        TestImages.write(root.resolve("emotion_labels.csv"), "key,emotion\nckplus_S010_004_00000017,Contempt\n");
        Path split = TestImages.write(root.resolve("bad.csv"), "MixBasic/CKPlus/images/S010_004_00000017.png\n");
        String m = assertThrows(DataException.class, () -> MixDataset.open(root, split, labels(), BadInput.fail()))
                .getMessage();
        assertEquals(split + " line 1: unknown emotion 'Contempt' for key 'ckplus_S010_004_00000017' ("
                + root.resolve("emotion_labels.csv") + " line 2); expected one of " + MixBasic.EMOTIONS, m);
    }

    @Test
    void pathsEscapingTheRootAreRefused() {
        String dots = failMessage("MixBasic/CKPlus/images/S010_004_00000017.png\nMixBasic/../../etc/passwd.png\n");
        assertTrue(dots.startsWith(root.resolve("bad.csv") + " line 2: 'MixBasic/../../etc/passwd.png' contains '..' "
                + "and escapes the data root; expected a relative path like MixBasic/<Dataset>/images/<name>.png"), dots);
        String abs = failMessage("/etc/CKPlus/images/a.png\n");
        assertTrue(abs.startsWith(root.resolve("bad.csv") + " line 1: '/etc/CKPlus/images/a.png' is an absolute path "
                + "and escapes the data root"), abs);
        String win = failMessage("C:/data/CKPlus/images/a.png\n");
        assertTrue(win.contains("line 1: 'C:/data/CKPlus/images/a.png' is an absolute path"), win);
    }

    @Test
    void emptySplitIsAnError() {
        String m = failMessage("\n   \n");
        assertEquals(root.resolve("bad.csv") + ": split has no usable image paths; expected a relative path like "
                + "MixBasic/<Dataset>/images/<name>.png, one per line", m);
    }

    @Test
    void duplicateLineNamesTheFirstOccurrence() {
        String m = failMessage("MixBasic/CKPlus/images/S010_004_00000017.png\nMixBasic/MMI/images/S001_104_043.png\n"
                + "MixBasic/CKPlus/images/S010_004_00000017.png\n");
        assertEquals(root.resolve("bad.csv") + " line 3: 'MixBasic/CKPlus/images/S010_004_00000017.png' duplicates "
                + "line 1; expected each image once", m);
    }

    @Test
    void nonImageNameIsRefused() {
        String m = failMessage("MixBasic/CKPlus/images/notes.txt\n");
        assertTrue(m.startsWith(root.resolve("bad.csv") + " line 1: 'MixBasic/CKPlus/images/notes.txt' is not an image"),
                m);
    }

    @Test
    void missingSplitFileIsNamed() {
        standardTree();
        Path nope = root.resolve("nope.csv");
        assertEquals(nope + ": split file does not exist", assertThrows(DataException.class,
                () -> MixDataset.open(root, nope, labels(), BadInput.fail())).getMessage());
    }

    @Test
    void skipModeDropsEveryBadLineAndCountsThem() {
        standardTree();
        Path split = TestImages.write(root.resolve("mixed.csv"), String.join("\n",
                "MixBasic/CKPlus/images/S010_004_00000017.png",   // good
                "MixBasic/CKPlus/images/S010_004_00000017.png",   // duplicate
                "MixBasic/../x.png",                              // escapes
                "MixBasic/Foo/images/a_1.png",                    // unknown dataset
                "MixBasic/CKPlus/images/S777_001_00000001.png",   // no label
                "MixBasic/MMI/images/S001_104_043.png",           // good
                ""));
        BadInput bad = BadInput.skip();
        SampleSet set = MixDataset.open(root, split, labels(), bad);
        assertEquals(2, set.size());
        assertEquals(4, bad.skippedCount());
        assertTrue(bad.summary().startsWith("skipped 4 bad entries; first: " + split + " line 2:"), bad.summary());
        assertTrue(Files.exists(set.samples().get(0).path()));
    }

    @Test
    void labelsAreFoundInTheRootPickleFirst() throws Exception {
        standardTree();
        assertEquals(4, MixDataset.open(root, "split.csv", BadInput.fail()).size());
        Path empty = root.resolve("empty");
        Files.createDirectories(empty);
        assertEquals(empty + ": no label file; expected one of [emotion_labels.pkl, emotion_labels.csv] in the data root",
                assertThrows(DataException.class, () -> MixDataset.labelsIn(empty, BadInput.fail())).getMessage());
        // the authors' pickle wins over a CSV when both are present
        Files.copy(Path.of(getClass().getResource("/iern/data/pickle/labels_p3.pkl").toURI()),
                root.resolve("emotion_labels.pkl"));
        assertEquals(root.resolve("emotion_labels.pkl"), MixDataset.labelsIn(root, BadInput.fail()).file());
    }

    @Test
    void aFolderWhereAnImageShouldBeIsNamed() throws Exception {
        standardTree();
        Files.createDirectories(root.resolve("MMI/images/S005_100_001.png"));
        TestImages.write(root.resolve("emotion_labels.csv"), "mmi_S005_100_001,Fear\n");
        Path split = TestImages.write(root.resolve("bad.csv"), "MixBasic/MMI/images/S005_100_001.png\n");
        String m = assertThrows(DataException.class, () -> MixDataset.open(root, split, labels(), BadInput.fail()))
                .getMessage();
        assertEquals(split + " line 1: image " + root.toAbsolutePath().resolve("MMI/images/S005_100_001.png")
                + " is not a regular file", m);
    }

    @Test
    void linkToAFileOutsideTheRootIsRefusedNamingTheEntry() throws Exception {
        standardTree();
        Path outside = TestImages.png(root.resolveSibling(root.getFileName() + "-outside").resolve("secret.png"), 4, 4, 9);
        Path link = root.resolve("MMI/images/S002_100_001.png");
        Files.createSymbolicLink(link, outside);
        TestImages.write(root.resolve("emotion_labels.csv"), "mmi_S002_100_001,Fear\nmmi_S001_104_043,Surprise\n");
        Path split = TestImages.write(root.resolve("bad.csv"), "MixBasic/MMI/images/S001_104_043.png\n"
                + "MixBasic/MMI/images/S002_100_001.png\n");
        String m = assertThrows(DataException.class, () -> MixDataset.open(root, split, labels(), BadInput.fail()))
                .getMessage();
        assertEquals(split + " line 2: image " + root.toAbsolutePath().resolve("MMI/images/S002_100_001.png")
                + " leads outside the data root " + root.toRealPath() + " (a link to " + outside.toRealPath()
                + "); expected images inside the root", m);
        BadInput skip = BadInput.skip();
        assertEquals(1, MixDataset.open(root, split, labels(), skip).size());
        assertEquals(1, skip.skippedCount());
        // the fold builder's scan sees the link too
        BadInput scanned = BadInput.skip();
        MixDataset.scan(root, labels(), scanned);
        assertTrue(scanned.skippedMessages().stream().anyMatch(s -> s.startsWith(link.toAbsolutePath()
                + ": image " + link.toAbsolutePath() + " leads outside the data root")), scanned.skippedMessages().toString());
        // a link that stays inside the root is fine
        Files.delete(link);
        Files.createSymbolicLink(link, root.resolve("MMI/images/S001_104_043.png"));
        assertEquals(2, MixDataset.open(root, split, labels(), BadInput.fail()).size());
    }

    @Test
    void labelAndSplitFilesLinkedOutOfTheRootAreRefused() throws Exception {
        standardTree();
        Path secret = TestImages.write(root.resolveSibling(root.getFileName() + "-secret.txt"), "root:x:0:0\n");
        Path labels = root.resolve("emotion_labels.csv");
        Files.delete(labels);
        Files.createSymbolicLink(labels, secret);
        String m = assertThrows(DataException.class, () -> MixDataset.labelsIn(root, BadInput.fail())).getMessage();
        assertTrue(m.startsWith(labels + ": label file leads outside the data root " + root.toRealPath()), m);
        assertTrue(!m.contains("root:x"), m);
        Path split = root.resolve("linked.csv");
        Files.createSymbolicLink(split, secret);
        String s = assertThrows(DataException.class, () -> MixDataset.open(root, "linked.csv", BadInput.fail()))
                .getMessage();
        assertTrue(s.startsWith(labels + ": label file leads outside"), s);
        String direct = assertThrows(DataException.class,
                () -> MixDataset.open(root, split, LabelTable.of(labels, java.util.Map.of()), BadInput.fail())).getMessage();
        assertTrue(direct.startsWith(split + ": split file leads outside the data root"), direct);
    }

    @Test
    void escapeSequencesFromSplitLinesAndKeysAreNeutralised() {
        standardTree();
        Path split = TestImages.write(root.resolve("esc.csv"), "MixBasic/CKPlus/images/S010_004_00000017.png\n"
                + "MixBasic/\u001b]0;pwned\u0007/images/a_1.png\n"
                + "MixBasic/CKPlus/images/x\u009b31m.png\n");
        BadInput skip = BadInput.skip();
        MixDataset.open(root, split, labels(), skip);
        assertEquals(2, skip.skippedCount());
        for (String m : skip.skippedMessages())
            assertTrue(m.chars().noneMatch(c -> c < 0x20 || (c >= 0x7f && c < 0xa0)), m);
        assertTrue(skip.skippedMessages().get(0).startsWith(split + " line 2: 'MixBasic/\\x1b]0;pwned\\x07/images/a_1.png'"
                + " contains the control character \\x1b at column 10"), skip.skippedMessages().get(0));
        TestImages.write(root.resolve("emotion_labels.csv"), "ckplus_S010_004_00000017,\u001b[2JAnger\n");
        Path one = TestImages.write(root.resolve("one.csv"), "MixBasic/CKPlus/images/S010_004_00000017.png\n");
        String m = assertThrows(DataException.class, () -> MixDataset.open(root, one, labels(), BadInput.fail()))
                .getMessage();
        assertTrue(m.contains("unknown emotion '\\x1b[2JAnger'"), m);
    }

    @Test
    void nulInASplitLineNamesTheLine() {
        String m = failMessage("MixBasic/CKPlus/images/S010_004_00000017.png\nMixBasic/CKPlus/images/a\u0000b.png\n");
        assertEquals(root.resolve("bad.csv") + " line 2: 'MixBasic/CKPlus/images/a\\x00b.png' contains the control"
                + " character \\x00 at column 25; expected a relative path like MixBasic/<Dataset>/images/<name>.png", m);
    }

    @Test
    void byteOrderMarkBeforeTheFirstLabelKeyIsSkipped() throws Exception {
        standardTree();
        String csv = Files.readString(root.resolve("emotion_labels.csv")).replace("key,emotion\n", "");
        Files.writeString(root.resolve("emotion_labels.csv"), "\ufeff" + csv);
        assertTrue(csv.startsWith("oulucasia_"), csv);
        assertEquals(4, MixDataset.open(root, root.resolve("split.csv"), labels(), BadInput.fail()).size());
    }
}
