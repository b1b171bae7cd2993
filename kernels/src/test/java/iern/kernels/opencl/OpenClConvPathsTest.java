package iern.kernels.opencl;

import static iern.kernels.opencl.OpenClTestSupport.*;

import iern.engine.Backend;
import iern.engine.ConvShape;
import iern.engine.Storage;
import iern.engine.oracle.GemmConvOracle;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The conformance shapes fit the im2col buffer in one piece; here the budget is shrunk so the
 * convolution runs image by image and in uneven chunks (5 images, 2 per chunk).
 */
class OpenClConvChunkingTest {

    @Test
    void convolutionInChunksMatchesOracle() {
        ConvShape s = new ConvShape(5, 3, 6, 7, 4, 3, 2, 2, 1, 1, 0, 1, 2);
        long saved = ClConvolution.columnBudget;
        try (Backend be = openOrSkip()) {
            ClConvolution.columnBudget = 2L * s.cIn() * s.kh() * s.kw() * s.outH() * s.outW();
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
            be.conv2dForward(s, xd, wd, bd, yd);
            assertClose("chunked conv forward", y, download(be, yd), 1e-5, 1e-5);
            be.conv2dBackwardData(s, dyd, wd, dxd);
            assertClose("chunked conv backward data", dx, download(be, dxd), 1e-5, 1e-5);
            be.conv2dBackwardWeight(s, xd, dyd, dwd, dbd);
            assertClose("chunked conv backward weight", dw, download(be, dwd), 1e-5, 1e-5);
            assertClose("chunked conv backward bias", db, download(be, dbd), 1e-5, 1e-5);
        } finally {
            ClConvolution.columnBudget = saved;
        }
    }
}
