package iern.data.loader;

import iern.data.BadInput;
import iern.data.DataException;
import iern.data.Sample;
import iern.data.image.ImageDecoder;
import iern.data.transform.FloatImage;
import iern.data.transform.Pipeline;
import iern.data.transform.Resize;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The pixels of a sample list at the pipeline's load size, as planar bytes (0..255, like the authors' PIL images
 * after their resize). Decoding and resizing are the expensive, deterministic part of loading, so when all images
 * fit in the memory budget they are done once up front and kept; otherwise each fetch decodes from disk.
 * Either way a sample's bytes are identical.
 */
public final class ImageStore {
    /** Default memory budget for cached pixels. */
    public static final long DEFAULT_BUDGET = 512L << 20;

    private final List<Sample> samples;
    private final int loadSize;
    private final byte[][] cache; // null when not cached
    private final ThreadLocal<DecodeScratch> scratch;

    /** Scratch floats a thread keeps between images; a rare larger image's buffers are dropped after use. */
    private static final int KEEP_FLOATS = 3 * 4_000_000;

    private static final class DecodeScratch {
        final FloatImage decoded = new FloatImage(1);
        final FloatImage resized = new FloatImage(1);
        final FloatImage tmp = new FloatImage(1);
        byte[] bytes = new byte[0];
    }

    private ImageStore(List<Sample> samples, int loadSize, byte[][] cache) {
        this.samples = samples;
        this.loadSize = loadSize;
        this.cache = cache;
        this.scratch = ThreadLocal.withInitial(DecodeScratch::new);
    }

    /**
     * Opens the store. Samples whose image cannot be decoded are reported to {@code bad}: in FAIL mode the first
     * one throws; in SKIP mode they are left out of {@link #samples()}. When the pixels do not fit the budget and
     * the policy is SKIP, every image is still decoded once now, so no bad image can surface mid-epoch.
     */
    public static ImageStore open(List<Sample> samples, int loadSize, long budgetBytes, int threads, BadInput bad) {
        long need = (long) samples.size() * 3 * loadSize * loadSize;
        boolean fits = need <= budgetBytes;
        ImageStore probe = new ImageStore(samples, loadSize, null);
        if (!fits && bad.policy() == BadInput.Policy.FAIL) return probe;
        byte[][] pixels = new byte[samples.size()][];
        DataException[] errors = new DataException[samples.size()];
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "iern-decode");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> jobs = new ArrayList<>();
            int chunks = Math.max(1, threads) * 4;
            for (int c = 0; c < chunks; c++) {
                final int start = c;
                jobs.add(pool.submit(() -> {
                    for (int i = start; i < samples.size(); i += chunks) {
                        try {
                            byte[] px = probe.decode(samples.get(i));
                            pixels[i] = fits ? px.clone() : null;
                        } catch (DataException e) {
                            errors[i] = e;
                        }
                    }
                }));
            }
            for (Future<?> f : jobs) f.get();
        } catch (Exception e) {
            throw new IllegalStateException("decoding images failed", e);
        } finally {
            pool.shutdownNow();
        }
        List<Sample> good = new ArrayList<>();
        List<byte[]> goodPixels = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) { // in sample order, so the first error reported is stable
            if (errors[i] != null) {
                bad.report(errors[i]);
                continue;
            }
            good.add(samples.get(i));
            goodPixels.add(pixels[i]);
        }
        if (good.isEmpty()) throw new DataException(samples.getFirst().path(), 0, "no decodable images: " + bad.summary());
        return new ImageStore(List.copyOf(good), loadSize, fits ? goodPixels.toArray(new byte[0][]) : null);
    }

    public static ImageStore open(List<Sample> samples, Pipeline pipeline, BadInput bad) {
        return open(samples, pipeline.loadSize(), DEFAULT_BUDGET, Runtime.getRuntime().availableProcessors(), bad);
    }

    public List<Sample> samples() {
        return samples;
    }

    public int loadSize() {
        return loadSize;
    }

    public boolean isCached() {
        return cache != null;
    }

    /** Puts sample i at load size into the pipeline's input. */
    public void fill(int i, Pipeline pipeline, Pipeline.Scratch s) {
        if (pipeline.loadSize() != loadSize)
            throw new IllegalArgumentException("pipeline load size " + pipeline.loadSize() + " != store " + loadSize);
        if (cache != null) {
            pipeline.loadBytes(cache[i], 0, s);
        } else {
            pipeline.loadBytes(decode(samples.get(i)), 0, s);
        }
    }

    /** Decodes and resizes one sample into this thread's scratch bytes (valid until the next call). */
    private byte[] decode(Sample sample) {
        DecodeScratch d = scratch.get();
        var img = ImageDecoder.read(sample.path(), sample.origin());
        d.decoded.reshape(img.getWidth(), img.getHeight());
        ImageDecoder.toPlanar(img, d.decoded.data);
        FloatImage sized = d.decoded;
        if (img.getWidth() != loadSize || img.getHeight() != loadSize) {
            Resize.apply(d.decoded, d.resized, d.tmp, loadSize, loadSize);
            sized = d.resized;
        }
        int n = 3 * loadSize * loadSize;
        if (d.bytes.length != n) d.bytes = new byte[n];
        for (int k = 0; k < n; k++) d.bytes[k] = (byte) Math.round(sized.data[k] * 255f);
        if (d.decoded.data.length > KEEP_FLOATS || d.tmp.data.length > KEEP_FLOATS) scratch.remove();
        return d.bytes;
    }
}
