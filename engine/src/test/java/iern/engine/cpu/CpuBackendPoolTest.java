package iern.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import iern.engine.Storage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pool hands back arrays of exactly the length asked, across many lengths. */
class CpuBackendPoolTest {

    @Test
    void everyLengthGetsItsOwnArraysBackAcrossManyLengths() {
        CpuBackend cpu = new CpuBackend();
        int lengths = 500;                                  // past the table's first growths
        List<float[]> first = new ArrayList<>();
        long total = 0;
        for (int round = 0; round < 2; round++) {
            List<Storage> live = new ArrayList<>();
            for (int n = 0; n < lengths; n++) {
                Storage s = cpu.allocate(3L * n);
                float[] a = ((CpuStorage) s).array();
                assertEquals(3 * n, a.length);
                for (float v : a) {
                    assertEquals(0f, v);                    // allocate zero-fills a recycled array
                }
                if (round == 0) {
                    first.add(a);
                    total += a.length;
                } else {
                    assertSame(first.get(n), a, "length " + 3 * n + " reuses its array");
                }
                if (a.length > 0) {
                    a[0] = 1f;
                }
                live.add(s);
            }
            live.forEach(Storage::close);
            assertEquals(total, cpu.pooledFloats());
        }
        cpu.trimPool();
        assertEquals(0, cpu.pooledFloats());
        Storage s = cpu.allocate(6);
        assertEquals(6, ((CpuStorage) s).array().length);
        s.close();
        cpu.close();
    }
}
