package iern.engine.cpu;

import static iern.engine.cpu.GemmAssert.assertClose;
import static iern.engine.cpu.GemmAssert.random;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.ConvShape;
import iern.engine.oracle.GemmConvOracle;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CpuConv2dTest {

    /** Every shape on both GEMM paths (vector and plain). */
    static Stream<Arguments> cases() {
        return shapes().flatMap(s -> Stream.of(Arguments.of(s, true), Arguments.of(s, false)));
    }

    static Stream<ConvShape> shapes() {
        return Stream.of(
                // n, cIn, h, w, cOut, kh, kw, strideH, strideW, padH, padW, dilH, dilW
                new ConvShape(1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1),
                new ConvShape(2, 3, 7, 7, 5, 3, 3, 1, 1, 1, 1, 1, 1),
                new ConvShape(3, 7, 13, 11, 13, 1, 1, 1, 1, 0, 0, 1, 1),   // direct 1x1
                new ConvShape(2, 5, 7, 7, 3, 1, 1, 2, 2, 0, 0, 1, 1),      // strided 1x1
                new ConvShape(2, 6, 7, 7, 7, 4, 4, 2, 2, 1, 1, 1, 1),      // discriminator-like
                new ConvShape(1, 4, 13, 9, 6, 3, 2, 2, 1, 0, 2, 1, 1),     // rectangular kernel
                new ConvShape(2, 3, 13, 13, 4, 3, 3, 1, 2, 2, 1, 2, 3),    // dilation
                new ConvShape(1, 3, 11, 11, 8, 7, 7, 2, 2, 3, 3, 1, 1),    // ResNet stem-like
                new ConvShape(2, 17, 3, 3, 9, 3, 3, 1, 1, 1, 1, 1, 1),
                new ConvShape(1, 2, 5, 5, 3, 5, 5, 1, 1, 0, 0, 1, 1),      // output 1x1
                new ConvShape(3, 9, 7, 7, 33, 3, 3, 1, 1, 1, 1, 1, 1),
                new ConvShape(3, 5, 19, 23, 4, 3, 3, 1, 1, 1, 1, 1, 1),    // 437 pixels: groups of 3 images
                new ConvShape(3, 6, 33, 32, 5, 1, 1, 1, 1, 0, 0, 1, 1),    // 1056 pixels: one image per group
                new ConvShape(5, 6, 17, 17, 5, 1, 1, 1, 1, 0, 0, 1, 1),    // direct 1x1, groups of 4 and 1
                new ConvShape(2, 2, 9, 9, 3, 3, 3, 3, 3, 4, 4, 1, 1),      // padding wider than stride
                new ConvShape(2, 3, 9, 40, 4, 3, 3, 1, 1, 1, 1, 1, 1),     // wide rows
                new ConvShape(1, 2, 7, 70, 3, 3, 3, 2, 2, 2, 1, 2, 2),     // wide, strided and dilated
                new ConvShape(2, 3, 11, 10, 4, 3, 2, 1, 1, 2, 1, 2, 1),    // stride 1, dilated, unequal padding
                new ConvShape(2, 2, 5, 5, 3, 3, 3, 1, 1, 3, 3, 1, 1));     // padding beyond the kernel's reach
    }

    @ParameterizedTest(name = "{0} simd={1}")
    @MethodSource("cases")
    void forwardMatchesOracle(ConvShape s, boolean simd) {
        float[] x = random(s.n() * s.cIn() * s.h() * s.w(), 1);
        float[] w = random(s.cOut() * s.cIn() * s.kh() * s.kw(), 2);
        float[] bias = random(s.cOut(), 3);
        int ySize = s.n() * s.cOut() * s.outH() * s.outW();
        for (float[] bb : new float[][] {bias, null}) {
            float[] expected = new float[ySize];
            GemmConvOracle.conv2dForward(s, x, w, bb, expected);
            float[] actual = random(ySize, 4); // garbage must be overwritten
            CpuConv2d.forward(simd, s, x, w, bb, actual);
            assertClose("forward bias=" + (bb != null), expected, actual, s.cIn() * s.kh() * s.kw());
            if (simd) { // again with the weights packed on every block width (the wide-output GEMM path)
                float[] packed = random(ySize, 4);
                GemmPacked.directPanels = 0;
                try {
                    CpuConv2d.forward(true, s, x, w, bb, packed);
                } finally {
                    GemmPacked.directPanels = GemmPacked.DIRECT_A_PANELS;
                }
                assertClose("forward, A packed, bias=" + (bb != null), expected, packed, s.cIn() * s.kh() * s.kw());
            }
        }
    }

    @ParameterizedTest(name = "{0} simd={1}")
    @MethodSource("cases")
    void backwardDataMatchesOracle(ConvShape s, boolean simd) {
        float[] dy = random(s.n() * s.cOut() * s.outH() * s.outW(), 5);
        float[] w = random(s.cOut() * s.cIn() * s.kh() * s.kw(), 6);
        int xSize = s.n() * s.cIn() * s.h() * s.w();
        float[] expected = new float[xSize];
        GemmConvOracle.conv2dBackwardData(s, dy, w, expected);
        float[] actual = random(xSize, 7);
        CpuConv2d.backwardData(simd, s, dy, w, actual);
        assertClose("backwardData", expected, actual, s.cOut() * s.kh() * s.kw());
    }

    @ParameterizedTest(name = "{0} simd={1}")
    @MethodSource("cases")
    void backwardWeightMatchesOracle(ConvShape s, boolean simd) {
        float[] x = random(s.n() * s.cIn() * s.h() * s.w(), 8);
        float[] dy = random(s.n() * s.cOut() * s.outH() * s.outW(), 9);
        int wSize = s.cOut() * s.cIn() * s.kh() * s.kw();
        float[] expectedW = new float[wSize];
        float[] expectedB = new float[s.cOut()];
        GemmConvOracle.conv2dBackwardWeight(s, x, dy, expectedW, expectedB);
        float[] actualW = random(wSize, 10);
        float[] actualB = random(s.cOut(), 11);
        CpuConv2d.backwardWeight(simd, s, x, dy, actualW, actualB);
        int reduction = s.n() * s.outH() * s.outW();
        assertClose("backwardWeight dW", expectedW, actualW, reduction);
        assertClose("backwardWeight dBias", expectedB, actualB, reduction);
        float[] onlyW = random(wSize, 12);
        CpuConv2d.backwardWeight(simd, s, x, dy, onlyW, null);
        assertClose("backwardWeight dW without bias", expectedW, onlyW, reduction);
    }

    @Test
    void rejectsShortOutputNamingIt() {
        ConvShape s = ConvShape.of(2, 3, 5, 5, 4, 3, 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                CpuConv2d.forward(s, new float[150], new float[108], null, new float[199]));
        assertTrue(e.getMessage().contains("y has 199 values") && e.getMessage().contains("needs 200"), e.getMessage());
    }
}
