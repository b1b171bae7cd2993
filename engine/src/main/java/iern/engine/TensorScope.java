package iern.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;

/**
 * Deterministic release of tensor memory.
 *
 * <p>Ownership rule: a tensor created while a scope is open on the current thread belongs to
 * the innermost open scope; a tensor created with no scope open belongs to whoever created
 * it (parameters, optimiser state, data) and must be closed by them (or simply dropped on
 * the CPU backend, where the garbage collector reclaims it). Closing a scope closes every
 * tensor it still owns. {@link #keep} moves a tensor out to the enclosing scope, or, at the
 * outermost scope, makes it unowned. Gradients of leaves ({@link Tensor#grad()}) belong to
 * their leaf and are closed with it.
 *
 * <pre>{@code
 * try (var s = TensorScope.open()) {
 *     Tensor loss = F.crossEntropy(model.forward(x), y);
 *     loss.backward();
 *     optimizer.step();
 *     lossValue = loss.item();
 * } // every intermediate goes back to the backend's pool here
 * }</pre>
 *
 * Scopes must be closed in the reverse order of opening, on the thread that opened them.
 */
public final class TensorScope implements AutoCloseable {
    /**
     * A thread's innermost open scope, and the emptied lists of its closed scopes: the next scopes
     * it opens reuse them (a training step opens one scope per backward rule, and its outer scope
     * owns thousands of tensors), so that a warm step does not regrow them.
     */
    private static final class PerThread {
        TensorScope current;
        final ArrayDeque<ArrayList<Tensor>> spareLists = new ArrayDeque<>();
    }

    private static final ThreadLocal<PerThread> THREAD = ThreadLocal.withInitial(PerThread::new);
    private static final int MAX_SPARE_LISTS = 64;

    private final TensorScope parent;
    private final PerThread home;
    private final Thread thread;
    private ArrayList<Tensor> owned;
    private boolean closed;

    private TensorScope(PerThread home) {
        this.parent = home.current;
        this.home = home;
        this.thread = Thread.currentThread();
        this.owned = spareList(home);
    }

    private static ArrayList<Tensor> spareList(PerThread home) {
        ArrayList<Tensor> spare = home.spareLists.poll();
        return spare != null ? spare : new ArrayList<>();
    }

    public static TensorScope open() {
        PerThread home = THREAD.get();
        TensorScope s = new TensorScope(home);
        home.current = s;
        return s;
    }

    /**
     * {@code closed} opened again when it is a closed scope of this thread whose parent is the
     * innermost open scope, else a new scope: for {@link Autograd}, which opens one scope per
     * backward rule, all with the same parent.
     */
    static TensorScope openAgain(TensorScope closed) {
        if (closed == null || !closed.closed || closed.thread != Thread.currentThread()
                || closed.home.current != closed.parent) {
            return open();
        }
        closed.owned = spareList(closed.home);
        closed.closed = false;
        closed.home.current = closed;
        return closed;
    }

    /** Moves {@code t} (if this scope owns it) to the enclosing scope; returns {@code t}. */
    public <T extends Tensor> T keep(T t) {
        if (t != null && t.scope == this) {
            t.scope = null;
            if (parent != null && !parent.closed) {
                parent.adopt(t);
            }
        }
        return t;
    }

    /**
     * Takes {@code t} out of whatever scope owns it: the caller now owns it (state created
     * lazily inside a training step, such as a cache that must outlive the step). Returns {@code t}.
     */
    public static <T extends Tensor> T escape(T t) {
        if (t != null) {
            t.scope = null;
        }
        return t;
    }

    /** Number of live tensors this scope owns (for tests and diagnostics). */
    public int size() {
        if (closed) {
            return 0;
        }
        int n = 0;
        for (Tensor t : owned) {
            if (t.scope == this && !t.isClosed()) {
                n++;
            }
        }
        return n;
    }

    static void register(Tensor t) {
        TensorScope s = THREAD.get().current;
        if (s != null) {
            s.adopt(t);
        }
    }

    /** Removes {@code t} from whatever scope owns it. */
    static void disown(Tensor t) {
        t.scope = null;
    }

    private void adopt(Tensor t) {
        t.scope = this;
        owned.add(t);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("TensorScope closed on another thread than the one that opened it");
        }
        if (home.current != this) {
            throw new IllegalStateException("TensorScope closed out of order: an inner scope is still open");
        }
        closed = true;
        home.current = parent;
        RuntimeException first = null;
        for (int i = 0; i < owned.size(); i++) {
            Tensor t = owned.get(i);
            if (t.scope == this) {
                t.scope = null;
                try {
                    t.close();
                } catch (RuntimeException e) {
                    if (first == null) {
                        first = e;
                    }
                }
            }
        }
        owned.clear();
        if (home.spareLists.size() < MAX_SPARE_LISTS) {
            home.spareLists.push(owned);
        }
        if (first != null) {
            throw first;
        }
    }
}
