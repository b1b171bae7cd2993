package iern.kernels.opencl;

import static iern.kernels.opencl.OpenClTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import iern.engine.Backend;
import iern.engine.BackendProvider;
import iern.engine.Backends;
import iern.engine.Storage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Discovery, device specs, the messages users see, and the buffer pool. */
class OpenClBackendProviderTest {

    @Test
    void registeredThroughServiceLoader() {
        BackendProvider p = Backends.provider("opencl");
        assertInstanceOf(OpenClBackendProvider.class, p);
        assertEquals("opencl", p.kind());
    }

    @Test
    void unavailableReasonSaysWhatWasLookedForAndHowToInstall() {
        OpenClBackendProvider p = new OpenClBackendProvider();
        if (p.available()) {
            assertEquals("", p.unavailableReason());
        } else {
            assertFalse(required(), "iern.require=opencl but: " + p.unavailableReason());
            String why = p.unavailableReason();
            assertTrue(why.contains("libOpenCL.so") && why.contains("pocl-opencl-icd"), why);
            assertTrue(p.devices().isEmpty());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.open("opencl"));
            assertTrue(e.getMessage().contains("pocl-opencl-icd"), e.getMessage());
        }
    }

    @Test
    void devicesListSpecsThatOpen() {
        try (Backend ignored = openOrSkip()) {
            List<String> devices = new OpenClBackendProvider().devices();
            assertFalse(devices.isEmpty());
            for (String line : devices) {
                assertTrue(line.matches("opencl:\\d+:\\d+  .+"), line);
            }
            String spec = devices.get(0).split(" ")[0];
            try (Backend be = Backends.open(spec, msg -> { })) {
                assertEquals(spec, be.name());
                assertTrue(be.describe().startsWith(spec + ": "), be.describe());
            }
        }
    }

    @Test
    void badSpecsGetClearErrors() {
        try (Backend ignored = openOrSkip()) {
            OpenClBackendProvider p = new OpenClBackendProvider();
            var e1 = assertThrows(IllegalArgumentException.class, () -> p.open("opencl:x:0"));
            assertTrue(e1.getMessage().contains("opencl:<platform>:<device>") || e1.getMessage().contains("numbers"),
                    e1.getMessage());
            var e2 = assertThrows(IllegalArgumentException.class, () -> p.open("opencl:99:0"));
            assertTrue(e2.getMessage().contains("no device opencl:99:0"), e2.getMessage());
            var e3 = assertThrows(IllegalArgumentException.class, () -> p.open("cuda"));
            assertTrue(e3.getMessage().contains("expected 'opencl'"), e3.getMessage());
        }
    }

    @Test
    void buildFailureShowsTheLogAndTheKernelName() {
        try (Backend be = openOrSkip()) {
            String broken = "__kernel void broken_kernel(__global float* x) { x[0] = undeclared_name; }\n";
            var e = assertThrows(IllegalStateException.class,
                    () -> ((OpenClBackend) be).compileForTest("broken.cl", broken));
            String msg = e.getMessage();
            assertTrue(msg.contains("broken.cl") && msg.contains("broken_kernel"), msg);
            assertTrue(msg.contains("build log") && msg.contains("undeclared_name"), msg);
        }
    }

    @Test
    void badArgumentsAreReportedWithSizes() {
        try (Backend be = openOrSkip()) {
            Storage s = be.allocate(10);
            var e = assertThrows(IllegalArgumentException.class, () -> be.write(s, 8, new float[4], 0, 4));
            assertTrue(e.getMessage().contains("[8, 12)") && e.getMessage().contains("10 floats"), e.getMessage());
            var g = assertThrows(IllegalArgumentException.class, () ->
                    be.gemm(false, false, 1, 3, 3, 4, 1f, s, 0, 0, 4, s, 0, 0, 3, 0f, s, 0, 0, 3));
            assertTrue(g.getMessage().contains("gemm a: range [0, 12)") && g.getMessage().contains("10 floats"),
                    g.getMessage());
            var r = assertThrows(IllegalArgumentException.class, () ->
                    be.copy(s, 0, new long[] {1}, s, 0, new long[] {1, 1}, new int[] {3}, false));
            assertTrue(r.getMessage().contains("rank"), r.getMessage());
            s.close();
            var twice = assertThrows(IllegalStateException.class, s::close);
            assertTrue(twice.getMessage().contains("closed twice"), twice.getMessage());
            var used = assertThrows(IllegalStateException.class, () -> be.fill(s, 0, 1, 0f));
            assertTrue(used.getMessage().contains("closed"), used.getMessage());
        }
    }

    @Test
    void closedBuffersAreReusedAndComeBackZeroed() {
        try (Backend be = openOrSkip()) {
            OpenClBackend cl = (OpenClBackend) be;
            Storage a = be.allocate(1000);
            be.fill(a, 0, 1000, 3f);
            long before = cl.pooledBytes();
            a.close();
            assertEquals(before + 4096, cl.pooledBytes(), "a closed buffer goes to the pool");
            Storage b = be.allocate(1000);
            assertEquals(before, cl.pooledBytes(), "an allocation of the same size takes it back");
            assertArrayEquals(new float[1000], download(be, b), "a reused buffer is zeroed");
            b.close();
        }
    }
}
