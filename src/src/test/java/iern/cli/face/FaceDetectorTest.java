package iern.cli.face;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** OpenCV's cascades on real photographs ({@link FacePhotos}). */
class FaceDetectorTest {
    private static List<Face> detect(java.nio.file.Path p) throws Exception {
        return FaceDetector.get().detect(ImageIO.read(p.toFile()));
    }

    private static void inside(Box b, int x0, int y0, int x1, int y1) {
        assertTrue(b.x() >= x0 && b.y() >= y0 && b.x() + b.width() <= x1 && b.y() + b.height() <= y1,
                b + " should lie within " + x0 + "," + y0 + " - " + x1 + "," + y1);
    }

    @Test
    void messiHasOneSmallFaceAndTheCrowdNone() throws Exception {
        List<Face> faces = detect(FacePhotos.messi());
        assertEquals(1, faces.size(), faces.toString());
        Box b = faces.get(0).box();
        // his head, seen on the photo: about x 215-265, y 80-135
        inside(b, 210, 80, 270, 140);
        assertTrue(b.width() >= 30 && b.width() <= 50, b.toString());
        // too small for the eye cascade: aligned from its box
        assertFalse(faces.get(0).eyesFound(), faces.toString());
    }

    @Test
    void theAstronautsEyesAreFoundAndLevelledIntoPlace() throws Exception {
        BufferedImage img = ImageIO.read(FacePhotos.astronaut().toFile());
        List<Face> faces = FaceDetector.get().detect(img);
        assertEquals(1, faces.size(), faces.toString());
        Face f = faces.get(0);
        inside(f.box(), 160, 50, 290, 180);
        assertTrue(f.eyesFound(), f.toString());
        // her eyes, seen on the photo: about (201, 101) and (247, 103)
        assertEquals(201, f.leftEye().x(), 6);
        assertEquals(101, f.leftEye().y(), 6);
        assertEquals(247, f.rightEye().x(), 6);
        assertEquals(103, f.rightEye().y(), 6);
        Alignment a = f.alignment(256);
        assertTrue(Math.abs(a.tiltDegrees()) < 8, "tilt " + a.tiltDegrees());
        BufferedImage crop = a.warp(img);
        assertEquals(256, crop.getWidth());
        // the aligned crop holds a face again, filling it: one face, centred, eyes near their places
        List<Face> again = FaceDetector.get().detect(crop);
        assertEquals(1, again.size(), again.toString());
        Box c = again.get(0).box();
        assertTrue(c.width() > 128, "a face across most of the crop: " + c);
        assertEquals(128, c.centre().x(), 16, c.toString());
        if (again.get(0).eyesFound()) {
            assertEquals(0.35 * 256, again.get(0).leftEye().y(), 12, again.get(0).toString());
            assertEquals(0.35 * 256, again.get(0).rightEye().y(), 12, again.get(0).toString());
        }
    }

    @Test
    void twoPhotosSideBySideGiveTwoFacesLeftToRight() throws Exception {
        List<Face> faces = FaceDetector.get().detect(FacePhotos.pair());
        assertEquals(2, faces.size(), faces.toString());
        Box astronaut = detect(FacePhotos.astronaut()).get(0).box();
        Box messi = detect(FacePhotos.messi()).get(0).box();
        // each where it is in its own photo, messi5 shifted by the astronaut's width
        assertEquals(astronaut.x(), faces.get(0).box().x(), 3, faces.toString());
        assertEquals(astronaut.y(), faces.get(0).box().y(), 3, faces.toString());
        assertEquals(512 + messi.x(), faces.get(1).box().x(), 3, faces.toString());
        assertEquals(messi.y(), faces.get(1).box().y(), 3, faces.toString());
    }

    @Test
    void noFaceInFruits() throws Exception {
        assertEquals(List.of(), detect(FacePhotos.fruits()));
    }

    @Test
    void aLargePhotoIsSearchedShrunkAndAnswersInItsOwnPixels() throws Exception {
        // the astronaut pasted at (500, 600) on a grey 1600 x 1600 canvas: searched at 1280 px,
        // the box comes back in the canvas's pixels
        BufferedImage img = ImageIO.read(FacePhotos.astronaut().toFile());
        BufferedImage big = new BufferedImage(1600, 1600, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = big.createGraphics();
        g.setColor(java.awt.Color.GRAY);
        g.fillRect(0, 0, 1600, 1600);
        g.drawImage(img, 500, 600, null);
        g.dispose();
        List<Face> faces = FaceDetector.get().detect(big);
        assertEquals(1, faces.size(), faces.toString());
        Box small = detect(FacePhotos.astronaut()).get(0).box();
        Box b = faces.get(0).box();
        assertEquals(500 + small.centre().x(), b.centre().x(), 6, b + " vs " + small);
        assertEquals(600 + small.centre().y(), b.centre().y(), 6, b + " vs " + small);
        assertEquals(small.width(), b.width(), 12, b + " vs " + small);
        assertTrue(faces.get(0).eyesFound(), faces.toString());
    }
}
