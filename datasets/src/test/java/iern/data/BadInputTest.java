package iern.data;

import iern.data.mix.SplitFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BadInputTest {
    @TempDir
    Path dir;

    @Test
    void everyBadEntryIsCountedButOnlyTheFirstMessagesAreKept() {
        // a split of one image and 20000 copies of it: 20000 skipped entries, not 20000 messages in memory
        Path split = TestImages.write(dir.resolve("dup.csv"), "MixBasic/CKPlus/images/a.png\n".repeat(20_001));
        BadInput skip = BadInput.skip();
        assertEquals(1, SplitFile.read(split, skip).size());
        assertEquals(20_000, skip.skippedCount());
        assertEquals(BadInput.KEPT_MESSAGES, skip.skippedMessages().size());
        assertTrue(skip.summary().startsWith("skipped 20000 bad entries; first: " + split + " line 2: "), skip.summary());
        assertTrue(skip.skippedMessages().getLast().startsWith(split + " line " + (BadInput.KEPT_MESSAGES + 1) + ": "));
    }
}
