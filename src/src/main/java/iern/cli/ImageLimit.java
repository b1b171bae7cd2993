package iern.cli;

import iern.data.image.ImageDecoder;
import picocli.CommandLine.Option;

/** The largest image (width x height) any command decodes; what is larger is refused from its header. */
public final class ImageLimit {
    @Option(names = "--max-pixels", paramLabel = "N",
            description = "Refuse images of more than N pixels (width x height, read from the header before decoding)."
                + " Default: 40000000, less when the heap is small (about 32 bytes per pixel per core).")
    Long maxPixels;

    /** The default: 40 megapixels, or what a decode on every core at once leaves room for in half the heap. */
    static long defaultLimit() {
        long perCore = Runtime.getRuntime().maxMemory() / 32 / Math.max(1, Runtime.getRuntime().availableProcessors());
        return Math.max(1_000_000L, Math.min(ImageDecoder.DEFAULT_MAX_PIXELS, perCore));
    }

    void apply() {
        long limit = maxPixels != null ? maxPixels : defaultLimit();
        try {
            ImageDecoder.setMaxPixels(limit);
        } catch (IllegalArgumentException e) {
            throw new UserError("--max-pixels " + limit + ": expected 1 to 500000000");
        }
    }
}
