package iern.data.synth;

import java.awt.Color;
import java.util.SplittableRandom;

/** What makes one synthetic person look like themselves in every frame: proportions, colours, hair. */
record Identity(double faceRx, double faceRy, Color skin, double eyeSpacing, double eyeY, double eyeSize,
                Color iris, double noseLength, double mouthY, double mouthHalfWidth, double browThickness,
                int hairStyle, Color hair, Color shirt, double jawNarrowing) {

    private static final Color[] SKIN = {
            new Color(255, 224, 196), new Color(241, 194, 160), new Color(224, 172, 130),
            new Color(198, 140, 98), new Color(160, 108, 72), new Color(118, 78, 52)};
    private static final Color[] HAIR = {
            new Color(20, 16, 14), new Color(70, 45, 25), new Color(130, 90, 50),
            new Color(200, 160, 90), new Color(150, 150, 150), new Color(110, 40, 20)};
    private static final Color[] IRIS = {new Color(60, 40, 20), new Color(40, 80, 120), new Color(60, 100, 60)};
    private static final Color[] SHIRT = {
            new Color(40, 60, 140), new Color(140, 40, 40), new Color(50, 110, 60), new Color(90, 90, 90),
            new Color(200, 200, 190)};

    static Identity draw(SplittableRandom r) {
        Color skin = blend(SKIN[r.nextInt(SKIN.length)], SKIN[r.nextInt(SKIN.length)], r.nextDouble());
        return new Identity(
                r.nextDouble(29, 35), r.nextDouble(37, 43), skin,
                r.nextDouble(12.5, 16), r.nextDouble(-7, -3), r.nextDouble(3.8, 5.0),
                IRIS[r.nextInt(IRIS.length)], r.nextDouble(9, 13), r.nextDouble(19, 23), r.nextDouble(9, 12.5),
                r.nextDouble(1.8, 3.0), r.nextInt(4), HAIR[r.nextInt(HAIR.length)], SHIRT[r.nextInt(SHIRT.length)],
                r.nextDouble(0.0, 0.25));
    }

    static Color blend(Color a, Color b, double t) {
        return new Color((int) Math.round(a.getRed() + (b.getRed() - a.getRed()) * t),
                (int) Math.round(a.getGreen() + (b.getGreen() - a.getGreen()) * t),
                (int) Math.round(a.getBlue() + (b.getBlue() - a.getBlue()) * t));
    }
}
