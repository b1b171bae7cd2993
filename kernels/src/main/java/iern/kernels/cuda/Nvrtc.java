package iern.kernels.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import iern.kernels.gpu.KernelSource;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * NVRTC, the CUDA run-time compiler, bound with {@code java.lang.foreign} to whichever
 * {@code libnvrtc} the machine has. JCuda's own NVRTC binding is a JNI library linked against
 * {@code libnvrtc.so.12}, so it cannot load where only CUDA 13's {@code libnvrtc.so.13} is
 * installed; the dozen C functions used here have had the same signatures from CUDA 11.2 to 13,
 * so one binding serves every version. The library is searched, in order: the system property
 * {@code iern.nvrtc} (a path) if set, else {@code libnvrtc.so.13}, {@code libnvrtc.so.12} on the
 * dynamic linker's path ({@code LD_LIBRARY_PATH}, {@code ld.so.cache}), the same names under
 * {@code $CUDA_HOME/lib64}, {@code $CUDA_PATH/lib64} and {@code /usr/local/cuda/lib64}, then the
 * unversioned {@code libnvrtc.so}.
 *
 * <p>NVRTC needs no GPU: the compile check runs anywhere the library is installed.
 */
public final class Nvrtc {
    private static final int SUCCESS = 0;
    private static final int ERROR_INVALID_OPTION = 5;

    private static Nvrtc instance;
    private static String failure;

    /** The library that was loaded, as found. */
    public final String library;
    public final int major;
    public final int minor;
    private final MethodHandle create, compile, logSize, log, ptxSize, ptx, cubinSize, cubin, destroy, errorString;
    private final int[] archs;

    /** The compiled image of one kernel file: a cubin for the device's own architecture, else PTX. */
    public record Image(byte[] data, boolean cubin, String arch) {}

