package iern.kernels.gpu;

import static iern.kernels.gpu.GpuTestSupport.*;

import iern.engine.Backend;
import iern.engine.ConvShape;
import iern.engine.Storage;
import iern.engine.ops.Convolution;
import iern.engine.oracle.GemmConvOracle;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Convolution paths the conformance shapes do not reach: the im2col scratch split into uneven
 * chunks (5 images, 2 per chunk, with a shrunk budget) and the direct 1x1 path taken for maps
 * of at least 256 pixels.
 * Shared by both GPU backends (subclasses open theirs).
 */
public abstract class GpuConvPathsBody {

    /** The backend under test, opened for one check (or the test skipped). */
    protected abstract Backend openOrSkip();

    @Test
    void convolutionInChunksMatchesOracle() {
        ConvShape s = new ConvShape(5, 3, 6, 7, 4, 3, 2, 2, 1, 1, 0, 1, 2);
        long perImage = ((long) s.cIn() * s.kh() * s.kw() + s.cOut()) * s.outH() * s.outW();
        check(s, 2 * perImage);
    }

    @Test
    void directPointwiseConvolutionMatchesOracle() {
        check(ConvShape.of(3, 5, 16, 17, 7, 1, 1, 0), GpuConvolution.columnBudget);
    }

    private void check(ConvShape s, long budget) {
        long saved = GpuConvolution.columnBudget;
        try (Backend be = openOrSkip()) {
            GpuConvolution.columnBudget = budget;
            SplittableRandom rnd = new SplittableRandom(11);
            int xn = s.n() * s.cIn() * s.h() * s.w(), wn = s.cOut() * s.cIn() * s.kh() * s.kw();
            int yn = s.n() * s.cOut() * s.outH() * s.outW();
            float[] x = random(rnd, xn), w = random(rnd, wn), bias = random(rnd, s.cOut()), dy = random(rnd, yn);
            float[] y = new float[yn], dx = new float[xn], dw = new float[wn], db = new float[s.cOut()];
            GemmConvOracle.conv2dForward(s, x, w, bias, y);
            GemmConvOracle.conv2dBackwardData(s, dy, w, dx);
            GemmConvOracle.conv2dBackwardWeight(s, x, dy, dw, db);
            Storage xd = upload(be, x), wd = upload(be, w), bd = upload(be, bias), dyd = upload(be, dy);
            Storage yd = be.allocate(yn), dxd = be.allocate(xn), dwd = be.allocate(wn), dbd = be.allocate(s.cOut());
            Convolution.forward(be, s, xd, wd, bd, yd);
            assertClose("conv " + s + " forward", y, download(be, yd), 1e-5, 1e-5);
            Convolution.backwardData(be, s, dyd, wd, dxd);
            assertClose("conv " + s + " backward data", dx, download(be, dxd), 1e-5, 1e-5);
            Convolution.backwardWeight(be, s, xd, dyd, dwd, dbd);
            assertClose("conv " + s + " backward weight", dw, download(be, dwd), 1e-5, 1e-5);
            assertClose("conv " + s + " backward bias", db, download(be, dbd), 1e-5, 1e-5);
        } finally {
            GpuConvolution.columnBudget = saved;
        }
    }
}
