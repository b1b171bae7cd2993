package iern.cli;

import iern.model.grid.RunResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code iern slurm}: submits the runs of a train grid that are not complete under {@code --out}
 * as one Slurm job array (one task per missing run, the task index being the run's index in the
 * grid's order, run by {@code iern train --shard N}), and a summarize job that runs after it.
 */
@Command(name = "slurm", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Submits a train grid to Slurm: one job-array task per run not yet complete",
            "under --out, then `iern summarize --out DIR` once the array has ended.",
            "",
            "  iern slurm --out exp --cpus 2 -- --bias 100,90 --fold 1,2,3 --seeds 1,2,3",
            "",
            "The train options go after `--`. Each task runs `<program> train",
            "<train options> --threads <cpus> --out DIR --shard <grid size>`, so its",
            "array index is its run's index in the grid; a run already complete is",
            "never submitted, a partial one is resumed by its task. Run the same command",
            "again after a failure or a cancelled task: it submits only what is missing.",
            "The job script goes to DIR/slurm/grid-<time>.sbatch, the logs to",
            "DIR/slurm/logs/<job>_<index>.out. The data root must exist first (`iern synth`).",
            ""})
final class SlurmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", defaultValue = "runs", paramLabel = "DIR",
            description = "Where the runs are written (shared by every node). Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--partition", paramLabel = "P", description = "Slurm partition. Default: the cluster's default.")
    String partition;

    @Option(names = "--time", paramLabel = "HH:MM:SS", description = "Time limit of each task (and of the summarize job).")
    String time;

    @Option(names = "--cpus", paramLabel = "N",
            description = "CPUs per task, also the train threads. Default: the train options' --threads, else 1.")
    Integer cpus;

    @Option(names = "--mem", paramLabel = "SIZE",
            description = "Memory per task, as Slurm writes it (e.g. 8G, 16000M); the JVM heap is set to 3/4 of it.")
    String mem;

    @Option(names = "--gpus", paramLabel = "N",
            description = "GPUs per task (--gres=gpu:N). Default: 1 with a GPU backend (--backend cuda or opencl), else 0.")
    Integer gpus;

    @Option(names = "--program", paramLabel = "CMD",
            description = "Command that runs iern on the nodes (shell words, inserted as given). Default: the"
                + " absolute path of this checkout's `iern` launcher, found above the running jar.")
    String program;

    @Option(names = "--job-name", defaultValue = "iern-grid", paramLabel = "NAME",
            description = "Name of the array job (the summarize job gets NAME-summarize). Default: ${DEFAULT-VALUE}.")
    String jobName;

    @Option(names = "--dry-run", description = "Write the job script and print the sbatch commands without running them.")
    boolean dryRun;

    /** The sbatch to run (tests point it at a stand-in). */
    @Option(names = "--sbatch", defaultValue = "sbatch", hidden = true)
    String sbatch;

    @Parameters(paramLabel = "TRAIN-OPTION", arity = "0..*",
            description = "After `--`: the options of `iern train` that define the grid (not --out, --shard, --resume, --force).")
    List<String> trainArgs = new ArrayList<>();

    /** The train options no task may get from the user: iern slurm sets or forbids them. */
    private static final List<String> RESERVED = List.of("--out", "--shard", "--resume", "--force");

    private static final Pattern TIME = Pattern.compile("(\\d+-)?\\d+(:\\d{1,2}){0,2}|\\d+-\\d+");
    private static final Pattern MEM = Pattern.compile("\\d{1,12}[KMGT]?");
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9._+:@=,/-]+");
    private static final long SBATCH_TIMEOUT_S = 120;

    /** The grid as train plans it: run directories relative to --out in grid order, and train's options. */
    record Grid(List<String> runDirs, Path data, Integer threads, String backend) {}

    @Override
    public Integer call() {
        PrintWriter w = spec.commandLine().getOut();
        Grid grid = plan(trainArgs);
        if (grid.runDirs().isEmpty()) {
            throw new UserError("the grid is empty: the train options name no run");
        }
        int threads = threads(grid);
        int gpuCount = gpus != null ? gpus : (isGpuBackend(grid.backend()) ? 1 : 0);
        if (gpuCount < 0 || gpuCount > 64) {
            throw new UserError("--gpus " + gpuCount + ": expected a number from 0 to 64");
        }
        checkWord("--partition", partition);
        checkWord("--job-name", jobName);
        if (time != null && !TIME.matcher(time).matches()) {
            throw new UserError("--time " + time + ": expected Slurm's [DAYS-]HH:MM:SS, MM:SS or minutes");
        }
        if (mem != null && !MEM.matcher(mem.toUpperCase(Locale.ROOT)).matches()) {
            throw new UserError("--mem " + mem + ": expected a size such as 8G or 16000M");
        }
        Path outAbs = out.toAbsolutePath().normalize();
        Path cwd = Path.of("").toAbsolutePath();
        checkPath("--out", outAbs);
        checkPath("the working directory", cwd);

        List<Integer> missing = new ArrayList<>();
        List<String> dirs = grid.runDirs();
        for (int j = 0; j < dirs.size(); j++) {
            if (!RunResult.complete(outAbs.resolve(dirs.get(j)))) {
                missing.add(j);
            }
        }
        int n = dirs.size();
        if (missing.isEmpty()) {
            w.printf("all %d run(s) of the grid are complete under %s; nothing submitted (`iern summarize --out %s`"
                    + " pools them)%n", n, outAbs, outAbs);
            w.flush();
            return 0;
        }
        if (!Files.isDirectory(grid.data())) {
            String msg = "data directory " + grid.data() + " does not exist: make it before submitting (`iern synth --out "
                    + grid.data() + "`), or every task would write it at once";
            if (!dryRun) {
                throw new UserError(msg);
            }
            w.println("warning: " + msg);
        }
        String prog = program != null ? program : shellQuote(launcher().toString());
        String array = ranges(missing);
        Path slurmDir = outAbs.resolve("slurm");
        Path logs = slurmDir.resolve("logs");
        String script = script(prog, array, n, threads, gpuCount, outAbs, cwd, logs);
        Path file;
        try {
            Files.createDirectories(logs);
            file = newScriptFile(slurmDir);
            Files.writeString(file, script, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the job script under " + slurmDir + ": " + e.getMessage(), e);
        }
        w.printf("grid: %d run(s) under %s, %d complete, %d missing: grid indices %s%n", n, outAbs, n - missing.size(),
                missing.size(), array);
        w.printf("job script: %s%n", file);

        List<String> arrayCmd = List.of(sbatch, "--parsable", file.toString());
        if (dryRun) {
            w.println("dry run; would run:");
            w.println("  " + String.join(" ", arrayCmd.stream().map(SlurmCommand::shellQuote).toList()));
            w.println("  " + String.join(" ", summarizeCommand("<array job id>", prog, outAbs, cwd, logs).stream()
                    .map(SlurmCommand::shellQuote).toList()));
            w.flush();
            return 0;
        }
        String jobId = submit(arrayCmd, cwd);
        w.printf("submitted job array %s: %d task(s) (array %s), %d CPU(s)%s each%n", jobId, missing.size(), array, threads,
                gpuCount > 0 ? " and " + gpuCount + " GPU(s)" : "");
        w.printf("task logs: %s%n", logs.resolve(jobId + "_<grid index>.out"));
        String sumId = submit(summarizeCommand(jobId, prog, outAbs, cwd, logs), cwd);
        w.printf("submitted summarize job %s (after job %s ends); log: %s%n", sumId, jobId,
                logs.resolve("summarize-" + sumId + ".out"));
        w.printf("then: %s/summary.json; `iern slurm` with the same options again submits only what is still missing%n",
                outAbs);
        w.flush();
        return 0;
    }

    /** The train grid of these options, as {@code iern train} plans it. */
    static Grid plan(List<String> trainArgs) {
        CommandLine cl = new CommandLine(new TrainCommand());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        try {
            cl.parseArgs(trainArgs.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new UserError("train options: " + e.getMessage());
        }
        CommandLine.ParseResult parsed = cl.getParseResult();
        for (String name : RESERVED) {
            if (parsed.hasMatchedOption(name)) {
                throw new UserError("train option " + name + " is set by iern slurm (--out: give it before `--`;"
                        + " --shard: one task per run; --resume, --force: runs are resumed, never deleted)");
            }
        }
        if (parsed.isUsageHelpRequested() || parsed.isVersionHelpRequested()) {
            throw new UserError("train options: --help and --version are not train options here");
        }
        TrainCommand train = cl.getCommand();
        return new Grid(train.plannedRunDirs(), train.dataOptions.data, train.engine.threads, train.engine.backend);
    }

    private int threads(Grid grid) {
        Integer t = grid.threads();
        if (cpus != null && t != null && !cpus.equals(t)) {
            throw new UserError("--cpus " + cpus + " and the train option --threads " + t
                    + " differ: give one (each task gets as many threads as CPUs)");
        }
        int c = cpus != null ? cpus : t != null ? t : 1;
        if (c < 1 || c > 1024) {
            throw new UserError("--cpus " + c + ": expected a number from 1 to 1024");
        }
        return c;
    }

    static boolean isGpuBackend(String backend) {
        String b = backend == null ? "" : backend.toLowerCase(Locale.ROOT);
        return b.equals("cuda") || b.startsWith("cuda:") || b.equals("opencl") || b.startsWith("opencl:");
    }

    /** The job-array script: one task per missing run, each {@code train --shard N} of grid index = task index. */
    String script(String prog, String array, int gridSize, int threads, int gpuCount, Path outAbs, Path cwd, Path logs) {
        StringBuilder b = new StringBuilder();
        b.append("#!/bin/bash\n");
        b.append("# Written by `iern slurm` on ").append(LocalDateTime.now().withNano(0)).append(": the runs of a grid of ")
                .append(gridSize).append(" not complete under\n# ").append(outAbs).append(". Task i runs grid index i (")
                .append("train --shard ").append(gridSize).append(" reads SLURM_ARRAY_TASK_ID).\n");
        b.append("#SBATCH --job-name=").append(jobName).append('\n');
        b.append("#SBATCH --array=").append(array).append('\n');
        b.append("#SBATCH --ntasks=1\n");
        b.append("#SBATCH --cpus-per-task=").append(threads).append('\n');
        if (gpuCount > 0) {
            b.append("#SBATCH --gres=gpu:").append(gpuCount).append('\n');
        }
        if (mem != null) {
            b.append("#SBATCH --mem=").append(mem.toUpperCase(Locale.ROOT)).append('\n');
        }
        if (time != null) {
            b.append("#SBATCH --time=").append(time).append('\n');
        }
        if (partition != null) {
            b.append("#SBATCH --partition=").append(partition).append('\n');
        }
        b.append("#SBATCH --chdir=").append(cwd).append('\n');
        b.append("#SBATCH --output=").append(logs.resolve("%A_%a.out")).append('\n');
        b.append("set -eu\n");
        if (mem != null && heapMb(mem) > 0) {
            b.append("# the JVM heap within the task's memory (the launcher reads IERN_JAVA_OPTS; a user's own -Xmx there wins)\n");
            b.append("export IERN_JAVA_OPTS=\"-Xmx").append(heapMb(mem)).append("m ${IERN_JAVA_OPTS:-}\"\n");
        }
        b.append("echo \"iern grid index $SLURM_ARRAY_TASK_ID of ").append(gridSize)
                .append(" on $(hostname), job ${SLURM_ARRAY_JOB_ID}_$SLURM_ARRAY_TASK_ID\"\n");
        List<String> args = new ArrayList<>(trainArgs);
        if (!args.contains("--threads") && args.stream().noneMatch(a -> a.startsWith("--threads="))) {
            args.add("--threads");
            args.add(Integer.toString(threads));
        }
        args.add("--out");
        args.add(outAbs.toString());
        args.add("--shard");
        args.add(Integer.toString(gridSize));
        b.append("exec ").append(prog).append(" train");
        for (String a : args) {
            b.append(' ').append(shellQuote(a));
        }
        b.append('\n');
        return b.toString();
    }

    private List<String> summarizeCommand(String jobId, String prog, Path outAbs, Path cwd, Path logs) {
        List<String> cmd = new ArrayList<>(List.of(sbatch, "--parsable", "--dependency=afterany:" + jobId,
                "--job-name=" + jobName + "-summarize", "--ntasks=1", "--cpus-per-task=1", "--chdir=" + cwd,
                "--output=" + logs.resolve("summarize-%j.out")));
        if (partition != null) {
            cmd.add("--partition=" + partition);
        }
        if (time != null) {
            cmd.add("--time=" + time);
        }
        cmd.add("--wrap");
        cmd.add(prog + " summarize --out " + shellQuote(outAbs.toString()));
        return cmd;
    }

    /** Runs sbatch --parsable; returns the job id, or fails naming sbatch's exit code and stderr. */
    private static String submit(List<String> cmd, Path cwd) {
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(cwd.toFile()).start();
            p.getOutputStream().close();
        } catch (IOException e) {
            throw new UserError(cmd.getFirst() + " cannot be run (" + e.getMessage() + "): is Slurm installed and "
                    + cmd.getFirst() + " on PATH? (--dry-run writes the job script without it)");
        }
        CompletableFuture<String> err = readAsync(p.getErrorStream());
        CompletableFuture<String> stdout = readAsync(p.getInputStream());
        try {
            if (!p.waitFor(SBATCH_TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new UserError(cmd.getFirst() + " did not answer within " + SBATCH_TIMEOUT_S + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new UserError(cmd.getFirst() + " interrupted");
        }
        String o = stdout.join().strip();
        String e = err.join().strip();
        if (p.exitValue() != 0) {
            throw new UserError(cmd.getFirst() + " failed (exit " + p.exitValue() + "): "
                    + (e.isEmpty() ? o : iern.data.Printable.of(e)));
        }
        // --parsable prints "jobid" or "jobid;cluster"
        String id = o.lines().reduce((a, b) -> b).orElse("").split(";")[0].strip();
        if (!id.matches("\\d+")) {
            throw new UserError(cmd.getFirst() + " printed no job id: " + iern.data.Printable.of(o + " " + e));
        }
        return id;
    }

    private static CompletableFuture<String> readAsync(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
    }

    /** Sorted indices as Slurm's array list: {@code 0-3,5,7-9}. */
    static String ranges(List<Integer> sorted) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < sorted.size(); ) {
            int j = i;
            while (j + 1 < sorted.size() && sorted.get(j + 1) == sorted.get(j) + 1) {
                j++;
            }
            if (!b.isEmpty()) {
                b.append(',');
            }
            b.append(sorted.get(i));
            if (j > i) {
                b.append('-').append(sorted.get(j));
            }
            i = j + 1;
        }
        return b.toString();
    }

    /** Three quarters of a Slurm memory size, in MiB (at least 256); 0 for Slurm's --mem=0 (all of the node's). */
    static long heapMb(String size) {
        String s = size.toUpperCase(Locale.ROOT);
        char unit = Character.isDigit(s.charAt(s.length() - 1)) ? 'M' : s.charAt(s.length() - 1);
        long v = Long.parseLong(Character.isDigit(s.charAt(s.length() - 1)) ? s : s.substring(0, s.length() - 1));
        double mb = switch (unit) {
            case 'K' -> v / 1024.0;
            case 'G' -> v * 1024.0;
            case 'T' -> v * 1024.0 * 1024.0;
            default -> v;
        };
        return v == 0 ? 0 : Math.max(256, (long) (mb * 0.75));
    }

    /** A word safe on an #SBATCH line and in a shell word list. */
    private static void checkWord(String option, String value) {
        if (value != null && !WORD.matcher(value).matches()) {
            throw new UserError(option + " " + iern.data.Printable.of(value) + ": expected letters, digits and ._+:@=,/-");
        }
    }

    /** #SBATCH lines hold paths unquoted: no blanks, quotes or control characters. */
    private static void checkPath(String what, Path p) {
        String s = p.toString();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || c == '"' || c == '\'' || c == '\\') {
                throw new UserError(what + " " + iern.data.Printable.of(s) + " holds a blank, quote or control character,"
                        + " which an #SBATCH line cannot: choose a path without");
            }
        }
    }

    /** A POSIX-shell word: as is when plain, else in single quotes. */
    static String shellQuote(String s) {
        if (!s.isEmpty() && s.matches("[A-Za-z0-9._+:@%=,/-]+")) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private String newScriptName() {
        return "grid-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    }

    private Path newScriptFile(Path slurmDir) {
        String base = newScriptName();
        Path f = slurmDir.resolve(base + ".sbatch");
        for (int k = 2; Files.exists(f); k++) {
            f = slurmDir.resolve(base + "-" + k + ".sbatch");
        }
        return f;
    }

    /**
     * The checkout's {@code iern} launcher: the jar runs from {@code <checkout>/src/target/iern-program.jar}
     * (classes from {@code <checkout>/src/target/classes}), so it is the first ancestor holding an
     * executable {@code iern} beside a {@code pom.xml}.
     */
    static Path launcher() {
        Path from;
        try {
            from = Path.of(SlurmCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | RuntimeException e) {
            throw new UserError("cannot tell where the program runs from (" + e.getMessage() + "); give --program");
        }
        for (Path d = from.getParent(); d != null; d = d.getParent()) {
            Path l = d.resolve("iern");
            if (Files.isRegularFile(l) && Files.isExecutable(l) && Files.isRegularFile(d.resolve("pom.xml"))) {
                return l;
            }
        }
        throw new UserError("cannot find the checkout's `iern` launcher above " + from
                + "; give --program with the command that runs iern on the nodes");
    }
}
