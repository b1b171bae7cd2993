package iern.data.synth;

import java.util.SplittableRandom;

/**
 * Facial action-unit intensities, each in [0, 1] (eyeOpen and lipCorner in [-1, 1]). The six emotions are
 * prototypes over these units (after the FACS descriptions), scaled by the frame's intensity and by a
 * per-sequence variation so no two people express an emotion identically.
 */
record Expression(double browRaise, double browInnerRaise, double browLower, double eyeOpen, double cheekRaise,
                  double noseWrinkle, double upperLipRaise, double lipCorner, double lipStretch, double lipPress,
                  double mouthOpen) {

    static final Expression NEUTRAL = new Expression(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Full-intensity prototype of an emotion (index in MixBasic.EMOTIONS order). */
    static Expression prototype(int emotion) {
        return switch (emotion) {
            // Anger: AU4 brow lowerer, AU7 lid tightener, AU24 lip presser
            case 0 -> new Expression(0, 0, 1, -0.45, 0, 0.1, 0, -0.15, 0, 1, 0);
            // Disgust: AU9 nose wrinkle, AU10 upper lip raiser, AU4, corners slightly down
            case 1 -> new Expression(0, 0, 0.55, -0.5, 0.35, 1, 1, -0.45, 0.1, 0, 0.15);
            // Fear: AU1+2 brows up, AU4 drawn together, AU5 lids wide, AU20 lip stretch, AU25 lips apart
            case 2 -> new Expression(0.6, 1, 0.25, 1, 0, 0, 0.1, -0.2, 1, 0, 0.45);
            // Happiness: AU6 cheek raiser, AU12 corners up, AU25 lips apart showing teeth
            case 3 -> new Expression(0.05, 0, 0, -0.3, 1, 0, 0.2, 1, 0.3, 0, 0.35);
            // Sadness: AU1 inner brow raise, AU15 corners down, drooping lids
            case 4 -> new Expression(0, 1, 0.15, -0.45, 0, 0, 0, -1, 0, 0.25, 0);
            // Surprise: AU1+2 brows up high, AU5 lids wide, AU26/27 jaw drop
            case 5 -> new Expression(1, 0.35, 0, 1, 0, 0, 0, 0, 0, 0, 1);
            default -> throw new IllegalArgumentException("emotion " + emotion);
        };
    }

    /** Per-sequence variant of a prototype: each unit scaled by its own factor in [0.8, 1.15]. */
    static Expression variant(int emotion, SplittableRandom r) {
        Expression p = prototype(emotion);
        return new Expression(p.browRaise * f(r), p.browInnerRaise * f(r), p.browLower * f(r), p.eyeOpen * f(r),
                p.cheekRaise * f(r), p.noseWrinkle * f(r), p.upperLipRaise * f(r), p.lipCorner * f(r),
                p.lipStretch * f(r), p.lipPress * f(r), p.mouthOpen * f(r));
    }

    private static double f(SplittableRandom r) {
        return r.nextDouble(0.8, 1.15);
    }

    /** This expression at intensity t in [0, 1] (0 neutral, 1 apex). */
    Expression at(double t) {
        return new Expression(browRaise * t, browInnerRaise * t, browLower * t, eyeOpen * t, cheekRaise * t,
                noseWrinkle * t, upperLipRaise * t, lipCorner * t, lipStretch * t, lipPress * t, mouthOpen * t);
    }
}
