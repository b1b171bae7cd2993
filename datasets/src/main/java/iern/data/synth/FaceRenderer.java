package iern.data.synth;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.QuadCurve2D;

/**
 * Draws a face in a 100 x 100 canonical frame (centre 50, 50) with Java2D. Only geometry driven by the
 * {@link Expression} changes between emotions; everything else comes from the {@link Identity}, so expression
 * is the one cue that carries the emotion.
 */
final class FaceRenderer {
    private static final double CX = 50;
    private static final double CY = 48;
    private static final double FACE_SCALE = 0.8;

    private FaceRenderer() {}

    /**
     * @param g    graphics already scaled to the canonical frame, background painted
     * @param pose rotation (degrees), scale and shift of the head, applied about the face centre
     */
    static void draw(Graphics2D g, Identity id, Expression e, double rotDeg, double scale, double dx, double dy) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        AffineTransform saved = g.getTransform();
        g.translate(CX + dx, CY + dy);
        g.rotate(Math.toRadians(rotDeg));
        g.scale(scale * FACE_SCALE, scale * FACE_SCALE); // leave room for hair, shoulders and the crops
        g.translate(-CX, -CY);

        drawBody(g, id);
        drawHairBack(g, id);
        drawHead(g, id);
        drawHairFront(g, id);
        drawEyes(g, id, e);
        drawBrows(g, id, e);
        drawNose(g, id, e);
        drawMouth(g, id, e);
        g.setTransform(saved);
    }

    private static void drawBody(Graphics2D g, Identity id) {
        g.setColor(shade(id.skin(), 0.85));
        g.fill(new java.awt.geom.Rectangle2D.Double(CX - 11, CY + id.faceRy() - 8, 22, 20));
        g.setColor(id.shirt());
        g.fill(new Ellipse2D.Double(CX - 42, CY + id.faceRy() + 6, 84, 50));
    }

    private static void drawHairBack(Graphics2D g, Identity id) {
        if (id.hairStyle() == 2) { // long hair falls behind the head
            g.setColor(id.hair());
            g.fill(new java.awt.geom.RoundRectangle2D.Double(CX - id.faceRx() - 7, CY - id.faceRy() - 5,
                    2 * id.faceRx() + 14, id.faceRy() * 1.75 + 5, 30, 22));
        }
    }

    private static void drawHead(Graphics2D g, Identity id) {
        double rx = id.faceRx();
        double ry = id.faceRy();
        g.setColor(shade(id.skin(), 0.92));
        g.fill(new Ellipse2D.Double(CX - rx - 4, CY - 4, 8, 13));
        g.fill(new Ellipse2D.Double(CX + rx - 4, CY - 4, 8, 13));
        // An egg shape: a wide top and a jaw narrowed by the identity's jaw factor.
        double jaw = rx * (1 - id.jawNarrowing());
        Path2D.Double face = new Path2D.Double();
        face.moveTo(CX - rx, CY);
        face.curveTo(CX - rx, CY - ry * 1.35, CX + rx, CY - ry * 1.35, CX + rx, CY);
        face.curveTo(CX + rx, CY + ry * 0.6, CX + jaw * 0.7, CY + ry, CX, CY + ry);
        face.curveTo(CX - jaw * 0.7, CY + ry, CX - rx, CY + ry * 0.6, CX - rx, CY);
        face.closePath();
        g.setColor(id.skin());
        g.fill(face);
    }

    private static void drawHairFront(Graphics2D g, Identity id) {
        if (id.hairStyle() == 0) return; // bald or shaved
        double rx = id.faceRx();
        double ry = id.faceRy();
        g.setColor(id.hair());
        Path2D.Double cap = new Path2D.Double();
        double top = CY - ry * 1.02;
        double line = id.hairStyle() == 3 ? CY - ry * 0.45 : CY - ry * 0.62; // style 3: a low fringe
        cap.moveTo(CX - rx - 1, CY - ry * 0.2);
        cap.curveTo(CX - rx - 2, top - 6, CX + rx + 2, top - 6, CX + rx + 1, CY - ry * 0.2);
        cap.quadTo(CX + rx * 0.5, line - 2, CX, line);
        cap.quadTo(CX - rx * 0.5, line - 2, CX - rx - 1, CY - ry * 0.2);
        cap.closePath();
        g.fill(cap);
    }

    private static void drawEyes(Graphics2D g, Identity id, Expression e) {
        double size = id.eyeSize();
        double y = CY + id.eyeY();
        // lids: widened eyes show white above and below the iris; narrowed eyes become slits
        double open = Math.max(0.25, 0.62 + 0.55 * e.eyeOpen());
        double halfW = size * 1.45;
        double halfH = size * open;
        for (int side = -1; side <= 1; side += 2) {
            double x = CX + side * id.eyeSpacing();
            g.setColor(new Color(250, 250, 248));
            Ellipse2D white = new Ellipse2D.Double(x - halfW, y - halfH, 2 * halfW, 2 * halfH);
            g.fill(white);
            java.awt.Shape clip = g.getClip();
            g.clip(white);
            double irisR = size * 0.72;
            g.setColor(id.iris());
            g.fill(new Ellipse2D.Double(x - irisR, y - irisR, 2 * irisR, 2 * irisR));
            g.setColor(new Color(10, 10, 10));
            double pupil = irisR * 0.5;
            g.fill(new Ellipse2D.Double(x - pupil, y - pupil, 2 * pupil, 2 * pupil));
            // cheek raise pushes the lower lid up into a crescent
            if (e.cheekRaise() > 0.05) {
                g.setColor(id.skin());
                double lift = halfH * 1.2 * e.cheekRaise();
                g.fill(new Ellipse2D.Double(x - halfW * 1.3, y + halfH - lift, 2.6 * halfW, 3 * halfH));
            }
            g.setClip(clip);
            g.setColor(shade(id.skin(), 0.45));
            g.setStroke(new BasicStroke(1.1f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(new QuadCurve2D.Double(x - halfW, y, x, y - halfH * 2.05, x + halfW, y)); // upper lid line
            if (e.cheekRaise() > 0.3) { // the cheek bulge under the eye
                g.setColor(shade(id.skin(), 0.7));
                g.setStroke(new BasicStroke(0.9f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                g.draw(new QuadCurve2D.Double(x - halfW, y + halfH + 2.5, x, y + halfH + 0.5 - 2 * e.cheekRaise(),
                        x + halfW, y + halfH + 2.5));
            }
        }
    }

    private static void drawBrows(Graphics2D g, Identity id, Expression e) {
        double baseY = CY + id.eyeY() - id.eyeSize() * 1.35 - 3.5;
        g.setColor(shade(id.hair(), 0.8));
        g.setStroke(new BasicStroke((float) id.browThickness(), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        for (int side = -1; side <= 1; side += 2) {
            double innerX = CX + side * (id.eyeSpacing() - 6 - 2.5 * e.browLower());
            double outerX = CX + side * (id.eyeSpacing() + 7);
            double lift = 6.5 * e.browRaise();
            double innerY = baseY - lift - 6 * e.browInnerRaise() + 5 * e.browLower();
            double outerY = baseY - lift + 1.5 * e.browLower() + 1.5 * e.browInnerRaise();
            double arch = 2 + 3 * e.browRaise(); // raised brows arch; lowered brows flatten
            double midX = (innerX + outerX) / 2;
            double midY = Math.min(innerY, outerY) - arch + 1.5 * e.browLower();
            g.draw(new QuadCurve2D.Double(innerX, innerY, midX, midY, outerX, outerY));
        }
        if (e.browLower() > 0.3) { // the vertical furrows between lowered brows
            g.setColor(shade(id.skin(), 0.65));
            g.setStroke(new BasicStroke(0.8f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            double y = baseY + 5 * e.browLower();
            g.draw(new Line2D.Double(CX - 1.3, y - 3, CX - 1.3, y + 3 * e.browLower()));
            g.draw(new Line2D.Double(CX + 1.3, y - 3, CX + 1.3, y + 3 * e.browLower()));
        }
    }

    private static void drawNose(Graphics2D g, Identity id, Expression e) {
        double top = CY + id.eyeY() + 2;
        double tip = top + id.noseLength() - 2 * e.noseWrinkle();
        double wing = 4.2 + 1.8 * e.noseWrinkle();
        Color line = shade(id.skin(), 0.6);
        g.setColor(line);
        g.setStroke(new BasicStroke(1.0f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(new QuadCurve2D.Double(CX - 1.5, top, CX - 2.5, (top + tip) / 2, CX - 1, tip));
        g.draw(new QuadCurve2D.Double(CX - wing, tip - 1, CX, tip + 3.2, CX + wing, tip - 1));
        g.setColor(shade(id.skin(), 0.4));
        g.fill(new Ellipse2D.Double(CX - wing * 0.6 - 1.1, tip - 0.3, 2.2, 1.4));
        g.fill(new Ellipse2D.Double(CX + wing * 0.6 - 1.1, tip - 0.3, 2.2, 1.4));
        if (e.noseWrinkle() > 0.15) { // horizontal wrinkles over the bridge
            g.setColor(shade(id.skin(), 0.55));
            g.setStroke(new BasicStroke(0.9f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            int n = e.noseWrinkle() > 0.6 ? 3 : 2;
            for (int i = 0; i < n; i++) {
                double y = top + 1 + i * 2.2;
                double half = 2.5 + 1.5 * e.noseWrinkle();
                g.draw(new QuadCurve2D.Double(CX - half, y + 0.6, CX, y - 0.8, CX + half, y + 0.6));
            }
        }
        double fold = Math.max(e.upperLipRaise(), e.cheekRaise());
        if (fold > 0.3) { // nasolabial folds deepen when the cheek or upper lip rises
            g.setColor(shade(id.skin(), 0.7));
            g.setStroke(new BasicStroke((float) (0.6 + 0.6 * fold), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            double mouthY = CY + id.mouthY();
            for (int side = -1; side <= 1; side += 2) {
                double x0 = CX + side * (wing + 1.5);
                double x1 = CX + side * (id.mouthHalfWidth() + 3);
                g.draw(new QuadCurve2D.Double(x0, tip - 1, x1 + side * 1.5, (tip + mouthY) / 2, x1, mouthY + 1));
            }
        }
    }

    private static void drawMouth(Graphics2D g, Identity id, Expression e) {
        double y = CY + id.mouthY();
        double half = id.mouthHalfWidth() * (1 + 0.35 * e.lipStretch() + 0.1 * Math.max(0, e.lipCorner())
                - 0.2 * e.lipPress() - 0.25 * e.mouthOpen() * (1 - e.lipStretch()));
        double cornerY = y - 5 * e.lipCorner();
        double upperY = y - 1.2 - 3.2 * e.upperLipRaise() - 1.5 * e.mouthOpen();
        double lowerY = y + 1.2 + 11 * e.mouthOpen() + 1.5 * e.lipStretch() * e.mouthOpen();
        // the lip line bends with the corners: corners up make a U, corners down an arch
        double bend = 4 * e.lipCorner();
        Color lip = Identity.blend(id.skin(), new Color(170, 60, 70), 0.55);
        boolean open = e.mouthOpen() > 0.08 || e.upperLipRaise() > 0.35;
        if (open) {
            Path2D.Double m = new Path2D.Double();
            m.moveTo(CX - half, cornerY);
            m.quadTo(CX, upperY + bend - 2 * (upperY - y) * 0.1, CX + half, cornerY);
            m.quadTo(CX, lowerY + bend, CX - half, cornerY);
            m.closePath();
            g.setColor(new Color(60, 15, 20));
            g.fill(m);
            java.awt.Shape clip = g.getClip();
            g.clip(m);
            g.setColor(new Color(245, 242, 230)); // upper teeth
            g.fill(new java.awt.geom.Rectangle2D.Double(CX - half, upperY + bend * 0.5 - 6, 2 * half, 8));
            g.setClip(clip);
            g.setColor(lip);
            g.setStroke(new BasicStroke(1.6f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(m);
        } else {
            double thickness = 2.6 * (1 - 0.75 * e.lipPress());
            g.setColor(lip);
            g.setStroke(new BasicStroke((float) Math.max(0.7, thickness), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(new QuadCurve2D.Double(CX - half, cornerY, CX, y + bend, CX + half, cornerY));
            g.setColor(new Color(90, 30, 35));
            g.setStroke(new BasicStroke(0.8f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(new QuadCurve2D.Double(CX - half, cornerY, CX, y + bend, CX + half, cornerY));
            if (e.lipPress() > 0.4) { // the chin bulges under pressed lips
                g.setColor(shade(id.skin(), 0.75));
                g.draw(new QuadCurve2D.Double(CX - 4, y + 6, CX, y + 4.5, CX + 4, y + 6));
            }
        }
    }

    static Color shade(Color c, double f) {
        return new Color((int) Math.min(255, Math.round(c.getRed() * f)), (int) Math.min(255, Math.round(c.getGreen() * f)),
                (int) Math.min(255, Math.round(c.getBlue() * f)));
    }
}
