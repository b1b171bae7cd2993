package iern.kernels.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel sources both GPU backends compile: one {@code .cl} file per kernel family under
 * {@link #ROOT}, written once in the subset of OpenCL C that {@code cuda_dialect.h} turns into
 * CUDA C++. A backend asks for {@link #openCl} or {@link #cuda}: its dialect header, then the
 * generated op table ({@link OpTable}, ending in {@code #line 1}), then the file. Before
 * either, {@link #checkPortable} refuses what the dialect header cannot express, so a
 * construct that would compile under OpenCL but mean something else under CUDA (a vector
 * literal with several components) fails with the file and line instead of miscomputing.
 */
public final class KernelSource {
    private KernelSource() {}

    /** Where the kernel sources live on the class path. */
    public static final String ROOT = "/iern/kernels/opencl/";

    /** The kernel files, one per family. */
    public static final List<String> FILES = List.of("batchnorm.cl", "conv.cl", "elementwise.cl", "gemm.cl",
            "intervention.cl", "memory.cl", "optim.cl", "pool.cl", "reduce.cl");

    /** What the OpenCL build puts first: the one macro the sources use for an address space. */
    public static final String OPENCL_HEADER = "#define LOCAL_PARAM __local\n";

    /** What the CUDA build puts first: OpenCL C's vocabulary in CUDA C++. */
    public static final String CUDA_HEADER = resource("/iern/kernels/gpu/cuda_dialect.h");

    /** The full OpenCL source of {@code file} (a resource under {@link #ROOT}). */
    public static String openCl(String file) {
        return OPENCL_HEADER + OpTable.PRELUDE + checkPortable(file, load(file));
    }

    /** The full CUDA source of {@code file}, for NVRTC. */
    public static String cuda(String file) {
        return cudaOf(file, load(file));
    }

    /** The CUDA source of a kernel file given as text (tests compile sources outside the set). */
    public static String cudaOf(String file, String source) {
        return CUDA_HEADER + OpTable.PRELUDE + checkPortable(file, source);
    }

    public static String load(String file) {
        return resource(ROOT + file);
    }

    private static String resource(String path) {
        try (InputStream in = KernelSource.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("kernel source " + path
                        + " is missing from the class path (is the iern-kernels jar complete?)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read kernel source " + path, e);
        }
    }

    /** Names after {@code __kernel void}, for error messages. */
    public static List<String> declaredKernels(String source) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("__kernel\\s+(?:__attribute__\\s*\\(\\(.*?\\)\\)\\s*)?void\\s+(\\w+)")
                .matcher(source);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static final String SCALAR = "(?:u?char|u?short|u?int|u?long|float|double|half)";

    /** Constructs the CUDA dialect header does not translate, each with why. */
    private static final List<Rule> RULES = List.of(
            new Rule(Pattern.compile("\\b(?:u?char|u?short|u?int|u?long|float|double|half)(?:2|3|4|16)\\b"
                    + "|\\b(?:u?char|u?short|uint|ulong|double|half)8\\b"),
                    "a vector type the CUDA dialect does not define (it has float8, int8, long8)"),
            new Rule(Pattern.compile("\\bhalf\\b"), "half precision, which the CUDA dialect does not define"),
            new Rule(Pattern.compile("\\w\\.(?:[xyzw]{1,4}|s[0-9a-fA-F]{1,16}|lo|hi|even|odd)\\b"),
                    "a vector component or swizzle, which the CUDA dialect's structs do not have"),
            new Rule(Pattern.compile("\\batom(?:ic)?_\\w+\\s*\\("), "an atomic, which the CUDA dialect does not map"),
            new Rule(Pattern.compile("\\b(?:image[123]d\\w*_t|read_image\\w*|write_image\\w*|sampler_t)\\b"),
                    "an image, which the CUDA dialect does not map"),
            new Rule(Pattern.compile("__local\\s+(?:const\\s+)?\\w+\\s*\\*"),
                    "a __local pointer: CUDA has no __shared__ parameters; spell it LOCAL_PARAM"));

    private record Rule(Pattern pattern, String why) {}

    private static final Pattern VECTOR_CAST = Pattern.compile("\\(\\s*" + SCALAR + "(?:2|3|4|8|16)\\s*\\)\\s*\\(");

    /**
     * Returns {@code source} when it keeps to what both backends compile alike, else throws
     * naming the file, the line and the construct. Comments are ignored.
     */
    public static String checkPortable(String file, String source) {
        String code = stripComments(source);
        for (Rule r : RULES) {
            Matcher m = r.pattern.matcher(code);
            if (m.find()) {
                throw refusal(file, code, m.start(), m.group(), r.why);
            }
        }
        Matcher m = VECTOR_CAST.matcher(code);
        while (m.find()) {
            int open = m.end() - 1;
            int depth = 0;
            for (int i = open; i < code.length(); i++) {
                char c = code.charAt(i);
                if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    if (--depth == 0) {
                        break;
                    }
                } else if (c == ',' && depth == 1) {
                    throw refusal(file, code, m.start(), code.substring(m.start(), Math.min(code.length(), i + 1))
                            + "...", "a vector literal with several components: under the CUDA dialect it would be"
                            + " a cast of a comma expression, a splat of the last value; build the vector"
                            + " with a splat and element stores, or use scalars");
                }
            }
        }
        return source;
    }

    private static IllegalStateException refusal(String file, String code, int at, String what, String why) {
        int line = 1;
        for (int i = 0; i < at; i++) {
            if (code.charAt(i) == '\n') {
                line++;
            }
        }
        return new IllegalStateException("kernel source " + file + ":" + line + " uses '" + what.strip() + "', "
                + why + " (see iern/kernels/gpu/cuda_dialect.h)");
    }

    /** Comments replaced by spaces, newlines kept, so offsets and line numbers stay true. */
    static String stripComments(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            if (s.startsWith("//", i)) {
                while (i < s.length() && s.charAt(i) != '\n') {
                    out.append(' ');
                    i++;
                }
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                end = end < 0 ? s.length() : end + 2;
                for (; i < end; i++) {
                    out.append(s.charAt(i) == '\n' ? '\n' : ' ');
                }
            } else {
                out.append(s.charAt(i++));
            }
        }
        return out.toString();
    }
}
