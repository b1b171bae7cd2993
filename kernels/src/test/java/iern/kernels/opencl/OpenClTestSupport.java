package iern.kernels.opencl;

import static org.junit.jupiter.api.Assertions.fail;

import iern.engine.Backend;
import iern.engine.Storage;
import iern.kernels.gpu.GpuTestSupport;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * Opens the OpenCL backend for a test. Without a platform the test is skipped, unless the
 * build runs with {@code -Diern.require=opencl} (CI), where a missing platform fails it: a
 * silently skipped suite must not look green.
 */
final class OpenClTestSupport {
    private OpenClTestSupport() {}

    static boolean required() {
        return System.getProperty("iern.require", "").contains("opencl");
    }

    static Backend openOrSkip() {
        OpenClBackendProvider provider = new OpenClBackendProvider();
        if (!provider.available()) {
            if (required()) {
                fail("iern.require=opencl but OpenCL is not available: " + provider.unavailableReason());
            }
            Assumptions.assumeTrue(false, "OpenCL not available: " + provider.unavailableReason());
        }
        return provider.open("opencl");
    }

    static Storage upload(Backend be, float[] host) {
        return GpuTestSupport.upload(be, host);
    }

    static float[] download(Backend be, Storage s) {
        return GpuTestSupport.download(be, s);
    }

    static float[] random(SplittableRandom rnd, int n) {
        return GpuTestSupport.random(rnd, n);
    }

    static void assertClose(String what, float[] expected, float[] actual, double abs, double rel) {
        GpuTestSupport.assertClose(what, expected, actual, abs, rel);
    }
}
