package iern.engine.testing;

import iern.engine.Grad;
import iern.engine.Seed;
import iern.engine.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Compares autograd gradients with central finite differences. The function's output is
 * reduced to a scalar with fixed pseudo-random weights (so every output element matters),
 * differences are taken in float32 on the tensors but accumulated in double.
 */
public final class GradCheck {
    private GradCheck() {}

    /**
     * Checks {@code d sum(w * f(inputs)) / d inputs[i]} for every input with
     * {@link Tensor#requiresGrad()}. {@code eps} is the finite-difference step.
     */
    public static void check(String what, Function<List<Tensor>, Tensor> f, List<Tensor> inputs, double eps,
                             double abs, double rel) {
        for (int i = 0; i < inputs.size(); i++) {
            if (!inputs.get(i).isLeaf()) {
                throw new IllegalArgumentException("GradCheck: input " + i + " was made by '" + inputs.get(i).gradFn()
                        + "'; pass leaves (x.detach().requiresGrad(true))");
            }
        }
        Tensor probe = f.apply(inputs);
        Tensor weights;
        try (var off = Grad.off()) {
            weights = Tensor.rand(probe.backend(), Seed.of(977), probe.shape()).add(0.5f);
        }
        float[] w = weights.toArray();
        for (Tensor t : inputs) {
            t.zeroGrad();
        }
        probe.mul(weights).sum().backward();
        for (int idx = 0; idx < inputs.size(); idx++) {
            Tensor x = inputs.get(idx);
            if (!x.requiresGrad()) {
                continue;
            }
            float[] analytic = x.grad() == null ? new float[(int) x.numel()] : x.grad().toArray();
            float[] base = x.toArray();
            double[] numeric = new double[base.length];
            for (int i = 0; i < base.length; i++) {
                float[] plus = base.clone();
                plus[i] = (float) (base[i] + eps);
                float[] minus = base.clone();
                minus[i] = (float) (base[i] - eps);
                double step = (double) plus[i] - minus[i];
                numeric[i] = (weightedSum(f, inputs, x, plus, w) - weightedSum(f, inputs, x, minus, w)) / step;
            }
            x.write(base);
            Close.assertClose(what + " d/d input " + idx, numeric, analytic, abs, rel);
        }
    }

    private static double weightedSum(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, Tensor x, float[] values,
                                      float[] w) {
        x.write(values);
        try (var off = Grad.off()) {
            float[] y = f.apply(new ArrayList<>(inputs)).toArray();
            double s = 0;
            for (int i = 0; i < y.length; i++) {
                s += (double) w[i] * y[i];
            }
            return s;
        }
    }
}
