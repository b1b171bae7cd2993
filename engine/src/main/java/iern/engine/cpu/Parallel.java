package iern.engine.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * One fixed pool of worker threads for every CPU kernel ({@link CpuSettings#THREADS}). A call
 * splits its range into chunks that the caller and the workers claim from one shared counter, so
 * it creates no threads and no objects. Calls made from inside a parallel
 * region execute inline on the calling thread.
 *
 * <p>The caller never waits for a worker that has not started: it claims chunks itself, and
 * waits only for chunks that a worker has already claimed. On a machine where other processes
 * take the cores (a shared CI box), a worker that is not scheduled in time simply finds no work
 * left, instead of stalling every kernel of a training step.
 *
 * <p>Claims are made on a 64-bit state word holding the region's generation (high half) and the
 * next unclaimed index (low half). A worker reads the region's fields after reading the state
 * and claims with a compare-and-set on that same state value, so a claim succeeds only while its
 * generation is current, and the fields it read belong to that generation (the caller writes
 * the next region's fields only after every chunk of the current one is done and its state is
 * closed).
 */
public final class Parallel {

    /** A range body: processes indices {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    /**
     * One reusable object per thread, such as a range body that each kernel call fills with its
     * arguments instead of capturing them in a new lambda, lent to one call at a time. A call
     * made while the thread's object is out (a kernel run inline inside another kernel's
     * parallel region, or from its body) gets a new object, so no call sees another's fields.
     */
    static final class Lender<T> {
        private final Supplier<T> make;
        private final ThreadLocal<T> spare;

        Lender(Supplier<T> make) {
            this.make = make;
            this.spare = ThreadLocal.withInitial(make);
        }

        /** The thread's object, or a new one while it is lent out. */
        T borrow() {
            T t = spare.get();
            if (t == null) {
                return make.get();
            }
            spare.set(null);
            return t;
        }

        /** Returns {@code t} (emptied by the caller) for the thread's next call. */
        void giveBack(T t) {
            spare.set(t);
        }
    }

    private static final int THREADS = CpuSettings.THREADS;
    private static final Worker[] WORKERS = new Worker[THREADS - 1];

    // The current region. Written by the caller (holding the class lock) before it publishes
    // a new generation in STATE; read by workers after they read STATE.
    private static RangeBody body;
    private static int total;
    private static int chunk;
    private static int chunks;
    private static volatile Thread caller;
    private static volatile Throwable failure;
    private static final AtomicLong STATE = new AtomicLong();
    private static final AtomicInteger DONE = new AtomicInteger();
    private static long generation;
    /** Low half of a closed region's state: at or past the end of any range. */
    private static final long CLOSED = Integer.MAX_VALUE;
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
        synchronized (Parallel.class) {
            runRegion(n, g, body);
        }
    }

    private static void runRegion(int n, int g, RangeBody b) {
        // About four chunks per thread balances uneven chunks without much claiming overhead.
        int c = Math.max(g, (n + THREADS * 4 - 1) / (THREADS * 4));
        int count = (n + c - 1) / c;
        body = b;
        total = n;
        chunk = c;
        chunks = count;
        failure = null;
        caller = Thread.currentThread();
        DONE.set(0);
        generation++;
        STATE.set(generation << 32);            // publishes the fields above
        int wake = Math.min(WORKERS.length, count - 1);
        for (int i = 0; i < wake; i++) {
            WORKERS[i].wake();
        }
        INSIDE.set(Boolean.TRUE);
        try {
            work(generation << 32);
        } finally {
            INSIDE.set(Boolean.FALSE);
        }
        int spins = 0;
        while (DONE.get() < count) {
            if (spins++ < 1000) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(50_000);
            }
        }
        // Close the region before the next one writes its fields: a worker that read this
        // generation's state must not pair it with the next region's larger total and claim.
        STATE.set((generation << 32) | CLOSED);
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

    /** Claims and runs chunks of the region whose generation is in {@code genBits} until none are left. */
    private static void work(long genBits) {
        for (;;) {
            long s = STATE.get();
            if ((s & 0xFFFF_FFFF_0000_0000L) != genBits) {
                return;
            }
            RangeBody b = body;
            int n = total;
            int c = chunk;
            int start = (int) s;
            if (start >= n) {
                return;
            }
            if (!STATE.compareAndSet(s, s + c)) {
                continue;
            }
            try {
                if (failure == null) {
                    b.run(start, Math.min(n, start + c));
                }
            } catch (Throwable t) {
                failure = t;
            }
            if (DONE.incrementAndGet() == chunks) {
                LockSupport.unpark(caller);
            }
        }
    }

    private static final class Worker extends Thread {
        private volatile boolean parked;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        void wake() {
            if (parked) {
                LockSupport.unpark(this);
            }
        }

        @Override
        public void run() {
            INSIDE.set(Boolean.TRUE);
            long seen = 0;
            for (;;) {
                // Spin briefly before parking: kernels come in quick succession in a training step.
                int spins = 0;
                long genBits;
                while ((genBits = STATE.get() & 0xFFFF_FFFF_0000_0000L) == seen) {
                    if (spins++ < 2000) {
                        Thread.onSpinWait();
                    } else {
                        parked = true;
                        if ((STATE.get() & 0xFFFF_FFFF_0000_0000L) == seen) {
                            LockSupport.park(this);
                        }
                        parked = false;
                    }
                }
                seen = genBits;
                work(genBits);
            }
        }
    }
}
