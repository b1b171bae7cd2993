package iern.model.grid;

import iern.engine.InvalidInput;
import iern.engine.io.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The runs of an experiment in a stable order: settings, then folds, variants, seeds, as the
 * options list them. A worker of a cluster job takes the runs whose index is its own modulo the
 * number of workers ({@link #shard}); every worker records the whole grid under the output
 * ({@link #record}), so {@code iern summarize} can name the runs still missing.
 */
public record Grid(List<Run> runs) {
    /** Where grids are recorded under the output directory, one file per distinct grid. */
    public static final String GRIDS = "grids";

    public Grid {
        runs = List.copyOf(runs);
        Set<String> dirs = new LinkedHashSet<>();
        for (Run r : runs) {
            if (!dirs.add(r.dir())) {
                throw new InvalidInput("the grid names run " + r.dir() + " twice");
            }
        }
    }

    /** Every combination, settings outermost and seeds innermost. */
    public static Grid of(List<String> biases, List<Integer> folds, List<Variant> variants, List<Long> seeds) {
        List<Run> runs = new ArrayList<>();
        for (String b : biases) {
            for (int f : folds) {
                for (Variant v : variants) {
                    for (long s : seeds) {
                        runs.add(new Run(b, f, v, s));
                    }
                }
            }
        }
        return new Grid(runs);
    }

    public int size() {
        return runs.size();
    }

    /** Worker {@code index} of {@code count}: the runs whose index in the grid is {@code index} modulo {@code count}. */
    public List<Run> shard(int index, int count) {
        if (count < 1 || index < 0 || index >= count) {
            throw new InvalidInput("shard " + index + "/" + count + ": expected 0 <= index < count");
        }
        List<Run> mine = new ArrayList<>();
        for (int i = index; i < runs.size(); i += count) {
            mine.add(runs.get(i));
        }
        return mine;
    }

    /** The run directories, in grid order. */
    public List<String> dirs() {
        return runs.stream().map(Run::dir).toList();
    }

    /** A short name of the grid's contents: the same runs in the same order give the same id. */
    public String id() {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(String.join("\n", dirs()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes {@code out/grids/<id>.json} (the run directories in order) if it is not there; the
     * file is written whole under a temporary name and moved, so concurrent workers never see half of it.
     */
    public void record(Path out) {
        Path file = out.resolve(GRIDS).resolve(id() + ".json");
        if (Files.exists(file)) {
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runs", dirs());
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), id(), ".tmp");
            Files.writeString(tmp, Json.pretty(m), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The run directories of every grid recorded under {@code out}, in the order first recorded (by file name). */
    public static List<String> recorded(Path out) {
        Path dir = out.resolve(GRIDS);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        Set<String> all = new LinkedHashSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
                Map<String, Object> m = Json.parseObject(Files.readString(f, StandardCharsets.UTF_8), f.toString());
                if (!(m.get("runs") instanceof List<?> list)) {
                    throw new InvalidInput(f + ": expected a list 'runs'");
                }
                for (Object o : list) {
                    if (!(o instanceof String s) || s.contains("..") || s.startsWith("/")) {
                        throw new InvalidInput(f + ": run " + o + " is not a run directory name");
                    }
                    all.add(s);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
        }
        return new ArrayList<>(all);
    }
}
