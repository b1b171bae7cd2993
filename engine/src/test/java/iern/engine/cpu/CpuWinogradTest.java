package iern.engine.cpu;

import static iern.engine.cpu.GemmAssert.assertClose;
import static iern.engine.cpu.GemmAssert.random;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.ConvShape;
import iern.engine.oracle.GemmConvOracle;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** F(2x2, 3x3) against the double-precision oracle, on odd shapes, with vector and plain GEMMs. */
class CpuWinogradTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                // n, cIn, h, w, cOut, kh, kw, strideH, strideW, padH, padW, dilH, dilW
                new ConvShape(1, 1, 3, 3, 1, 3, 3, 1, 1, 0, 0, 1, 1),      // one output
                new ConvShape(2, 3, 7, 7, 5, 3, 3, 1, 1, 1, 1, 1, 1),      // odd map: half tiles
                new ConvShape(3, 7, 6, 9, 4, 3, 3, 1, 1, 1, 1, 1, 1),      // even rows, odd columns
                new ConvShape(2, 5, 5, 8, 3, 3, 3, 1, 1, 0, 0, 1, 1),      // no padding
                new ConvShape(1, 4, 4, 5, 6, 3, 3, 1, 1, 2, 2, 1, 1),      // padding 2: output larger than input
                new ConvShape(2, 3, 6, 7, 2, 3, 3, 1, 1, 0, 2, 1, 1),      // unequal padding
                new ConvShape(1, 2, 1, 1, 3, 3, 3, 1, 1, 1, 1, 1, 1),      // 1x1 map
                new ConvShape(5, 33, 7, 7, 17, 3, 3, 1, 1, 1, 1, 1, 1),    // IERN-like, odd channels
                new ConvShape(2, 40, 13, 11, 36, 3, 3, 1, 1, 1, 1, 1, 1))
                .flatMap(s -> Stream.of(Arguments.of(s, true), Arguments.of(s, false)));
    }

    @ParameterizedTest(name = "{0} simd={1}")
    @MethodSource("cases")
    void forwardMatchesOracle(ConvShape s, boolean simd) {
        assertTrue(CpuWinograd.fits(s));
        float[] x = random(s.n() * s.cIn() * s.h() * s.w(), 1);
        float[] w = random(s.cOut() * s.cIn() * 9, 2);
        float[] bias = random(s.cOut(), 3);
        int ySize = s.n() * s.cOut() * s.outH() * s.outW();
        for (float[] b : new float[][] {bias, null}) {
            float[] expected = new float[ySize];
            GemmConvOracle.conv2dForward(s, x, w, b, expected);
            float[] actual = random(ySize, 4);
            CpuWinograd.forward(simd, s, x, w, b, actual);
            assertClose("forward bias=" + (b != null), expected, actual, s.cIn() * 9);
        }
    }

    @ParameterizedTest(name = "{0} simd={1}")
    @MethodSource("cases")
    void backwardDataMatchesOracle(ConvShape s, boolean simd) {
        float[] dy = random(s.n() * s.cOut() * s.outH() * s.outW(), 5);
        float[] w = random(s.cOut() * s.cIn() * 9, 6);
        int xSize = s.n() * s.cIn() * s.h() * s.w();
        float[] expected = new float[xSize];
        GemmConvOracle.conv2dBackwardData(s, dy, w, expected);
        float[] actual = random(xSize, 7);
        CpuWinograd.backwardData(simd, s, dy, w, actual);
        assertClose("backwardData", expected, actual, s.cOut() * 9);
    }

    @ParameterizedTest(name = "{0} simd={1}")
    @MethodSource("cases")
    void backwardWeightMatchesOracle(ConvShape s, boolean simd) {
        float[] x = random(s.n() * s.cIn() * s.h() * s.w(), 8);
        float[] dy = random(s.n() * s.cOut() * s.outH() * s.outW(), 9);
        int wSize = s.cOut() * s.cIn() * 9;
        float[] expectedW = new float[wSize];
        float[] expectedB = new float[s.cOut()];
        GemmConvOracle.conv2dBackwardWeight(s, x, dy, expectedW, expectedB);
        float[] actualW = random(wSize, 10);
        float[] actualB = random(s.cOut(), 11);
        CpuWinograd.backwardWeight(simd, s, x, dy, actualW, actualB);
        int reduction = s.n() * s.outH() * s.outW();
        assertClose("backwardWeight dW", expectedW, actualW, reduction);
        assertClose("backwardWeight dBias", expectedB, actualB, reduction);
    }

    @Test
    void fitsOnlyThreeByThreeStrideOneAndIsOffByDefault() {
        assertTrue(CpuWinograd.fits(ConvShape.of(8, 512, 7, 7, 512, 3, 1, 1)));
        assertFalse(CpuWinograd.fits(ConvShape.of(8, 64, 56, 56, 128, 3, 2, 1)));   // stride 2
        assertFalse(CpuWinograd.fits(ConvShape.of(8, 3, 224, 224, 64, 7, 2, 3)));   // stem
        assertFalse(CpuWinograd.fits(new ConvShape(2, 3, 13, 13, 4, 3, 3, 1, 1, 2, 2, 2, 2))); // dilated
        // off unless -Diern.conv.winograd asks for it (measured slower on the project VM)
        assertFalse(CpuWinograd.preferred(ConvShape.of(8, 512, 7, 7, 512, 3, 1, 1)));
    }
}
