package iern.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import iern.kernels.gpu.GpuTestSupport;
import iern.kernels.gpu.KernelSource;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kernel family compiled by NVRTC (bound with java.lang.foreign, whichever libnvrtc the
 * machine has) through the CUDA dialect header, as the CUDA backend builds them: no GPU needed.
 * Skipped without NVRTC; failed instead under {@code -Diern.require=...,nvrtc} (CI installs it).
 */
class NvrtcCompileTest {

    static Nvrtc nvrtcOrSkip() {
        String why = Nvrtc.unavailableReason();
        if (!why.isEmpty()) {
            if (GpuTestSupport.required("nvrtc")) {
                fail("iern.require=nvrtc but " + why);
            }
            Assumptions.assumeTrue(false, why);
        }
        return Nvrtc.get();
    }

    static List<String> files() {
        return KernelSource.FILES;
    }

    private static int newestArch(Nvrtc nvrtc) {
        int[] archs = nvrtc.supportedArchs();
        return archs[archs.length - 1];
    }

    private static String ptx(Nvrtc nvrtc, String file) {
        byte[] data = nvrtc.compile(file, KernelSource.cuda(file), List.of("--gpu-architecture=compute_"
                + newestArch(nvrtc)), false);
        assertTrue(data.length > 0 && data[data.length - 1] == 0, file + ": PTX must come NUL-terminated");
        return new String(data, 0, data.length - 1, StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @MethodSource("files")
    void everyKernelOfTheFileCompilesToPtx(String file) {
        Nvrtc nvrtc = nvrtcOrSkip();
        String ptx = ptx(nvrtc, file);
        assertTrue(ptx.contains(".target sm_" + newestArch(nvrtc)), file);
        List<String> kernels = KernelSource.declaredKernels(KernelSource.load(file));
        for (String kernel : kernels) {
            assertTrue(ptx.contains(".visible .entry " + kernel + "("), file + ": no entry " + kernel
                    + " (extern \"C\" lost?)");
        }
        Matcher entries = Pattern.compile("\\.entry (\\w+)\\(").matcher(ptx);
        int n = 0;
        while (entries.find()) {
            n++;
        }
        assertTrue(n == kernels.size(), file + ": " + n + " entries for kernels " + kernels);
    }

    @Test
    void theDialectKeepsWorkGroupSizesAndLocalMemory() {
        Nvrtc nvrtc = nvrtcOrSkip();
        String gemm = ptx(nvrtc, "gemm.cl");
        // reqd_work_group_size(8, 8, 1) and (64, 1, 1) become launch bounds of 64 threads.
        String tiled = gemm.substring(gemm.indexOf(".entry gemm_tiled("), gemm.indexOf(".entry gemm_dot("));
        assertTrue(tiled.contains(".maxntid 64, 1, 1"), "gemm_tiled lost its work-group size");
        // __local arrays become shared memory, including through the LOCAL_PARAM helpers.
        assertTrue(tiled.contains(".shared"), "gemm_tiled has no shared tiles");
        String reduce = ptx(nvrtc, "reduce.cl");
        assertTrue(reduce.contains(".shared") && reduce.contains("bar.sync"), "reduce.cl: no shared scratch or barrier");
    }

    @Test
    void aKnownArchitectureGetsACubinAndAnUnknownOnePtx() {
        Nvrtc nvrtc = nvrtcOrSkip();
        int newest = newestArch(nvrtc);
        Nvrtc.Image own = nvrtc.compileFor("optim.cl", KernelSource.cuda("optim.cl"), newest / 10, newest % 10);
        assertTrue(own.cubin(), "sm_" + newest + " should give a cubin");
        assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, Arrays.copyOf(own.data(), 4), "a cubin is an ELF file");
        Nvrtc.Image future = nvrtc.compileFor("optim.cl", KernelSource.cuda("optim.cl"), 99, 9);
        assertFalse(future.cubin(), "an architecture NVRTC does not know gets PTX for the driver to finish");
        assertTrue(future.arch().equals("compute_" + newest), future.arch());
        var old = assertThrows(IllegalStateException.class,
                () -> nvrtc.compileFor("optim.cl", KernelSource.cuda("optim.cl"), 1, 0));
        assertTrue(old.getMessage().contains("none at or below the device's 1.0"), old.getMessage());
    }

    @Test
    void aCompileErrorNamesTheFileTheKernelsAndNvrtcsLog() {
        Nvrtc nvrtc = nvrtcOrSkip();
        String broken = "__kernel void broken_kernel(__global float* x) {\n    x[0] = undeclared_name;\n}\n";
        var e = assertThrows(IllegalStateException.class, () -> nvrtc.compile("broken.cl",
                KernelSource.cudaOf("broken.cl", broken), List.of("--gpu-architecture=compute_" + newestArch(nvrtc)),
                false));
        String msg = e.getMessage();
        assertTrue(msg.contains("could not compile broken.cl") && msg.contains("[broken_kernel]"), msg);
        assertTrue(msg.contains("NVRTC_ERROR_COMPILATION") && msg.contains("--- NVRTC log ---"), msg);
        // The op table ends with #line 1, so the log points at the file's own line 2.
        assertTrue(msg.contains("broken.cl(2)") && msg.contains("undeclared_name"), msg);
    }

    @Test
    void theLibraryIsVersion12OrLater() {
        Nvrtc nvrtc = nvrtcOrSkip();
        assertTrue(nvrtc.major >= 12, nvrtc.library + " is NVRTC " + nvrtc.version());
        assertTrue(Arrays.stream(nvrtc.supportedArchs()).anyMatch(a -> a == 90) || nvrtc.major >= 13,
                "NVRTC " + nvrtc.version() + " cannot target the H100/H200 (sm_90)");
    }
}
