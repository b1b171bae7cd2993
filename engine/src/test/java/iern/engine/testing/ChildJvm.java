package iern.engine.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a fresh JVM (this JVM's {@code java}), the way a user's program starts:
 * for tests of what the engine needs on the class path and on the command line.
 */
public final class ChildJvm {
    private ChildJvm() {}

    /** How the child ended: its exit code and its stdout and stderr, interleaved. */
    public record Result(int exitCode, String output) {}

    /** This JVM's class path, one entry per element (surefire puts the test class path there). */
    public static List<String> classPath() {
        List<String> entries = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!e.isBlank()) {
                entries.add(e);
            }
        }
        return entries;
    }

    /**
     * Runs {@code mainClass} on {@code classPath} with {@code jvmArgs} (one CPU thread for the
     * engine, a small heap) and waits at most {@code timeout}; a child still running then is
     * killed and reported as an {@link AssertionError} with what it printed.
     */
    public static Result run(List<String> classPath, String mainClass, Duration timeout, String... jvmArgs)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-Diern.threads=1"));
        cmd.addAll(Arrays.asList(jvmArgs));
        cmd.add("-cp");
        cmd.add(String.join(File.pathSeparator, classPath));
        cmd.add(mainClass);
        Path log = Files.createTempFile("child-jvm", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError(mainClass + " still running after " + timeout + "; it printed:\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
