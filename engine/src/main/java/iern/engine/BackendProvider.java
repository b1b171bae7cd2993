package iern.engine;

import java.util.List;

/**
 * A kind of backend, found at run time through {@link java.util.ServiceLoader} (register the
 * class in {@code META-INF/services/iern.engine.BackendProvider}), so the model never imports
 * a backend.
 */
public interface BackendProvider {
    /** The name that selects it: {@code cpu}, {@code opencl}, {@code cuda}. */
    String kind();

    /** Whether a device of this kind can be opened on this machine (loads native libraries lazily). */
    boolean available();

    /**
     * Whether a GPU of this kind can be opened, so {@code auto} may pick it. A provider whose
     * devices may be CPUs (OpenCL on PoCL) says false for those: on a CPU the CPU backend is
     * the faster one.
     */
    default boolean gpu() {
        return available();
    }

    /** When not {@link #available()}: what was looked for and how to install it. */
    String unavailableReason();

    /** One line per device, each starting with the full spec that opens it (e.g. {@code opencl:0:1}). */
    List<String> devices();

    /**
     * Opens a backend. {@code spec} is the kind alone (the default device) or the kind followed
     * by {@code :}-separated device coordinates.
     */
    Backend open(String spec);
}
