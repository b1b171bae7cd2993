package iern.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {

    @Test
    void everyIndexRunsExactlyOnce() {
        for (int n : new int[] {1, 2, 3, 7, 13, 64, 1000, 100_003}) {
            for (int grain : new int[] {1, 3, 16, 5000}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                Parallel.forRange(n, grain, (s, e) -> {
                    for (int i = s; i < e; i++) {
                        hits.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertEquals(1, hits.get(i), "n=" + n + " grain=" + grain + " index " + i);
                }
            }
        }
    }

    @Test
    void manyRegionsInQuickSuccessionCoverTheirRanges() {
        // Workers that wake late must never run an old region's body on a new region's range.
        // Sizes alternate small and large so a stale claim on a finished small region would
        // land inside the next, larger one.
        long[] sums = new long[200_000];
        for (int r = 0; r < sums.length; r++) {
            int n = (r % 2 == 0) ? 2 + r % 7 : 40 + r % 61;
            long[] part = new long[n];
            Parallel.forRange(n, 1, (s, e) -> {
                for (int i = s; i < e; i++) {
                    part[i] = i + 1;
                }
            });
            long sum = 0;
            for (long v : part) {
                sum += v;
            }
            assertEquals((long) n * (n + 1) / 2, sum, "region " + r);
            sums[r] = sum;
        }
    }

    @Test
    void aLenderLendsTheThreadsObjectToOneCallAtATime() throws Exception {
        Parallel.Lender<int[]> lender = new Parallel.Lender<>(() -> new int[1]);
        int[] first = lender.borrow();
        int[] nested = lender.borrow();             // while the first is out: a new one
        assertNotSame(first, nested);
        lender.giveBack(first);
        assertSame(first, lender.borrow());         // the thread's own again
        int[][] other = new int[1][];
        Thread t = new Thread(() -> other[0] = lender.borrow());
        t.start();
        t.join();
        assertNotSame(first, other[0]);             // another thread has its own
    }

    @Test
    void nestedCallsRunInlineAndCallersFromSeveralThreadsSerialise() throws Exception {
        AtomicIntegerArray hits = new AtomicIntegerArray(40 * 40);
        Runnable job = () -> Parallel.forRange(40, 1, (s, e) -> {
            for (int i = s; i < e; i++) {
                int row = i;
                Parallel.forRange(40, 1, (s2, e2) -> {
                    for (int j = s2; j < e2; j++) {
                        hits.incrementAndGet(row * 40 + j);
                    }
                });
            }
        });
        Thread other = new Thread(job);
        other.start();
        job.run();
        other.join();
        for (int i = 0; i < hits.length(); i++) {
            assertEquals(2, hits.get(i), "index " + i);
        }
    }

    @Test
    void theFirstFailureReachesTheCaller() {
        IllegalStateException boom = new IllegalStateException("boom");
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> Parallel.forRange(1000, 1, (s, e) -> {
                    if (s <= 500 && 500 < e) {
                        throw boom;
                    }
                }));
        assertSame(boom, thrown);
        // The pool still works afterwards.
        AtomicIntegerArray hits = new AtomicIntegerArray(100);
        Parallel.forRange(100, 1, (s, e) -> {
            for (int i = s; i < e; i++) {
                hits.incrementAndGet(i);
            }
        });
        for (int i = 0; i < 100; i++) {
            assertEquals(1, hits.get(i));
        }
    }
}
