package iern.cli.face;

/** An axis-aligned box in image pixels: its top-left corner and size (width and height at least 1). */
public record Box(int x, int y, int width, int height) {
    public Box {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("box " + width + " x " + height + ": expected a positive size");
        }
    }

    /** The centre, in pixel-index coordinates (pixel {@code i} is centred on {@code i}). */
    public Point centre() {
        return at(0.5, 0.5);
    }

    /** The point at fractions {@code fx}, {@code fy} of the box, in pixel-index coordinates. */
    public Point at(double fx, double fy) {
        return new Point(x + fx * width - 0.5, y + fy * height - 0.5);
    }

    /** Whether a point (pixel-index coordinates) lies inside the box. */
    public boolean contains(Point p) {
        return p.x() >= x - 0.5 && p.x() < x + width - 0.5 && p.y() >= y - 0.5 && p.y() < y + height - 0.5;
    }

    public long area() {
        return (long) width * height;
    }

    @Override
    public String toString() {
        return x + "," + y + " " + width + "x" + height;
    }
}
