package iern.cli.face;

/** A point in pixel-index coordinates: pixel {@code (i, j)} is centred on {@code x = i, y = j}. */
public record Point(double x, double y) {
    public double distance(Point o) {
        return Math.hypot(o.x - x, o.y - y);
    }
}
