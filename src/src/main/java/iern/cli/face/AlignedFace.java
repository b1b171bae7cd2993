package iern.cli.face;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/** A face of an image and its aligned square crop ({@link Alignment}). */
public record AlignedFace(Face face, Alignment alignment, BufferedImage crop) {
    /** Every face of {@code image} (left to right) aligned to {@code size} x {@code size}; empty when there is none. */
    public static List<AlignedFace> all(BufferedImage image, int size) {
        List<AlignedFace> out = new ArrayList<>();
        for (Face f : FaceDetector.get().detect(image)) {
            Alignment a = f.alignment(size);
            out.add(new AlignedFace(f, a, a.warp(image)));
        }
        return out;
    }

    /** "x,y WxH", and a note when the eyes were not found. */
    public String describe() {
        return face.box() + (face.eyesFound() ? "" : ", eyes not found: not rotated");
    }
}
