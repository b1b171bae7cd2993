package iern.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.Backend.Binary;
import iern.engine.Backend.Unary;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every op runs its own copy of the loop classes (else the JIT would not inline the formulas
 * and the CPU elementwise kernels would silently run several times slower), and each copy
 * runs its own op.
 */
class PerOpClassesTest {

    @Test
    void everyUnaryOpHasItsOwnHiddenLoopClass() {
        Set<Class<?>> seen = new HashSet<>();
        float[] x = {-1.5f, 0.25f, 2f}, y = new float[3];
        for (Unary op : Unary.values()) {
            Class<?> c = CpuElementwise.kernel(op).getClass();
            assertTrue(c.isHidden(), op + " runs the shared " + c.getName());
            assertTrue(seen.add(c), op + " shares its loop class");
            CpuElementwise.kernel(op).forward(x, 0, y, 0, 0, 3, 0.5f, 1f);
            for (int i = 0; i < 3; i++) {
                assertEquals((float) op.forward(x[i], 0.5f, 1f), y[i], op + " at " + x[i]);
            }
        }
    }

    @Test
    void everyBinaryOpHasItsOwnHiddenLoopClass() {
        Set<Class<?>> seen = new HashSet<>();
        float[] a = {-1.5f, 0.25f, 2f}, b = {3f, 0.25f, -2f}, out = new float[3];
        for (Binary op : Binary.values()) {
            Class<?> c = CpuElementwise.kernel(op).getClass();
            assertTrue(c.isHidden(), op + " runs the shared " + c.getName());
            assertTrue(seen.add(c), op + " shares its loop class");
            CpuElementwise.kernel(op).strided(a, 2, -1, b, 0, 1, out, 0, 3);
            for (int i = 0; i < 3; i++) {
                assertEquals((float) op.forward(a[2 - i], b[i]), out[i], op + " at " + i);
            }
        }
    }
}
