package iern.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code iern slurm} without Slurm: the job script it writes, dry runs, an sbatch stand-in, its errors. */
class SlurmCommandTest {
    @TempDir
    Path dir;

    record Outcome(int code, String out, String err) {}

    /** Runs {@code iern slurm ...} with the program's error handling (exit 2 and one line for a user error). */
    static Outcome slurm(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("slurm"));
        all.addAll(List.of(args));
        int code = cl.execute(all.toArray(String[]::new));
        return new Outcome(code, out.toString(), err.toString());
    }

    private Path data() throws Exception {
        return Files.createDirectories(dir.resolve("data"));
    }

    /** Six runs: bias100 fold 1, baseline and iern, seeds 1-3. */
    private List<String> grid(String... more) throws Exception {
        List<String> g = new ArrayList<>(List.of("--data", data().toString(), "--method", "baseline,iern", "--seeds", "1,2,3",
                "--epochs", "1"));
        g.addAll(List.of(more));
        return g;
    }

    private static void complete(Path out, String runDir) throws Exception {
        Path d = Files.createDirectories(out.resolve(runDir));
        Files.writeString(d.resolve("result.json"), "{}");
    }

    private static String script(Path out) throws Exception {
        try (Stream<Path> s = Files.list(out.resolve("slurm"))) {
            List<Path> files = s.filter(p -> p.getFileName().toString().endsWith(".sbatch")).toList();
            assertEquals(1, files.size(), files.toString());
            return Files.readString(files.getFirst());
        }
    }

    private static String[] args(List<String> slurmOptions, List<String> train) {
        List<String> a = new ArrayList<>(slurmOptions);
        a.add("--");
        a.addAll(train);
        return a.toArray(String[]::new);
    }

    @Test
    void arraysOnlyTheMissingRunsWithTheirResources() throws Exception {
        Path out = dir.resolve("grid");
        List<String> train = grid();
        List<String> runs = SlurmCommand.plan(train).runDirs();
        assertEquals(6, runs.size(), runs.toString());
        complete(out, runs.get(0));
        complete(out, runs.get(2));
        Files.createDirectories(out.resolve(runs.get(4))); // a partial run (no result.json) is missing
        Outcome o = slurm(args(List.of("--out", out.toString(), "--cpus", "2", "--mem", "8G", "--time", "01:30:00",
                "--partition", "short", "--program", "/opt/iern/iern", "--dry-run", "--sbatch", dir.resolve("no-sbatch").toString()),
                train));
        assertEquals(0, o.code(), o.err() + o.out());
        String s = script(out);
        assertTrue(s.startsWith("#!/bin/bash\n"), s);
        assertTrue(s.contains("\n#SBATCH --array=1,3-5\n"), s);
        assertTrue(s.contains("\n#SBATCH --cpus-per-task=2\n"), s);
        assertTrue(s.contains("\n#SBATCH --mem=8G\n"), s);
        assertTrue(s.contains("\n#SBATCH --time=01:30:00\n"), s);
        assertTrue(s.contains("\n#SBATCH --partition=short\n"), s);
        assertTrue(s.contains("\n#SBATCH --output=" + out.toAbsolutePath().resolve("slurm/logs/%A_%a.out") + "\n"), s);
        assertTrue(s.contains("-Xmx6144m"), s);
        assertFalse(s.contains("--gres"), s);
        assertTrue(s.contains("\nexec /opt/iern/iern train --data " + data() + " --method baseline,iern --seeds 1,2,3"
                + " --epochs 1 --threads 2 --out " + out.toAbsolutePath() + " --shard 6\n"), s);
        assertTrue(o.out().contains("2 complete, 4 missing: grid indices 1,3-5"), o.out());
        assertTrue(o.out().contains("dry run"), o.out());
        assertTrue(o.out().contains("--dependency=afterany:"), o.out());
        assertTrue(o.out().contains("/opt/iern/iern summarize --out " + out.toAbsolutePath()), o.out());
        assertTrue(Files.isDirectory(out.resolve("slurm/logs")));
    }

    @Test
    void aGpuBackendGetsOneGpuPerTaskAndTheThreadsGiveTheCpus() throws Exception {
        Path out = dir.resolve("gpu");
        Outcome o = slurm(args(List.of("--out", out.toString(), "--program", "iern", "--dry-run"),
                grid("--backend", "opencl", "--threads", "3")));
        assertEquals(0, o.code(), o.err() + o.out());
        String s = script(out);
        assertTrue(s.contains("\n#SBATCH --gres=gpu:1\n"), s);
        assertTrue(s.contains("\n#SBATCH --cpus-per-task=3\n"), s);
        assertTrue(s.contains("\n#SBATCH --array=0-5\n"), s);
        assertTrue(s.contains("--backend opencl --threads 3 --out"), s);
        assertFalse(s.contains("--mem") || s.contains("--partition") || s.contains("Xmx"), s);

        Path out2 = dir.resolve("gpu2");
        o = slurm(args(List.of("--out", out2.toString(), "--program", "iern", "--dry-run", "--gpus", "2"), grid()));
        assertEquals(0, o.code(), o.err() + o.out());
        assertTrue(script(out2).contains("\n#SBATCH --gres=gpu:2\n"));
        Path out3 = dir.resolve("gpu0");
        o = slurm(args(List.of("--out", out3.toString(), "--program", "iern", "--dry-run", "--gpus", "0"),
                grid("--backend", "cuda")));
        assertEquals(0, o.code(), o.err() + o.out());
        assertFalse(script(out3).contains("--gres"));
    }

    @Test
    void nothingMissingSubmitsNothing() throws Exception {
        Path out = dir.resolve("done");
        List<String> train = grid();
        for (String r : SlurmCommand.plan(train).runDirs()) {
            complete(out, r);
        }
        Outcome o = slurm(args(List.of("--out", out.toString(), "--program", "iern",
                "--sbatch", dir.resolve("no-sbatch").toString()), train));
        assertEquals(0, o.code(), o.err() + o.out());
        assertTrue(o.out().contains("all 6 run(s) of the grid are complete"), o.out());
        assertTrue(o.out().contains("nothing submitted"), o.out());
        assertFalse(Files.exists(out.resolve("slurm")));
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void submitsTheArrayThenADependentSummarize() throws Exception {
        Path log = dir.resolve("sbatch.log");
        Path fake = dir.resolve("sbatch");
        Files.writeString(fake, "#!/bin/sh\necho \"$@\" >> '" + log + "'\n"
                + "n=$(wc -l < '" + log + "')\necho \"$((40 + n))\"\n");
        assertTrue(fake.toFile().setExecutable(true));
        Path out = dir.resolve("grid");
        Outcome o = slurm(args(List.of("--out", out.toString(), "--program", "/x/iern", "--sbatch", fake.toString()),
                grid()));
        assertEquals(0, o.code(), o.err() + o.out());
        assertTrue(o.out().contains("submitted job array 41: 6 task(s) (array 0-5)"), o.out());
        assertTrue(o.out().contains("submitted summarize job 42 (after job 41 ends)"), o.out());
        assertTrue(o.out().contains(out.toAbsolutePath().resolve("slurm/logs/41_<grid index>.out").toString()), o.out());
        List<String> calls = Files.readAllLines(log);
        assertEquals(2, calls.size(), calls.toString());
        assertTrue(calls.get(0).matches("--parsable .*/slurm/grid-[0-9-]+\\.sbatch"), calls.get(0));
        assertTrue(calls.get(1).startsWith("--parsable --dependency=afterany:41 "), calls.get(1));
        assertTrue(calls.get(1).endsWith("--wrap /x/iern summarize --out " + out.toAbsolutePath()), calls.get(1));
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void sbatchMissingOrFailingIsAClearError() throws Exception {
        Outcome o = slurm(args(List.of("--out", dir.resolve("a").toString(), "--program", "iern",
                "--sbatch", dir.resolve("no-sbatch").toString()), grid()));
        assertEquals(2, o.code(), o.err() + o.out());
        assertTrue(o.err().contains("is Slurm installed and") && o.err().contains("on PATH"), o.err());

        Path fake = dir.resolve("sbatch");
        Files.writeString(fake, "#!/bin/sh\necho 'sbatch: error: invalid partition specified: gpu' >&2\nexit 1\n");
        assertTrue(fake.toFile().setExecutable(true));
        o = slurm(args(List.of("--out", dir.resolve("b").toString(), "--program", "iern", "--sbatch", fake.toString()),
                grid()));
        assertEquals(2, o.code(), o.err() + o.out());
        assertTrue(o.err().contains("failed (exit 1): sbatch: error: invalid partition specified: gpu"), o.err());
        assertFalse(o.err().contains("\tat "), o.err());
    }

    @Test
    void badRequestsAreRefusedByName() throws Exception {
        String out = dir.resolve("c").toString();
        List<String> common = List.of("--out", out, "--program", "iern", "--dry-run");
        assertError(slurm(args(common, grid("--out", "elsewhere"))), "train option --out is set by iern slurm");
        assertError(slurm(args(common, grid("--resume"))), "train option --resume is set by iern slurm");
        assertError(slurm(args(common, grid("--shard", "0/2"))), "train option --shard");
        assertError(slurm(args(List.of("--out", out, "--program", "iern", "--dry-run", "--cpus", "2"), grid("--threads", "3"))),
                "--cpus 2 and the train option --threads 3 differ");
        assertError(slurm(args(common, grid("--no-such-option"))), "train options: Unknown option");
        assertError(slurm(args(List.of("--out", out, "--program", "iern", "--dry-run", "--time", "soon"), grid())),
                "--time soon");
        assertError(slurm(args(List.of("--out", out, "--program", "iern", "--dry-run", "--mem", "lots"), grid())),
                "--mem lots");
        assertError(slurm(args(List.of("--out", out, "--program", "iern", "--dry-run", "--partition", "a b"), grid())),
                "--partition");
        assertError(slurm(args(List.of("--out", dir.resolve("with space").toString(), "--program", "iern", "--dry-run"),
                grid())), "holds a blank");
        // without --dry-run a missing data root is an error: every task would write the benchmark at once
        assertError(slurm(args(List.of("--out", out, "--program", "iern"), List.of("--data", dir.resolve("none").toString()))),
                "does not exist");
    }

    private static void assertError(Outcome o, String expected) {
        assertEquals(2, o.code(), "exit code; stderr: " + o.err() + " stdout: " + o.out());
        assertTrue(o.err().contains(expected), "stderr should contain <" + expected + ">, was: " + o.err());
        assertFalse(o.err().contains("\tat "), o.err());
    }

    @Test
    void arrayRangesAndShellWords() {
        assertEquals("0-2,4,6-7", SlurmCommand.ranges(List.of(0, 1, 2, 4, 6, 7)));
        assertEquals("3", SlurmCommand.ranges(List.of(3)));
        assertEquals("1,3", SlurmCommand.ranges(List.of(1, 3)));
        assertEquals("--seeds", SlurmCommand.shellQuote("--seeds"));
        assertEquals("'a b'", SlurmCommand.shellQuote("a b"));
        assertEquals("'it'\\''s'", SlurmCommand.shellQuote("it's"));
        assertEquals("''", SlurmCommand.shellQuote(""));
        assertEquals(6144, SlurmCommand.heapMb("8G"));
        assertEquals(0, SlurmCommand.heapMb("0"));
        assertTrue(SlurmCommand.isGpuBackend("opencl:0:1") && SlurmCommand.isGpuBackend("cuda"));
        assertFalse(SlurmCommand.isGpuBackend("cpu") || SlurmCommand.isGpuBackend("auto"));
    }

    @Test
    void theDefaultProgramIsTheCheckoutsLauncher() {
        Path l = SlurmCommand.launcher();
        assertEquals("iern", l.getFileName().toString());
        assertTrue(l.isAbsolute() && Files.isExecutable(l) && Files.isRegularFile(l.resolveSibling("pom.xml")), l.toString());
    }
}
