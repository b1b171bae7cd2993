package iern.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.Backend.Binary;
import iern.engine.Backend.Unary;
import org.junit.jupiter.api.Test;

/**
 * The op tables on their own: since the oracle and the CPU backend both run the table's
 * derivative, it is checked here against central differences of the table's function, which
 * does not share its formula.
 */
class OpTableTest {

    /** Points away from every kink (0 for ReLU and abs, the clamp bounds). */
    private static final double[] POINTS = {-2.3, -1.1, -0.3, 0.2, 0.45, 0.9, 1.3, 2.9};

    private static boolean positiveOnly(Unary op) {
        return switch (op) {
            case LOG, SQRT, RSQRT, POW_SCALAR -> true;
            default -> false;
        };
    }

    private static double paramA(Unary op) {
        return switch (op) {
            case LEAKY_RELU -> 0.01;
            case POW_SCALAR -> 1.7;
            case CLAMP -> -0.5;
            case ADD_SCALAR -> 0.25;
            case MUL_SCALAR -> -1.5;
            default -> 0;
        };
    }

    @Test
    void everyUnaryDerivativeMatchesCentralDifferences() {
        double h = 1e-6;
        for (Unary op : Unary.values()) {
            double a = paramA(op), b = op == Unary.CLAMP ? 1.25 : 0;
            int checked = 0;
            for (double x : POINTS) {
                if (positiveOnly(op) && x <= 0) {
                    continue;
                }
                double y = op.forward(x, a, b);
                double numeric = (op.forward(x + h, a, b) - op.forward(x - h, a, b)) / (2 * h);
                double analytic = op.derivative(x, y, a, b);
                assertEquals(numeric, analytic, 1e-6 * Math.max(1, Math.abs(numeric)),
                        op + "' at " + x + ": table says " + analytic + ", central difference " + numeric);
                checked++;
            }
            assertTrue(checked >= 4, op + ": too few points checked");
        }
    }

    @Test
    void reluAndLeakyReluPassNaN() {
        assertTrue(Double.isNaN(Unary.RELU.forward(Double.NaN, 0, 0)));
        assertTrue(Double.isNaN(Unary.LEAKY_RELU.forward(Double.NaN, 0.01, 0)));
        assertEquals(0.0, Unary.RELU.forward(-0.0, 0, 0));
        assertEquals(0.0, Unary.RELU.derivative(Double.NaN, Double.NaN, 0, 0));
    }

    @Test
    void everyOpHasBothFormsFilledIn() {
        for (Unary op : Unary.values()) {
            assertFalse(op.clForward().isBlank(), op + " has no OpenCL forward");
            assertFalse(op.clDerivative().isBlank(), op + " has no OpenCL derivative");
        }
        for (Binary op : Binary.values()) {
            assertFalse(op.clForward().isBlank(), op + " has no OpenCL form");
        }
        assertEquals(1.0, Binary.GE.forward(2, 2));
        assertTrue(Double.isNaN(Binary.MAX.forward(Double.NaN, 1)));
        assertTrue(Double.isNaN(Binary.MIN.forward(1, Double.NaN)));
    }
}
