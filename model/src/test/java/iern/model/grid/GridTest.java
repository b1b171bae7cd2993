package iern.model.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.model.Adversary;
import iern.model.InterventionMode;
import iern.model.Method;
import iern.model.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GridTest {
    @TempDir
    Path dir;

    static List<Variant> allVariants() {
        return Variant.product(List.of(Method.values()), List.of(InterventionMode.values()), List.of(Adversary.values()),
                List.of(false, true));
    }

    @Test
    void variantNamesRoundTripAndSayWhatIsTrained() {
        List<Variant> all = allVariants();
        // the baseline has no intervention: 1 + 3 interventions, x 3 adversaries x 2 adjustments
        assertEquals(4 * 3 * 2, all.size());
        Set<String> names = new HashSet<>();
        for (Variant v : all) {
            assertEquals(v, Variant.parse(v.name()));
            assertTrue(names.add(v.name()), v.name());
            ModelConfig m = v.apply(ModelConfig.paper());
            assertEquals(v.method(), m.method());
            assertEquals(v.intervention(), m.intervention());
            assertEquals(v.adversary(), m.adversary());
        }
        assertEquals("iern-prior+cadv+la", new Variant(Method.IERN, InterventionMode.PRIOR, Adversary.CONDITIONAL, true).name());
        assertEquals("baseline+ladv", new Variant(Method.BASELINE, InterventionMode.UNIFORM, Adversary.LINEAR, false).name());
        for (String bad : List.of("", "svm", "iern-uniform", "iern+la+cadv", "baseline-prior", "iern-magic", "iern+")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Variant.parse(bad), bad);
            assertTrue(e.getMessage().contains("expected baseline, iern"), e.getMessage());
        }
    }

    @Test
    void shardsPartitionTheGridInItsOrder() {
        Grid g = Grid.of(List.of("100", "0"), List.of(1, 2, 3), allVariants().subList(0, 3), List.of(1L, 2L));
        assertEquals(2 * 3 * 3 * 2, g.size());
        assertEquals("bias100-fold1/baseline-seed1", g.dirs().getFirst());
        assertEquals("bias100-fold1/baseline-seed2", g.dirs().get(1));
        assertEquals("bias0-fold3/" + allVariants().get(2).name() + "-seed2", g.dirs().getLast());
        for (int n : new int[] {1, 4, 5, 36, 50}) {
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                for (Run r : g.shard(i, n)) {
                    seen.add(r.dir());
                }
            }
            Collections.sort(seen);
            List<String> all = new ArrayList<>(g.dirs());
            Collections.sort(all);
            assertEquals(all, seen, "every run in exactly one of " + n + " shards");
        }
        assertEquals(List.of(g.runs().get(3), g.runs().get(8)), g.shard(3, 5).subList(0, 2));
        assertThrows(IllegalArgumentException.class, () -> g.shard(5, 5));
        assertThrows(IllegalArgumentException.class, () -> g.shard(0, 0));
        assertThrows(IllegalArgumentException.class, () -> Grid.of(List.of("100", "100"), List.of(1),
                allVariants().subList(0, 1), List.of(1L)));
    }

    @Test
    void recordedGridsNameEveryPlannedRunOnce() throws Exception {
        Grid a = Grid.of(List.of("100"), List.of(1), allVariants().subList(0, 2), List.of(1L, 2L));
        Grid b = Grid.of(List.of("100"), List.of(1, 2), allVariants().subList(0, 1), List.of(1L));
        assertEquals(a.id(), Grid.of(List.of("100"), List.of(1), allVariants().subList(0, 2), List.of(1L, 2L)).id());
        assertNotEquals(a.id(), b.id());
        a.record(dir);
        a.record(dir);
        b.record(dir);
        List<String> planned = Grid.recorded(dir);
        Set<String> expected = new HashSet<>(a.dirs());
        expected.addAll(b.dirs());
        assertEquals(expected, new HashSet<>(planned));
        assertEquals(expected.size(), planned.size());
        assertEquals(List.of(), Grid.recorded(dir.resolve("none")));
        Files.writeString(dir.resolve("grids/evil.json"), "{\"runs\": [\"../../etc\"]}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Grid.recorded(dir)).getMessage()
                .contains("not a run directory name"));
    }

    @Test
    void theSummaryPoolsFoldsThenSeedsInOneOrderWhateverTheInputOrder() {
        List<RunResult> runs = new ArrayList<>();
        // seed 1: folds 1 and 2 of baseline on bias100, 30/100 and 10/50 -> 40/150
        runs.add(new RunResult("bias100", "baseline", 1, 1, 30, 100, 0.8, 0.34));
        runs.add(new RunResult("bias100", "baseline", 2, 1, 10, 50, 0.6, 0.34));
        runs.add(new RunResult("bias100", "baseline", 1, 2, 60, 100, 0.5, 0.34));
        runs.add(new RunResult("bias100", "baseline", 2, 2, 30, 50, 0.7, 0.34));
        runs.add(new RunResult("bias100", "iern+la", 1, 1, 50, 100, 0.4, 0.34));
        runs.add(new RunResult("bias0", "baseline", 1, 1, 90, 100, 0.9, 0.34));
        Summary s = Summary.of(runs);
        assertEquals(List.of("bias0", "bias100"), new ArrayList<>(s.cells().keySet()));
        assertEquals(List.of("baseline", "iern+la"), s.variants());
        Summary.Cell base = s.cells().get("bias100").get("baseline");
        assertEquals(List.of(40.0 / 150, 90.0 / 150), base.accuracies());
        assertEquals(0.7, base.leaks().getFirst(), 1e-12);
        assertEquals(List.of(1, 2), base.seeds().getFirst().folds());
        double[] ms = Summary.meanSd(base.accuracies());
        assertEquals((40.0 / 150 + 90.0 / 150) / 2, ms[0], 1e-12);
        assertEquals(Math.sqrt(2) * (90.0 / 150 - ms[0]), ms[1], 1e-12);
        assertEquals(2, s.folds());
        for (int k = 0; k < 5; k++) {
            List<RunResult> shuffled = new ArrayList<>(runs);
            Collections.shuffle(shuffled, new Random(k));
            assertEquals(iern.engine.io.Json.write(s.toJson()), iern.engine.io.Json.write(Summary.of(shuffled).toJson()));
        }
    }
}
