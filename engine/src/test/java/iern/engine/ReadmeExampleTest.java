package iern.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.testing.ChildJvm;
import java.io.File;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training loop of engine/README.md ("Using the engine as a library") compiles against the
 * engine and learns XOR when run as the README says: in a fresh JVM with
 * {@code --add-modules jdk.incubator.vector}.
 */
class ReadmeExampleTest {

    private static final Pattern JAVA_BLOCK = Pattern.compile("(?ms)^```java\\n(.*?)^```$");
    private static final Pattern CLASS_NAME = Pattern.compile("(?m)^public class (\\w+)");
    private static final Pattern LOSS = Pattern.compile("(?m)^step (\\d+): loss (\\d+\\.\\d+)$");

    @Test
    void readmeTrainingLoopCompilesAndLearnsXor(@TempDir Path dir) throws Exception {
        String example = programIn(readme());
        Matcher name = CLASS_NAME.matcher(example);
        assertTrue(name.find(), "no 'public class' in the README's example");
        String className = name.group(1);
        Path source = dir.resolve(className + ".java");
        Files.writeString(source, example, StandardCharsets.UTF_8);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "no system Java compiler (a JRE, not a JDK?)");
        String classPath = String.join(File.pathSeparator, ChildJvm.classPath());
        StringWriter diagnostics = new StringWriter();
        // Every lint but "try": a TensorScope or Grad.off() scope goes unreferenced in its body.
        List<String> options = List.of("-classpath", classPath, "-d", dir.toString(), "-proc:none",
                "-Xlint:all,-try,-path,-options", "-Werror");
        boolean compiled = javac.getTask(diagnostics, null, null, options, null,
                javac.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(source)).call();
        assertTrue(compiled, "the README's example does not compile:\n" + diagnostics);

        List<String> runPath = new ArrayList<>(ChildJvm.classPath());
        runPath.addFirst(dir.toString());
        ChildJvm.Result run = ChildJvm.run(runPath, className, Duration.ofMinutes(2),
                "--add-modules", "jdk.incubator.vector");
        String out = run.output();
        assertEquals(0, run.exitCode(), out);

        Matcher m = LOSS.matcher(out);
        List<Double> losses = new ArrayList<>();
        while (m.find()) {
            losses.add(Double.parseDouble(m.group(2)));
        }
        assertTrue(losses.size() >= 2, "expected 'step N: loss X' lines:\n" + out);
        assertTrue(losses.getFirst() > 0.5, "XOR starts near ln 2:\n" + out);
        assertTrue(losses.getLast() < 0.05, "the loss should fall below 0.05:\n" + out);
        assertTrue(out.contains("predicted [0.0, 1.0, 1.0, 0.0], labels [0, 1, 1, 0]"),
                "every XOR input should be classified correctly:\n" + out);
    }

    private static String readme() throws Exception {
        // Surefire runs in the module's directory; an IDE may run in the repository's.
        for (Path p : List.of(Path.of("README.md"), Path.of("engine", "README.md"))) {
            if (Files.isRegularFile(p) && Files.readString(p).startsWith("# The IERN engine")) {
                return Files.readString(p, StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("engine/README.md not found from " + Path.of("").toAbsolutePath());
    }

    /** The one fenced java block of the README that is a whole program (declares a main method). */
    static String programIn(String readme) {
        List<String> programs = new ArrayList<>();
        Matcher m = JAVA_BLOCK.matcher(readme);
        while (m.find()) {
            if (m.group(1).contains("static void main(")) {
                programs.add(m.group(1));
            }
        }
        assertEquals(1, programs.size(), "expected exactly one java block with a main method in engine/README.md");
        return programs.getFirst();
    }
}
