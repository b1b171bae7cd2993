package iern.cli.face;

/**
 * A face found in an image: its box from the face cascade and the centres of its eyes from the eye
 * cascade, {@code leftEye} being the one on the image's left. Both eyes are null when the eye
 * cascade did not find a plausible pair; alignment then estimates them from the box.
 */
public record Face(Box box, Point leftEye, Point rightEye) {
    public Face {
        if ((leftEye == null) != (rightEye == null)) {
            throw new IllegalArgumentException("give both eyes or neither");
        }
        if (leftEye != null && leftEye.x() >= rightEye.x()) {
            throw new IllegalArgumentException("left eye " + leftEye + " is not left of " + rightEye);
        }
    }

    public boolean eyesFound() {
        return leftEye != null;
    }

    /** The alignment to a {@code size} x {@code size} crop: from the eyes, else from the box without rotation. */
    public Alignment alignment(int size) {
        return eyesFound() ? Alignment.fromEyes(leftEye, rightEye, size) : Alignment.fromBox(box, size);
    }
}
