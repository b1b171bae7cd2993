package iern.model.weights;

import iern.model.PretrainedBackbone;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.FloatArray;
import iern.engine.Grad;
import iern.engine.InvalidInput;
import iern.engine.Tensor;
import iern.engine.TensorScope;
import iern.engine.io.SafeTensors;
import iern.model.IernNetwork;
import iern.model.InterventionMode;
import iern.model.Method;
import iern.model.ModelConfig;
import iern.model.ResNet;
import java.net.URL;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading torchvision-layout state dicts written by PyTorch (model/src/test/python/
 * make_pretrained_fixtures.py) into our backbone: the forward output equals PyTorch's, both file
 * formats give the same weights, the report says what was ignored and what does not fit.
 */
class PretrainedBackboneTest {
    @TempDir
    Path dir;

    static Path fixture(String name) {
        URL u = PretrainedBackboneTest.class.getResource("/pretrained/" + name);
        assertNotNull(u, "fixture " + name + " (make_pretrained_fixtures.py writes it)");
        try {
            return Path.of(u.toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The resnet18 fixture's layout: width 1/16 (stem 4 channels, layer4 32); layer4's channels as features. */
    private static ResNet resnet18() {
        return new ResNet("resnet18", 1.0 / 16, 32, new SplittableRandom(7));
    }

    private static ResNet resnet50() {
        return new ResNet("resnet50", 1.0 / 32, 64, new SplittableRandom(7));
    }

    /** Makes the 1x1 projection the identity, so the backbone's output is layer4's, which PyTorch's fixture holds. */
    private static void identityProjection(ResNet net) {
        Map<String, Tensor> p = net.namedParameters();
        int c = p.get("proj.weight").shape()[0];
        float[] eye = new float[c * c];
        for (int i = 0; i < c; i++) {
            eye[i * c + i] = 1;
        }
        try (Grad g = Grad.off()) {
            p.get("proj.weight").write(eye);
            p.get("proj.bias").write(new float[c]);
        }
    }

    /** Our forward pass (evaluation mode) on the fixture's input against PyTorch's, within float32 tolerance. */
    private static void matchesPyTorch(ResNet net, String output) throws Exception {
        identityProjection(net);
        net.eval();
        SafeTensors.Contents io = SafeTensors.read(fixture("forward_io.safetensors"));
        FloatArray in = io.get("input");
        FloatArray want = io.get(output);
        float[] got;
        try (TensorScope s = TensorScope.open(); Grad g = Grad.off()) {
            Tensor y = net.forward(Tensor.of(in.data(), in.shape()));
            assertArrayEquals(want.shape(), y.shape(), "output shape");
            got = y.toArray();
        }
        double worst = 0;
        double scale = 0;
        for (int i = 0; i < got.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - want.data()[i]));
            scale = Math.max(scale, Math.abs(want.data()[i]));
        }
        assertTrue(scale > 0.1, "the reference output is not trivial (max |y| = " + scale + ")");
        assertTrue(worst <= 1e-5 * Math.max(1, scale), "max |ours - PyTorch| = " + worst + " (max |y| = " + scale + ")");
    }

    @Test
    void resnet18FromPthComputesWhatPyTorchComputes() throws Exception {
        ResNet net = resnet18();
        PretrainedBackbone.Report r = PretrainedBackbone.load(net, fixture("resnet18_w16.pth"));
        assertTrue(r.matches());
        // 1 stem conv + 8 blocks x 2 convs + 3 downsample convs; 5 tensors of each batch norm minus its counter
        assertEquals(20 + 20 * 4, r.loaded().size());
        assertEquals(List.of("fc.weight", "fc.bias"), r.head());
        assertEquals(20, r.counters().size());
        assertTrue(r.counters().contains("layer2.0.downsample.1.num_batches_tracked"));
        assertEquals(List.of("proj.weight", "proj.bias"), r.kept());
        assertTrue(r.fileLayout().startsWith("resnet18"), r.fileLayout());
        String line = r.summary();
        assertTrue(line.contains("fc.weight, fc.bias") && line.contains("20 num_batches_tracked")
                && line.contains("proj.weight, proj.bias"), line);
        matchesPyTorch(net, "resnet18_w16");
    }

    @Test
    void resnet18FromSafetensorsIsTheSameNetwork() throws Exception {
        ResNet fromPth = resnet18();
        PretrainedBackbone.load(fromPth, fixture("resnet18_w16.pth"));
        ResNet fromSafetensors = resnet18();
        PretrainedBackbone.load(fromSafetensors, fixture("resnet18_w16.safetensors"));
        assertEquals(fromPth.stateToHost(), fromSafetensors.stateToHost());
        matchesPyTorch(fromSafetensors, "resnet18_w16");
    }

    @Test
    void resnet50BottlenecksComputeWhatPyTorchComputes() throws Exception {
        ResNet net = resnet50();
        PretrainedBackbone.Report r = PretrainedBackbone.load(net, fixture("resnet50_w32.pth"));
        assertEquals(53, r.counters().size(), "1 stem + 16 blocks x 3 + 4 downsample batch norms");
        assertTrue(r.fileLayout().startsWith("resnet50"), r.fileLayout());
        matchesPyTorch(net, "resnet50_w32");
    }

    @Test
    void onlyTheBackboneIsLoadedAndEverythingElseKeepsItsInitialisation() throws Exception {
        ModelConfig cfg = new ModelConfig(Method.of("iern"), "resnet18", 1.0 / 16, 16, 36, ModelConfig.MIX_EMOTIONS,
                ModelConfig.MIX_SOURCES, 1, 1, 3, InterventionMode.of("uniform"), new double[] {0.5, 0.3, 0.2}, 8);
        IernNetwork net = new IernNetwork(cfg, 1);
        Map<String, FloatArray> before = net.stateToHost();
        PretrainedBackbone.load(net.base, fixture("resnet18_w16.pth"));
        Map<String, FloatArray> after = net.stateToHost();
        Map<String, FloatArray> file = WeightsFile.read(fixture("resnet18_w16.pth"));
        int fromFile = 0;
        for (String k : before.keySet()) {
            if (k.startsWith("base.") && !k.startsWith("base.proj.")) {
                assertEquals(file.get(k.substring("base.".length())), after.get(k), k);
                assertNotEquals(before.get(k), after.get(k), k + " was replaced");
                fromFile++;
            } else {
                assertEquals(before.get(k), after.get(k), k + " keeps its initialisation");
            }
        }
        assertEquals(100, fromFile);
    }

    @Test
    void aWrongFileIsReportedKeyByKeyAndChangesNothing() {
        ResNet net = new ResNet("resnet18", 1.0 / 32, 16, new SplittableRandom(7));
        Map<String, FloatArray> before = net.stateToHost();
        Path file = fixture("wrong_keys.pth");
        PretrainedBackbone.Report r = PretrainedBackbone.compare(net, WeightsFile.read(file), file);
        assertFalse(r.matches());
        assertEquals(List.of("layer2.0.downsample.1.running_var"), r.missing());
        assertEquals(List.of("layer5.0.conv1.weight"), r.unexpected());
        assertEquals(List.of("layer1.1.bn2.weight: file [3], backbone [2]"), r.mismatched());
        String report = r.describe();
        assertTrue(report.contains("missing (1):\n    layer2.0.downsample.1.running_var"), report);
        assertTrue(report.contains("unexpected (1):\n    layer5.0.conv1.weight"), report);
        assertTrue(report.contains("shape mismatch (1):\n    layer1.1.bn2.weight: file [3], backbone [2]"), report);
        assertTrue(report.contains("ignored (torchvision's classifier, our heads differ) (2)"), report);

        InvalidInput e = assertThrows(InvalidInput.class, () -> PretrainedBackbone.load(net, file));
        String m = e.getMessage();
        assertTrue(m.startsWith(file.toString()), m);
        assertTrue(m.contains("1 missing (layer2.0.downsample.1.running_var)")
                && m.contains("1 unexpected (layer5.0.conv1.weight)")
                && m.contains("1 of another shape (layer1.1.bn2.weight: file [3], backbone [2])"), m);
        assertTrue(m.contains("ignored by design"), m);
        assertEquals(before, net.stateToHost(), "a refused file changes nothing");
    }

    @Test
    void weightsOfAnotherWidthSayWhichWidthTheyAreFor() {
        Path file = fixture("resnet18_w16.pth");
        InvalidInput e = assertThrows(InvalidInput.class,
                () -> PretrainedBackbone.load(new ResNet("resnet18", 1.0 / 32, 16, new SplittableRandom(1)), file));
        assertTrue(e.getMessage().contains("the weights are for a ResNet of width 0.0625 (conv1 has 4 channels) but the"
                + " backbone was built at width 0.03125 (2 channels)"), e.getMessage());
        // torchvision's real weights: conv1 has 64 channels, so width 1
        Map<String, FloatArray> imagenetLike = new LinkedHashMap<>(WeightsFile.read(file));
        imagenetLike.put("conv1.weight", new FloatArray(new int[] {64, 3, 7, 7}, new float[64 * 3 * 49]));
        e = assertThrows(InvalidInput.class, () -> PretrainedBackbone.match(resnet18(), imagenetLike, file));
        assertTrue(e.getMessage().contains("torchvision's weights are for width 1: train with --width 1"), e.getMessage());
    }

    @Test
    void weightsOfAnotherDepthNameTheBackboneTheyAreFor() {
        Path file = fixture("resnet50_w32.pth");
        InvalidInput e = assertThrows(InvalidInput.class,
                () -> PretrainedBackbone.load(new ResNet("resnet18", 1.0 / 32, 16, new SplittableRandom(1)), file));
        assertTrue(e.getMessage().contains("the file holds a resnet50 (bottleneck blocks [3, 4, 6, 3]) but the backbone"
                + " is a resnet18 (basic blocks [2, 2, 2, 2]): use --backbone resnet50"), e.getMessage());
        e = assertThrows(InvalidInput.class, () -> PretrainedBackbone.load(
                new ResNet("resnet34", 1.0 / 16, 32, new SplittableRandom(1)), fixture("resnet18_w16.pth")));
        assertTrue(e.getMessage().contains("use --backbone resnet18"), e.getMessage());
    }

    @Test
    void nonFiniteValuesAndNegativeVariancesAreRefused() throws Exception {
        Map<String, FloatArray> good = WeightsFile.read(fixture("resnet18_w16.safetensors"));
        for (String[] c : new String[][] {{"layer3.1.conv2.weight", "NaN"}, {"bn1.bias", "Infinity"},
            {"layer1.0.bn1.running_var", "-0.5"}}) {
            Map<String, FloatArray> bad = new LinkedHashMap<>(good);
            FloatArray t = bad.get(c[0]);
            float[] v = t.data().clone();
            v[1] = Float.parseFloat(c[1]);
            bad.put(c[0], new FloatArray(t.shape(), v));
            Path file = dir.resolve("bad.safetensors");
            SafeTensors.write(file, bad, Map.of());
            ResNet net = resnet18();
            Map<String, FloatArray> before = net.stateToHost();
            InvalidInput e = assertThrows(InvalidInput.class, () -> PretrainedBackbone.load(net, file));
            assertTrue(e.getMessage().contains("bad.safetensors") && e.getMessage().contains(c[0])
                    && e.getMessage().contains("element 1"), e.getMessage());
            assertEquals(before, net.stateToHost(), "nothing copied");
        }
    }

    @Test
    void theProgramsEarlyCheckBuildsTheBackboneOfTheConfig() {
        ModelConfig cfg = new ModelConfig(Method.of("baseline"), "resnet18", 1.0 / 16, 16, 36, ModelConfig.MIX_EMOTIONS,
                ModelConfig.MIX_SOURCES, 1, 1, 3, InterventionMode.of("uniform"), null, 8);
        assertTrue(PretrainedBackbone.check(cfg, fixture("resnet18_w16.safetensors")).matches());
        ModelConfig quarter = new ModelConfig(Method.of("baseline"), "resnet18", 0.25, 16, 36, ModelConfig.MIX_EMOTIONS,
                ModelConfig.MIX_SOURCES, 1, 1, 3, InterventionMode.of("uniform"), null, 8);
        assertThrows(InvalidInput.class, () -> PretrainedBackbone.check(quarter, fixture("resnet18_w16.pth")));
    }
}
