package iern.engine;

/**
 * The device implementation of one {@link KernelOp} on one kind of backend. A device module
 * lists its implementations in {@code META-INF/services/iern.engine.DeviceKernel}; the engine
 * finds them with {@link java.util.ServiceLoader}, so {@link Backend} never names an op.
 *
 * <p>{@link #run} is called after the op's argument check, with storages of the backend it
 * was found for. It takes whatever lock the backend needs (the OpenCL backend serialises calls
 * on its own monitor).
 *
 * @param <P> the op's parameter record
 */
public interface DeviceKernel<P> {

    /** The {@link KernelOp#name()} this implements, e.g. {@code attentionForward}. */
    String op();

    /** The backend class it runs on (an instance of it, or of a subclass). */
    Class<? extends Backend> backend();

    /**
     * Runs the op: {@code io} is the op's inputs then outputs, null where optional and absent,
     * lent for this call only (reused once it returns): read it, do not keep it.
     */
    void run(Backend backend, P params, Storage[] io);
}
