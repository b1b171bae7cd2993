package iern.kernels.opencl;

import static iern.kernels.opencl.OpenClTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import iern.engine.Backend;
import iern.engine.Backend.Binary;
import iern.engine.Backend.Reduce;
import iern.engine.Backend.Unary;
import iern.engine.ConvShape;
import iern.engine.PoolShape;
import iern.engine.RandomBits;
import iern.engine.Storage;
import iern.engine.oracle.GemmConvOracle;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each OpenCL kernel against a naive double-accumulating reference computed here (or the
 * engine's GemmConvOracle), on odd shapes with tails in every tile dimension.
 */
class OpenClKernelsTest {
    private static Backend be;
    private final SplittableRandom rnd = new SplittableRandom(7);

    @BeforeAll
    static void open() {
        be = openOrSkip();
    }

    @AfterAll
    static void close() {
        if (be != null) {
            be.close();
        }
    }

    @Test
    void memoryFillCopyAndRandom() {
        Storage s = be.allocate(13);
        assertArrayEquals(new float[13], download(be, s), "allocate must zero-fill");
        be.fill(s, 3, 5, 2.5f);
        be.write(s, 10, new float[] {9, 8, 7, 6}, 1, 3);
        float[] got = download(be, s);
        float[] want = {0, 0, 0, 2.5f, 2.5f, 2.5f, 2.5f, 2.5f, 0, 0, 8, 7, 6};
        assertArrayEquals(want, got);
        float[] partial = new float[5];
        be.read(s, 9, partial, 1, 3);
        assertArrayEquals(new float[] {0, 0, 8, 7, 0}, partial);

        // permute [2,3,4] -> [4,2,3] via strides, then broadcast and accumulate.
        float[] src = random(rnd, 24);
        Storage a = upload(be, src);
        Storage t = be.allocate(24);
        be.copy(a, 0, new long[] {1, 12, 4}, t, 0, new long[] {6, 3, 1}, new int[] {4, 2, 3}, false);
        float[] perm = download(be, t);
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 4; k++) {
            assertEquals(src[i * 12 + j * 4 + k], perm[k * 6 + i * 3 + j], "permute at " + i + "," + j + "," + k);
        }
        be.copy(a, 5, new long[] {0, 1}, t, 0, new long[] {3, 1}, new int[] {8, 3}, true);
        float[] acc = download(be, t);
        for (int r = 0; r < 8; r++) for (int c = 0; c < 3; c++) {
            assertEquals(perm[r * 3 + c] + src[5 + c], acc[r * 3 + c], 1e-6f);
        }

        Storage rs = be.allocate(1000);
        be.randomUniform(rs, 7, 993, 0xC0FFEEL);
        float[] r = download(be, rs);
        for (int i = 0; i < 993; i++) {
            assertEquals(Float.floatToIntBits(RandomBits.uniform(0xC0FFEEL, i)), Float.floatToIntBits(r[7 + i]),
                    "random bits at " + i);
        }
        for (Storage x : new Storage[] {s, a, t, rs}) x.close();
    }

    @Test
    void unaryForwardAndBackward() {
        int n = 37;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = 0.05f + (float) rnd.nextDouble() * 2f;
        float[] xs = random(rnd, n);
        float[] dy = random(rnd, n);
        for (Unary op : Unary.values()) {
            boolean positive = op == Unary.LOG || op == Unary.SQRT || op == Unary.RSQRT || op == Unary.POW_SCALAR;
            float[] in = positive ? x : xs;
            float a = op == Unary.CLAMP ? -0.3f : op == Unary.POW_SCALAR ? 1.7f : 0.2f, b = 0.4f;
            float[] want = new float[n], dwant = new float[n];
            for (int i = 0; i < n; i++) {
                double v = in[i];
                double y = switch (op) {
                    case NEG -> -v; case EXP -> Math.exp(v); case LOG -> Math.log(v); case SQRT -> Math.sqrt(v);
                    case RSQRT -> 1 / Math.sqrt(v); case ABS -> Math.abs(v); case SQUARE -> v * v;
                    case RECIPROCAL -> 1 / v; case RELU -> Math.max(v, 0); case SIGMOID -> 1 / (1 + Math.exp(-v));
                    case TANH -> Math.tanh(v); case LEAKY_RELU -> v > 0 ? v : a * v; case POW_SCALAR -> Math.pow(v, a);
                    case CLAMP -> Math.min(Math.max(v, a), b); case ADD_SCALAR -> v + a; case MUL_SCALAR -> v * a;
                };
                double d = switch (op) {
                    case NEG -> -1; case EXP -> Math.exp(v); case LOG -> 1 / v; case SQRT -> 0.5 / Math.sqrt(v);
                    case RSQRT -> -0.5 * Math.pow(v, -1.5); case ABS -> Math.signum(v); case SQUARE -> 2 * v;
                    case RECIPROCAL -> -1 / (v * v); case RELU -> v > 0 ? 1 : 0;
                    case SIGMOID -> y * (1 - y); case TANH -> 1 - y * y; case LEAKY_RELU -> v > 0 ? 1 : a;
                    case POW_SCALAR -> a * Math.pow(v, a - 1); case CLAMP -> v >= a && v <= b ? 1 : 0;
                    case ADD_SCALAR -> 1; case MUL_SCALAR -> a;
                };
                want[i] = (float) y;
                dwant[i] = (float) (1.0 + dy[i] * d);
            }
            Storage xsd = upload(be, in), ysd = be.allocate(n), dyd = upload(be, dy), dxd = be.allocate(n);
            Storage big = be.allocate(n + 5);
            be.write(big, 3, in, 0, n);
            be.unary(op, big, 3, ysd, 0, n, a, b);
            assertClose(op + " forward", want, download(be, ysd), 1e-6, 2e-6);
            be.fill(dxd, 0, n, 1f);
            be.unaryBackward(op, xsd, ysd, dyd, dxd, n, a, b, true);
            assertClose(op + " backward (accumulating)", dwant, download(be, dxd), 1e-5, 1e-5);
            for (Storage s : new Storage[] {xsd, ysd, dyd, dxd, big}) s.close();
        }
    }

    @Test
    void binaryBroadcasting() {
        int[] shape = {3, 4, 5};
        float[] a = random(rnd, 3 * 5), b = random(rnd, 4 * 5 + 2);
        long[] as = {5, 0, 1}, bs = {0, 5, 1};
        Storage ad = upload(be, a), bd = upload(be, b), out = be.allocate(61);
        for (Binary op : Binary.values()) {
            float[] want = new float[60];
            for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) for (int k = 0; k < 5; k++) {
                float x = a[i * 5 + k], y = b[2 + j * 5 + k];
                if (op == Binary.POW) x = Math.abs(x);
                if (op == Binary.EQ && k == 2) y = x;
                want[(i * 4 + j) * 5 + k] = switch (op) {
                    case ADD -> x + y; case SUB -> x - y; case MUL -> x * y; case DIV -> x / y;
                    case MAX -> Math.max(x, y); case MIN -> Math.min(x, y); case POW -> (float) Math.pow(x, y);
                    case EQ -> x == y ? 1 : 0; case GT -> x > y ? 1 : 0; case GE -> x >= y ? 1 : 0;
                };
            }
            float[] aIn = a.clone(), bIn = b.clone();
            if (op == Binary.POW) for (int i = 0; i < aIn.length; i++) aIn[i] = Math.abs(aIn[i]);
            if (op == Binary.EQ) for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) bIn[2 + j * 5 + 2] = aIn[i * 5 + 2];
            if (op == Binary.EQ) {
                // b varies only along j, so equality can hold for one i only: test with i == 2's value.
                for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) {
                    want[(i * 4 + j) * 5 + 2] = aIn[i * 5 + 2] == aIn[2 * 5 + 2] ? 1 : 0;
                }
            }
            be.write(ad, 0, aIn, 0, aIn.length);
            be.write(bd, 0, bIn, 0, bIn.length);
            be.binary(op, ad, 0, as, bd, 2, bs, out, 1, shape);
            float[] got = new float[60];
            be.read(out, 1, got, 0, 60);
            assertClose("binary " + op, want, got, 1e-6, 1e-6);
        }
        for (Storage s : new Storage[] {ad, bd, out}) s.close();
    }

    @Test
    void reductionsAndArgmax() {
        int[][] shapes = {{3, 7, 5}, {2, 1000, 1}, {1, 13, 1}, {4, 1, 3}};
        for (int[] sh : shapes) {
            int outer = sh[0], r = sh[1], inner = sh[2];
            float[] x = random(rnd, outer * r * inner + 2);
            Storage xd = upload(be, x), od = be.allocate(outer * inner + 1);
            for (Reduce op : Reduce.values()) {
                float[] want = new float[outer * inner];
                for (int o = 0; o < outer; o++) for (int in = 0; in < inner; in++) {
                    double acc = op == Reduce.SUM ? 0 : op == Reduce.MAX ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                    for (int j = 0; j < r; j++) {
                        double v = x[2 + (o * r + j) * inner + in];
                        acc = op == Reduce.SUM ? acc + v : op == Reduce.MAX ? Math.max(acc, v) : Math.min(acc, v);
                    }
                    want[o * inner + in] = (float) acc;
                }
                be.reduce(op, xd, 2, od, 1, outer, r, inner);
                float[] got = new float[outer * inner];
                be.read(od, 1, got, 0, got.length);
                assertClose("reduce " + op + " " + java.util.Arrays.toString(sh), want, got, 1e-5, 1e-5);
            }
            float[] want = new float[outer * inner];
            for (int o = 0; o < outer; o++) for (int in = 0; in < inner; in++) {
                int best = 0;
                for (int j = 1; j < r; j++) {
                    if (x[2 + (o * r + j) * inner + in] > x[2 + (o * r + best) * inner + in]) best = j;
                }
                want[o * inner + in] = best;
            }
            be.argmax(xd, 2, od, 0, outer, r, inner);
            float[] got = new float[outer * inner];
            be.read(od, 0, got, 0, got.length);
            assertClose("argmax " + java.util.Arrays.toString(sh), want, got, 0, 0);
            xd.close();
            od.close();
        }
    }

    @Test
    void softmaxAndLogSoftmax() {
        int[][] shapes = {{3, 7, 5}, {2, 300, 1}, {5, 1, 2}};
        for (int[] sh : shapes) {
            int outer = sh[0], r = sh[1], inner = sh[2], n = outer * r * inner;
            float[] x = random(rnd, n), dy = random(rnd, n);
            for (int i = 0; i < n; i++) x[i] *= 4;
            for (boolean log : new boolean[] {false, true}) {
                float[] y = new float[n], dx = new float[n];
                for (int o = 0; o < outer; o++) for (int in = 0; in < inner; in++) {
                    double m = Double.NEGATIVE_INFINITY, s = 0, dot = 0, sdy = 0;
                    for (int j = 0; j < r; j++) m = Math.max(m, x[(o * r + j) * inner + in]);
                    for (int j = 0; j < r; j++) s += Math.exp(x[(o * r + j) * inner + in] - m);
                    for (int j = 0; j < r; j++) {
                        int i = (o * r + j) * inner + in;
                        double p = Math.exp(x[i] - m) / s;
                        y[i] = (float) (log ? x[i] - m - Math.log(s) : p);
                        dot += dy[i] * p;
                        sdy += dy[i];
                    }
                    for (int j = 0; j < r; j++) {
                        int i = (o * r + j) * inner + in;
                        double p = Math.exp(x[i] - m) / s;
                        dx[i] = (float) (log ? dy[i] - p * sdy : p * (dy[i] - dot));
                    }
                }
                Storage xd = upload(be, x), yd = be.allocate(n), dyd = upload(be, dy), dxd = be.allocate(n);
                be.softmax(xd, yd, outer, r, inner, log);
                assertClose((log ? "log-" : "") + "softmax", y, download(be, yd), 1e-6, 1e-5);
                be.softmaxBackward(yd, dyd, dxd, outer, r, inner, log);
                assertClose((log ? "log-" : "") + "softmax backward", dx, download(be, dxd), 1e-6, 1e-5);
                for (Storage s : new Storage[] {xd, yd, dyd, dxd}) s.close();
            }
        }
    }

    @Test
    void gemmAllTransposesBatchedWithOffsets() {
        int m = 13, n = 70, k = 37, batch = 3;
        for (boolean ta : new boolean[] {false, true}) for (boolean tb : new boolean[] {false, true}) {
            int lda = (ta ? m : k) + 2, ldb = (tb ? k : n) + 1, ldc = n + 3;
            int aRows = ta ? k : m, bRows = tb ? n : k;
            long aStride = (long) aRows * lda + 5, cStride = (long) m * ldc + 1;
            float[] a = random(rnd, (int) (4 + batch * aStride)), b = random(rnd, 3 + bRows * ldb);
            float[] c = random(rnd, (int) (2 + batch * cStride));
            float[] want = c.clone();
            for (int i = 0; i < batch; i++) {
                // B is shared by the batch (stride 0).
                GemmConvOracle.gemm(ta, tb, m, n, k, 0.75f, a, (int) (4 + i * aStride), lda, b, 3, ldb, -0.5f,
                        want, (int) (2 + i * cStride), ldc);
            }
            Storage ad = upload(be, a), bd = upload(be, b), cd = upload(be, c);
            be.gemm(ta, tb, batch, m, n, k, 0.75f, ad, 4, aStride, lda, bd, 3, 0, ldb, -0.5f, cd, 2, cStride, ldc);
            assertClose("gemm ta=" + ta + " tb=" + tb, want, download(be, cd), 1e-5, 1e-5);
            for (Storage s : new Storage[] {ad, bd, cd}) s.close();
        }
        // beta = 0 must ignore NaN in C.
        float[] a = random(rnd, 65 * 3), b = random(rnd, 3 * 66), c = new float[65 * 66];
        java.util.Arrays.fill(c, Float.NaN);
        float[] want = new float[c.length];
        GemmConvOracle.gemm(false, false, 65, 66, 3, 1f, a, 0, 3, b, 0, 66, 0f, want, 0, 66);
        Storage ad = upload(be, a), bd = upload(be, b), cd = upload(be, c);
        be.gemm(false, false, 1, 65, 66, 3, 1f, ad, 0, 0, 3, bd, 0, 0, 66, 0f, cd, 0, 0, 66);
        assertClose("gemm beta=0 over NaN", want, download(be, cd), 1e-6, 1e-6);
        for (Storage s : new Storage[] {ad, bd, cd}) s.close();
    }

    @Test
    void convolutionForwardAndBackward() {
        ConvShape[] shapes = {
            new ConvShape(2, 3, 7, 9, 5, 3, 3, 2, 1, 1, 1, 1, 1),
            new ConvShape(3, 4, 5, 5, 6, 1, 1, 1, 1, 0, 0, 1, 1),
            new ConvShape(1, 2, 8, 7, 3, 4, 3, 2, 2, 1, 2, 2, 1),
            ConvShape.of(2, 5, 7, 7, 7, 4, 2, 1),
        };
        for (ConvShape s : shapes) {
            int xs = s.n() * s.cIn() * s.h() * s.w(), ws = s.cOut() * s.cIn() * s.kh() * s.kw();
            int ys = s.n() * s.cOut() * s.outH() * s.outW();
            float[] x = random(rnd, xs), w = random(rnd, ws), bias = random(rnd, s.cOut()), dy = random(rnd, ys);
            float[] y = new float[ys], dx = new float[xs], dw = new float[ws], db = new float[s.cOut()];
            GemmConvOracle.conv2dForward(s, x, w, bias, y);
            GemmConvOracle.conv2dBackwardData(s, dy, w, dx);
            GemmConvOracle.conv2dBackwardWeight(s, x, dy, dw, db);
            Storage xd = upload(be, x), wd = upload(be, w), bd = upload(be, bias), dyd = upload(be, dy);
            Storage yd = be.allocate(ys), dxd = be.allocate(xs), dwd = be.allocate(ws), dbd = be.allocate(s.cOut());
            be.conv2dForward(s, xd, wd, bd, yd);
            assertClose("conv forward " + s, y, download(be, yd), 1e-5, 1e-5);
            be.conv2dBackwardData(s, dyd, wd, dxd);
            assertClose("conv backward data " + s, dx, download(be, dxd), 1e-5, 1e-5);
            be.conv2dBackwardWeight(s, xd, dyd, dwd, dbd);
            assertClose("conv backward weight " + s, dw, download(be, dwd), 1e-5, 1e-5);
            assertClose("conv backward bias " + s, db, download(be, dbd), 1e-5, 1e-5);
            for (Storage st : new Storage[] {xd, wd, bd, dyd, yd, dxd, dwd, dbd}) st.close();
        }
    }

    @Test
    void pooling() {
        PoolShape[] shapes = {PoolShape.of(2, 3, 7, 9, 3, 2, 1), new PoolShape(1, 2, 5, 6, 2, 3, 1, 2, 1, 1),
                PoolShape.of(1, 1, 4, 4, 2, 2, 0)};
        for (PoolShape s : shapes) {
            int xs = s.n() * s.c() * s.h() * s.w(), ys = s.n() * s.c() * s.outH() * s.outW();
            float[] x = random(rnd, xs), dy = random(rnd, ys);
            float[] y = new float[ys], am = new float[ys], dx = new float[xs];
            float[][] ya = new float[2][ys], dxa = new float[2][xs];
            for (int p = 0; p < s.n() * s.c(); p++) for (int oy = 0; oy < s.outH(); oy++) for (int ox = 0; ox < s.outW(); ox++) {
                int o = (p * s.outH() + oy) * s.outW() + ox;
                double best = Double.NEGATIVE_INFINITY, sum = 0;
                int bi = -1, cnt = 0;
                for (int ky = 0; ky < s.kh(); ky++) for (int kx = 0; kx < s.kw(); kx++) {
                    int iy = oy * s.strideH() - s.padH() + ky, ix = ox * s.strideW() - s.padW() + kx;
                    if (iy < 0 || iy >= s.h() || ix < 0 || ix >= s.w()) continue;
                    float v = x[(p * s.h() + iy) * s.w() + ix];
                    if (bi < 0 || v > best) { best = v; bi = iy * s.w() + ix; }
                    sum += v;
                    cnt++;
                }
                y[o] = (float) best;
                am[o] = bi;
                dx[p * s.h() * s.w() + bi] += dy[o];
                for (int mode = 0; mode < 2; mode++) {
                    int div = mode == 1 ? s.kh() * s.kw() : cnt;
                    ya[mode][o] = (float) (sum / div);
                    for (int ky = 0; ky < s.kh(); ky++) for (int kx = 0; kx < s.kw(); kx++) {
                        int iy = oy * s.strideH() - s.padH() + ky, ix = ox * s.strideW() - s.padW() + kx;
                        if (iy < 0 || iy >= s.h() || ix < 0 || ix >= s.w()) continue;
                        dxa[mode][(p * s.h() + iy) * s.w() + ix] += dy[o] / div;
                    }
                }
            }
            Storage xd = upload(be, x), yd = be.allocate(ys), amd = be.allocate(ys), dyd = upload(be, dy), dxd = be.allocate(xs);
            be.maxPool2dForward(s, xd, yd, amd);
            assertClose("max pool " + s, y, download(be, yd), 0, 0);
            assertClose("max pool argmax " + s, am, download(be, amd), 0, 0);
            be.maxPool2dBackward(s, dyd, amd, dxd);
            assertClose("max pool backward " + s, dx, download(be, dxd), 1e-6, 1e-6);
            for (int mode = 0; mode < 2; mode++) {
                be.avgPool2dForward(s, xd, yd, mode == 1);
                assertClose("avg pool " + mode + " " + s, ya[mode], download(be, yd), 1e-6, 1e-5);
                be.avgPool2dBackward(s, dyd, dxd, mode == 1);
                assertClose("avg pool backward " + mode + " " + s, dxa[mode], download(be, dxd), 1e-6, 1e-5);
            }
            for (Storage st : new Storage[] {xd, yd, amd, dyd, dxd}) st.close();
        }
        int[][] adaptive = {{3, 7, 9, 3, 4}, {2, 5, 5, 1, 1}, {1, 3, 4, 5, 7}};
        for (int[] g : adaptive) {
            int nc = g[0], h = g[1], w = g[2], oh = g[3], ow = g[4];
            float[] x = random(rnd, nc * h * w), dy = random(rnd, nc * oh * ow);
            float[] y = new float[nc * oh * ow], dx = new float[nc * h * w];
            for (int p = 0; p < nc; p++) for (int oy = 0; oy < oh; oy++) for (int ox = 0; ox < ow; ox++) {
                int y0 = oy * h / oh, y1 = ((oy + 1) * h + oh - 1) / oh, x0 = ox * w / ow, x1 = ((ox + 1) * w + ow - 1) / ow;
                double sum = 0;
                int cnt = (y1 - y0) * (x1 - x0);
                for (int iy = y0; iy < y1; iy++) for (int ix = x0; ix < x1; ix++) {
                    sum += x[(p * h + iy) * w + ix];
                    dx[(p * h + iy) * w + ix] += dy[(p * oh + oy) * ow + ox] / cnt;
                }
                y[(p * oh + oy) * ow + ox] = (float) (sum / cnt);
            }
            Storage xd = upload(be, x), yd = be.allocate(y.length), dyd = upload(be, dy), dxd = be.allocate(dx.length);
            be.adaptiveAvgPool2dForward(nc, h, w, oh, ow, xd, yd);
            assertClose("adaptive pool " + java.util.Arrays.toString(g), y, download(be, yd), 1e-6, 1e-5);
            be.adaptiveAvgPool2dBackward(nc, h, w, oh, ow, dyd, dxd);
            assertClose("adaptive pool backward " + java.util.Arrays.toString(g), dx, download(be, dxd), 1e-6, 1e-5);
            for (Storage st : new Storage[] {xd, yd, dyd, dxd}) st.close();
        }
    }

    @Test
    void batchNormWithGroups() {
        int groups = 2, n = 3, c = 5, hw = 7, total = groups * n * c * hw;
        float eps = 1e-5f;
        float[] x = random(rnd, total), dy = random(rnd, total), gamma = random(rnd, c), beta = random(rnd, c);
        for (int i = 0; i < total; i++) x[i] = x[i] * 3 + 2;
        float[] y = new float[total], mean = new float[groups * c], var = new float[groups * c], dx = new float[total];
        float[] dg = new float[c], db = new float[c];
        int m = n * hw;
        for (int g = 0; g < groups; g++) for (int ch = 0; ch < c; ch++) {
            double s = 0, q = 0;
            for (int i = 0; i < n; i++) for (int p = 0; p < hw; p++) s += x[((g * n + i) * c + ch) * hw + p];
            double mu = s / m;
            for (int i = 0; i < n; i++) for (int p = 0; p < hw; p++) { double d = x[((g * n + i) * c + ch) * hw + p] - mu; q += d * d; }
            double v = q / m, inv = 1 / Math.sqrt(v + eps), sdy = 0, sdyx = 0;
            mean[g * c + ch] = (float) mu;
            var[g * c + ch] = (float) v;
            for (int i = 0; i < n; i++) for (int p = 0; p < hw; p++) {
                int idx = ((g * n + i) * c + ch) * hw + p;
                double xh = (x[idx] - mu) * inv;
                y[idx] = (float) (xh * gamma[ch] + beta[ch]);
                sdy += dy[idx];
                sdyx += dy[idx] * xh;
            }
            dg[ch] += (float) sdyx;
            db[ch] += (float) sdy;
            for (int i = 0; i < n; i++) for (int p = 0; p < hw; p++) {
                int idx = ((g * n + i) * c + ch) * hw + p;
                double xh = (x[idx] - mu) * inv;
                dx[idx] = (float) (gamma[ch] * inv / m * (m * dy[idx] - sdy - xh * sdyx));
            }
        }
        Storage xd = upload(be, x), dyd = upload(be, dy), gd = upload(be, gamma), bd = upload(be, beta);
        Storage yd = be.allocate(total), md = be.allocate(groups * c), vd = be.allocate(groups * c);
        Storage dxd = be.allocate(total), dgd = be.allocate(c), dbd = be.allocate(c);
        be.batchNormTrainForward(groups, n, c, hw, eps, xd, gd, bd, yd, md, vd);
        assertClose("bn mean", mean, download(be, md), 1e-5, 1e-5);
        assertClose("bn var", var, download(be, vd), 1e-5, 1e-5);
        assertClose("bn y", y, download(be, yd), 1e-5, 1e-5);
        be.batchNormTrainBackward(groups, n, c, hw, eps, xd, gd, md, vd, dyd, dxd, dgd, dbd);
        assertClose("bn dx", dx, download(be, dxd), 1e-5, 1e-4);
        assertClose("bn dGamma", dg, download(be, dgd), 1e-5, 1e-5);
        assertClose("bn dBeta", db, download(be, dbd), 1e-5, 1e-5);
        // Eval mode on the first group's items with the first group's statistics.
        Storage ye = be.allocate(n * c * hw);
        be.batchNormEvalForward(n, c, hw, eps, xd, gd, bd, md, vd, ye);
        assertClose("bn eval", java.util.Arrays.copyOf(y, n * c * hw), download(be, ye), 1e-5, 1e-5);
        for (Storage s : new Storage[] {xd, dyd, gd, bd, yd, md, vd, dxd, dgd, dbd, ye}) s.close();
    }

    @Test
    void attentionForwardAndBackward() {
        int b = 2, lq = 3, lk = 7, d = 5, dv = 4;
        float scale = 0.4f;
        float[] q = random(rnd, b * lq * d), k = random(rnd, b * lk * d), v = random(rnd, b * lk * dv);
        float[] mask = random(rnd, lq * lk), dOut = random(rnd, b * lq * dv);
        float[] p = new float[b * lq * lk], out = new float[b * lq * dv];
        float[] dq = new float[q.length], dk = new float[k.length], dvv = new float[v.length];
        for (int bi = 0; bi < b; bi++) for (int i = 0; i < lq; i++) {
            double[] srow = new double[lk];
            double mx = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < lk; j++) {
                double s = 0;
                for (int t = 0; t < d; t++) s += (double) q[(bi * lq + i) * d + t] * k[(bi * lk + j) * d + t];
                srow[j] = scale * s + mask[i * lk + j];
                mx = Math.max(mx, srow[j]);
            }
            for (int j = 0; j < lk; j++) { srow[j] = Math.exp(srow[j] - mx); sum += srow[j]; }
            double[] dp = new double[lk];
            double dot = 0;
            for (int j = 0; j < lk; j++) {
                srow[j] /= sum;
                p[(bi * lq + i) * lk + j] = (float) srow[j];
                for (int t = 0; t < dv; t++) {
                    out[(bi * lq + i) * dv + t] += (float) (srow[j] * v[(bi * lk + j) * dv + t]);
                    dp[j] += (double) dOut[(bi * lq + i) * dv + t] * v[(bi * lk + j) * dv + t];
                    dvv[(bi * lk + j) * dv + t] += (float) (srow[j] * dOut[(bi * lq + i) * dv + t]);
                }
                dot += dp[j] * srow[j];
            }
            for (int j = 0; j < lk; j++) {
                double ds = srow[j] * (dp[j] - dot) * scale;
                for (int t = 0; t < d; t++) {
                    dq[(bi * lq + i) * d + t] += (float) (ds * k[(bi * lk + j) * d + t]);
                    dk[(bi * lk + j) * d + t] += (float) (ds * q[(bi * lq + i) * d + t]);
                }
            }
        }
        Storage qd = upload(be, q), kd = upload(be, k), vd = upload(be, v), md = upload(be, mask), dod = upload(be, dOut);
        Storage pd = be.allocate(p.length), od = be.allocate(out.length);
        Storage dqd = be.allocate(q.length), dkd = be.allocate(k.length), dvd = be.allocate(v.length);
        be.attentionForward(b, lq, lk, d, dv, scale, qd, kd, vd, md, 0, pd, od);
        assertClose("attention probs", p, download(be, pd), 1e-6, 1e-5);
        assertClose("attention out", out, download(be, od), 1e-5, 1e-5);
        be.attentionBackward(b, lq, lk, d, dv, scale, qd, kd, vd, pd, dod, dqd, dkd, dvd);
        assertClose("attention dq", dq, download(be, dqd), 1e-5, 1e-4);
        assertClose("attention dk", dk, download(be, dkd), 1e-5, 1e-4);
        assertClose("attention dv", dvv, download(be, dvd), 1e-5, 1e-4);
        for (Storage s : new Storage[] {qd, kd, vd, md, dod, pd, od, dqd, dkd, dvd}) s.close();
    }

    @Test
    void interventionAllStrideCombinations() {
        int n = 3, k = 4, d = 13;
        for (long ws : new long[] {0, k}) for (long zs : new long[] {0, (long) k * d}) {
            float[] w = random(rnd, (int) (ws == 0 ? k : n * ws)), z = random(rnd, (int) (zs == 0 ? k * d : n * zs));
            float[] g = random(rnd, n * d), out = new float[n * d], dw = new float[w.length], dz = new float[z.length];
            for (int i = 0; i < n; i++) for (int j = 0; j < k; j++) for (int c = 0; c < d; c++) {
                float wv = w[(int) (i * ws) + j], zv = z[(int) (i * zs) + j * d + c];
                out[i * d + c] += wv * zv;
                dw[(int) (i * ws) + j] += g[i * d + c] * zv;
                dz[(int) (i * zs) + j * d + c] += wv * g[i * d + c];
            }
            Storage wd = upload(be, w), zd = upload(be, z), gd = upload(be, g), od = be.allocate(n * d);
            Storage dwd = be.allocate(w.length), dzd = be.allocate(z.length);
            be.interventionForward(n, k, d, wd, ws, zd, zs, od);
            assertClose("intervention ws=" + ws + " zs=" + zs, out, download(be, od), 1e-5, 1e-5);
            be.interventionBackward(n, k, d, wd, ws, zd, zs, gd, dwd, dzd);
            assertClose("intervention dw ws=" + ws + " zs=" + zs, dw, download(be, dwd), 1e-5, 1e-5);
            assertClose("intervention dz ws=" + ws + " zs=" + zs, dz, download(be, dzd), 1e-5, 1e-5);
            for (Storage s : new Storage[] {wd, zd, gd, od, dwd, dzd}) s.close();
        }
    }

    @Test
    void optimisers() {
        int n = 301;
        float[] p = random(rnd, n), g = random(rnd, n), m = random(rnd, n), v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) rnd.nextDouble();
        float lr = 2e-4f, b1 = 0.5f, b2 = 0.999f, eps = 1e-8f, wd = 0.01f, gs = 2f;
        int step = 3;
        float[] pw = p.clone(), mw = m.clone(), vw = v.clone();
        double bc1 = 1 - Math.pow(b1, step), bc2 = 1 - Math.pow(b2, step);
        for (int i = 0; i < n; i++) {
            double gi = gs * g[i] + wd * p[i];
            mw[i] = (float) (b1 * m[i] + (1 - b1) * gi);
            vw[i] = (float) (b2 * v[i] + (1 - b2) * gi * gi);
            pw[i] = (float) (p[i] - lr * (mw[i] / bc1) / (Math.sqrt(vw[i] / bc2) + eps));
        }
        Storage pd = upload(be, p), gd = upload(be, g), md = upload(be, m), vd = upload(be, v);
        be.adamStep(pd, gd, md, vd, n, lr, b1, b2, eps, wd, gs, step);
        assertClose("adam m", mw, download(be, md), 1e-6, 1e-5);
        assertClose("adam v", vw, download(be, vd), 1e-6, 1e-5);
        assertClose("adam p", pw, download(be, pd), 1e-6, 1e-5);
        for (boolean nesterov : new boolean[] {false, true}) {
            float[] ps = p.clone(), bs = m.clone();
            for (int i = 0; i < n; i++) {
                float gi = gs * g[i] + wd * p[i];
                bs[i] = 0.9f * m[i] + gi;
                ps[i] = p[i] - 0.1f * (nesterov ? gi + 0.9f * bs[i] : bs[i]);
            }
            be.write(pd, 0, p, 0, n);
            be.write(md, 0, m, 0, n);
            be.sgdStep(pd, gd, md, n, 0.1f, 0.9f, wd, gs, nesterov);
            assertClose("sgd buf", bs, download(be, md), 1e-6, 1e-5);
            assertClose("sgd p nesterov=" + nesterov, ps, download(be, pd), 1e-6, 1e-5);
        }
        be.write(pd, 0, p, 0, n);
        be.sgdStep(pd, gd, null, n, 0.1f, 0f, 0f, 1f, false);
        float[] plain = p.clone();
        for (int i = 0; i < n; i++) plain[i] = p[i] - 0.1f * g[i];
        assertClose("sgd without momentum", plain, download(be, pd), 1e-6, 1e-5);
        for (Storage s : new Storage[] {pd, gd, md, vd}) s.close();
    }
}
