package iern.data.loader;

import iern.data.DataException;
import iern.data.Sample;
import iern.data.transform.Pipeline;
import iern.data.transform.SampleRandom;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Shuffles, batches and augments on worker threads, a bounded number of batches ahead of the consumer, into a
 * fixed ring of reusable {@link Batch} buffers.
 *
 * <p>Deterministic for a seed whatever the thread timing: the epoch's order comes from (seed, epoch) and each
 * sample's augmentation from its own generator seeded by (seed, epoch, sample index), so which worker fills which
 * batch, and when, cannot change a single value.
 *
 * <pre>
 * try (Loader loader = Loader.builder(store, Pipeline.train(64)).batchSize(8).seed(1).build()) {
 *     loader.startEpoch(0);
 *     for (Batch b; (b = loader.next()) != null; ) { ... b.images, b.emotion, b.size ... }
 * }
 * </pre>
 */
public final class Loader implements AutoCloseable {
    private final ImageStore store;
    private final Pipeline pipeline;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final long seed;
    private final ExecutorService workers; // null: fill batches on the caller's thread
    private final Batch[] slots;
    private final ThreadLocal<Pipeline.Scratch> scratch;
    private final ThreadLocal<SampleRandom> random = ThreadLocal.withInitial(() -> new SampleRandom(0));
    private final int[] order;

    private final ArrayDeque<Future<Batch>> inFlight = new ArrayDeque<>();
    private int epoch;
    private int batchesThisEpoch;
    private int submitted;
    private int handedOut;
    private Batch current;

    private Loader(Builder b) {
        this.store = b.store;
        this.pipeline = b.pipeline;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.dropLast = b.dropLast;
        this.seed = b.seed;
        this.slots = new Batch[b.prefetch + 1];
        for (int i = 0; i < slots.length; i++) slots[i] = new Batch(batchSize, pipeline.cropSize(), pipeline.cropSize());
        this.scratch = ThreadLocal.withInitial(() -> new Pipeline.Scratch(pipeline.loadSize()));
        this.order = new int[store.samples().size()];
        this.workers = b.workers == 0 ? null : Executors.newFixedThreadPool(b.workers, r -> {
            Thread t = new Thread(r, "iern-loader");
            t.setDaemon(true);
            return t;
        });
    }

    public static Builder builder(ImageStore store, Pipeline pipeline) {
        return new Builder(store, pipeline);
    }

    public static final class Builder {
        private final ImageStore store;
        private final Pipeline pipeline;
        private int batchSize = 8;
        private boolean shuffle = true;
        private boolean dropLast = true;
        private long seed = 0;
        private int workers = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        private int prefetch = 4;

        private Builder(ImageStore store, Pipeline pipeline) {
            this.store = store;
            this.pipeline = pipeline;
        }

        public Builder batchSize(int n) {
            if (n < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + n);
            batchSize = n;
            return this;
        }

        public Builder shuffle(boolean on) {
            shuffle = on;
            return this;
        }

        public Builder dropLast(boolean on) {
            dropLast = on;
            return this;
        }

        public Builder seed(long s) {
            seed = s;
            return this;
        }

        /** Worker threads; 0 fills batches on the calling thread. */
        public Builder workers(int n) {
            if (n < 0) throw new IllegalArgumentException("workers must be >= 0, got " + n);
            workers = n;
            return this;
        }

        /** Batches prepared ahead of the consumer (the ring holds one more, the batch being used). */
        public Builder prefetch(int n) {
            if (n < 1) throw new IllegalArgumentException("prefetch must be >= 1, got " + n);
            prefetch = n;
            return this;
        }

        public Loader build() {
            return new Loader(this);
        }
    }

    public List<Sample> samples() {
        return store.samples();
    }

    public int batchesPerEpoch() {
        int n = store.samples().size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** Begins an epoch; batches of an unfinished previous epoch are waited for and discarded. */
    public void startEpoch(int epochNumber) {
        drain();
        this.epoch = epochNumber;
        for (int i = 0; i < order.length; i++) order[i] = i;
        if (shuffle) {
            SampleRandom rng = new SampleRandom(mix(seed, epochNumber, -1));
            for (int i = order.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        batchesThisEpoch = batchesPerEpoch();
        submitted = 0;
        handedOut = 0;
        current = null;
        while (submitted < batchesThisEpoch && submitted < slots.length) submitNext();
    }

    /** The next batch of the epoch, or null when it is over. Valid until the following call. */
    public Batch next() {
        if (current != null && submitted < batchesThisEpoch) submitNext(); // current's slot is free again
        current = null;
        if (handedOut >= batchesThisEpoch) return null;
        Future<Batch> f = inFlight.pollFirst();
        handedOut++;
        current = await(f);
        return current;
    }

    private void submitNext() {
        int number = submitted++;
        Batch slot = slots[number % slots.length];
        if (workers == null) {
            java.util.concurrent.CompletableFuture<Batch> done = new java.util.concurrent.CompletableFuture<>();
            try {
                done.complete(fill(slot, number));
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
            inFlight.addLast(done);
        } else {
            inFlight.addLast(workers.submit(() -> fill(slot, number)));
        }
    }

    private Batch fill(Batch batch, int number) {
        int start = number * batchSize;
        int size = Math.min(batchSize, order.length - start);
        Pipeline.Scratch s = scratch.get();
        SampleRandom rng = random.get();
        int stride = batch.floatsPerImage();
        List<Sample> samples = store.samples();
        for (int j = 0; j < size; j++) {
            int index = order[start + j];
            Sample sample = samples.get(index);
            store.fill(index, pipeline, s);
            pipeline.run(s, rng.reseed(mix(seed, epoch, index)), batch.images, j * stride);
            batch.emotion[j] = sample.emotion();
            batch.confounder[j] = sample.confounder();
            batch.keys[j] = sample.key();
            batch.sampleIndex[j] = index;
        }
        batch.size = size;
        batch.number = number;
        return batch;
    }

    private static Batch await(Future<Batch> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            // rethrown on the consumer's thread with the same message; the worker's exception stays as the cause
            if (cause instanceof DataException d) throw new DataException(d.file(), d.line(), d.problem(), d);
            if (cause instanceof RuntimeException r) throw r;
            throw new IllegalStateException("loader worker failed", cause);
        }
    }

    private void drain() {
        while (!inFlight.isEmpty()) {
            try {
                inFlight.pollFirst().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException ignored) {
                // a batch of an abandoned epoch failed; the same sample will fail again if it is asked for
            }
        }
    }

    static long mix(long seed, int epoch, int index) {
        long z = seed + 0x9E3779B97F4A7C15L * (epoch + 1) + 0xD1B54A32D192ED03L * (index + 2L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public void close() {
        drain();
        if (workers != null) workers.shutdownNow();
    }
}
