package iern.cli;

import iern.model.grid.Grid;
import iern.model.grid.RunResult;
import iern.model.grid.Summary;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "summarize", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Pools the finished runs under --out into the experiment table, summary.json and",
            "summary.png, as `iern train` does for its own runs: grids trained by several",
            "processes (or machines, `iern train --shard`) into one --out are summarised",
            "together. Lists the runs of the grids recorded under --out that have not finished.", ""})
final class SummarizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", defaultValue = "runs", paramLabel = "DIR",
            description = "The runs' directory (<setting>-fold<f>/<variant>-seed<s>/result.json). Default: ${DEFAULT-VALUE}.")
    Path out;

    @Override
    public Integer call() {
        PrintWriter w = spec.commandLine().getOut();
        if (!Files.isDirectory(out)) {
            throw new UserError("--out " + out + " is not a directory");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(out, 3)) {
            files = walk.filter(p -> p.getFileName().toString().equals(RunResult.FILE)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + out + ": " + e.getMessage(), e);
        }
        List<RunResult> runs = new ArrayList<>();
        for (Path f : files) {
            runs.add(RunResult.read(f));
        }
        List<String> missing = Grid.recorded(out).stream().filter(d -> !RunResult.complete(out.resolve(d))).toList();
        if (runs.isEmpty()) {
            throw new UserError("no finished run (" + RunResult.FILE + ") under " + out
                    + (missing.isEmpty() ? "" : "; " + missing.size() + " run(s) of its grid(s) have not finished"));
        }
        w.printf("%d finished run(s) under %s%n", runs.size(), out);
        w.print(ResultTable.render(Summary.of(runs), out));
        if (!missing.isEmpty()) {
            w.printf("%d run(s) of the grid(s) recorded under %s have not finished:%n", missing.size(), out);
            for (String d : missing) {
                w.printf("  %s%s%n", d, MetricsLog.progress(out.resolve(d)));
            }
        }
        w.flush();
        return 0;
    }
}
