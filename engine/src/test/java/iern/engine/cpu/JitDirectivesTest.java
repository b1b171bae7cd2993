package iern.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * The GEMM micro-kernel keeps C1 off itself whatever the JVM's command line: without the
 * directive a run can stay in a tier where the Vector API is not intrinsified, ten times slower.
 */
class JitDirectivesTest {
    @Test
    void theFirstGemmInstallsTheDirective() throws Exception {
        float[] a = new float[40 * 40];
        float[] c = new float[40 * 40];
        Sgemm.sgemm(false, false, 40, 40, 40, 1f, a, 0, 40, a, 0, 40, 0f, c, 0, 40);
        Object printed = ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesPrint",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        String text = String.valueOf(printed);
        int at = text.indexOf("matching: iern/engine/cpu/GemmMicroKernel.tile*");
        assertTrue(at >= 0, "no directive for the micro-kernel; JVM said: " + JitDirectives.outcome() + "\n" + text);
        String c1 = text.substring(text.indexOf("c1 directives:", at), text.indexOf("c2 directives:", at));
        assertTrue(c1.contains("Exclude:true"), c1);
        assertTrue(JitDirectives.outcome().contains("added"), JitDirectives.outcome());
    }
}
