package iern.data.folds;

import iern.data.BadInput;
import iern.data.DataException;
import iern.data.MixBasic;
import iern.data.Sample;
import iern.data.mix.SplitFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FoldBuilderTest {
    /** The held-out cells of the issue, written out independently of the implementation's table. */
    private static final String[][] TEST_CELLS = {
            {"CKPlus/Anger", "CKPlus/Happiness", "MMI/Disgust", "MMI/Sadness", "OuluCASIA/Fear", "OuluCASIA/Surprise"},
            {"CKPlus/Disgust", "CKPlus/Sadness", "MMI/Fear", "MMI/Surprise", "OuluCASIA/Anger", "OuluCASIA/Happiness"},
            {"CKPlus/Fear", "CKPlus/Surprise", "MMI/Anger", "MMI/Happiness", "OuluCASIA/Disgust", "OuluCASIA/Sadness"}};

    @TempDir
    Path dir;

    /** subjects[source] people, each with a 3-frame sequence per emotion. */
    static List<Sample> samples(Path root, int... subjects) {
        List<Sample> out = new ArrayList<>();
        for (int src = 0; src < 3; src++) {
            String ds = MixBasic.SOURCES.get(src);
            for (int p = 0; p < subjects[src]; p++)
                for (int e = 0; e < 6; e++)
                    for (int f = 0; f < 3; f++) {
                        String name = String.format("S%03d_%03d_%03d.png", p, e, f);
                        Path path = root.resolve(ds).resolve("images").resolve(name);
                        out.add(new Sample(path, MixBasic.labelKey(ds, name), e, src, MixBasic.sequenceOf(ds, name),
                                path.toString()));
                    }
        }
        return out;
    }

    static String cell(Sample s) {
        return MixBasic.SOURCES.get(s.confounder()) + "/" + MixBasic.EMOTIONS.get(s.emotion());
    }

    @Test
    void bias0TestsAThirdOfThePeopleOnEveryCellAndTheFoldsCoverEveryone() {
        List<Sample> all = samples(dir, 9, 7, 10);
        java.util.Set<String> testedSomewhere = new java.util.HashSet<>();
        for (int fold = 1; fold <= 3; fold++) {
            FoldBuilder.Split split = FoldBuilder.build(all, fold, FoldBuilder.Bias.BIAS0, 4);
            assertEquals(all.size(), split.train().size() + split.test().size());
            java.util.Set<String> trainPeople = new java.util.HashSet<>();
            java.util.Set<String> trainCells = new java.util.HashSet<>();
            for (Sample s : split.train()) {
                trainPeople.add(FoldBuilder.subjectOf(s.sequence()));
                trainCells.add(cell(s));
            }
            assertEquals(18, trainCells.size(), "every cell trains in fold " + fold);
            java.util.Map<Integer, java.util.Set<String>> testPeople = new java.util.TreeMap<>();
            for (Sample s : split.test()) {
                String person = FoldBuilder.subjectOf(s.sequence());
                assertTrue(!trainPeople.contains(person), person + " is in both train and test of fold " + fold);
                testPeople.computeIfAbsent(s.confounder(), k -> new java.util.HashSet<>()).add(person);
                assertTrue(testedSomewhere.add(s.key()), s.key() + " tested in two folds");
            }
            // a third of each source's people (9 -> 3; 7 -> 3, 2, 2; 10 -> 4, 3, 3), all six emotions each
            assertEquals(3, testPeople.get(0).size());
            assertEquals(fold == 1 ? 3 : 2, testPeople.get(1).size());
            assertEquals(fold == 1 ? 4 : 3, testPeople.get(2).size());
            for (var people : testPeople.values()) {
                for (String person : people) {
                    assertEquals(6 * 3, split.test().stream()
                            .filter(s -> FoldBuilder.subjectOf(s.sequence()).equals(person)).count());
                }
            }
        }
        assertEquals(all.size(), testedSomewhere.size(), "the three folds' test sets cover every image once");
        assertEquals(FoldBuilder.build(all, 2, FoldBuilder.Bias.BIAS0, 4).test(),
                FoldBuilder.build(new ArrayList<>(all).reversed(), 2, FoldBuilder.Bias.BIAS0, 4).test());
        assertEquals("CKPlus/S003", FoldBuilder.subjectOf("CKPlus/S003_004"));
        assertEquals(FoldBuilder.Bias.BIAS0, FoldBuilder.bias("0"));
        assertThrows(IllegalArgumentException.class, () -> FoldBuilder.bias("50"));
    }

    @Test
    void bias100TestsExactlyTheHeldOutCellsOfEachFold() {
        List<Sample> all = samples(dir, 20, 20, 20);
        for (int fold = 1; fold <= 3; fold++) {
            FoldBuilder.Split split = FoldBuilder.build(all, fold, FoldBuilder.Bias.BIAS100, 1);
            Map<String, Integer> testCells = count(split.test());
            Map<String, Integer> trainCells = count(split.train());
            assertEquals(Set.of(TEST_CELLS[fold - 1]), testCells.keySet(), "fold " + fold);
            for (int c : testCells.values()) assertEquals(60, c);
            assertEquals(12, trainCells.size());
            for (String held : TEST_CELLS[fold - 1]) assertTrue(!trainCells.containsKey(held), held);
            assertEquals(360, split.test().size());
            assertEquals(720, split.train().size());
            // every emotion is tested on exactly one source and trained on the other two
            for (String emo : MixBasic.EMOTIONS) {
                long testedOn = testCells.keySet().stream().filter(k -> k.endsWith("/" + emo)).count();
                long trainedOn = trainCells.keySet().stream().filter(k -> k.endsWith("/" + emo)).count();
                assertEquals(1, testedOn, emo);
                assertEquals(2, trainedOn, emo);
            }
            assertNoStraddle(split);
        }
    }

    @Test
    void bias90MovesRoundedTenPercentOfEachHeldOutCellsSequences() {
        // cells of 45, 25 and 15 sequences move round(4.5)=4, round(2.5)=2 and round(1.5)=2 (ties to even)
        List<Sample> all = samples(dir, 45, 25, 15);
        int[] moved = {4, 2, 2};
        for (int fold = 1; fold <= 3; fold++) {
            FoldBuilder.Split b100 = FoldBuilder.build(all, fold, FoldBuilder.Bias.BIAS100, 5);
            FoldBuilder.Split b90 = FoldBuilder.build(all, fold, FoldBuilder.Bias.BIAS90, 5);
            assertNoStraddle(b90);
            Set<Sample> train100 = new HashSet<>(b100.train());
            assertTrue(b90.train().containsAll(train100));
            assertTrue(b100.test().containsAll(b90.test()));
            List<Sample> movedSamples = b90.train().stream().filter(s -> !train100.contains(s)).toList();
            Map<String, Set<String>> movedSeqByCell = new HashMap<>();
            for (Sample s : movedSamples) movedSeqByCell.computeIfAbsent(cell(s), k -> new HashSet<>()).add(s.sequence());
            assertEquals(Set.of(TEST_CELLS[fold - 1]), movedSeqByCell.keySet());
            for (var e : movedSeqByCell.entrySet()) {
                int src = MixBasic.sourceIndex(e.getKey().substring(0, e.getKey().indexOf('/')));
                assertEquals(moved[src], e.getValue().size(), e.getKey());
            }
            int expectedMovedFrames = 2 * 3 * (moved[0] + moved[1] + moved[2]);
            assertEquals(expectedMovedFrames, movedSamples.size());
            assertEquals(b100.test().size() - expectedMovedFrames, b90.test().size());
        }
    }

    @Test
    void seededAndDeterministic() {
        List<Sample> all = samples(dir, 20, 20, 20);
        var a = FoldBuilder.build(all, 2, FoldBuilder.Bias.BIAS90, 42);
        var b = FoldBuilder.build(new ArrayList<>(all).reversed(), 2, FoldBuilder.Bias.BIAS90, 42);
        assertEquals(a, b);
        var c = FoldBuilder.build(all, 2, FoldBuilder.Bias.BIAS90, 43);
        assertNotEquals(a.train(), c.train());
    }

    @Test
    void sequenceMixingEmotionsIsRefused() {
        Path p = dir.resolve("CKPlus/images/S001_001_001.png");
        Path q = dir.resolve("CKPlus/images/S001_001_002.png");
        List<Sample> bad = List.of(new Sample(p, "ckplus_S001_001_001", 0, 0, "CKPlus/S001_001", "labels.csv line 1"),
                new Sample(q, "ckplus_S001_001_002", 3, 0, "CKPlus/S001_001", "labels.csv line 2"));
        DataException e = assertThrows(DataException.class, () -> FoldBuilder.build(bad, 1, FoldBuilder.Bias.BIAS100, 0));
        assertTrue(e.getMessage().contains("sequence 'CKPlus/S001_001' mixes CKPlus/Anger (ckplus_S001_001_001) and "
                + "CKPlus/Happiness (ckplus_S001_001_002)"), e.getMessage());
    }

    @Test
    void writesEighteenSplitFilesInTheAuthorsFormat() throws Exception {
        List<Sample> all = samples(dir, 4, 4, 4);
        List<Path> files = FoldBuilder.writeAll(dir, dir, all, "MixBasic", 3);
        assertEquals(18, files.size());
        assertTrue(files.contains(dir.resolve("test_ids_bias0v2.csv")));
        Path train = dir.resolve("train_ids_bias100v1.csv");
        Path test = dir.resolve("test_ids_bias90v3.csv");
        assertTrue(files.contains(train) && files.contains(test));
        String first = Files.readAllLines(train).getFirst();
        assertTrue(first.matches("MixBasic/CKPlus/images/S\\d{3}_\\d{3}_\\d{3}\\.png"), first);
        assertEquals(FoldBuilder.build(all, 1, FoldBuilder.Bias.BIAS100, 3).train().size(),
                SplitFile.read(train, BadInput.fail()).size());
        assertTrue(Files.readString(test).endsWith(".png\n"));
    }

    private static Map<String, Integer> count(List<Sample> samples) {
        Map<String, Integer> m = new HashMap<>();
        for (Sample s : samples) m.merge(cell(s), 1, Integer::sum);
        return m;
    }

    private static void assertNoStraddle(FoldBuilder.Split split) {
        Set<String> trainSeq = new HashSet<>();
        for (Sample s : split.train()) trainSeq.add(s.sequence());
        for (Sample s : split.test()) assertTrue(!trainSeq.contains(s.sequence()), "straddles: " + s.sequence());
        assertEquals(split.train().size() + split.test().size(),
                new HashSet<>(split.train()).size() + new HashSet<>(split.test()).size());
    }

    @Test
    void writeForScansARootAndItsLabels() throws Exception {
        iern.data.TestImages.mixTree(dir, List.of(
                new String[]{"CKPlus/S001_001_001.png", "Anger"}, new String[]{"CKPlus/S001_001_002.png", "Anger"},
                new String[]{"CKPlus/S002_001_001.png", "Fear"}, new String[]{"MMI/S001_100_001.png", "Anger"},
                new String[]{"OuluCASIA/P001_Anger_001.png", "Anger"}));
        FoldBuilder.writeFor(dir, 0, BadInput.fail());
        // fold 1 holds out CK+ anger: the two frames of one sequence go to test together
        assertEquals(List.of("MixBasic/CKPlus/images/S001_001_001.png", "MixBasic/CKPlus/images/S001_001_002.png"),
                Files.readAllLines(dir.resolve("test_ids_bias100v1.csv")));
        // fold 3 holds out CK+ fear and MMI anger
        assertEquals(List.of("MixBasic/CKPlus/images/S002_001_001.png", "MixBasic/MMI/images/S001_100_001.png"),
                Files.readAllLines(dir.resolve("test_ids_bias100v3.csv")));
    }

    @Test
    void bias90MovesAsManyCkPlusSequencesAsTheAuthorsFilesDo() {
        // CK+ sequences per emotion in the authors' Mix-Dataset (contempt dropped): 45 anger, 59 disgust, 25 fear,
        // 69 happiness, 28 sadness, 83 surprise. Their train_ids_bias90v{1,2,3} add 33, 27 and 30 CK+ frames
        // (11, 9 and 10 sequences of 3) over bias100.
        int[] perEmotion = {45, 59, 25, 69, 28, 83};
        List<Sample> ck = new ArrayList<>();
        for (int e = 0; e < 6; e++)
            for (int q = 0; q < perEmotion[e]; q++)
                for (int f = 0; f < 3; f++) {
                    String name = String.format("S%03d_%03d_%08d.png", q, e + 1, f);
                    Path path = dir.resolve("CKPlus/images").resolve(name);
                    ck.add(new Sample(path, MixBasic.labelKey("CKPlus", name), e, 0,
                            MixBasic.sequenceOf("CKPlus", name), path.toString()));
                }
        int[] authorsMovedFrames = {33, 27, 30};
        for (int fold = 1; fold <= 3; fold++) {
            int b100 = FoldBuilder.build(ck, fold, FoldBuilder.Bias.BIAS100, 0).train().size();
            int b90 = FoldBuilder.build(ck, fold, FoldBuilder.Bias.BIAS90, 0).train().size();
            assertEquals(authorsMovedFrames[fold - 1], b90 - b100, "fold " + fold);
        }
    }
}
