package iern.kernels.cuda;

import static iern.kernels.gpu.GpuTestSupport.download;
import static org.junit.jupiter.api.Assertions.*;

import iern.engine.Backend;
import iern.engine.BackendProvider;
import iern.engine.Backends;
import iern.engine.Storage;
import iern.kernels.gpu.GpuBackend;
import iern.kernels.gpu.GpuTestSupport;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Discovery, device specs, the messages users see (with and without a GPU), and the buffer pool. */
class CudaBackendProviderTest {

    @Test
    void registeredThroughServiceLoader() {
        BackendProvider p = Backends.provider("cuda");
        assertInstanceOf(CudaBackendProvider.class, p);
        assertEquals("cuda", p.kind());
    }

    @Test
    void withoutAGpuTheReasonStartsWithOneClearSentence() {
        CudaBackendProvider p = new CudaBackendProvider();
        Assumptions.assumeFalse(p.available(), "a CUDA device is present");
        assertFalse(GpuTestSupport.required("cuda"), "iern.require=cuda but: " + p.unavailableReason());
        String why = p.unavailableReason();
        assertTrue(why.startsWith("no CUDA backend here: "), why);
        int end = why.indexOf(". ");
        String first = end < 0 ? why : why.substring(0, end + 1);
        assertFalse(why.contains("\n"), "one line, without JCuda's nested stack traces: " + why);
        assertTrue(first.contains("libcuda.so.1") || first.contains("CUDA_ERROR_NO_DEVICE")
                || first.contains("no devices") || first.contains("NVRTC") || first.contains("cuInit"), why);
        assertTrue(p.devices().isEmpty());
        assertFalse(p.gpu());
        var e = assertThrows(IllegalStateException.class, () -> p.open("cuda"));
        assertTrue(e.getMessage().contains(why), e.getMessage());
        var unknown = assertThrows(IllegalArgumentException.class, () -> p.open("opencl"));
        assertTrue(unknown.getMessage().contains("expected 'cuda' or 'cuda:<device>'"), unknown.getMessage());
    }

    @Test
    void loadErrorsAreCutToTheirFirstLine() {
        assertEquals("Error while loading native library \"JCudaDriver\"", CudaBackendProvider.firstLine(
                "Error while loading native library \"JCudaDriver\"\nOperating system name: Linux\n---(start of nested"));
        assertEquals("null", CudaBackendProvider.firstLine(null));
    }

    /** CI puts the driver library (no GPU) on the library path and asks for this with -Diern.require=cuda-driver. */
    @Test
    void aDriverWithoutADeviceSaysSo() {
        Assumptions.assumeTrue(GpuTestSupport.required("cuda-driver"), "run with -Diern.require=cuda-driver");
        CudaBackendProvider p = new CudaBackendProvider();
        Assumptions.assumeFalse(p.available(), "a CUDA device is present");
        assertTrue(p.unavailableReason().contains("CUDA_ERROR_NO_DEVICE"), p.unavailableReason());
    }

    @Test
    void devicesListSpecsThatOpen() {
        try (Backend ignored = CudaTestSupport.openOrSkip()) {
            List<String> devices = new CudaBackendProvider().devices();
            assertFalse(devices.isEmpty());
            for (String line : devices) {
                assertTrue(line.matches("cuda:\\d+  .+ \\(GPU, compute capability \\d+\\.\\d+, .+; NVRTC \\d+\\.\\d+"),
                        line);
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
        try (Backend ignored = CudaTestSupport.openOrSkip()) {
            CudaBackendProvider p = new CudaBackendProvider();
            var e1 = assertThrows(IllegalArgumentException.class, () -> p.open("cuda:x"));
            assertTrue(e1.getMessage().contains("must be a number"), e1.getMessage());
            var e2 = assertThrows(IllegalArgumentException.class, () -> p.open("cuda:99"));
            assertTrue(e2.getMessage().contains("no device cuda:99"), e2.getMessage());
            var e3 = assertThrows(IllegalArgumentException.class, () -> p.open("cuda:0:1"));
            assertTrue(e3.getMessage().contains("cuda:<device>"), e3.getMessage());
        }
    }

    @Test
    void buildFailureShowsNvrtcsLogAndTheKernelName() {
        try (Backend be = CudaTestSupport.openOrSkip()) {
            String broken = "__kernel void broken_kernel(__global float* x) { x[0] = undeclared_name; }\n";
            var e = assertThrows(IllegalStateException.class,
                    () -> ((GpuBackend) be).compileForTest("broken.cl", broken));
            String msg = e.getMessage();
            assertTrue(msg.contains("broken.cl") && msg.contains("broken_kernel"), msg);
            assertTrue(msg.contains("NVRTC log") && msg.contains("undeclared_name"), msg);
        }
    }

    @Test
    void closedBuffersAreReusedAndComeBackZeroed() {
        try (Backend be = CudaTestSupport.openOrSkip()) {
            GpuBackend gpu = (GpuBackend) be;
            Storage a = be.allocate(1000);
            be.fill(a, 0, 1000, 3f);
            long before = gpu.pooledBytes();
            a.close();
            assertEquals(before + 4096, gpu.pooledBytes(), "a closed buffer goes to the pool");
            Storage b = be.allocate(1000);
            assertEquals(before, gpu.pooledBytes(), "an allocation of the same size takes it back");
            assertArrayEquals(new float[1000], download(be, b), "a reused buffer is zeroed");
            b.close();
        }
    }

    @Test
    void writesLongerThanTheStagingBufferArriveWhole() {
        try (Backend be = CudaTestSupport.openOrSkip()) {
            int n = (16 << 20) / Float.BYTES * 2 + 12345;   // three staged pieces
            float[] host = new float[n];
            for (int i = 0; i < n; i++) {
                host[i] = i * 0.5f;
            }
            Storage s = be.allocate(n + 7);
            be.write(s, 7, host, 0, n);
            float[] back = new float[n];
            be.read(s, 7, back, 0, n);
            assertArrayEquals(host, back);
            s.close();
        }
    }

    @Test
    void anotherThreadCanUseTheBackend() throws Exception {
        try (Backend be = CudaTestSupport.openOrSkip()) {
            Storage s = be.allocate(64);
            Thread t = new Thread(() -> be.fill(s, 0, 64, 2f));
            t.start();
            t.join();
            float[] back = download(be, s);
            for (float v : back) {
                assertEquals(2f, v);
            }
            s.close();
        }
    }
}
