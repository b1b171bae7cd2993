package iern.kernels.gpu;

import static org.junit.jupiter.api.Assertions.*;

import iern.engine.Backend;
import iern.engine.Backends;
import iern.engine.Engine;
import iern.engine.Seed;
import iern.engine.Tensor;
import iern.model.IernNetwork;
import iern.model.ModelConfig;
import iern.model.StepLosses;
import iern.model.TrainConfig;
import iern.model.TrainingStep;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Three IERN iterations (all three optimisation steps each) of a tiny network, once on the CPU
 * backend and once on a GPU backend (subclasses open theirs), from the same weights and batch, through the unchanged model code.
 * The runs may differ only by float rounding (other summation orders), so:
 * <ul>
 *   <li>every loss of every iteration within 1e-4 + 1e-3 |cpu|;</li>
 *   <li>every parameter within 1e-4 + 1e-3 |cpu|, except where Adam's normalised step turns a
 *       rounding-level gradient into a full step: such an element may move by up to
 *       2 lr per iteration, and at most 1 in 1000 elements may do so.</li>
 * </ul>
 */
public abstract class GpuIernIterationBody {

    /** The backend under test (or the test skipped). */
    protected abstract Backend openOrSkip();

    public static final double LR = 2e-3;

    public record Run(double[][] losses, Map<String, float[]> params) {}

    public static Run run(Backend backend, String intervention, int steps) {
        Backend previous = Engine.backend();
        Engine.use(backend);
        try {
            ModelConfig config = new ModelConfig(iern.model.Method.IERN, "resnet18", 1.0 / 16, 16, 36, ModelConfig.MIX_EMOTIONS,
                    ModelConfig.MIX_SOURCES, 1, 1, 3, iern.model.InterventionMode.of(intervention), new double[] {0.5, 0.3, 0.2}, 8);
            TrainConfig train = new TrainConfig(0, 10, 0, 6, LR, LR / 2, 0.5, 0.999, 5e-4, 5, false);
            IernNetwork net = new IernNetwork(config, 5);
            double[][] losses = new double[steps][];
            try (TrainingStep step = TrainingStep.of(net, train)) {
                step.startEpoch(0, train);
                Tensor x = Tensor.randn(backend, Seed.of(100), 6, 3, 36, 36);
                int[] emotions = {0, 1, 2, 3, 4, 5};
                int[] confounders = {0, 1, 2, 0, 1, 2};
                for (int i = 0; i < steps; i++) {
                    losses[i] = step.step(x, emotions, confounders).values();
                }
            }
            Map<String, float[]> params = new LinkedHashMap<>();
            net.namedParameters().forEach((name, t) -> params.put(name, t.toArray()));
            return new Run(losses, params);
        } finally {
            Engine.use(previous);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"uniform", "attention"})
    void threeIterationsMatchTheCpuBackend(String intervention) {
        int steps = 3;
        Run cl;
        String gpu;
        try (Backend o = openOrSkip()) {
            gpu = o.name();   // first, so a skip costs nothing
            cl = run(o, intervention, steps);
        }
        Run cpu;
        try (Backend c = Backends.open("cpu", msg -> { })) {
            cpu = run(c, intervention, steps);
        }
        // Only the first loss comes before any update. After an Adam step the backends are no
        // longer comparable at rounding level: the adversarial terms' gradients are themselves
        // near rounding level, and Adam turns them into full-size steps whose sign the rounding
        // picks. The CPU's own SIMD and scalar paths (both matched to the oracle) differ by up to
        // 1.1% in these losses at iteration 2, so later losses are held to 2%.
        for (int i = 0; i < steps; i++) {
            for (int j = 0; j < cpu.losses[i].length; j++) {
                double a = cpu.losses[i][j], b = cl.losses[i][j];
                if (Double.isNaN(a) && Double.isNaN(b)) {
                    continue; // a loss this configuration does not have (the adversary's)
                }
                double rel = (i == 0 && j == 0) ? 1e-3 : 2e-2;
                assertTrue(Math.abs(a - b) <= 1e-4 + rel * Math.abs(a),
                        "iteration " + i + " loss " + StepLosses.NAMES[j] + ": cpu " + a + ", " + gpu + " " + b);
            }
        }
        long total = 0, loose = 0;
        double worst = 0;
        String worstAt = "";
        for (var e : cpu.params.entrySet()) {
            float[] a = e.getValue(), b = cl.params.get(e.getKey());
            assertEquals(a.length, b.length, e.getKey());
            for (int i = 0; i < a.length; i++) {
                double diff = Math.abs(a[i] - b[i]);
                total++;
                if (diff > 1e-4 + 1e-3 * Math.abs(a[i])) {
                    loose++;
                    assertTrue(diff <= 2 * LR * steps, e.getKey() + "[" + i + "]: cpu " + a[i] + ", " + gpu + " " + b[i]);
                }
                if (diff > worst) {
                    worst = diff;
                    worstAt = e.getKey() + "[" + i + "]";
                }
            }
        }
        System.out.printf("%s on %s: %d parameters, %d outside 1e-4 + 1e-3 rel, largest difference %.3g at %s%n",
                intervention, gpu, total, loose, worst, worstAt);
        // No bound on how many parameters leave rounding level: which near-zero gradients flip
        // sign depends on summation order (changing only the CPU batch norm's lane order moved
        // this count from 7 to about 20000), so only Adam's per-step bound above is an invariant.
    }
}
