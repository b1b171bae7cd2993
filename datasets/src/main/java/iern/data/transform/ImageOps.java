package iern.data.transform;

/** The geometric and photometric operations of the augmentation pipeline, on planar RGB in [0, 1]. */
public final class ImageOps {
    private ImageOps() {}

    /** Copies the w x h window at (x0, y0) of src into dst. */
    public static void crop(FloatImage src, FloatImage dst, int x0, int y0, int w, int h) {
        if (x0 < 0 || y0 < 0 || x0 + w > src.width || y0 + h > src.height)
            throw new IllegalArgumentException("crop " + w + "x" + h + "@" + x0 + "," + y0 + " outside "
                    + src.width + "x" + src.height);
        dst.reshape(w, h);
        for (int c = 0; c < 3; c++) {
            int s = c * src.plane();
            int d = c * w * h;
            for (int y = 0; y < h; y++) System.arraycopy(src.data, s + (y0 + y) * src.width + x0, dst.data, d + y * w, w);
        }
    }

    public static void flipHorizontal(FloatImage img) {
        int w = img.width;
        for (int row = 0; row < 3 * img.height; row++) {
            int base = row * w;
            for (int i = 0, j = w - 1; i < j; i++, j--) {
                float t = img.data[base + i];
                img.data[base + i] = img.data[base + j];
                img.data[base + j] = t;
            }
        }
    }

    /** Separable Gaussian with standard deviation sigma (PIL's blur "radius"), edges clamped. Result in img. */
    public static void gaussianBlur(FloatImage img, FloatImage tmp, double sigma, float[] kernelScratch) {
        int r = Math.max(1, (int) Math.ceil(3 * sigma));
        if (2 * r + 1 > kernelScratch.length) r = (kernelScratch.length - 1) / 2;
        double sum = 0;
        for (int k = -r; k <= r; k++) {
            double v = Math.exp(-(k * k) / (2 * sigma * sigma));
            kernelScratch[k + r] = (float) v;
            sum += v;
        }
        for (int k = 0; k <= 2 * r; k++) kernelScratch[k] /= (float) sum;
        int w = img.width;
        int h = img.height;
        tmp.reshape(w, h);
        for (int c = 0; c < 3; c++) {
            int base = c * w * h;
            for (int y = 0; y < h; y++) {
                int row = base + y * w;
                for (int x = 0; x < w; x++) {
                    float acc = 0;
                    for (int k = -r; k <= r; k++) {
                        int sx = Math.min(Math.max(x + k, 0), w - 1);
                        acc += kernelScratch[k + r] * img.data[row + sx];
                    }
                    tmp.data[row + x] = acc;
                }
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float acc = 0;
                    for (int k = -r; k <= r; k++) {
                        int sy = Math.min(Math.max(y + k, 0), h - 1);
                        acc += kernelScratch[k + r] * tmp.data[base + sy * w + x];
                    }
                    img.data[base + y * w + x] = acc;
                }
            }
        }
    }

    /** Multiplies every value by factor (torchvision adjust_brightness), clamped to [0, 1]. */
    public static void brightness(FloatImage img, float factor) {
        int n = 3 * img.plane();
        for (int i = 0; i < n; i++) img.data[i] = Math.min(1f, Math.max(0f, img.data[i] * factor));
    }

    /** Replaces every channel by the luma 0.299 R + 0.587 G + 0.114 B (torchvision rgb_to_grayscale). */
    public static void greyscale(FloatImage img) {
        int p = img.plane();
        for (int i = 0; i < p; i++) {
            float l = 0.299f * img.data[i] + 0.587f * img.data[p + i] + 0.114f * img.data[2 * p + i];
            img.data[i] = img.data[p + i] = img.data[2 * p + i] = l;
        }
    }

    /** Multiplies each channel by its own gain (a colour cast), clamped to [0, 1]. */
    public static void channelGains(FloatImage img, float r, float g, float b) {
        int p = img.plane();
        float[] gain = {r, g, b};
        for (int c = 0; c < 3; c++)
            for (int i = c * p; i < (c + 1) * p; i++) img.data[i] = Math.min(1f, Math.max(0f, img.data[i] * gain[c]));
    }

    /** Adds Gaussian noise of standard deviation sigma from rng, clamped to [0, 1]. */
    public static void noise(FloatImage img, double sigma, SampleRandom rng) {
        int n = 3 * img.plane();
        for (int i = 0; i < n; i++)
            img.data[i] = (float) Math.min(1, Math.max(0, img.data[i] + sigma * rng.nextGaussian()));
    }

    /** Blends with the mean grey level of the image (torchvision adjust_contrast), clamped to [0, 1]. */
    public static void contrast(FloatImage img, float factor) {
        int p = img.plane();
        double grey = 0;
        for (int i = 0; i < p; i++)
            grey += 0.299 * img.data[i] + 0.587 * img.data[p + i] + 0.114 * img.data[2 * p + i];
        float mean = (float) (grey / p);
        float offset = (1 - factor) * mean;
        for (int i = 0; i < 3 * p; i++) img.data[i] = Math.min(1f, Math.max(0f, img.data[i] * factor + offset));
    }

    /**
     * Affine warp about the image centre: rotate by angle degrees, shear along x by shear degrees, scale, then
     * translate by (tx, ty) pixels. Nearest-neighbour sampling and black fill, like torchvision's RandomAffine
     * defaults. Each output pixel is mapped back through the inverse matrix.
     */
    public static void affine(FloatImage src, FloatImage dst, double angleDeg, double tx, double ty, double scale,
                              double shearDeg) {
        double rot = Math.toRadians(angleDeg);
        double sx = Math.toRadians(shearDeg);
        // forward linear part: rotation composed with an x-shear, times scale
        double a = Math.cos(rot) * scale;
        double b = (-Math.cos(rot) * Math.tan(sx) - Math.sin(rot)) * scale;
        double c = Math.sin(rot) * scale;
        double d = (-Math.sin(rot) * Math.tan(sx) + Math.cos(rot)) * scale;
        double det = a * d - b * c;
        double ia = d / det, ib = -b / det, ic = -c / det, id = a / det;
        int w = src.width;
        int h = src.height;
        double cx = (w - 1) * 0.5;
        double cy = (h - 1) * 0.5;
        dst.reshape(w, h);
        int p = w * h;
        for (int y = 0; y < h; y++) {
            double oy = y - cy - ty;
            for (int x = 0; x < w; x++) {
                double ox = x - cx - tx;
                int sxp = (int) Math.round(ia * ox + ib * oy + cx);
                int syp = (int) Math.round(ic * ox + id * oy + cy);
                int o = y * w + x;
                if (sxp >= 0 && sxp < w && syp >= 0 && syp < h) {
                    int s = syp * w + sxp;
                    dst.data[o] = src.data[s];
                    dst.data[p + o] = src.data[p + s];
                    dst.data[2 * p + o] = src.data[2 * p + s];
                } else {
                    dst.data[o] = 0;
                    dst.data[p + o] = 0;
                    dst.data[2 * p + o] = 0;
                }
            }
        }
    }

    /** (x - 0.5) / 0.5 into out at offset: the authors' Normalize((0.5,)*3, (0.5,)*3). */
    public static void normalise(FloatImage img, float[] out, int offset) {
        int n = 3 * img.plane();
        for (int i = 0; i < n; i++) out[offset + i] = (img.data[i] - 0.5f) * 2f;
    }
}
