package iern.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import iern.engine.F;
import iern.engine.Seed;
import iern.engine.Tensor;
import iern.engine.TensorScope;
import iern.engine.optim.Adam;
import iern.engine.testing.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * EJML is needed by the orthogonal initialiser only: ordinary layers load and train without it
 * on the class path (a user's 30-line MLP once failed with {@code NoClassDefFoundError:
 * org/ejml/data/Matrix}, because verifying {@link Init} loaded EJML types).
 */
class EjmlFreeTest {

    @Test
    void onlyOrthogonalQrNamesAnEjmlType() throws Exception {
        Path location = Path.of(Init.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        TreeSet<String> naming = new TreeSet<>();
        int classes;
        try (FileSystem jar = Files.isDirectory(location) ? null : FileSystems.newFileSystem(location)) {
            Path root = jar == null ? location : jar.getPath("/");
            List<Path> files;
            try (Stream<Path> all = Files.walk(root)) {
                files = all.filter(p -> p.toString().endsWith(".class")).toList();
            }
            classes = files.size();
            for (Path f : files) {
                // Every type a class names is in its constant pool as "org/ejml/..." (in
                // descriptors as "Lorg/ejml/...;"); ISO-8859-1 keeps bytes and chars one to one.
                if (new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains("org/ejml/")) {
                    naming.add(root.relativize(f).toString());
                }
            }
        }
        assertTrue(classes > 100, "found only " + classes + " engine classes under " + location);
        assertEquals(new TreeSet<>(List.of("iern/engine/nn/OrthogonalQr.class")), naming,
                "engine classes naming EJML types (keep EJML in OrthogonalQr, loaded only by Init.orthogonal)");
    }

    @Test
    void aSmallMlpTrainsInAJvmWithoutEjml() throws Exception {
        List<String> full = ChildJvm.classPath();
        List<String> withoutEjml = full.stream().filter(e -> !Path.of(e).getFileName().toString().startsWith("ejml-"))
                .toList();
        assertFalse(withoutEjml.size() == full.size(), "no ejml-*.jar on the test class path: " + full);
        ChildJvm.Result r = ChildJvm.run(withoutEjml, TinyMlp.class.getName(), Duration.ofMinutes(2),
                "--add-modules", "jdk.incubator.vector");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("trained without EJML"), r.output());
        assertTrue(r.output().contains("orthogonal needs EJML: org/ejml/"), r.output());
    }

    /** The child: checks that EJML is absent, trains a Linear-ReLU-Linear net, then shows where EJML is needed. */
    public static final class TinyMlp {
        public static void main(String[] args) {
            try {
                Class.forName("org.ejml.data.Matrix");
                System.out.println("EJML is on the class path");
                System.exit(2);
            } catch (ClassNotFoundException expected) {
                // the point of the exercise
            }
            var rng = new SplittableRandom(3);
            var net = new Sequential(new Linear(3, 8, true, rng), new ReLU(), new Linear(8, 2, true, rng));
            Tensor x = Tensor.randn(Seed.of(4), 16, 3);
            float[] xs = x.toArray();
            int[] y = new int[16];
            for (int i = 0; i < y.length; i++) {
                y[i] = xs[3 * i] > 0 ? 1 : 0;
            }
            var adam = new Adam(net.parameters(), 0.05);
            float first = Float.NaN, last = Float.NaN;
            for (int step = 0; step < 30; step++) {
                try (var scope = TensorScope.open()) {
                    Tensor loss = F.crossEntropy(net.forward(x), y);
                    adam.zeroGrad();
                    loss.backward();
                    adam.step();
                    last = loss.item();
                    first = step == 0 ? last : first;
                }
            }
            if (!(last < first)) {
                System.out.println("loss did not fall: " + first + " -> " + last);
                System.exit(3);
            }
            System.out.println("trained without EJML: loss " + first + " -> " + last);
            try {
                Init.orthogonal(Tensor.zeros(4, 3), 1.0, rng);
                System.out.println("orthogonal ran without EJML");
                System.exit(4);
            } catch (NoClassDefFoundError expected) {
                System.out.println("orthogonal needs EJML: " + expected.getMessage());
            }
        }
    }
}