    /** The loaded NVRTC; throws {@link IllegalStateException} saying what was looked for when there is none. */
    public static synchronized Nvrtc get() {
        if (instance == null && failure == null) {
            List<String> tried = new ArrayList<>();
            for (String candidate : candidates()) {
                try {
                    instance = new Nvrtc(candidate);
                    break;
                } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
                    tried.add(candidate);
                } catch (Throwable e) {
                    tried.add(candidate + " (" + e + ")");
                }
            }
            if (instance == null) {
                failure = "NVRTC (the CUDA run-time compiler) was not found: tried " + String.join(", ", tried)
                        + ". Install the CUDA toolkit's NVRTC (CUDA 12 or 13; Debian: libnvrtc12 from non-free),"
                        + " put its folder on LD_LIBRARY_PATH, or name the library with -Diern.nvrtc=/path/libnvrtc.so.N";
            }
        }
        if (instance == null) {
            throw new IllegalStateException(failure);
        }
        return instance;
    }

    /** Empty when NVRTC loads, else what was looked for. */
    public static String unavailableReason() {
        try {
            get();
            return "";
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    static List<String> candidates() {
        String forced = System.getProperty("iern.nvrtc");
        if (forced != null && !forced.isBlank()) {
            return List.of(forced);
        }
        Set<String> names = new LinkedHashSet<>(List.of("libnvrtc.so.13", "libnvrtc.so.12"));
        for (String home : new String[] {System.getenv("CUDA_HOME"), System.getenv("CUDA_PATH"), "/usr/local/cuda"}) {
            if (home == null || home.isBlank()) {
                continue;
            }
            for (String v : new String[] {"13", "12"}) {
                Path p = Path.of(home, "lib64", "libnvrtc.so." + v);
                if (Files.exists(p)) {
                    names.add(p.toString());
                }
            }
        }
        names.add("libnvrtc.so");
        return List.copyOf(names);
    }

    private Nvrtc(String name) throws Throwable {
        // The library stays loaded for the life of the JVM, as the global arena does.
        SymbolLookup lib = SymbolLookup.libraryLookup(name, Arena.global());
        this.library = name;
        Linker linker = Linker.nativeLinker();
        MethodHandle version = handle(linker, lib, "nvrtcVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        create = handle(linker, lib, "nvrtcCreateProgram",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        compile = handle(linker, lib, "nvrtcCompileProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        logSize = handle(linker, lib, "nvrtcGetProgramLogSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        log = handle(linker, lib, "nvrtcGetProgramLog", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        ptxSize = handle(linker, lib, "nvrtcGetPTXSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        ptx = handle(linker, lib, "nvrtcGetPTX", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cubinSize = handle(linker, lib, "nvrtcGetCUBINSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        cubin = handle(linker, lib, "nvrtcGetCUBIN", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        destroy = handle(linker, lib, "nvrtcDestroyProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        errorString = handle(linker, lib, "nvrtcGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        MethodHandle numArchs = handle(linker, lib, "nvrtcGetNumSupportedArchs", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        MethodHandle supportedArchs = handle(linker, lib, "nvrtcGetSupportedArchs", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ma = a.allocate(JAVA_INT), mi = a.allocate(JAVA_INT);
            check((int) version.invoke(ma, mi), "nvrtcVersion");
            major = ma.get(JAVA_INT, 0);
            minor = mi.get(JAVA_INT, 0);
            MemorySegment n = a.allocate(JAVA_INT);
            check((int) numArchs.invoke(n), "nvrtcGetNumSupportedArchs");
            MemorySegment list = a.allocate(JAVA_INT, n.get(JAVA_INT, 0));
            check((int) supportedArchs.invoke(list), "nvrtcGetSupportedArchs");
            archs = list.toArray(JAVA_INT);
            Arrays.sort(archs);
        }
    }

    private static MethodHandle handle(Linker linker, SymbolLookup lib, String name, FunctionDescriptor fd) {
        MemorySegment symbol = lib.find(name).orElseThrow(() -> new IllegalArgumentException("no symbol " + name));
        return linker.downcallHandle(symbol, fd);
    }

    private void check(int rc, String call) {
        if (rc != SUCCESS) {
            throw new IllegalStateException("cuda: " + call + " failed: " + errorName(rc));
        }
    }

    private String errorName(int rc) {
        try {
            MemorySegment s = (MemorySegment) errorString.invoke(rc);
            return s.reinterpret(256).getString(0);
        } catch (Throwable e) {
            return "NVRTC error " + rc;
        }
    }

    /** The architectures this NVRTC compiles for, as numbers (75, 80, 90...), ascending. */
    public int[] supportedArchs() {
        return archs.clone();
    }

    public String version() {
        return major + "." + minor;
    }

    /**
     * Compiles a kernel file for a device of compute capability {@code ccMajor.ccMinor}: a cubin
     * for exactly that architecture when this NVRTC knows it, else PTX for the newest
     * architecture it knows below it (the driver finishes PTX on load). {@code source} is the
     * full CUDA source ({@link KernelSource#cuda}); {@code file} names it in messages.
     */
    public Image compileFor(String file, String source, int ccMajor, int ccMinor) {
        int cc = ccMajor * 10 + ccMinor;
        if (Arrays.binarySearch(archs, cc) >= 0) {
            String arch = "sm_" + cc;
            return new Image(compile(file, source, List.of("--gpu-architecture=" + arch), true), true, arch);
        }
        int best = -1;
        for (int a : archs) {
            if (a <= cc) {
                best = a;
            }
        }
        if (best < 0) {
            throw new IllegalStateException("cuda: NVRTC " + version() + " (" + library + ") supports architectures "
                    + Arrays.toString(archs) + ", none at or below the device's " + ccMajor + "." + ccMinor);
        }
        String arch = "compute_" + best;
        return new Image(compile(file, source, List.of("--gpu-architecture=" + arch), false), false, arch);
    }

    /**
     * Compiles {@code source} with {@code options}; returns the cubin when {@code wantCubin}
     * (the options must name an {@code sm_} architecture), else the PTX, NUL-terminated as
     * {@code cuModuleLoadData} takes it. A failed compile throws with the file, the kernels it
     * declares and NVRTC's log.
     */
    public byte[] compile(String file, String source, List<String> options, boolean wantCubin) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment progHolder = a.allocate(ADDRESS);
            check((int) create.invoke(progHolder, a.allocateFrom(source), a.allocateFrom(file), 0,
                    MemorySegment.NULL, MemorySegment.NULL), "nvrtcCreateProgram");
            MemorySegment prog = progHolder.get(ADDRESS, 0);
            try {
                MemorySegment opts = a.allocate(ADDRESS, Math.max(1, options.size()));
                for (int i = 0; i < options.size(); i++) {
                    opts.setAtIndex(ADDRESS, i, a.allocateFrom(options.get(i)));
                }
                int rc = (int) compile.invoke(prog, options.size(), opts);
                if (rc != SUCCESS) {
                    String what = rc == ERROR_INVALID_OPTION ? " (options " + options + ")" : "";
                    throw new IllegalStateException("cuda: NVRTC " + version() + " could not compile " + file
                            + " (kernels " + KernelSource.declaredKernels(source) + "): " + errorName(rc) + what
                            + "\n--- NVRTC log ---\n" + programLog(a, prog));
                }
                MemorySegment size = a.allocate(JAVA_LONG);
                check((int) (wantCubin ? cubinSize : ptxSize).invoke(prog, size), wantCubin ? "nvrtcGetCUBINSize"
                        : "nvrtcGetPTXSize");
                MemorySegment out = a.allocate(size.get(JAVA_LONG, 0));
                check((int) (wantCubin ? cubin : ptx).invoke(prog, out), wantCubin ? "nvrtcGetCUBIN" : "nvrtcGetPTX");
                return out.toArray(JAVA_BYTE);
            } finally {
                destroy.invoke(progHolder);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cuda: calling NVRTC failed: " + e, e);
        }
    }

    private String programLog(Arena a, MemorySegment prog) throws Throwable {
        MemorySegment size = a.allocate(JAVA_LONG);
        if ((int) logSize.invoke(prog, size) != SUCCESS) {
            return "(no log)";
        }
        MemorySegment text = a.allocate(Math.max(1, size.get(JAVA_LONG, 0)));
        if ((int) log.invoke(prog, text) != SUCCESS) {
            return "(no log)";
        }
        return text.getString(0).strip();
    }
}
