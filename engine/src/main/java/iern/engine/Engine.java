package iern.engine;

/**
 * The default backend that tensor factories use when none is given. It starts as the CPU
 * backend (opened on first use); {@link #use} switches it for the whole JVM, e.g. to an
 * OpenCL device chosen by name through {@link Backends#open}.
 */
public final class Engine {
    private Engine() {}

    private static volatile Backend current;

    public static Backend backend() {
        Backend b = current;
        if (b == null) {
            synchronized (Engine.class) {
                if (current == null) {
                    current = Backends.provider("cpu").open("cpu");
                }
                b = current;
            }
        }
        return b;
    }

    /** Makes {@code backend} the default; returns the previous one (not closed). */
    public static Backend use(Backend backend) {
        if (backend == null) {
            throw new IllegalArgumentException("Engine.use: backend is null");
        }
        synchronized (Engine.class) {
            Backend old = current;
            current = backend;
            return old;
        }
    }
}
