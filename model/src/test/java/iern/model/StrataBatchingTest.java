package iern.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.Seed;
import iern.engine.Tensor;
import iern.engine.TensorScope;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The K confounder strata through Recons and the classifier in one batched pass (strata
 * stacked on the batch axis, batch norm with groups = K) must be the same function as the
 * authors' K separate passes: same logits, same gradients, same running statistics.
 */
class StrataBatchingTest {

    private static void assertClose(String what, float[] expected, float[] actual, double abs, double rel) {
        assertEquals(expected.length, actual.length, what + ": length");
        int bad = 0;
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < expected.length; i++) {
            double tol = abs + rel * Math.abs(expected[i]);
            if (!(Math.abs(expected[i] - actual[i]) <= tol)) {
                if (bad++ < 5) {
                    first.append(String.format(" [%d] %g vs %g;", i, expected[i], actual[i]));
                }
            }
        }
        assertEquals(0, bad, what + ": " + bad + " of " + expected.length + " differ:" + first);
    }

    @ParameterizedTest
    @ValueSource(strings = {"uniform", "prior"})
    void batchedStrataEqualSeparatePasses(String mode) {
        ModelConfig cfg = Tiny.config("iern", mode);
        IernNetwork batched = new IernNetwork(cfg, 9);
        IernNetwork separate = new IernNetwork(cfg, 9);
        // Running statistics away from their initial values, so an update order error shows.
        int n = 5;
        Tensor eValues = Tensor.randn(Seed.of(21), n, cfg.featChannels(), cfg.featSize(), cfg.featSize());
        Tensor lossWeights = Tensor.randn(Seed.of(22), n, cfg.numEmotions());
        batched.train();
        separate.train();
        try (var s = TensorScope.open()) {
            Tensor e1 = eValues.detach().mul(1f).detach().requiresGrad(true);
            Tensor e2 = eValues.detach().mul(1f).detach().requiresGrad(true);
            for (int round = 0; round < 2; round++) {
                batched.zeroGrad();
                separate.zeroGrad();
                e1.zeroGrad();
                e2.zeroGrad();
                Tensor a = batched.intervene(e1);
                Tensor b = separate.interveneSeparately(e2);
                assertClose("logits, round " + round, b.toArray(), a.toArray(), 1e-5, 1e-4);
                a.mul(lossWeights).sum().backward();
                b.mul(lossWeights).sum().backward();
                assertClose("grad of e, round " + round, e2.grad().toArray(), e1.grad().toArray(), 1e-6, 1e-4);
            }
        }
        Map<String, Tensor> pa = batched.namedParameters();
        Map<String, Tensor> pb = separate.namedParameters();
        int withGrad = 0;
        for (String name : pa.keySet()) {
            if (!name.startsWith("recons.") && !name.startsWith("cls.")) {
                continue;
            }
            Tensor ga = pa.get(name).grad();
            Tensor gb = pb.get(name).grad();
            assertNotNull(ga, name);
            assertClose("grad of " + name, gb.toArray(), ga.toArray(), 1e-5, 1e-4);
            withGrad++;
        }
        assertTrue(withGrad >= 10, "compared " + withGrad + " parameter gradients");
        Map<String, Tensor> ba = batched.namedBuffers();
        Map<String, Tensor> bb = separate.namedBuffers();
        int stats = 0;
        for (String name : ba.keySet()) {
            if (name.startsWith("recons.")) {
                // Two rounds of K = 3 updates each: equal only if every stratum updated in order.
                assertClose("running statistic " + name, bb.get(name).toArray(), ba.get(name).toArray(), 1e-6, 1e-5);
                stats++;
            }
        }
        assertTrue(stats >= 4, "compared " + stats + " running statistics");

        // And at test time (running statistics), the batched prediction still matches.
        batched.eval();
        separate.eval();
        try (var s = TensorScope.open(); var g = iern.engine.Grad.off()) {
            assertClose("eval logits", separate.interveneSeparately(eValues).toArray(),
                    batched.intervene(eValues).toArray(), 1e-5, 1e-4);
        }
    }
}
