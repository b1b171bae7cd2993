package iern.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The extension point for an op with kernels of its own, declared once in one file: its
 * argument contract ({@link #check}, the {@link BackendArgs} message format), the floats each
 * argument spans ({@link #extent}), its CPU kernel on host arrays ({@link #cpu}, required),
 * and its name, by which device modules register optional device kernels
 * ({@link DeviceKernel}). The op's file also holds its tensor-level entry (backward rule via
 * {@link #record}) and its oracle; see {@code iern.engine.ops.Attention}.
 *
 * <p>{@link #run} checks the arguments, then runs, in this order of preference:
 * <ol>
 *   <li>on the CPU backend, the CPU kernel straight on the storages' arrays;</li>
 *   <li>a {@link DeviceKernel} registered for this op and the backend's class;</li>
 *   <li>otherwise the host fallback: every non-null argument is read into a host array
 *       ({@link #extent} floats from offset 0, outputs too, so floats a kernel leaves
 *       alone keep their value), the CPU kernel runs, the outputs are written back. Correct
 *       on any backend, but it pays two transfers per argument and runs on the host:
 *       register a device kernel where that matters.</li>
 * </ol>
 * Adding an op therefore touches no {@link Backend} interface and no backend class.
 *
 * @param <P> the op's parameters (sizes, strides, scalars), usually a record
 */
public abstract class KernelOp<P> {
    private final String name;
    private final int inputs;
    private final String[] args;

    /**
     * @param name    the op's name, first word of its error messages and the key of its device kernels
     * @param inputs  how many of {@code args} are inputs (the rest are outputs)
     * @param args    argument names in call order, inputs then outputs
     */
    protected KernelOp(String name, int inputs, String... args) {
        if (inputs < 0 || inputs > args.length) {
            throw new IllegalArgumentException(name + ": " + inputs + " inputs of " + args.length + " arguments");
        }
        this.name = name;
        this.inputs = inputs;
        this.args = args.clone();
    }

    public final String name() {
        return name;
    }

    /**
     * The contract: refuses bad parameters and storages (null where required, too small)
     * with {@code IllegalArgumentException("<name> <argument>: <what is wrong>")}, before any
     * work. {@code io} has one entry per argument, null where absent.
     */
    protected abstract void check(P p, Storage[] io);

    /** Floats of argument {@code arg} (from offset 0) the kernel may read or write; 0 when it touches none. */
    protected abstract long extent(P p, int arg);

    /**
     * The CPU kernel (required): {@code io} holds the arguments' host arrays, null where the
     * argument is absent; arrays may be longer than {@link #extent}.
     */
    protected abstract void cpu(P p, float[][] io);

    /** Sees every run of every op with its parameters and wall time: the hook of profilers. */
    @FunctionalInterface
    public interface Observer {
        void ran(KernelOp<?> op, Object params, long nanos);
    }

    private static volatile Observer observer;

    /**
     * Installs {@code o} to see every run from now on (null removes it). Without one a run pays
     * a volatile read; with one, two clock reads and the call.
     */
    public static void observe(Observer o) {
        observer = o;
    }

    /** Runs the op on {@code backend}; {@code io}: inputs then outputs as named in the constructor. */
    public final void run(Backend backend, P p, Storage... io) {
        Observer o = observer;
        if (o == null) {
            dispatch(backend, p, io);
            return;
        }
        long t0 = System.nanoTime();
        dispatch(backend, p, io);
        o.ran(this, p, System.nanoTime() - t0);
    }

    /*
     * Fixed-arity forms of run: the arguments go into a per-thread array lent to one call at a
     * time (a varargs array per call was about 15 KB of a warm IERN step). Kernels read the
     * array during the call only; a run inside another's kernel lends another array.
     */

    /** {@link #run(Backend, Object, Storage...)} with 2 arguments, in a lent array. */
    public final void run(Backend backend, P p, Storage a, Storage b) {
        Storage[] io = lendArgs(2);
        io[0] = a;
        io[1] = b;
        runLent(backend, p, io);
    }

    /** {@link #run(Backend, Object, Storage...)} with 3 arguments, in a lent array. */
    public final void run(Backend backend, P p, Storage a, Storage b, Storage c) {
        Storage[] io = lendArgs(3);
        io[0] = a;
        io[1] = b;
        io[2] = c;
        runLent(backend, p, io);
    }

    /** {@link #run(Backend, Object, Storage...)} with 4 arguments, in a lent array. */
    public final void run(Backend backend, P p, Storage a, Storage b, Storage c, Storage d) {
        Storage[] io = lendArgs(4);
        io[0] = a;
        io[1] = b;
        io[2] = c;
        io[3] = d;
        runLent(backend, p, io);
    }

    /** {@link #run(Backend, Object, Storage...)} with 5 arguments, in a lent array. */
    public final void run(Backend backend, P p, Storage a, Storage b, Storage c, Storage d, Storage e) {
        Storage[] io = lendArgs(5);
        io[0] = a;
        io[1] = b;
        io[2] = c;
        io[3] = d;
        io[4] = e;
        runLent(backend, p, io);
    }

    /** {@link #run(Backend, Object, Storage...)} with 6 arguments, in a lent array. */
    public final void run(Backend backend, P p, Storage a, Storage b, Storage c, Storage d, Storage e, Storage f) {
        Storage[] io = lendArgs(6);
        io[0] = a;
        io[1] = b;
        io[2] = c;
        io[3] = d;
        io[4] = e;
        io[5] = f;
        runLent(backend, p, io);
    }

    /** {@link #run(Backend, Object, Storage...)} with 7 arguments, in a lent array. */
    public final void run(Backend backend, P p, Storage a, Storage b, Storage c, Storage d, Storage e, Storage f, Storage g) {
        Storage[] io = lendArgs(7);
        io[0] = a;
        io[1] = b;
        io[2] = c;
        io[3] = d;
        io[4] = e;
        io[5] = f;
        io[6] = g;
        runLent(backend, p, io);
    }

    /** {@link #run(Backend, Object, Storage...)} with 8 arguments, in a lent array. */
    public final void run(Backend backend, P p, Storage a, Storage b, Storage c, Storage d, Storage e, Storage f, Storage g, Storage h) {
        Storage[] io = lendArgs(8);
        io[0] = a;
        io[1] = b;
        io[2] = c;
        io[3] = d;
        io[4] = e;
        io[5] = f;
        io[6] = g;
        io[7] = h;
        runLent(backend, p, io);
    }

    private static final ThreadLocal<Storage[][]> SPARE_ARGS = ThreadLocal.withInitial(() -> new Storage[9][]);

    private static Storage[] lendArgs(int length) {
        Storage[][] spare = SPARE_ARGS.get();
        Storage[] io = spare[length];
        if (io == null) {
            return new Storage[length];
        }
        spare[length] = null;
        return io;
    }

    private void runLent(Backend backend, P p, Storage[] io) {
        try {
            run(backend, p, io);
        } finally {
            Arrays.fill(io, null);
            SPARE_ARGS.get()[io.length] = io;
        }
    }

    private void dispatch(Backend backend, P p, Storage[] io) {
        if (io.length != args.length) {
            throw new IllegalArgumentException(name + ": " + io.length + " storages for the " + args.length
                    + " arguments " + String.join(", ", args));
        }
        check(p, io);
        for (int i = 0; i < io.length; i++) {
            if (io[i] != null && io[i].backend() != backend) {
                throw new IllegalArgumentException(name + " " + args[i] + ": storage of backend "
                        + io[i].backend().name() + " handed to backend " + backend.name());
            }
        }
        float[][] host = hostArrays(io);
        if (host != null) {
            try {
                cpu(p, host);
            } finally {
                giveBack(host);
            }
            return;
        }
        DeviceKernel<P> device = device(backend);
        if (device != null) {
            device.run(backend, p, io);
            return;
        }
        hostFallback(backend, p, io);
    }

    /** The storages' heap arrays when every one lives in Java memory (the CPU backend), else null. */
    private static float[][] hostArrays(Storage[] io) {
        for (Storage s : io) {
            if (s != null) {
                if (s.hostArray() == null) {
                    return null;      // a device storage: decided without allocating
                }
                break;
            }
        }
        float[][] host = borrow(io.length);
        boolean any = false;
        for (int i = 0; i < io.length; i++) {
            if (io[i] != null) {
                host[i] = io[i].hostArray();
                if (host[i] == null) {
                    giveBack(host);
                    return null;
                }
                any = true;
            }
        }
        if (!any) {
            giveBack(host);
        }
        return any ? host : null;
    }

    /**
     * Tables of host arrays by argument count, one per thread, lent to one call at a time (a
     * kernel run inside another's CPU kernel makes its own): a warm step runs a thousand kernel ops.
     */
    private static final ThreadLocal<float[][][]> SPARE_HOST = ThreadLocal.withInitial(() -> new float[16][][]);

    private static float[][] borrow(int length) {
        float[][][] spare = SPARE_HOST.get();
        if (length < spare.length && spare[length] != null) {
            float[][] host = spare[length];
            spare[length] = null;
            return host;
        }
        return new float[length][];
    }

    private static void giveBack(float[][] host) {
        Arrays.fill(host, null);
        float[][][] spare = SPARE_HOST.get();
        if (host.length < spare.length) {
            spare[host.length] = host;
        }
    }

    /** Whether {@code backend} runs this op with a registered device kernel (else: CPU kernel or host fallback). */
    public final boolean onDevice(Backend backend) {
        return device(backend) != null;
    }

    private void hostFallback(Backend backend, P p, Storage[] io) {
        float[][] host = new float[io.length][];
        for (int i = 0; i < io.length; i++) {
            if (io[i] != null) {
                long n = extent(p, i);
                if (n > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException(name + " " + args[i] + ": " + n
                            + " floats are too many for the host fallback");
                }
                host[i] = new float[(int) n];
                if (n > 0) {
                    backend.read(io[i], 0, host[i], 0, (int) n);
                }
            }
        }
        cpu(p, host);
        for (int i = inputs; i < io.length; i++) {
            if (io[i] != null && host[i].length > 0) {
                backend.write(io[i], 0, host[i], 0, host[i].length);
            }
        }
    }

    /**
     * The device kernel for {@code backend}'s class (null: none), remembered for the last
     * backend class asked about, so the per-call lookup allocates nothing.
     */
    private DeviceKernel<P> device(Backend backend) {
        Found<P> last = found;
        if (last == null || last.backendClass() != backend.getClass()) {
            last = new Found<>(backend.getClass(), lookup(backend));
            found = last;
        }
        return last.kernel();
    }

    private record Found<P>(Class<?> backendClass, DeviceKernel<P> kernel) {}

    private volatile Found<P> found;

    @SuppressWarnings("unchecked")
    private DeviceKernel<P> lookup(Backend backend) {
        for (DeviceKernel<?> d : Registry.BY_OP.getOrDefault(name, List.of())) {
            if (d.backend().isInstance(backend)) {
                return (DeviceKernel<P>) d;
            }
        }
        return null;
    }

    /** Device kernels by op name, loaded once. */
    private static final class Registry {
        static final Map<String, List<DeviceKernel<?>>> BY_OP = load();

        private static Map<String, List<DeviceKernel<?>>> load() {
            Map<String, List<DeviceKernel<?>>> m = new HashMap<>();
            for (DeviceKernel<?> d : ServiceLoader.load(DeviceKernel.class)) {
                m.computeIfAbsent(d.op(), k -> new ArrayList<>()).add(d);
            }
            return Map.copyOf(m);
        }
    }

    // ---------------------------------------------------------------- for ops outside this package

    /** A backward rule: one gradient per input (null where none is needed), run with recording off. */
    @FunctionalInterface
    public interface Backward {
        Tensor[] grads(Tensor gradOut);
    }

    /** Whether an op with these inputs records a node (recording on and some input requires a gradient). */
    public static boolean needsGrad(Tensor... inputs) {
        return Autograd.needsGrad(inputs);
    }

    /**
     * The shape of {@code t} without a copy: the one array shared by every tensor of that shape.
     * Read it, never write it ({@link Tensor#shape()} gives a copy to keep or change).
     */
    public static int[] shapeOf(Tensor t) {
        return t.shapeRef();
    }

    /** {@link #needsGrad(Tensor...)} without an argument array. */
    public static boolean needsGrad(Tensor a) {
        return Autograd.needsGrad(a);
    }

    /** {@link #needsGrad(Tensor...)} without an argument array. */
    public static boolean needsGrad(Tensor a, Tensor b) {
        return Autograd.needsGrad(a, b);
    }

    /** {@link #needsGrad(Tensor...)} without an argument array. */
    public static boolean needsGrad(Tensor a, Tensor b, Tensor c) {
        return Autograd.needsGrad(a, b, c);
    }

    /** Attaches {@code rule} to {@code out} when an input requires a gradient; returns {@code out}. */
    public static Tensor record(String op, Tensor out, Backward rule, Tensor... inputs) {
        return Autograd.record(op, out, rule, inputs);
    }

    /**
     * A tensor whose content is unspecified, for an output its kernel overwrites entirely
     * (no zero fill of a recycled buffer).
     */
    public static Tensor output(Backend backend, int[] shape) {
        return Tensor.output(backend, shape);
    }

    /** Refuses tensors of two backends, naming the op. */
    public static void requireSameBackend(String op, Tensor a, Tensor b) {
        Elementwise.requireSameBackend(op, a, b);
    }
}
