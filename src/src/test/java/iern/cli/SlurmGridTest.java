package iern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import iern.engine.io.Json;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A grid through a real Slurm: {@code iern slurm} submits 4 runs as a job array, one task is
 * cancelled in the middle of its run, the same command again submits only that run, and the
 * summary.json that the dependent summarize job writes equals, value for value, the one of the
 * same grid trained in one process. Skipped where Slurm is absent or no node answers; failed
 * instead under {@code -Diern.require=slurm} (CI: {@code .ci/run} starts a single-node cluster
 * with {@code .ci/slurm-cluster.sh}). The tasks run the program from this JVM's classpath (the
 * program jar is packaged only after the tests) through a small launcher script in the test's
 * directory, which must be visible to the nodes (one node here).
 */
class SlurmGridTest {
    @TempDir
    Path dir;

    /** 2 methods x 2 seeds on a tiny benchmark and tiny networks; 3 epochs so a task can be caught mid-run. */
    private static final List<String> GRID = List.of("--method", "baseline,iern", "--seeds", "1,2", "--epochs", "3",
            "--eval-every", "0", "--batch", "4", "--width", "0.0625", "--feat", "16", "--image-size", "36", "--threads", "1",
            "--workers", "0");
    private static final long BUDGET_S = 240;

    private static boolean required() {
        return System.getProperty("iern.require", "").contains("slurm");
    }

    private static void unavailable(String why) {
        if (required()) {
            fail("iern.require=slurm but Slurm is not usable: " + why);
        }
        Assumptions.assumeTrue(false, "Slurm not usable: " + why);
    }

