package iern.kernels.gpu;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One source per kernel family for both GPU backends: every {@code .cl} file keeps to the
 * subset the CUDA dialect header translates, and the checker refuses, with file and line,
 * each construct that would not compile, or would silently mean something else, under CUDA.
 * Needs neither OpenCL nor CUDA.
 */
class KernelSourceTest {

    @Test
    void theFileListIsTheResourceFolder() throws IOException, URISyntaxException {
        Path root = Path.of(KernelSource.class.getResource(KernelSource.ROOT + "gemm.cl").toURI()).getParent();
        List<String> onDisk;
        try (Stream<Path> files = Files.list(root)) {
            onDisk = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".cl")).sorted().toList();
        }
        assertEquals(onDisk, KernelSource.FILES.stream().sorted().toList());
    }

    @Test
    void everyKernelFileIsPortable() {
        for (String file : KernelSource.FILES) {
            String source = KernelSource.load(file);
            assertDoesNotThrow(() -> KernelSource.checkPortable(file, source), file);
            assertTrue(KernelSource.declaredKernels(source).size() >= 1, file + " declares no kernel");
        }
    }

    @Test
    void bothBackendsGetTheSameFileAfterTheirOwnHeader() {
        for (String file : KernelSource.FILES) {
            String body = KernelSource.load(file);
            String cl = KernelSource.openCl(file), cu = KernelSource.cuda(file);
            assertEquals(KernelSource.OPENCL_HEADER + OpTable.PRELUDE + body, cl, file);
            assertEquals(KernelSource.CUDA_HEADER + OpTable.PRELUDE + body, cu, file);
        }
        assertTrue(KernelSource.OPENCL_HEADER.contains("#define LOCAL_PARAM __local"));
        assertTrue(KernelSource.CUDA_HEADER.contains("#define LOCAL_PARAM\n"));
        assertTrue(KernelSource.CUDA_HEADER.contains("#define __local __shared__"));
    }

    private static String refused(String source) {
        return assertThrows(IllegalStateException.class, () -> KernelSource.checkPortable("t.cl", source))
                .getMessage();
    }

    @Test
    void aVectorLiteralWithSeveralComponentsIsRefusedWithItsLine() {
        String msg = refused("__kernel void k(__global float* x) {\n    float8 v = (float8) (x[0], x[1]);\n}\n");
        assertTrue(msg.startsWith("kernel source t.cl:2 uses '(float8) (x[0],"), msg);
        assertTrue(msg.contains("splat of the last value"), msg);
        assertTrue(refused("long8 v = (long8)(1, 2, 3, 4, 5, 6, 7, 8);").contains("vector literal"));
    }

    @Test
    void aSplatAndCommasInsideNestedCallsAreAllowed() {
        assertDoesNotThrow(() -> KernelSource.checkPortable("t.cl",
                "float8 a = (float8) (0.0f);\nfloat8 b = (float8)(fmax(x, y));\n// (float8)(a, b) in a comment\n"
                        + "/* (float8)(a, b)\n   in a block comment */\n"));
    }

    @Test
    void constructsTheDialectHasNoWordForAreRefused() {
        assertTrue(refused("float4 v;").contains("vector type"));
        assertTrue(refused("uint8 v;").contains("vector type"));
        assertTrue(refused("half h;").contains("half"));
        assertTrue(refused("y = v.s0;").contains("swizzle"));
        assertTrue(refused("y = v.xy;").contains("swizzle"));
        assertTrue(refused("y = v.lo;").contains("swizzle"));
        assertTrue(refused("atomic_add(p, 1);").contains("atomic"));
        assertTrue(refused("__kernel void k(image2d_t img) {}").contains("image"));
        String local = refused("inline float sum(__local float* scratch) { return scratch[0]; }");
        assertTrue(local.contains("LOCAL_PARAM"), local);
        // A __local array declared in a kernel body is fine: it becomes __shared__.
        assertDoesNotThrow(() -> KernelSource.checkPortable("t.cl", "__local float scratch[256];"));
    }

    @Test
    void declaredKernelsAreFoundWithAndWithoutAttributes() {
        assertEquals(List.of("gemm_tiled", "gemm_dot", "gemm_thin"),
                KernelSource.declaredKernels(KernelSource.load("gemm.cl")));
    }
}
