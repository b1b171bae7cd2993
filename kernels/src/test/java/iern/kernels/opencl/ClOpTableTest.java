package iern.kernels.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import iern.engine.Backend.Binary;
import iern.engine.Backend.Reduce;
import iern.engine.Backend.Unary;
import iern.kernels.gpu.OpTable;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The OpenCL op codes and op helpers come from the Java enums and nowhere else: the generated
 * prelude defines every constant by its ordinal and has a case for it, and no {@code .cl}
 * resource defines an op code or switches over ops by hand. Runs without an OpenCL platform;
 * the conformance suite runs the generated code against the oracle.
 */
class ClOpTableTest {
    private static final Pattern DEFINE = Pattern.compile("(?m)^#define ([UBR])_(\\w+) (\\d+)$");

    private static Map<String, Integer> definedCodes(String prefix) {
        Map<String, Integer> codes = new LinkedHashMap<>();
        Matcher m = DEFINE.matcher(OpTable.PRELUDE);
        while (m.find()) {
            if (m.group(1).equals(prefix)) {
                Integer old = codes.put(m.group(2), Integer.parseInt(m.group(3)));
                assertEquals(null, old, prefix + "_" + m.group(2) + " defined twice");
            }
        }
        return codes;
    }

    private static void assertCodesMatch(String prefix, Enum<?>[] constants) {
        Map<String, Integer> codes = definedCodes(prefix);
        assertEquals(Arrays.stream(constants).map(Enum::name).toList(), List.copyOf(codes.keySet()),
                prefix + "_ codes do not list the enum's constants in order");
        for (Enum<?> c : constants) {
            assertEquals(c.ordinal(), codes.get(c.name()), prefix + "_" + c.name() + " is not its ordinal");
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void generatedCodesAreTheOrdinalsOfEveryConstant() {
        assertCodesMatch("U", Unary.values());
        assertCodesMatch("B", Binary.values());
        assertCodesMatch("R", Reduce.values());
    }

    @Test
    void generatedHelpersHaveOneCaseWithTheTablesExpressionPerConstant() {
        String p = OpTable.PRELUDE;
        for (Unary u : Unary.values()) {
            assertEquals(2, count(p, "case U_" + u.name() + ":"), u + ": one case in unary_op, one in unary_derivative");
            assertTrue(p.contains("case U_" + u.name() + ": return " + u.clForward() + ";\n"), u + " forward");
            assertTrue(p.contains("case U_" + u.name() + ": return " + u.clDerivative() + ";\n"), u + " derivative");
        }
        for (Binary b : Binary.values()) {
            assertEquals(1, count(p, "case B_" + b.name() + ":"), b + ": one case in binary_op");
            assertTrue(p.contains("case B_" + b.name() + ": return " + b.clForward() + ";\n"), b.name());
        }
        assertTrue(p.contains("inline float unary_op(int op, float x, float a, float b)"), p);
        assertTrue(p.contains("inline float unary_derivative(int op, float x, float y, float a, float b)"), p);
        assertTrue(p.contains("inline float binary_op(int op, float a, float b)"), p);
        assertTrue(p.endsWith("#line 1\n"), "compiler line numbers must count from the .cl file's first line");
    }

    @Test
    void noKernelSourceHoldsAHandWrittenOpCodeOrOpSwitch() throws IOException, URISyntaxException {
        // The folder of the main resources (the test classes have a folder of the same name).
        Path root = Path.of(ClRuntime.class.getResource(ClRuntime.SOURCE_ROOT + "elementwise.cl").toURI()).getParent();
        List<Path> sources;
        try (Stream<Path> files = Files.list(root)) {
            sources = files.filter(f -> f.toString().endsWith(".cl")).sorted().toList();
        }
        assertTrue(sources.size() > 5, "kernel sources found in " + root + ": " + sources);
        Pattern handWritten = Pattern.compile("#define\\s+[UBR]_[A-Z]|case\\s+[UBR]_[A-Z]|switch\\s*\\(\\s*op\\s*\\)");
        for (Path f : sources) {
            Matcher m = handWritten.matcher(Files.readString(f));
            if (m.find()) {
                fail(f.getFileName() + " holds a hand-written op code or op switch: '" + m.group() + "'");
            }
        }
    }
}
