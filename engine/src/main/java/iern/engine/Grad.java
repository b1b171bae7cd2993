package iern.engine;

/**
 * Switches gradient recording for the current thread. {@code try (var g = Grad.off()) {...}}
 * runs ops without recording graph nodes (evaluation, optimiser updates, backward rules);
 * closing restores the previous state, so scopes nest.
 */
public final class Grad implements AutoCloseable {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private final boolean previous;
    private boolean closed;

    private Grad(boolean enable) {
        boolean[] flag = ENABLED.get();
        previous = flag[0];
        flag[0] = enable;
    }

    /** Disables recording until the returned scope is closed. */
    public static Grad off() {
        return new Grad(false);
    }

    /** Enables recording until the returned scope is closed (inside an {@link #off()} scope). */
    public static Grad on() {
        return new Grad(true);
    }

    /** Whether ops on this thread record graph nodes now. */
    public static boolean enabled() {
        return ENABLED.get()[0];
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            ENABLED.get()[0] = previous;
        }
    }
}
