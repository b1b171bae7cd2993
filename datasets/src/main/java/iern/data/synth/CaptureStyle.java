package iern.data.synth;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

/**
 * How a "source dataset" photographs its faces. The three differ strongly in background, colour, sharpness and
 * noise, so the source is an easy shortcut for a classifier, while the emotion is only in the face geometry.
 */
enum CaptureStyle {
    /** CK+-like lab capture: grey-scale, hard contrast, plain light backdrop, sharp. */
    LAB_GREY,
    /** MMI-like: warm colour cast, soft focus, a textured (striped wallpaper) background. */
    WARM_SOFT,
    /** Oulu-CASIA-like dark near-infrared look: monochrome, dim, heavy sensor noise, vignette. */
    DARK_NIR;

    static CaptureStyle forSource(int source) {
        return values()[source];
    }

    /** Paints the backdrop in canonical 100 x 100 coordinates. */
    void paintBackground(Graphics2D g, SplittableRandom r) {
        switch (this) {
            case LAB_GREY -> {
                int v = 200 + r.nextInt(25);
                g.setPaint(new GradientPaint(0, 0, new Color(v, v, v), 0, 100, new Color(v - 25, v - 25, v - 25)));
                g.fill(new Rectangle2D.Double(0, 0, 100, 100));
            }
            case WARM_SOFT -> {
                Color base = new Color(190 + r.nextInt(30), 140 + r.nextInt(25), 90 + r.nextInt(25));
                Color stripe = new Color(150 + r.nextInt(30), 95 + r.nextInt(20), 60 + r.nextInt(20));
                g.setColor(base);
                g.fill(new Rectangle2D.Double(0, 0, 100, 100));
                g.setColor(stripe);
                double period = 7 + r.nextDouble(5);
                double phase = r.nextDouble(period);
                double slant = r.nextDouble(-0.6, 0.6);
                java.awt.geom.AffineTransform saved = g.getTransform();
                g.shear(slant, 0);
                for (double x = -80 + phase; x < 180; x += period) g.fill(new Rectangle2D.Double(x, 0, period * 0.4, 100));
                g.setTransform(saved);
                for (int i = 0; i < 12; i++) { // patterned dots on the wallpaper
                    g.setColor(new Color(120 + r.nextInt(60), 80 + r.nextInt(40), 40 + r.nextInt(30)));
                    double d = 2 + r.nextDouble(4);
                    g.fill(new java.awt.geom.Ellipse2D.Double(r.nextDouble(100), r.nextDouble(100), d, d));
                }
            }
            case DARK_NIR -> {
                int v = 28 + r.nextInt(14);
                g.setPaint(new GradientPaint(0, 0, new Color(v + 12, v + 12, v + 12), 100, 100, new Color(v, v, v)));
                g.fill(new Rectangle2D.Double(0, 0, 100, 100));
            }
        }
    }

    /** Applies the camera's colour response, blur, noise and vignette to the finished drawing. */
    void develop(BufferedImage img, SplittableRandom r) {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] px = img.getRGB(0, 0, w, h, null, 0, w);
        float[][] ch = new float[3][w * h];
        for (int i = 0; i < px.length; i++) {
            ch[0][i] = (px[i] >> 16) & 0xff;
            ch[1][i] = (px[i] >> 8) & 0xff;
            ch[2][i] = px[i] & 0xff;
        }
        double unit = w / 64.0; // effects are sized for 64 px and scale with the image
        switch (this) {
            case LAB_GREY -> {
                for (int i = 0; i < px.length; i++) {
                    double l = 0.299 * ch[0][i] + 0.587 * ch[1][i] + 0.114 * ch[2][i];
                    double v = (l - 128) * 1.4 + 136 + r.nextGaussian() * 2;
                    ch[0][i] = ch[1][i] = ch[2][i] = (float) v;
                }
            }
            case WARM_SOFT -> {
                for (float[] c : ch) blur(c, w, h, 0.85 * unit);
                for (int i = 0; i < px.length; i++) {
                    double red = ch[0][i], green = ch[1][i], blue = ch[2][i];
                    ch[0][i] = (float) (red * 0.85 + 45 + r.nextGaussian() * 1.5);
                    ch[1][i] = (float) (green * 0.8 + 22 + r.nextGaussian() * 1.5);
                    ch[2][i] = (float) (blue * 0.55 + 5 + r.nextGaussian() * 1.5);
                }
            }
            case DARK_NIR -> {
                double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
                double maxD2 = cx * cx + cy * cy;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int i = y * w + x;
                        double l = 0.33 * ch[0][i] + 0.5 * ch[1][i] + 0.17 * ch[2][i];
                        double d2 = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / maxD2;
                        double v = (l * 0.6 + 14) * (1 - 0.65 * d2) + r.nextGaussian() * 9;
                        ch[0][i] = (float) (v * 0.85);
                        ch[1][i] = (float) (v * 1.05 + 3);
                        ch[2][i] = (float) (v * 0.95);
                    }
                }
            }
        }
        for (int i = 0; i < px.length; i++) {
            px[i] = 0xff000000 | clamp(ch[0][i]) << 16 | clamp(ch[1][i]) << 8 | clamp(ch[2][i]);
        }
        img.setRGB(0, 0, w, h, px, 0, w);
    }

    private static int clamp(float v) {
        return Math.min(255, Math.max(0, Math.round(v)));
    }

    private static void blur(float[] c, int w, int h, double sigma) {
        int rad = Math.max(1, (int) Math.ceil(2.5 * sigma));
        float[] k = new float[2 * rad + 1];
        float sum = 0;
        for (int i = -rad; i <= rad; i++) sum += k[i + rad] = (float) Math.exp(-i * i / (2 * sigma * sigma));
        for (int i = 0; i < k.length; i++) k[i] /= sum;
        float[] tmp = new float[c.length];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                float a = 0;
                for (int i = -rad; i <= rad; i++) a += k[i + rad] * c[y * w + Math.min(w - 1, Math.max(0, x + i))];
                tmp[y * w + x] = a;
            }
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                float a = 0;
                for (int i = -rad; i <= rad; i++) a += k[i + rad] * tmp[Math.min(h - 1, Math.max(0, y + i)) * w + x];
                c[y * w + x] = a;
            }
    }
}
