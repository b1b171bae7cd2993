package iern.engine.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.Backend;
import iern.engine.Engine;
import iern.engine.F;
import iern.engine.FloatArray;
import iern.engine.Tensor;
import iern.engine.io.Json;
import iern.engine.io.SafeTensors;
import iern.engine.nn.BatchNorm2d;
import iern.engine.nn.Conv2d;
import iern.engine.nn.Flatten;
import iern.engine.nn.Linear;
import iern.engine.nn.MaxPool2d;
import iern.engine.nn.Module;
import iern.engine.nn.ReLU;
import iern.engine.nn.Sequential;
import iern.engine.optim.Adam;
import iern.engine.optim.Optimizer;
import iern.engine.optim.Sgd;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Three optimiser steps of conv(3->4, 3x3, pad 1, no bias) - BatchNorm - ReLU - maxpool 2 - flatten -
 * Linear(36 -> 3) with cross-entropy, from the initial weights PyTorch recorded, on its batch
 * of 5 images 7x7: the three losses, the gradients of the first step, and the final weights
 * and running statistics must match PyTorch.
 *
 * <p>Tolerance 1e-4 abs + 1e-4 rel: three steps compound float32 rounding of two different
 * summation orders, and Adam divides by sqrt(v), which magnifies differences in small
 * gradients. The single-step gradients are held to the single-op tolerance of 1e-5.
 *
 * <p>Another backend runs the same steps by extending this class (it ships in the engine
 * test-jar) and overriding {@link #backend()}; the network is built with that backend as the
 * engine default, which is restored afterwards.
 */
public class PyTorchTrainingParityTest {

    /** The backend the network is built and trained on. */
    protected Backend backend() {
        return Engine.backend();
    }

    public static final double NET_ABS = 1e-4;
    public static final double NET_REL = 1e-4;

    private static Sequential tinyNet() {
        // Initial values come from the fixture; the seed only fills them before the load.
        SplittableRandom rng = new SplittableRandom(1);
        return new Sequential(new Conv2d(3, 4, 3, 1, 1, false, rng), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(36, 3, true, rng));
    }

    private static Map<String, FloatArray> withPrefix(SafeTensors.Contents c, String prefix) {
        Map<String, FloatArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, FloatArray> e : c.tensors().entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                out.put(e.getKey().substring(prefix.length()), e.getValue());
            }
        }
        return out;
    }

    private void trainAndCompare(String fixture) throws Exception {
        Backend previous = Engine.backend();
        Engine.use(backend());
        try {
            trainAndCompareOnDefault(fixture);
        } finally {
            Engine.use(previous);
        }
    }

    @SuppressWarnings("unchecked")
    private static void trainAndCompareOnDefault(String fixture) throws Exception {
        SafeTensors.Contents c = Fixtures.load(fixture);
        Map<String, Object> cfg = (Map<String, Object>) Json.parse(c.metadata().get("config"), fixture);
        Sequential net = tinyNet();
        Module.LoadReport report = net.loadStateDict(withPrefix(c, "init/"), true);
        assertTrue(report.clean(), report.toString());
        float lr = ((Number) cfg.get("lr")).floatValue();
        float wd = ((Number) cfg.get("weight_decay")).floatValue();
        Optimizer opt;
        if (cfg.get("optimizer").equals("adam")) {
            List<Object> betas = (List<Object>) cfg.get("betas");
            opt = new Adam(net.parameters(), lr, ((Number) betas.get(0)).floatValue(),
                    ((Number) betas.get(1)).floatValue(), ((Number) cfg.get("eps")).floatValue(), wd);
        } else {
            opt = new Sgd(net.parameters(), lr, ((Number) cfg.get("momentum")).floatValue(), wd,
                    (Boolean) cfg.get("nesterov"));
        }
        Tensor x = Fixtures.tensor(c.get("x"));
        int[] y = Fixtures.ints(c.get("y"));
        float[] losses = new float[3];
        for (int step = 0; step < 3; step++) {
            opt.zeroGrad();
            Tensor loss = F.crossEntropy(net.forward(x), y);
            loss.backward();
            losses[step] = loss.item();
            if (step == 0) {
                Map<String, FloatArray> grads = withPrefix(c, "grad0/");
                assertEquals(grads.keySet(), net.namedParameters().keySet());
                for (Map.Entry<String, Tensor> p : net.namedParameters().entrySet()) {
                    Fixtures.assertClose(fixture + " step-0 gradient of " + p.getKey(), grads.get(p.getKey()),
                            p.getValue().grad(), PyTorchOpsParityTest.ABS, PyTorchOpsParityTest.REL);
                }
            }
            opt.step();
        }
        Fixtures.assertClose(fixture + " losses", c.get("losses").data(), losses, NET_ABS, NET_REL);
        Map<String, FloatArray> fin = withPrefix(c, "final/");
        Map<String, Tensor> state = net.stateDict();
        assertEquals(fin.keySet(), state.keySet());
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Fixtures.assertClose(fixture + " final " + e.getKey(), fin.get(e.getKey()), e.getValue(), NET_ABS, NET_REL);
        }
        // The run must actually have moved the weights, or the comparison above proves nothing.
        List<String> moved = new ArrayList<>();
        Map<String, FloatArray> init = withPrefix(c, "init/");
        for (String k : fin.keySet()) {
            if (!java.util.Arrays.equals(init.get(k).data(), fin.get(k).data())) {
                moved.add(k);
            }
        }
        assertEquals(fin.keySet().size(), moved.size(), "entries unchanged by training: " + moved);
        opt.close();
    }

    @Test
    void threeAdamStepsMatchPyTorch() throws Exception {
        trainAndCompare("adam_net");
    }

    @Test
    void threeNesterovSgdStepsMatchPyTorch() throws Exception {
        trainAndCompare("sgd_net");
    }
}
