package iern.data.synth;

import iern.data.MixBasic;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A grid of images with captions in one PNG, to look at a data set by eye. */
public final class ContactSheet {
    private ContactSheet() {}

    public static void write(List<BufferedImage> images, List<String> captions, int columns, int cell, Path out) {
        int rows = (images.size() + columns - 1) / columns;
        int captionH = 14;
        BufferedImage sheet = new BufferedImage(columns * cell, rows * (cell + captionH), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        for (int i = 0; i < images.size(); i++) {
            int x = (i % columns) * cell;
            int y = (i / columns) * (cell + captionH);
            g.drawImage(images.get(i), x, y, cell, cell, null);
            g.setColor(Color.BLACK);
            g.drawString(captions.get(i), x + 2, y + cell + 11);
        }
        g.dispose();
        try {
            ImageIO.write(sheet, "png", out.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out, e);
        }
    }

    /** Sources x emotions: for each source, {@code subjects} people each showing the six emotions at the apex. */
    public static void ofSynth(SynthConfig cfg, int subjects, int cell, Path out) {
        List<BufferedImage> images = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        int apex = cfg.framesPerSequence() - 1;
        for (int source = 0; source < 3; source++) {
            for (int subject = 0; subject < Math.min(subjects, cfg.subjectsPerSource()); subject++) {
                for (int emotion = 0; emotion < 6; emotion++) {
                    images.add(SynthBenchmark.render(cfg, source, subject, emotion, apex));
                    captions.add(MixBasic.SOURCES.get(source).substring(0, 3) + " " + MixBasic.EMOTIONS.get(emotion));
                }
            }
        }
        write(images, captions, 6, cell, out);
    }

    /** One sequence per emotion for one subject: the frames side by side, to see the intensity rise. */
    public static void sequences(SynthConfig cfg, int source, int subject, int cell, Path out) {
        List<BufferedImage> images = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        for (int emotion = 0; emotion < 6; emotion++) {
            for (int frame = 0; frame < cfg.framesPerSequence(); frame++) {
                images.add(SynthBenchmark.render(cfg, source, subject, emotion, frame));
                captions.add(MixBasic.EMOTIONS.get(emotion) + " f" + frame);
            }
        }
        write(images, captions, cfg.framesPerSequence(), cell, out);
    }

    /** What the model sees: the images of a batch, un-normalised, captioned with class and confounder index. */
    public static void ofBatch(iern.data.loader.Batch batch, List<String> classNames, int cell, Path out) {
        List<BufferedImage> images = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        int w = batch.width, h = batch.height, plane = w * h;
        for (int j = 0; j < batch.size; j++) {
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            int base = j * batch.floatsPerImage();
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    int i = base + y * w + x;
                    img.setRGB(x, y, level(batch.images[i]) << 16 | level(batch.images[i + plane]) << 8
                            | level(batch.images[i + 2 * plane]));
                }
            images.add(img);
            captions.add(classNames.get(batch.emotion[j]) + " z" + batch.confounder[j]);
        }
        write(images, captions, Math.min(8, Math.max(1, batch.size)), cell, out);
    }

    private static int level(float normalised) {
        return Math.min(255, Math.max(0, Math.round((normalised * 0.5f + 0.5f) * 255f)));
    }

    /** {@code ContactSheet out.png [subjects] [imageSize] [seed]}: renders a sheet of the synthetic faces. */
    public static void main(String[] args) {
        Path out = Path.of(args.length > 0 ? args[0] : "synth-contact-sheet.png");
        int subjects = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        SynthConfig cfg = SynthConfig.defaults();
        if (args.length > 2) cfg = cfg.withImageSize(Integer.parseInt(args[2]));
        if (args.length > 3) cfg = cfg.withSeed(Long.parseLong(args[3]));
        ofSynth(cfg, subjects, 128, out);
        System.out.println("wrote " + out);
    }
}
