package iern.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccuracyTest {
    private static final List<String> EMO = List.of("A", "B", "C");
    private static final List<String> SRC = List.of("s0", "s1");

    @Test
    void ratiosFollowTheCountsAndFoldsPoolByAddingCounts() {
        boolean[][] seen = {{true, true, false}, {false, true, true}};
        Accuracy fold1 = new Accuracy(EMO, SRC, seen);
        fold1.record(0, 2, 2);   // s0 C: out of distribution, right
        fold1.record(0, 2, 0);   // s0 C: wrong
        fold1.record(1, 0, 1);   // s1 A: out of distribution, wrong
        fold1.record(0, 0, 0);   // s0 A: in distribution, right
        assertEquals(0.5, fold1.overall(), 1e-12);
        assertEquals(1.0 / 3, fold1.outOfDistribution(), 1e-12);
        assertEquals(1.0, fold1.inDistribution(), 1e-12);
        assertEquals(0.5, fold1.emotion(0), 1e-12);
        assertTrue(Double.isNaN(fold1.emotion(1)));
        assertEquals(2.0 / 3, fold1.source(0), 1e-12);
        Accuracy fold2 = new Accuracy(EMO, SRC, seen);
        for (int i = 0; i < 6; i++) {
            fold2.record(1, 1, 1);
        }
        Accuracy pooled = new Accuracy(EMO, SRC, null);
        pooled.add(fold1);
        pooled.add(fold2);
        // Pooled: 8 right of 10 (counts added), not the mean of 50% and 100%.
        assertEquals(0.8, pooled.overall(), 1e-12);
        assertEquals(10, pooled.total());
        assertEquals(6, pooled.confusion()[1][1]);
        Map<String, Object> m = pooled.toMap();
        assertEquals(10L, m.get("images"));
    }

    @Test
    void foldsThatHoldOutDifferentCellsPoolEachImageUnderItsOwnLabel() {
        // Cell (s0, A) is held out in fold 1 and trained in fold 2: its images stay apart.
        Accuracy fold1 = new Accuracy(EMO, SRC, new boolean[][] {{false, true, true}, {true, true, true}});
        fold1.record(0, 0, 1);   // out of distribution, wrong
        Accuracy fold2 = new Accuracy(EMO, SRC, new boolean[][] {{true, true, true}, {true, true, false}});
        fold2.record(0, 0, 0);   // in distribution, right
        fold2.record(1, 2, 2);   // out of distribution, right
        Accuracy pooled = new Accuracy(EMO, SRC, null);
        pooled.add(fold1);
        pooled.add(fold2);
        assertEquals(0.5, pooled.outOfDistribution(), 1e-12);
        assertEquals(1.0, pooled.inDistribution(), 1e-12);
        assertEquals(2.0 / 3, pooled.overall(), 1e-12);
    }

    @Test
    void poolingDifferentClassesIsRefused() {
        Accuracy a = new Accuracy(EMO, SRC, null);
        Accuracy b = new Accuracy(List.of("A", "B"), SRC, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.add(b));
        assertTrue(e.getMessage().contains("different classes"), e.getMessage());
    }
}
