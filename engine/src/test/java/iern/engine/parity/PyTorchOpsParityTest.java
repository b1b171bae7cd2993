package iern.engine.parity;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.Backend;
import iern.engine.Engine;
import iern.engine.F;
import iern.engine.FloatArray;
import iern.engine.Tensor;
import iern.engine.io.Json;
import iern.engine.io.SafeTensors;
import iern.engine.ops.Attention;
import iern.engine.ops.BatchNorm;
import iern.engine.ops.Convolution;
import iern.engine.ops.Intervention;
import iern.engine.ops.Pooling;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every op case the fixture script recorded with PyTorch 1.13: the same float32 inputs go
 * through the engine, and the output and the gradients of {@code sum(out * gout)} must match
 * within {@link #ABS} + {@link #REL} * |PyTorch| elementwise. The script prints that PyTorch's
 * own float32 results stay within a fifth of this tolerance of a float64 recomputation.
 *
 * <p>Another backend runs the same cases by extending this class (it ships in the engine
 * test-jar) and overriding {@link #backend()}.
 */
public class PyTorchOpsParityTest {

    /** The backend the cases run on: the engine's default unless a subclass says otherwise. */
    protected Backend backend() {
        return Engine.backend();
    }

    public static final double ABS = 1e-5;
    public static final double REL = 1e-5;

    @TestFactory
    Stream<DynamicTest> elementwise() { return cases("elementwise"); }

    @TestFactory
    Stream<DynamicTest> activations() { return cases("activations"); }

    @TestFactory
    Stream<DynamicTest> reductions() { return cases("reductions"); }

    @TestFactory
    Stream<DynamicTest> matmul() { return cases("matmul"); }

    @TestFactory
    Stream<DynamicTest> conv2d() { return cases("conv2d"); }

    @TestFactory
    Stream<DynamicTest> pool() { return cases("pool"); }

    @TestFactory
    Stream<DynamicTest> batchnorm() { return cases("batchnorm"); }

    @TestFactory
    Stream<DynamicTest> softmax() { return cases("softmax"); }

    @TestFactory
    Stream<DynamicTest> losses() { return cases("losses"); }

    @TestFactory
    Stream<DynamicTest> attention() { return cases("attention"); }

    @TestFactory
    Stream<DynamicTest> shapeChain() { return cases("shape_chain"); }

    private Stream<DynamicTest> cases(String file) {
        Backend backend = backend();
        SafeTensors.Contents c = Fixtures.load(file);
        assertFalse(c.metadata().isEmpty(), file + " has no cases");
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, String> e : c.metadata().entrySet()) {
            tests.add(DynamicTest.dynamicTest(e.getKey(), () -> {
                try {
                    runCase(backend, c, file, e.getKey(), e.getValue());
                } catch (RuntimeException crash) {
                    // Reports show dynamic tests by index; say which case crashed.
                    throw new AssertionError(file + ":" + e.getKey() + " " + e.getValue() + " threw " + crash, crash);
                }
            }));
        }
        return tests.stream();
    }

    @SuppressWarnings("unchecked")
    private static void runCase(Backend backend, SafeTensors.Contents c, String file, String name, String configJson) throws Exception {
        Map<String, Object> config = (Map<String, Object>) Json.parse(configJson, file + ":" + name);
        String prefix = name + "/";
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (Map.Entry<String, FloatArray> t : c.tensors().entrySet()) {
            String key = t.getKey();
            if (key.startsWith(prefix + "in.")) {
                String arg = key.substring((prefix + "in.").length());
                Tensor x = Fixtures.tensor(backend, t.getValue());
                // Inputs PyTorch gave a gradient to are leaves that require one here too.
                if (c.tensors().containsKey(prefix + "grad." + arg)) {
                    x.requiresGrad(true);
                }
                in.put(arg, x);
            }
        }
        String where = file + ":" + name;
        Tensor out = apply((String) config.get("op"), config, in, c, prefix);
        Fixtures.assertClose(where + " output", c.get(prefix + "out"), out, ABS, REL);
        out.backward(Fixtures.tensor(backend, c.get(prefix + "gout")), false);
        int checked = 0;
        for (Map.Entry<String, Tensor> arg : in.entrySet()) {
            FloatArray expected = c.tensors().get(prefix + "grad." + arg.getKey());
            if (expected != null) {
                assertTrue(arg.getValue().grad() != null, where + ": no gradient reached input " + arg.getKey());
                Fixtures.assertClose(where + " grad of " + arg.getKey(), expected, arg.getValue().grad(), ABS, REL);
                checked++;
            }
        }
        assertTrue(checked > 0, where + ": no gradient compared");
        if (c.tensors().containsKey(prefix + "out.running_mean")) {
            Fixtures.assertClose(where + " running_mean", c.get(prefix + "out.running_mean"), in.get("running_mean"),
                    ABS, REL);
            Fixtures.assertClose(where + " running_var", c.get(prefix + "out.running_var"), in.get("running_var"),
                    ABS, REL);
        }
    }

    private static float num(Map<String, Object> cfg, String key) {
        return ((Number) cfg.get(key)).floatValue();
    }

    private static int integer(Map<String, Object> cfg, String key) {
        return ((Number) cfg.get(key)).intValue();
    }

    @SuppressWarnings("unchecked")
    private static int[] ints(Map<String, Object> cfg, String key) {
        List<Object> l = (List<Object>) cfg.get(key);
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) l.get(i)).intValue();
        }
        return out;
    }

    private static Tensor apply(String op, Map<String, Object> cfg, Map<String, Tensor> in,
                                SafeTensors.Contents c, String prefix) {
        Tensor a = in.get("a"), b = in.get("b"), x = in.get("x");
        return switch (op) {
            case "add" -> a.add(b);
            case "sub" -> a.sub(b);
            case "mul" -> a.mul(b);
            case "div" -> a.div(b);
            case "max" -> a.maximum(b);
            case "min" -> a.minimum(b);
            case "pow" -> a.pow(b);
            case "neg" -> x.neg();
            case "exp" -> x.exp();
            case "log" -> x.log();
            case "sqrt" -> x.sqrt();
            case "rsqrt" -> x.rsqrt();
            case "abs" -> x.abs();
            case "square" -> x.square();
            case "reciprocal" -> x.reciprocal();
            case "pow_scalar" -> x.pow(num(cfg, "exponent"));
            case "clamp" -> x.clamp(num(cfg, "min"), num(cfg, "max"));
            case "add_scalar" -> x.add(num(cfg, "value"));
            case "mul_scalar" -> x.mul(num(cfg, "value"));
            case "relu" -> x.relu();
            case "leaky_relu" -> x.leakyRelu(num(cfg, "slope"));
            case "sigmoid" -> x.sigmoid();
            case "tanh" -> x.tanh();
            case "sum" -> cfg.get("dims") == null ? x.sum() : x.sum(ints(cfg, "dims"), (Boolean) cfg.get("keepdim"));
            case "mean" -> cfg.get("dims") == null ? x.mean() : x.mean(ints(cfg, "dims"), (Boolean) cfg.get("keepdim"));
            default -> applyMore(op, cfg, in, c, prefix);
        };
    }

    private static Tensor applyMore(String op, Map<String, Object> cfg, Map<String, Tensor> in,
                                    SafeTensors.Contents c, String prefix) {
        Tensor x = in.get("x");
        return switch (op) {
            case "reduce_max" -> x.max(integer(cfg, "dim"), (Boolean) cfg.get("keepdim"));
            case "matmul" -> in.get("a").matmul(in.get("b"));
            case "linear" -> {
                Tensor y = x.matmul(in.get("weight").transpose(0, 1));
                yield in.containsKey("bias") ? y.add(in.get("bias")) : y;
            }
            case "conv2d" -> {
                int[] s = ints(cfg, "stride"), p = ints(cfg, "padding"), d = ints(cfg, "dilation");
                yield Convolution.conv2d(x, in.get("weight"), in.get("bias"), s[0], s[1], p[0], p[1], d[0], d[1]);
            }
            case "max_pool2d" ->
                    Pooling.maxPool2d(x, ints(cfg, "kernel")[0], ints(cfg, "stride")[0], ints(cfg, "padding")[0]);
            case "avg_pool2d" -> Pooling.avgPool2d(x, ints(cfg, "kernel")[0], ints(cfg, "stride")[0],
                    ints(cfg, "padding")[0], (Boolean) cfg.get("count_include_pad"));
            case "adaptive_avg_pool2d" -> Pooling.adaptiveAvgPool2d(x, ints(cfg, "output")[0], ints(cfg, "output")[1]);
            case "batch_norm_train" -> BatchNorm.batchNorm2d(x, in.get("weight"), in.get("bias"), in.get("running_mean"),
                    in.get("running_var"), true, num(cfg, "momentum"), num(cfg, "eps"), integer(cfg, "groups"));
            case "batch_norm_eval" -> BatchNorm.batchNorm2d(x, in.get("weight"), in.get("bias"), in.get("running_mean"),
                    in.get("running_var"), false, 0.1f, num(cfg, "eps"), 1);
            case "softmax" -> x.softmax(integer(cfg, "dim"));
            case "log_softmax" -> x.logSoftmax(integer(cfg, "dim"));
            case "cross_entropy" -> F.crossEntropy(in.get("logits"), Fixtures.ints(c.get(prefix + "in.target")));
            case "mse" -> F.mse(in.get("input"), in.get("target"));
            case "mse_softmax_uniform" -> {
                Tensor logits = in.get("logits");
                int dim = integer(cfg, "dim");
                yield F.mse(logits.softmax(dim), 1f / logits.dim(dim));
            }
            case "attention" -> Attention.apply(in.get("q"), in.get("k"), in.get("v"), in.get("mask"), integer(cfg, "heads"));
            case "intervention" -> Intervention.shared(in.get("w"), in.get("z"));
            case "intervention_per_item" -> Intervention.perItem(in.get("w"), in.get("z"));
            case "chain1" -> Tensor.cat(List.of(in.get("a"), in.get("b")), 1).permute(0, 2, 3, 1).slice(1, 2, 6)
                    .reshape(12, 15).transpose(0, 1);
            case "chain2" -> Tensor.stack(List.of(in.get("a").expand(3, 5, 7), in.get("b")), 1).sum(2, false);
            default -> throw new IllegalArgumentException("fixture op '" + op + "' has no engine mapping");
        };
    }
}
