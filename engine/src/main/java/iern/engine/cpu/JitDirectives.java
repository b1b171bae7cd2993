package iern.engine.cpu;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.ObjectName;

/**
 * Keeps C1 off the GEMM micro-kernels, from inside the program. C1 cannot compile them (out of
 * virtual registers), and the tiered JIT then often leaves them where Vector API calls are not
 * intrinsified: every FMA allocates, and a whole training run is about ten times slower
 * (measured: 28-33 against 420-450 images/s for the default baseline on one thread). The
 * {@code iern} launcher and the benchmarks pass {@code -XX:CompilerDirectivesFile} for this;
 * a JVM started any other way ({@code java -jar}, a scheduler's own command line, an IDE) gets
 * the same directive here, through HotSpot's diagnostic command, before the first GEMM runs.
 */
final class JitDirectives {
    /** The directive; the same text as {@code src/jit-directives.json}. */
    static final String KEEP_C1_OFF_GEMM = "[{ match: \"iern.engine.cpu.GemmMicroKernel::tile*\", c1: { Exclude: true } }]";

    private static volatile String outcome = "not applied";

    private JitDirectives() {}

    /** Adds the directive once per JVM; on a JVM without the diagnostic command it does nothing. */
    static synchronized void apply() {
        if (!outcome.equals("not applied")) {
            return;
        }
        try {
            Path file = Files.createTempFile("iern-jit", ".json");
            try {
                Files.writeString(file, KEEP_C1_OFF_GEMM, StandardCharsets.UTF_8);
                Object r = ManagementFactory.getPlatformMBeanServer().invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesAdd",
                        new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
                outcome = String.valueOf(r).trim();
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (Exception | LinkageError e) {
            outcome = "unavailable: " + e;
        }
    }

    /** What the JVM answered (for tests and {@code iern info}). */
    static String outcome() {
        return outcome;
    }
}
