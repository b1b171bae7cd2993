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
        String hint = kind.equals("cuda") ? " (this build has no CUDA backend yet: use opencl, which also runs on"
                + " NVIDIA GPUs, or cpu)"
                : kind.equals("opencl") ? " (the opencl backend lives in the iern-kernels module: is it on the class path?)"
                : "";
        throw new IllegalArgumentException("unknown backend '" + kind + "'; known: " + kinds + hint);
    }

    /**
     * Opens the backend named by {@code spec}. {@code auto} takes the first available of
     * cuda (when a provider is present), opencl, cpu and reports the choice through {@code log}.
     */
    public static Backend open(String spec, java.util.function.Consumer<String> log) {
        if (spec == null || spec.isBlank()) {
            spec = "cpu";
        }
        if (spec.equals("auto")) {
            for (String kind : List.of("cuda", "opencl")) {
                for (BackendProvider p : providers()) {
                    if (p.kind().equals(kind) && p.available()) {
                        log.accept("backend auto: using " + kind);
                        return p.open(kind);
                    }
                }
            }
            log.accept("backend auto: no GPU backend available, using cpu");
            return provider("cpu").open("cpu");
        }
        String kind = spec.contains(":") ? spec.substring(0, spec.indexOf(':')) : spec;
        BackendProvider p = provider(kind);
        if (!p.available()) {
            throw new IllegalStateException("backend '" + spec + "' is not available: " + p.unavailableReason());
        }
        return p.open(spec);
    }
}
