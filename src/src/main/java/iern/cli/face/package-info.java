/**
 * Faces for {@code iern align} and {@code iern predict}: {@link iern.cli.face.FaceDetector} finds
 * faces and eyes with OpenCV's Haar cascades (the only classes that touch OpenCV),
 * {@link iern.cli.face.Alignment} levels the eyes and crops the authors' aligned square, and
 * {@link iern.cli.face.AlignedFace} ties them together. Boxes and points are plain records, images
 * {@link java.awt.image.BufferedImage}s.
 */
package iern.cli.face;
