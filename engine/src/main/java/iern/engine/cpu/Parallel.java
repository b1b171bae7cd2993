package iern.engine.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One fixed pool of worker threads for every CPU kernel: {@code -Diern.threads=N} (default: all
 * cores). Work is split into chunks that the caller and the workers claim from a shared
 * counter, so a call creates no threads and no per-chunk objects. Calls made from inside a
 * parallel region (or while another region runs) execute inline on the calling thread.
 */
public final class Parallel {

    /** A range body: processes indices {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    private static final int THREADS = Math.max(1, Integer.getInteger("iern.threads",
            Runtime.getRuntime().availableProcessors()));
    private static final Worker[] WORKERS = new Worker[THREADS - 1];
    private static final Object LOCK = new Object();

    // The current region; written under LOCK by the caller, read by workers after unpark.
    private static volatile RangeBody body;
    private static volatile int total;
    private static volatile int chunk;
    private static final AtomicInteger next = new AtomicInteger();
    private static final AtomicInteger pending = new AtomicInteger();
    private static volatile Thread caller;
    private static volatile Throwable failure;
    private static volatile long generation;
    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> Boolean.FALSE);

    static {
        for (int i = 0; i < WORKERS.length; i++) {
            WORKERS[i] = new Worker("iern-cpu-" + (i + 1));
            WORKERS[i].start();
        }
    }

    private Parallel() {}

    public static int threads() {
        return THREADS;
    }

    /**
     * Runs {@code body} over {@code [0, n)} split in chunks of at least {@code grain} indices,
     * on the pool. Returns when every chunk is done; rethrows the first failure.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int g = Math.max(1, grain);
        if (THREADS == 1 || n <= g || INSIDE.get()) {
            body.run(0, n);
            return;
        }
        synchronized (LOCK) {
            runRegion(n, g, body);
        }
    }

    private static void runRegion(int n, int g, RangeBody b) {
        // About four chunks per thread balances uneven chunks without much claiming overhead.
        int c = Math.max(g, (n + THREADS * 4 - 1) / (THREADS * 4));
        int workersUsed = Math.min(WORKERS.length, (n + c - 1) / c - 1);
        body = b;
        total = n;
        chunk = c;
        failure = null;
        next.set(0);
        pending.set(workersUsed);
        caller = Thread.currentThread();
        generation++;
        for (int i = 0; i < workersUsed; i++) {
            WORKERS[i].wake(generation);
        }
        INSIDE.set(Boolean.TRUE);
        try {
            drain();
        } finally {
            INSIDE.set(Boolean.FALSE);
        }
        while (pending.get() > 0) {
            LockSupport.parkNanos(20_000);
        }
        body = null;
        Throwable f = failure;
        if (f != null) {
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error e) {
                throw e;
            }
            throw new RuntimeException(f);
        }
    }

    private static void drain() {
        RangeBody b = body;
        int n = total;
        int c = chunk;
        for (;;) {
            int start = next.getAndAdd(c);
            if (start >= n) {
                return;
            }
            try {
                b.run(start, Math.min(n, start + c));
            } catch (Throwable t) {
                failure = t;
                next.set(n);
                return;
            }
        }
    }

    private static final class Worker extends Thread {
        private volatile long seen;
        private volatile long wanted;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        void wake(long gen) {
            wanted = gen;
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            INSIDE.set(Boolean.TRUE);
            for (;;) {
                // Spin briefly before parking: kernels come in quick succession in a training step.
                int spins = 0;
                while (wanted == seen) {
                    if (spins++ < 2000) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.park(this);
                    }
                }
                seen = wanted;
                drain();
                if (pending.decrementAndGet() == 0) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }
}
