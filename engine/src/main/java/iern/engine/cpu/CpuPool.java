package iern.engine.cpu;

import iern.engine.PoolShape;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Max, average and adaptive average pooling; one thread per {@code (n, c)} plane. */
public final class CpuPool {
    private CpuPool() {}

    private static int planeGrain(int work) {
        return Math.max(1, (1 << 14) / Math.max(1, work));
    }

    public static void maxForward(PoolShape s, float[] x, float[] y, float[] argmax) {
        int oh = s.outH(), ow = s.outW(), h = s.h(), w = s.w();
        // Outputs [oxIn, oxOut) have their whole window inside the row: there, when SIMD is on,
        // LANES outputs at a time gather their taps (stride apart) and keep the larger lane by a
        // mask, where the scalar loop below takes a data-dependent branch per tap.
        int oxIn = (s.padW() + s.strideW() - 1) / s.strideW();
        int oxOut = Math.max(oxIn, Math.min(ow, Math.floorDiv(w - s.kw() + s.padW(), s.strideW()) + 1));
        int[] lanesAt = CpuSettings.SIMD ? gatherMap(s.strideW()) : null;
        Parallel.forRange(s.n() * s.c(), planeGrain(oh * ow * s.kh() * s.kw()), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int xb = p * h * w;
                int yb = p * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    // The window clipped to the image once per row and column, not per tap.
                    int iy0 = oy * s.strideH() - s.padH();
                    int ky0 = Math.max(0, -iy0), ky1 = Math.min(s.kh(), h - iy0);
                    int vecEnd = oxIn;
                    if (lanesAt != null && ky0 < ky1) {
                        vecEnd = maxRowVector(s, x, xb, iy0, ky0, ky1, oxIn, oxOut, lanesAt, y, argmax, yb + oy * ow);
                    }
                    for (int ox = 0; ox < ow; ox++) {
                        if (ox == oxIn && vecEnd > oxIn) {
                            ox = vecEnd - 1;
                            continue;
                        }
                        int ix0 = ox * s.strideW() - s.padW();
                        int kx0 = Math.max(0, -ix0), kx1 = Math.min(s.kw(), w - ix0);
                        float m = Float.NEGATIVE_INFINITY;
                        int best = -1;
                        for (int ky = ky0; ky < ky1; ky++) {
                            int row = (iy0 + ky) * w + ix0;
                            for (int kx = kx0; kx < kx1; kx++) {
                                float v = x[xb + row + kx];
                                if (best < 0 || v > m) {
                                    m = v;
                                    best = row + kx;
                                }
                            }
                        }
                        y[yb + oy * ow + ox] = m;
                        argmax[yb + oy * ow + ox] = best;
                    }
                }
            }
        });
    }

    private static final VectorSpecies<Float> SP = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SP.length();

    /** Gather maps for the common strides, made once. */
    private static final int[][] GATHER_MAPS = {null, newGatherMap(1), newGatherMap(2)};

    /** Lane i reads element i * stride. */
    private static int[] gatherMap(int stride) {
        return stride < GATHER_MAPS.length ? GATHER_MAPS[stride] : newGatherMap(stride);
    }

    private static int[] newGatherMap(int stride) {
        int[] map = new int[LANES];
        for (int i = 0; i < LANES; i++) {
            map[i] = i * stride;
        }
        return map;
    }

    /**
     * Max pooling of outputs [oxIn, oxOut) of one row, LANES at a time, same taps in the same
     * order as the scalar loop (first tap taken, later ones only when strictly greater).
     * Returns where it stopped: the caller does the rest one by one.
     */
    private static int maxRowVector(PoolShape s, float[] x, int xb, int iy0, int ky0, int ky1, int oxIn,
                                    int oxOut, int[] lanesAt, float[] y, float[] argmax, int yRow) {
        int w = s.w(), sw = s.strideW();
        FloatVector laneOffset = FloatVector.zero(SP).addIndex(sw); // lane i: i * stride
        int ox = oxIn;
        for (; ox + LANES <= oxOut; ox += LANES) {
            int ix0 = ox * sw - s.padW();
            int first = (iy0 + ky0) * w + ix0;
            FloatVector m = FloatVector.fromArray(SP, x, xb + first, lanesAt, 0);
            FloatVector best = laneOffset.add((float) first);
            for (int ky = ky0; ky < ky1; ky++) {
                int row = (iy0 + ky) * w + ix0;
                for (int kx = ky == ky0 ? 1 : 0; kx < s.kw(); kx++) {
                    FloatVector v = FloatVector.fromArray(SP, x, xb + row + kx, lanesAt, 0);
                    VectorMask<Float> more = v.compare(VectorOperators.GT, m);
                    m = m.blend(v, more);
                    best = best.blend(laneOffset.add((float) (row + kx)), more);
                }
            }
            m.intoArray(y, yRow + ox);
            best.intoArray(argmax, yRow + ox);
        }
        return ox;
    }

    public static void maxBackward(PoolShape s, float[] dy, float[] argmax, float[] dx) {
        int oh = s.outH(), ow = s.outW(), hw = s.h() * s.w();
        Parallel.forRange(s.n() * s.c(), planeGrain(hw + oh * ow), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int xb = p * hw;
                java.util.Arrays.fill(dx, xb, xb + hw, 0f);
                int yb = p * oh * ow;
                for (int o = 0; o < oh * ow; o++) {
                    dx[xb + (int) argmax[yb + o]] += dy[yb + o];
                }
            }
        });
    }

    public static void avgForward(PoolShape s, float[] x, float[] y, boolean countPad) {
        int oh = s.outH(), ow = s.outW(), h = s.h(), w = s.w();
        Parallel.forRange(s.n() * s.c(), planeGrain(oh * ow * s.kh() * s.kw()), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int xb = p * h * w;
                int yb = p * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int y0 = oy * s.strideH() - s.padH(), x0 = ox * s.strideW() - s.padW();
                        int ya = Math.max(0, y0), yz = Math.min(h, y0 + s.kh());
                        int xa = Math.max(0, x0), xz = Math.min(w, x0 + s.kw());
                        double sum = 0;
                        for (int iy = ya; iy < yz; iy++) {
                            for (int ix = xa; ix < xz; ix++) {
                                sum += x[xb + iy * w + ix];
                            }
                        }
                        y[yb + oy * ow + ox] = (float) (sum / divisor(s, y0, x0, ya, yz, xa, xz, countPad));
                    }
                }
            }
        });
    }

    /** PyTorch's divisor: the window clipped to the padded input, or to the real input without countPad. */
    static int divisor(PoolShape s, int y0, int x0, int ya, int yz, int xa, int xz, boolean countPad) {
        if (!countPad) {
            return (yz - ya) * (xz - xa);
        }
        int yEnd = Math.min(y0 + s.kh(), s.h() + s.padH());
        int xEnd = Math.min(x0 + s.kw(), s.w() + s.padW());
        return (yEnd - y0) * (xEnd - x0);
    }

    public static void avgBackward(PoolShape s, float[] dy, float[] dx, boolean countPad) {
        int oh = s.outH(), ow = s.outW(), h = s.h(), w = s.w();
        Parallel.forRange(s.n() * s.c(), planeGrain(oh * ow * s.kh() * s.kw()), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int xb = p * h * w;
                java.util.Arrays.fill(dx, xb, xb + h * w, 0f);
                int yb = p * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int y0 = oy * s.strideH() - s.padH(), x0 = ox * s.strideW() - s.padW();
                        int ya = Math.max(0, y0), yz = Math.min(h, y0 + s.kh());
                        int xa = Math.max(0, x0), xz = Math.min(w, x0 + s.kw());
                        float g = dy[yb + oy * ow + ox] / divisor(s, y0, x0, ya, yz, xa, xz, countPad);
                        for (int iy = ya; iy < yz; iy++) {
                            for (int ix = xa; ix < xz; ix++) {
                                dx[xb + iy * w + ix] += g;
                            }
                        }
                    }
                }
            }
        });
    }

    static int adaptiveStart(int o, int in, int out) {
        return (int) Math.floorDiv((long) o * in, out);
    }

    static int adaptiveEnd(int o, int in, int out) {
        return (int) -Math.floorDiv(-(long) (o + 1) * in, out);
    }

    public static void adaptiveForward(int nc, int h, int w, int oh, int ow, float[] x, float[] y) {
        Parallel.forRange(nc, planeGrain(h * w), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                for (int oy = 0; oy < oh; oy++) {
                    int ya = adaptiveStart(oy, h, oh), yz = adaptiveEnd(oy, h, oh);
                    for (int ox = 0; ox < ow; ox++) {
                        int xa = adaptiveStart(ox, w, ow), xz = adaptiveEnd(ox, w, ow);
                        double sum = 0;
                        for (int iy = ya; iy < yz; iy++) {
                            for (int ix = xa; ix < xz; ix++) {
                                sum += x[p * h * w + iy * w + ix];
                            }
                        }
                        y[p * oh * ow + oy * ow + ox] = (float) (sum / ((yz - ya) * (xz - xa)));
                    }
                }
            }
        });
    }

    public static void adaptiveBackward(int nc, int h, int w, int oh, int ow, float[] dy, float[] dx) {
        Parallel.forRange(nc, planeGrain(h * w), (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                java.util.Arrays.fill(dx, p * h * w, (p + 1) * h * w, 0f);
                for (int oy = 0; oy < oh; oy++) {
                    int ya = adaptiveStart(oy, h, oh), yz = adaptiveEnd(oy, h, oh);
                    for (int ox = 0; ox < ow; ox++) {
                        int xa = adaptiveStart(ox, w, ow), xz = adaptiveEnd(ox, w, ow);
                        float g = dy[p * oh * ow + oy * ow + ox] / ((yz - ya) * (xz - xa));
                        for (int iy = ya; iy < yz; iy++) {
                            for (int ix = xa; ix < xz; ix++) {
                                dx[p * h * w + iy * w + ix] += g;
                            }
                        }
                    }
                }
            }
        });
    }
}