    @Test
    @Timeout(value = BUDGET_S + 60, unit = TimeUnit.SECONDS)
    void aKilledTaskIsResubmittedAloneAndTheGridPoolsLikeOneProcess() throws Exception {
        for (String tool : List.of("sbatch", "sinfo", "squeue", "scancel", "scontrol")) {
            if (onPath(tool) == null) {
                unavailable(tool + " is not on PATH");
            }
        }
        Exec info = exec(List.of("sinfo", "-h", "-o", "%T"), 20);
        if (info.code() != 0 || !info.out().matches("(?s).*\\b(idle|mixed|allocated)\\b.*")) {
            unavailable("no node answers (sinfo: " + info.out().strip() + ")");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BUDGET_S);
        Path data = dir.resolve("data");
        CliErrorsTest.Outcome s = CliErrorsTest.run("synth", "--out", data.toString(), "--subjects", "6", "--size", "40",
                "--frames", "1");
        assertEquals(0, s.code(), s.err());
        Path program = writeProgram();
        List<String> train = new ArrayList<>(GRID);
        train.addAll(List.of("--data", data.toString()));
        List<String> runs = SlurmCommand.plan(train).runDirs();
        assertEquals(4, runs.size(), runs.toString());

        // The reference: the whole grid in one process, beside the cluster's tasks.
        Path refOut = dir.resolve("one-process");
        List<String> refCmd = new ArrayList<>(List.of(program.toString(), "train"));
        refCmd.addAll(train);
        refCmd.addAll(List.of("--out", refOut.toString()));
        Process ref = new ProcessBuilder(refCmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("one-process.log").toFile()).start();
        List<String> jobs = new ArrayList<>();
        try {
            Path out = dir.resolve("grid");
            Submission first = submit(program, out, train);
            jobs.addAll(List.of(first.arrayId(), first.summarizeId()));
            assertEquals("0-3", first.array(), first.output());

            int victim = cancelOneMidRun(first.arrayId(), out, runs, deadline);
            waitGone(List.of(first.arrayId(), first.summarizeId()), deadline);
            for (int j = 0; j < runs.size(); j++) {
                assertEquals(j != victim, Files.exists(out.resolve(runs.get(j)).resolve("result.json")),
                        "run " + j + " (" + runs.get(j) + ", cancelled: " + victim + "); its log:\n"
                                + log(out, first.arrayId(), j));
            }

            Submission second = submit(program, out, train);
            jobs.addAll(List.of(second.arrayId(), second.summarizeId()));
            assertEquals(Integer.toString(victim), second.array(), second.output());
            waitGone(List.of(second.arrayId(), second.summarizeId()), deadline);
            assertEquals("COMPLETED 0:0", state(second.arrayId() + "_" + victim), log(out, second.arrayId(), victim));
            assertEquals("COMPLETED 0:0", state(second.summarizeId()), summarizeLog(out, second.summarizeId()));
            try (Stream<Path> logs = Files.list(out.resolve("slurm/logs"))) {
                List<String> ran = logs.map(p -> p.getFileName().toString())
                        .filter(n -> n.startsWith(second.arrayId() + "_")).toList();
                assertEquals(List.of(second.arrayId() + "_" + victim + ".out"), ran, "tasks of the resubmission");
            }

            long left = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime()));
            assertTrue(ref.waitFor(left, TimeUnit.SECONDS), "the one-process grid did not end in time");
            assertEquals(0, ref.exitValue(), Files.readString(dir.resolve("one-process.log")));
            Map<String, Object> expected = Json.parseObject(Files.readString(refOut.resolve("summary.json")), "reference");
            Map<String, Object> actual = Json.parseObject(Files.readString(out.resolve("summary.json")), "slurm");
            assertEquals(expected, actual, "summary.json of the grid on Slurm vs in one process");
            assertTrue(Files.size(out.resolve("summary.png")) > 0);
        } finally {
            ref.destroyForcibly();
            if (!jobs.isEmpty()) {
                List<String> cancel = new ArrayList<>(List.of("scancel"));
                cancel.addAll(jobs);
                exec(cancel, 20);
            }
        }
    }

    record Submission(String arrayId, String summarizeId, String array, String output) {}

    private static final Pattern ARRAY = Pattern.compile("submitted job array (\\d+): \\d+ task\\(s\\) \\(array ([0-9,-]+)\\)");
    private static final Pattern SUMMARIZE = Pattern.compile("submitted summarize job (\\d+)");

    /** {@code iern slurm --out OUT --program PROGRAM -- TRAIN}, in this JVM. */
    private static Submission submit(Path program, Path out, List<String> train) {
        List<String> args = new ArrayList<>(List.of("--out", out.toString(), "--program", program.toString(), "--"));
        args.addAll(train);
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        CommandLine cl = new CommandLine(new SlurmCommand());
        cl.setOut(new PrintWriter(o, true));
        cl.setErr(new PrintWriter(e, true));
        int code = cl.execute(args.toArray(String[]::new));
        String text = o + "" + e;
        assertEquals(0, code, text);
        Matcher a = ARRAY.matcher(text);
        Matcher m = SUMMARIZE.matcher(text);
        assertTrue(a.find() && m.find(), text);
        return new Submission(a.group(1), m.group(1), a.group(2), text);
    }

    /**
     * Cancels the first task seen past its first epoch (its checkpoint written) and before its
     * result; returns its grid index. A task that finished before the cancel reached it is not
     * counted: the next one running is tried.
     */
    private static int cancelOneMidRun(String arrayId, Path out, List<String> runs, long deadline) throws Exception {
        Set<Integer> tried = new HashSet<>();
        while (System.nanoTime() < deadline) {
            boolean pending = false;
            for (int j = 0; j < runs.size(); j++) {
                Path run = out.resolve(runs.get(j));
                if (tried.contains(j) || Files.exists(run.resolve("result.json"))) {
                    continue;
                }
                pending = true;
                if (!Files.exists(run.resolve("checkpoint.json"))) {
                    continue;
                }
                tried.add(j);
                Exec c = exec(List.of("scancel", arrayId + "_" + j), 20);
                assertEquals(0, c.code(), c.out());
                waitGone(List.of(arrayId + "_" + j), deadline);
                if (!Files.exists(run.resolve("result.json"))) {
                    return j;
                }
            }
            if (!pending) {
                break;
            }
            Thread.sleep(20);
        }
        return fail("no task could be cancelled between its first epoch and its result (tried " + tried + ")");
    }

    /** Waits until none of these jobs is pending, running or completing. */
    private static void waitGone(List<String> ids, long deadline) throws Exception {
        while (System.nanoTime() < deadline) {
            Exec q = exec(List.of("squeue", "-h", "-o", "%i %T", "-j", String.join(",", ids)), 20);
            if (q.out().isBlank() || (q.code() != 0 && q.out().contains("Invalid job id"))) {
                return;
            }
            Thread.sleep(250);
        }
        fail("jobs " + ids + " did not end in time: " + exec(List.of("squeue"), 20).out());
    }

    /** "STATE EXIT:SIGNAL" of a job or array task, from scontrol. */
    private static String state(String id) throws Exception {
        Exec e = exec(List.of("scontrol", "show", "job", id), 20);
        Matcher st = Pattern.compile("JobState=(\\S+)").matcher(e.out());
        Matcher ex = Pattern.compile(" ExitCode=(\\S+)").matcher(e.out());
        return st.find() && ex.find() ? st.group(1) + " " + ex.group(1) : e.out();
    }

    private static String log(Path out, String jobId, int index) {
        return readOrSay(out.resolve("slurm/logs/" + jobId + "_" + index + ".out"));
    }

    private static String summarizeLog(Path out, String jobId) {
        return readOrSay(out.resolve("slurm/logs/summarize-" + jobId + ".out"));
    }

    private static String readOrSay(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return "(" + f + ": " + e.getMessage() + ")";
        }
    }

    /** A launcher for the nodes: this JVM's java and classpath, the flags of the `iern` script. */
    private Path writeProgram() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-Xss4m", "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED"));
        Path directives = SlurmCommand.launcher().resolveSibling("src").resolve("jit-directives.json");
        if (Files.isRegularFile(directives)) {
            cmd.addAll(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:CompilerDirectivesFile=" + directives));
        }
        cmd.addAll(List.of("-cp", cp, "iern.cli.Main"));
        StringBuilder b = new StringBuilder("#!/bin/sh\nexec");
        for (String c : cmd) {
            b.append(' ').append(SlurmCommand.shellQuote(c));
        }
        b.append(" \"$@\"\n");
        Path p = dir.resolve("iern-test-program");
        Files.writeString(p, b.toString(), StandardCharsets.UTF_8);
        assertTrue(p.toFile().setExecutable(true));
        return p;
    }

    private static Path onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(d.isEmpty() ? "." : d, tool);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    record Exec(int code, String out) {}

    /** Runs a command with a time bound; stdout and stderr together. */
    private static Exec exec(List<String> cmd, long timeoutS) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        var text = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try (var in = p.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Exec(124, cmd.getFirst() + " did not answer within " + timeoutS + " s");
        }
        return new Exec(p.exitValue(), text.join());
    }
}
