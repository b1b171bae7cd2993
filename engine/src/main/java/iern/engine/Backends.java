package iern.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Finds and opens backends by name: {@code cpu}, {@code opencl}, {@code opencl:0:1}, {@code auto}. */
public final class Backends {
    private Backends() {}

    public static List<BackendProvider> providers() {
        List<BackendProvider> all = new ArrayList<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            all.add(p);
        }
        return all;
    }

    public static BackendProvider provider(String kind) {
        for (BackendProvider p : providers()) {
            if (p.kind().equals(kind)) {
                return p;
            }
        }
        List<String> kinds = providers().stream().map(BackendProvider::kind).toList();
        String hint = kind.equals("cuda") || kind.equals("opencl")
                ? " (the " + kind + " backend lives in the iern-kernels module: is it on the class path?)"
                : "";
        throw new IllegalArgumentException("unknown backend '" + kind + "'; known: " + kinds + hint);
    }

    /**
     * Opens the backend named by {@code spec}. {@code auto} takes the first GPU of cuda, then
     * opencl (never an OpenCL CPU device such as PoCL, which is slower than the CPU backend),
     * else cpu, and reports the choice, or why no GPU was taken, in one line through {@code log}.
     */
    public static Backend open(String spec, java.util.function.Consumer<String> log) {
        if (spec == null || spec.isBlank()) {
            spec = "cpu";
        }
        if (spec.equals("auto")) {
            List<String> why = new ArrayList<>();
            for (String kind : List.of("cuda", "opencl")) {
                for (BackendProvider p : providers()) {
                    if (!p.kind().equals(kind)) {
                        continue;
                    }
                    if (p.gpu()) {
                        log.accept("backend auto: using " + kind);
                        return p.open(kind);
                    }
                    why.add(kind + ": " + (p.available() ? "no GPU device, only CPU devices"
                            : firstSentence(p.unavailableReason())));
                }
            }
            log.accept("backend auto: no GPU found, using cpu" + (why.isEmpty() ? "" : " (" + String.join("; ", why)
                    + ")"));
            return provider("cpu").open("cpu");
        }
        String kind = spec.contains(":") ? spec.substring(0, spec.indexOf(':')) : spec;
        BackendProvider p = provider(kind);
        if (!p.available()) {
            throw new IllegalStateException("backend '" + spec + "' is not available: " + p.unavailableReason());
        }
        return p.open(spec);
    }

    /** Up to the first ". " (or the whole text), for one-line summaries of long reasons. */
    static String firstSentence(String text) {
        int end = text.indexOf(". ");
        return end < 0 ? text : text.substring(0, end);
    }
}
