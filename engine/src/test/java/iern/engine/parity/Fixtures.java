package iern.engine.parity;

import iern.engine.Backend;
import iern.engine.Engine;
import iern.engine.FloatArray;
import iern.engine.Tensor;
import iern.engine.io.SafeTensors;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/** Loads the PyTorch fixtures written by engine/src/test/python/make_fixtures.py and compares against them. */
final class Fixtures {

    private Fixtures() {}

    static SafeTensors.Contents load(String name) {
        URL url = Fixtures.class.getResource("/fixtures/" + name + ".safetensors");
        if (url == null) {
            throw new IllegalStateException("fixture " + name + ".safetensors is not on the test class path; "
                    + "run engine/src/test/python/make_fixtures.py");
        }
        try {
            if (url.getProtocol().equals("file")) {
                return SafeTensors.read(Path.of(url.toURI()));
            }
            // Inside the engine test-jar (another backend's module runs these cases): the reader
            // wants a file, so copy the resource out first.
            Path tmp = Files.createTempFile("fixture-" + name + "-", ".safetensors");
            try (InputStream in = url.openStream()) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                return SafeTensors.read(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Tensor tensor(FloatArray a) {
        return tensor(Engine.backend(), a);
    }

    static Tensor tensor(Backend backend, FloatArray a) {
        // Tensor.of reads an empty shape as "1-d"; a rank-0 fixture is a scalar.
        return a.shape().length == 0 ? Tensor.full(backend, a.data()[0], new int[0])
                : Tensor.of(backend, a.data(), a.shape());
    }

    static int[] ints(FloatArray a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.round(a.data()[i]);
        }
        return out;
    }

    /**
     * Asserts {@code |actual - expected| <= abs + rel * |expected|} elementwise (same shape),
     * printing the first mismatches with their index; infinities and NaN must match exactly.
     */
    static void assertClose(String what, FloatArray expected, Tensor actual, double abs, double rel) {
        if (!Arrays.equals(expected.shape(), actual.shape())) {
            throw new AssertionError(what + ": shape " + Arrays.toString(actual.shape()) + ", PyTorch has "
                    + Arrays.toString(expected.shape()));
        }
        assertClose(what, expected.data(), actual.toArray(), abs, rel);
    }

    static void assertClose(String what, float[] expected, float[] actual, double abs, double rel) {
        StringBuilder bad = new StringBuilder();
        int count = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            boolean ok;
            if (Double.isNaN(e) || Double.isInfinite(e)) {
                ok = Double.compare(e, a) == 0;
            } else {
                double err = Math.abs(a - e);
                double tol = abs + rel * Math.abs(e);
                ok = err <= tol;
                worst = Math.max(worst, err / tol);
            }
            if (!ok) {
                if (count < 8) {
                    bad.append(String.format("%n  [%d] expected %.9g got %.9g (diff %.3g)", i, e, a, Math.abs(a - e)));
                }
                count++;
            }
        }
        if (count > 0) {
            throw new AssertionError(what + ": " + count + " of " + expected.length + " elements differ beyond "
                    + abs + " + " + rel + "*|ref|:" + bad);
        }
    }
}
