package iern.engine.optim;

import iern.engine.Backend;
import iern.engine.FloatArray;
import iern.engine.Storage;
import iern.engine.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters from their gradients, group by group. Each group has its own learning
 * rate (a group at lr 0 is frozen: it is skipped entirely, moments included, which leaves its
 * parameters exactly as PyTorch's lr-0 group would) and a gradient scale; a single parameter
 * may override the scale (IERN multiplies the confounder centres' gradient by 1/5e-4 so that
 * the loss coefficient shapes the features but not the centres). The scale is applied inside
 * the fused kernel, before weight decay is added.
 *
 * <p>Per-parameter state (moments, momentum buffers) lives in raw backend {@link Storage}
 * allocated on a parameter's first update, outside any {@link iern.engine.TensorScope}, and
 * released by {@link #close()}. {@link #stateToHost()} and {@link #loadState} save and restore
 * it (with step counts and learning rates) for resuming from a checkpoint.
 */
public abstract class Optimizer implements AutoCloseable {

    /** Parameters sharing a learning rate and a gradient scale. */
    public static final class ParamGroup {
        private final String name;
        private final List<Tensor> params;
        private final double baseLr;
        private double lr;
        private float gradScale = 1f;

        ParamGroup(String name, List<Tensor> params, double lr) {
            this.name = name;
            this.params = List.copyOf(params);
            setLr(lr);
            this.baseLr = lr;
        }

        public String name() { return name; }

        public List<Tensor> params() { return params; }

        /** The learning rate given at creation; schedules scale this one. */
        public double baseLr() { return baseLr; }

        /** The learning rate the next {@link Optimizer#step()} uses. */
        public double lr() { return lr; }

        public ParamGroup setLr(double lr) {
            if (!(lr >= 0) || Double.isInfinite(lr)) {
                throw new IllegalArgumentException("group '" + name + "': invalid learning rate " + lr);
            }
            this.lr = lr;
            return this;
        }

        public float gradScale() { return gradScale; }

        /** Multiplies every gradient of this group by {@code scale} before the update; returns this. */
        public ParamGroup setGradScale(float scale) {
            if (!Float.isFinite(scale)) {
                throw new IllegalArgumentException("group '" + name + "': invalid gradient scale " + scale);
            }
            this.gradScale = scale;
            return this;
        }
    }

    /** Per-parameter state: step count and the kernel's buffers. */
    protected static final class ParamState {
        int step;
        final Storage[] buffers;

        ParamState(Storage[] buffers) {
            this.buffers = buffers;
        }
    }

    private final List<ParamGroup> groups = new ArrayList<>();
    private final Map<Tensor, ParamGroup> groupOf = new IdentityHashMap<>();
    private final Map<Tensor, Float> paramScale = new IdentityHashMap<>();
    private final Map<Tensor, ParamState> state = new IdentityHashMap<>();
    private boolean closed;

    /** Number of state buffers per parameter and their names in saved state. */
    protected abstract String[] bufferNames();

    /** Applies one update to {@code p} (which has a gradient) with its state. */
    protected abstract void update(Tensor p, ParamState s, double lr, float gradScale);

    /** Adds a group; a parameter may belong to one group only. Returns the group. */
    public final ParamGroup addGroup(String name, List<Tensor> params, double lr) {
        checkOpen();
        for (ParamGroup g : groups) {
            if (g.name.equals(name)) {
                throw new IllegalArgumentException("optimizer already has a group '" + name + "'");
            }
        }
        for (Tensor p : params) {
            if (!p.isLeaf()) {
                throw new IllegalArgumentException("group '" + name + "': parameter " + p + " is not a leaf tensor");
            }
            ParamGroup other = groupOf.get(p);
            if (other != null) {
                throw new IllegalArgumentException("group '" + name + "': a parameter of shape "
                        + java.util.Arrays.toString(p.shape()) + " is already in group '" + other.name + "'");
            }
        }
        ParamGroup made = new ParamGroup(name, params, lr);
        groups.add(made);
        for (Tensor p : params) {
            groupOf.put(p, made);
        }
        return made;
    }

    public final List<ParamGroup> groups() {
        return Collections.unmodifiableList(groups);
    }

    public final ParamGroup group(String name) {
        for (ParamGroup g : groups) {
            if (g.name.equals(name)) {
                return g;
            }
        }
        throw new IllegalArgumentException("no parameter group '" + name + "'; groups: "
                + groups.stream().map(ParamGroup::name).toList());
    }

    /** Scales the gradient of this one parameter (overriding its group's scale). */
    public final void setGradScale(Tensor param, float scale) {
        if (!groupOf.containsKey(param)) {
            throw new IllegalArgumentException("setGradScale: parameter of shape "
                    + java.util.Arrays.toString(param.shape()) + " is in no group of this optimizer");
        }
        if (!Float.isFinite(scale)) {
            throw new IllegalArgumentException("setGradScale: invalid scale " + scale);
        }
        paramScale.put(param, scale);
    }

    /** Sets every group's learning rate to its base rate times {@code schedule.factor(epoch)}. */
    public final void applySchedule(LrSchedule schedule, int epoch) {
        double f = schedule.factor(epoch);
        for (ParamGroup g : groups) {
            g.setLr(g.baseLr * f);
        }
    }

    /** Clears the gradients of every parameter in every group. */
    public final void zeroGrad() {
        for (ParamGroup g : groups) {
            for (Tensor p : g.params) {
                p.zeroGrad();
            }
        }
    }

    /** One update of every parameter that has a gradient, in groups whose learning rate is not 0. */
    public final void step() {
        checkOpen();
        for (ParamGroup g : groups) {
            if (g.lr == 0) {
                continue;
            }
            for (Tensor p : g.params) {
                if (p.grad() == null) {
                    continue;
                }
                Float own = paramScale.get(p);
                update(p, stateOf(p), g.lr, own != null ? own : g.gradScale);
            }
        }
    }

    private ParamState stateOf(Tensor p) {
        ParamState s = state.get(p);
        if (s == null) {
            Backend b = p.backend();
            Storage[] bufs = new Storage[bufferNames().length];
            for (int i = 0; i < bufs.length; i++) {
                bufs[i] = b.allocate(p.numel());
            }
            s = new ParamState(bufs);
            state.put(p, s);
        }
        return s;
    }

    /** Number of updates {@code p} has received. */
    public final int stepCount(Tensor p) {
        ParamState s = state.get(p);
        return s == null ? 0 : s.step;
    }

    // ---------------------------------------------------------------- state save and load

    /**
     * The state by name: {@code <group>.lr}, and per parameter that has been updated
     * {@code <group>.<index>.step} and {@code <group>.<index>.<buffer>}.
     */
    public final Map<String, FloatArray> stateToHost() {
        Map<String, FloatArray> out = new LinkedHashMap<>();
        for (ParamGroup g : groups) {
            out.put(g.name + ".lr", FloatArray.of((float) g.lr));
            for (int i = 0; i < g.params.size(); i++) {
                Tensor p = g.params.get(i);
                ParamState s = state.get(p);
                if (s == null) {
                    continue;
                }
                out.put(g.name + "." + i + ".step", FloatArray.of(s.step));
                for (int k = 0; k < s.buffers.length; k++) {
                    float[] v = new float[Math.toIntExact(p.numel())];
                    p.backend().read(s.buffers[k], 0, v, 0, v.length);
                    out.put(g.name + "." + i + "." + bufferNames()[k], new FloatArray(p.shape(), v));
                }
            }
        }
        return out;
    }

    /**
     * Throws an {@link IllegalArgumentException} listing every problem that would make
     * {@link #loadState} fail for {@code saved} (missing, unexpected or misshapen entries, step
     * counts that are not positive integers); does nothing else.
     */
    public final void checkState(Map<String, FloatArray> saved) {
        checkOpen();
        List<String> problems = new ArrayList<>();
        java.util.Set<String> known = new java.util.HashSet<>();
        for (ParamGroup g : groups) {
            known.add(g.name + ".lr");
            FloatArray lr = saved.get(g.name + ".lr");
            if (lr == null || lr.size() != 1 || !(lr.data()[0] >= 0)) {
                problems.add("missing or invalid " + g.name + ".lr");
            }
            for (int i = 0; i < g.params.size(); i++) {
                String prefix = g.name + "." + i + ".";
                known.add(prefix + "step");
                FloatArray step = saved.get(prefix + "step");
                int[] shape = g.params.get(i).shape();
                for (String b : bufferNames()) {
                    known.add(prefix + b);
                    FloatArray buf = saved.get(prefix + b);
                    if (step != null && buf == null) {
                        problems.add("missing " + prefix + b);
                    } else if (step == null && buf != null) {
                        problems.add(prefix + b + " without " + prefix + "step");
                    } else if (buf != null && !java.util.Arrays.equals(buf.shape(), shape)) {
                        problems.add(prefix + b + " has shape " + java.util.Arrays.toString(buf.shape())
                                + ", parameter has " + java.util.Arrays.toString(shape));
                    }
                }
                if (step != null && (step.size() != 1 || step.data()[0] < 1 || step.data()[0] != Math.rint(step.data()[0]))) {
                    problems.add(prefix + "step is not a positive integer");
                }
            }
        }
        for (String k : saved.keySet()) {
            if (!known.contains(k)) {
                problems.add("unexpected " + k);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".loadState failed: " + problems);
        }
    }

    /**
     * Restores what {@link #stateToHost()} saved, for the same groups and parameters. Everything
     * is checked first (see {@link #checkState}), so a failed load changes nothing.
     */
    public final void loadState(Map<String, FloatArray> saved) {
        checkState(saved);
        for (ParamGroup g : groups) {
            g.setLr(saved.get(g.name + ".lr").data()[0]);
            for (int i = 0; i < g.params.size(); i++) {
                Tensor p = g.params.get(i);
                FloatArray step = saved.get(g.name + "." + i + ".step");
                ParamState old = state.remove(p);
                if (old != null) {
                    for (Storage st : old.buffers) {
                        st.close();
                    }
                }
                if (step == null) {
                    continue;
                }
                ParamState s = stateOf(p);
                s.step = (int) step.data()[0];
                for (int k = 0; k < s.buffers.length; k++) {
                    float[] v = saved.get(g.name + "." + i + "." + bufferNames()[k]).data();
                    p.backend().write(s.buffers[k], 0, v, 0, v.length);
                }
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(getClass().getSimpleName() + " used after close()");
        }
    }

    /** Releases the state buffers. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (ParamState s : state.values()) {
            for (Storage st : s.buffers) {
                st.close();
            }
        }
        state.clear();
    }
}
