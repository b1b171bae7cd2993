package iern.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.ops.Attention;
import iern.engine.ops.BatchNorm;
import iern.engine.ops.Convolution;
import iern.engine.ops.Intervention;
import iern.engine.ops.Pooling;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The worker count is fixed per JVM ({@code -Diern.threads}), so this test runs a forward and
 * backward pass through most ops in child JVMs with 1 and 3 threads and requires bit-identical
 * outputs and gradients.
 */
class ThreadCountIndependenceTest {

    /** Runs in the child JVM: prints a hash of every output and gradient. */
    public static void main(String[] args) {
        Tensor x = Tensor.randn(Seed.of(1), 4, 8, 13, 11).requiresGrad(true);
        Tensor w = Tensor.randn(Seed.of(2), 16, 8, 3, 3).mul(0.1f).detach().requiresGrad(true);
        Tensor g = Tensor.ones(16).requiresGrad(true);
        Tensor b = Tensor.zeros(16).requiresGrad(true);
        Tensor lin = Tensor.randn(Seed.of(3), 64, 37).mul(0.1f).detach().requiresGrad(true);
        Tensor z = Tensor.randn(Seed.of(4), 3, 37).requiresGrad(true);
        Tensor h = Convolution.conv2d(x, w, null, 1, 1);
        h = BatchNorm.batchNorm2d(h, g, b, null, null, true, 0.1f, 1e-5f, 2).relu();
        h = Pooling.avgPool2d(Pooling.maxPool2d(h, 3, 2, 1), 2, 2, 0);
        Tensor q = Pooling.adaptiveAvgPool2d(h, 2, 2).flatten(1).matmul(lin);
        Tensor seq = q.reshape(1, 4, 37);
        Tensor att = Attention.apply(seq, seq, seq, null, 1).reshape(4, 37);
        Tensor out = Intervention.shared(F.attentionWeights(att, z, null), z).add(q.softmax(1)).logSoftmax(1);
        Tensor big = Tensor.randn(Seed.of(5), 300, 61).requiresGrad(true);
        Tensor loss = F.crossEntropy(out.slice(1, 0, 5), new int[] {1, 2, 3, 4})
                .add(out.square().sum(0, false).mean())
                .add(big.tanh().sum(1, false).square().mean());
        loss.backward();
        long hash = 17;
        for (Tensor t : List.of(out, loss, x.grad(), w.grad(), g.grad(), b.grad(), lin.grad(), z.grad(), big.grad())) {
            hash = hash * 31 + Arrays.hashCode(t.toArray());
        }
        System.out.println("HASH " + Long.toHexString(hash));
    }

    private static String run(int threads) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.add("-Diern.threads=" + threads);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ThreadCountIndependenceTest.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, p.exitValue(), "child JVM failed:\n" + output);
        return output.lines().filter(l -> l.startsWith("HASH ")).findFirst()
                .orElseThrow(() -> new AssertionError("no hash in child output:\n" + output));
    }

    @Test
    void resultsAreBitIdenticalForOneAndThreeThreads() throws Exception {
        assertEquals(run(1), run(3));
    }
}
