package iern.engine.nn;

import iern.engine.FloatArray;
import iern.engine.Grad;
import iern.engine.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A piece of a network: named parameters (leaves that require gradients), named buffers
 * (state that is saved but not trained, e.g. BatchNorm running statistics) and named child
 * modules. Names of nested entries are dotted paths ({@code "1.weight"},
 * {@code "blocks.0.bn.running_mean"}) in registration order, the same names PyTorch gives the
 * same structure, so fixtures and checkpoints line up by name.
 *
 * <p>Parameters and buffers are owned by the module (created outside any
 * {@link iern.engine.TensorScope}); loading a state copies values into them in place, so
 * references held by an optimiser stay valid.
 */
public abstract class Module {

    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /**
     * The single-input forward pass. Modules with other inputs (two tensors, a tensor and a
     * group count) add their own methods and may leave this unsupported.
     */
    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no single-input forward");
    }

    // ---------------------------------------------------------------- registration

    /** Registers {@code t} as a parameter called {@code name} (marks it as requiring a gradient); returns it. */
    protected final Tensor registerParameter(String name, Tensor t) {
        checkName(name);
        if (!t.isLeaf()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": parameter '" + name
                    + "' must be a leaf tensor, not the result of '" + t.gradFn() + "'");
        }
        t.requiresGrad(true);
        parameters.put(name, t);
        return t;
    }

    /** Registers {@code t} as a buffer: saved and loaded with the state, never given to an optimiser. */
    protected final Tensor registerBuffer(String name, Tensor t) {
        checkName(name);
        buffers.put(name, t);
        return t;
    }

    /** Registers a child module under {@code name}; returns it. */
    protected final <M extends Module> M registerModule(String name, M child) {
        checkName(name);
        if (child == this) {
            throw new IllegalArgumentException("a module cannot be its own child");
        }
        children.put(name, child);
        return child;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid name '" + name
                    + "' (non-empty, no dots: dots separate nesting levels)");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": name '" + name + "' already used");
        }
    }

    // ---------------------------------------------------------------- traversal

    /** Direct children in registration order. */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** This module (name "") and every descendant, depth first, by dotted name. */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String name, Map<String, Module> out) {
        out.put(name, this);
        for (Map.Entry<String, Module> c : children.entrySet()) {
            c.getValue().collectModules(name.isEmpty() ? c.getKey() : name + "." + c.getKey(), out);
        }
    }

    /** Every parameter of this module and its descendants, by dotted name (shared tensors once). */
    public final Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, true, false);
        return out;
    }

    /** Every buffer of this module and its descendants, by dotted name. */
    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, false, true);
        return out;
    }

    /** The parameters in {@link #namedParameters()} order: what an optimiser is given. */
    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Parameters and buffers by dotted name: per module its parameters, then its buffers, then its children. */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, true, true);
        return out;
    }

    private void collect(String prefix, Map<String, Tensor> out, boolean params, boolean bufs) {
        if (params) {
            for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
                // A parameter shared between two places is trained once (named once), but saved
                // under both names, as PyTorch does.
                if (bufs || !out.containsValue(e.getValue())) {
                    out.put(prefix + e.getKey(), e.getValue());
                }
            }
        }
        if (bufs) {
            for (Map.Entry<String, Tensor> e : buffers.entrySet()) {
                out.put(prefix + e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, Module> c : children.entrySet()) {
            c.getValue().collect(prefix + c.getKey() + ".", out, params, bufs);
        }
    }

    /** Number of trainable scalars. */
    public final long parameterCount() {
        long n = 0;
        for (Tensor t : namedParameters().values()) {
            n += t.numel();
        }
        return n;
    }

    // ---------------------------------------------------------------- mode and gradients

    /** Training mode (batch statistics, dropout on) for this module and all descendants; returns this. */
    public Module train(boolean on) {
        training = on;
        for (Module c : children.values()) {
            c.train(on);
        }
        return this;
    }

    public final Module train() { return train(true); }

    /** Evaluation mode (running statistics, dropout off); returns this. */
    public final Module eval() { return train(false); }

    public final boolean isTraining() { return training; }

    /** Clears the gradient of every parameter. */
    public final void zeroGrad() {
        for (Tensor p : parameters.values()) {
            p.zeroGrad();
        }
        for (Module c : children.values()) {
            c.zeroGrad();
        }
    }

    /**
     * Sets {@code requiresGrad} on every parameter (freezing a sub-network when false). Walks
     * the modules without naming the parameters: a training step freezes and thaws sub-networks
     * every iteration.
     */
    public final void requiresGrad(boolean flag) {
        for (Tensor p : parameters.values()) {
            p.requiresGrad(flag);
        }
        for (Module c : children.values()) {
            c.requiresGrad(flag);
        }
    }

    // ---------------------------------------------------------------- state

    /** A host copy of {@link #stateDict()}, e.g. to write with {@link iern.engine.io.SafeTensors}. */
    public final Map<String, FloatArray> stateToHost() {
        Map<String, FloatArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : stateDict().entrySet()) {
            out.put(e.getKey(), new FloatArray(e.getValue().shape(), e.getValue().toArray()));
        }
        return out;
    }

    /** What {@link #loadStateDict} found: names the module expected but did not get, and the reverse. */
    public record LoadReport(List<String> missing, List<String> unexpected) {
        public boolean clean() {
            return missing.isEmpty() && unexpected.isEmpty();
        }
    }

    /**
     * Copies {@code state} into this module's parameters and buffers by dotted name. A shape
     * mismatch is always an error; with {@code strict}, so is any missing or unexpected name.
     * Everything is checked before anything is copied, so a failed load changes nothing. The
     * error lists every offending name.
     */
    public final LoadReport loadStateDict(Map<String, FloatArray> state, boolean strict) {
        Map<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            FloatArray src = state.get(e.getKey());
            if (src == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(src.shape(), e.getValue().shape())) {
                mismatched.add(e.getKey() + " (expected " + Arrays.toString(e.getValue().shape()) + ", got "
                        + Arrays.toString(src.shape()) + ")");
            }
        }
        List<String> unexpected = new ArrayList<>(new TreeSet<>(state.keySet()));
        unexpected.removeAll(own.keySet());
        if (!mismatched.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty()))) {
            StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append(".loadStateDict failed:");
            if (!mismatched.isEmpty()) {
                sb.append(" shape mismatch ").append(mismatched).append(';');
            }
            if (strict && !missing.isEmpty()) {
                sb.append(" missing ").append(missing).append(';');
            }
            if (strict && !unexpected.isEmpty()) {
                sb.append(" unexpected ").append(unexpected).append(';');
            }
            throw new IllegalArgumentException(sb.toString());
        }
        try (Grad g = Grad.off()) {
            for (Map.Entry<String, Tensor> e : own.entrySet()) {
                FloatArray src = state.get(e.getKey());
                if (src != null) {
                    e.getValue().write(src.data());
                }
            }
        }
        return new LoadReport(List.copyOf(missing), List.copyOf(unexpected));
    }

    /** Copies every parameter and buffer value from {@code other}, which must have the same structure. */
    public final void copyStateFrom(Module other) {
        loadStateDict(other.stateToHost(), true);
    }

    @Override
    public String toString() {
        return toString("");
    }

    private String toString(String indent) {
        StringBuilder sb = new StringBuilder(describe());
        if (!children.isEmpty()) {
            sb.append(" (\n");
            for (Map.Entry<String, Module> c : children.entrySet()) {
                sb.append(indent).append("  (").append(c.getKey()).append("): ")
                        .append(c.getValue().toString(indent + "  ")).append('\n');
            }
            sb.append(indent).append(')');
        }
        return sb.toString();
    }

    /** One line naming this module and its settings (without children). */
    protected String describe() {
        return getClass().getSimpleName();
    }
}
