package iern.data.labels;

import iern.data.BadInput;
import iern.data.DataException;
import iern.data.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabelTableTest {
    @TempDir
    Path dir;

    @Test
    void readsCsvWithHeaderAndBlankLinesAndRoundTripsThroughWrite() {
        Path f = TestImages.write(dir.resolve("l.csv"), "key,emotion\n\nckplus_a,Anger\r\nmmi_b , Fear\n");
        LabelTable t = LabelTable.readCsv(f, BadInput.fail());
        assertEquals(Map.of("ckplus_a", "Anger", "mmi_b", "Fear"), t.asMap());
        assertEquals(f + " line 4", t.originOf("mmi_b"));
        Path back = dir.resolve("back.csv");
        LabelTable.writeCsv(back, t.asMap());
        assertEquals(t.asMap(), LabelTable.readCsv(back, BadInput.fail()).asMap());
    }

    @Test
    void malformedLineNamesFileLineAndExpectedShape() {
        Path f = TestImages.write(dir.resolve("l.csv"), "ckplus_a,Anger\nckplus_b\n");
        DataException e = assertThrows(DataException.class, () -> LabelTable.readCsv(f, BadInput.fail()));
        assertEquals(f + " line 2: 'ckplus_b' is not 'key,label' (two non-empty fields)", e.getMessage());
    }

    @Test
    void duplicateKeyFailsOrIsSkippedAndCounted() {
        Path f = TestImages.write(dir.resolve("l.csv"), "ckplus_a,Anger\nckplus_a,Fear\nmmi_c,Sadness\n");
        DataException e = assertThrows(DataException.class, () -> LabelTable.readCsv(f, BadInput.fail()));
        assertTrue(e.getMessage().startsWith(f + " line 2: duplicate key 'ckplus_a' (first on line 1)"), e.getMessage());
        BadInput skip = BadInput.skip();
        LabelTable t = LabelTable.readCsv(f, skip);
        assertEquals(1, skip.skippedCount());
        assertEquals("Anger", t.get("ckplus_a"));
        assertEquals(2, t.size());
    }

    @Test
    void emptyAndMissingFilesAreErrors() {
        Path empty = TestImages.write(dir.resolve("e.csv"), "key,emotion\n\n");
        assertEquals(empty + ": no labels; expected lines of 'key,label'",
                assertThrows(DataException.class, () -> LabelTable.readCsv(empty, BadInput.fail())).getMessage());
        Path missing = dir.resolve("nope.pkl");
        assertEquals(missing + ": label file does not exist",
                assertThrows(DataException.class, () -> LabelTable.read(missing, BadInput.fail())).getMessage());
    }
}
