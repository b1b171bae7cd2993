package iern.cli;

import iern.engine.io.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
            "processes (or machines) into one --out are summarised together.", ""})
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
        List<ResultTable.Run> runs = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(out, 3)) {
            files = walk.filter(p -> p.getFileName().toString().equals("result.json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + out + ": " + e.getMessage(), e);
        }
        for (Path f : files) {
            runs.add(read(f));
        }
        if (runs.isEmpty()) {
            throw new UserError("no finished run (result.json) under " + out);
        }
        runs.sort(java.util.Comparator.comparing((ResultTable.Run r) -> settingRank(r.setting()))
                .thenComparing(r -> variantKey(r.variant())).thenComparingInt(ResultTable.Run::fold)
                .thenComparingLong(ResultTable.Run::seed));
        w.printf("%d finished run(s) under %s%n", runs.size(), out);
        w.print(ResultTable.render(runs, out));
        w.flush();
        return 0;
    }

    /** bias0 (the ceiling) first, then bias100, bias90, anything else by name. */
    static String settingRank(String setting) {
        int i = List.of("bias0", "bias100", "bias90").indexOf(setting);
        return (i < 0 ? "9" + setting : Integer.toString(i));
    }

    /** The order train lists variants in: baseline before iern, each plain before its adversary variants. */
    static String variantKey(String variant) {
        int plus = variant.indexOf('+');
        String name = plus < 0 ? variant : variant.substring(0, plus);
        return (name.startsWith("baseline") ? "0" : "1") + name + "\u0000" + (plus < 0 ? "" : variant.substring(plus));
    }

    /** One run's headline counts and leak from its result.json; a malformed file is named. */
    static ResultTable.Run read(Path file) {
        Map<String, Object> r;
        try {
            r = Json.parseObject(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new UserError(file + ": not a run result (" + e.getMessage() + ")");
        }
        if (!(r.get("accuracy") instanceof Map<?, ?> acc) || !(acc.get("images") instanceof Number images)
                || !(r.get("variant") instanceof String variant) || !(r.get("seed") instanceof Number seed)
                || !(r.get("bias") instanceof String bias) || !(r.get("fold") instanceof Number fold)) {
            throw new UserError(file + ": expected bias, fold, variant, seed and accuracy.images");
        }
        String setting = bias.isEmpty() ? "custom split" : "bias" + bias;
        long correct;
        long total;
        if (r.get("headline") instanceof Map<?, ?> h && h.get("correct") instanceof Number c
                && h.get("images") instanceof Number n) {
            correct = c.longValue();
            total = n.longValue();
        } else { // written before the headline counts: every test image of a fold split is in the headline
            Object ratio = setting.equals("bias0") ? acc.get("overall") : acc.get("out_of_distribution");
            double headline = ratio instanceof Number x ? x.doubleValue() : Double.NaN;
            total = Double.isNaN(headline) ? 0 : images.longValue();
            correct = Math.round(headline * total);
        }
        Map<?, ?> diag = r.get("diagnostics") instanceof Map<?, ?> d ? d : Map.of();
        return new ResultTable.Run(setting, variant, fold.intValue(), seed.longValue(), correct, total,
                diag.get("source_leak") instanceof Number l ? l.doubleValue() : Double.NaN,
                diag.get("source_leak_chance") instanceof Number c ? c.doubleValue() : Double.NaN);
    }
}
