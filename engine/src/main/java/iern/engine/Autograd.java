package iern.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records graph nodes and runs reverse-mode differentiation.
 *
 * <p>{@link #backward} sorts the graph iteratively (deep ResNet graphs would overflow a
 * recursive walk), then visits nodes from the output back. Each rule runs with recording off
 * inside its own {@link TensorScope}, so its temporaries are released at once; the gradient
 * of a node is released as soon as its rule has run. Leaves receive their gradient in
 * {@link Tensor#grad()} (added to an existing one), in a storage of their own.
 */
final class Autograd {
    private Autograd() {}

    /** Whether an op with this input must record a node (no argument array, unlike the varargs form). */
    static boolean needsGrad(Tensor a) {
        return Grad.enabled() && a != null && a.requiresGrad();
    }

    /** Whether an op with these inputs must record a node (no argument array). */
    static boolean needsGrad(Tensor a, Tensor b) {
        return Grad.enabled() && (a != null && a.requiresGrad() || b != null && b.requiresGrad());
    }

    /** Whether an op with these inputs must record a node (no argument array). */
    static boolean needsGrad(Tensor a, Tensor b, Tensor c) {
        return Grad.enabled() && (a != null && a.requiresGrad() || b != null && b.requiresGrad()
                || c != null && c.requiresGrad());
    }

    /** Whether an op with these inputs must record a node. */
    static boolean needsGrad(Tensor... inputs) {
        if (!Grad.enabled()) {
            return false;
        }
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /** Attaches a node to {@code out} when any input requires a gradient; returns {@code out}. */
    static Tensor record(String op, Tensor out, KernelOp.Backward rule, Tensor... inputs) {
        if (needsGrad(inputs)) {
            out.node = new Node(op, inputs, rule);
            out.markRequiresGrad();
        }
        return out;
    }

    static void backward(Tensor root, Tensor seed, boolean retain) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: tensor " + Arrays.toString(root.shapeRef())
                    + " does not require grad (no input of its graph has requiresGrad(true), or it was made under Grad.off())");
        }
        if (seed == null && root.numel() != 1) {
            throw new IllegalStateException("backward: output of shape " + Arrays.toString(root.shapeRef())
                    + " is not a single value; pass its gradient with backward(gradient, retain)");
        }
        if (seed != null && !Arrays.equals(seed.shapeRef(), root.shapeRef())) {
            throw new IllegalArgumentException("backward: gradient shape " + Arrays.toString(seed.shapeRef())
                    + " does not match output shape " + Arrays.toString(root.shapeRef()));
        }
        ArrayDeque<Walk> spare = WALKS.get();
        Walk walk = spare.isEmpty() ? new Walk() : spare.pop();
        try {
            run(root, seed, retain, walk);
        } finally {
            walk.clear();
            spare.push(walk);
        }
    }

    /**
     * The bookkeeping of one backward pass, kept per thread and reused by the next (a training
     * step runs several passes over graphs of thousands of nodes); a backward run inside a
     * backward rule takes another.
     */
    private static final class Walk {
        final ArrayList<Tensor> order = new ArrayList<>();
        final IdentityHashMap<Tensor, Boolean> seen = new IdentityHashMap<>();
        final ArrayDeque<Tensor> stack = new ArrayDeque<>();
        final IdentityHashMap<Tensor, Tensor> grads = new IdentityHashMap<>();
        // next[d]: the next input to visit of the tensor at depth d of the sort (one int per
        // level, not an int[] per node)
        int[] next = new int[64];

        void clear() {
            order.clear();
            seen.clear();
            stack.clear();
            grads.clear();
        }
    }

    private static final ThreadLocal<ArrayDeque<Walk>> WALKS = ThreadLocal.withInitial(ArrayDeque::new);

    private static void run(Tensor root, Tensor seed, boolean retain, Walk walk) {
        List<Tensor> order = topologicalOrder(root, walk);
        try (var noGrad = Grad.off(); var scope = TensorScope.open()) {
            Map<Tensor, Tensor> grads = walk.grads;
            TensorScope ruleScope = null;      // one scope, opened again for each rule
            grads.put(root, seed == null ? Tensor.full(root.backend(), 1f, root.shapeRef()) : seed.viewAs(seed.shapeRef()));
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Tensor g = grads.remove(t);
                if (g == null) {
                    continue;
                }
                if (t.node == null) {
                    accumulateLeaf(t, g);
                    continue;
                }
                Node node = t.node;
                Tensor[] gi;
                ruleScope = TensorScope.openAgain(ruleScope);
                try (var rs = ruleScope) {
                    gi = node.rule().grads(g);
                    for (int j = 0; j < gi.length; j++) {
                        if (gi[j] == null) {
                            continue;
                        }
                        // Every pending gradient must be its own tensor object, so each is closed exactly once.
                        boolean alias = gi[j] == g;
                        for (int p = 0; p < j && !alias; p++) {
                            alias = gi[p] == gi[j];
                        }
                        if (alias || gi[j].scope != ruleScope) {
                            gi[j] = gi[j].viewAs(gi[j].shapeRef());
                        }
                        ruleScope.keep(gi[j]);
                    }
                }
                g.close();
                if (!retain) {
                    node.free();
                }
                for (int j = 0; j < gi.length && j < node.inputs.length; j++) {
                    Tensor in = node.inputs[j];
                    if (gi[j] == null || in == null || !in.requiresGrad()) {
                        if (gi[j] != null) {
                            gi[j].close();
                        }
                        continue;
                    }
                    if (!Arrays.equals(gi[j].shapeRef(), in.shapeRef())) {
                        throw new IllegalStateException("backward rule of '" + node.op + "' gave a gradient of shape "
                                + Arrays.toString(gi[j].shapeRef()) + " for input " + j + " of shape "
                                + Arrays.toString(in.shapeRef()));
                    }
                    Tensor prev = grads.get(in);
                    if (prev == null) {
                        grads.put(in, gi[j]);
                    } else if (prev.exclusiveStorage()) {
                        prev.addInPlace(gi[j]);
                        gi[j].close();
                    } else {
                        grads.put(in, prev.add(gi[j]));
                        prev.close();
                        gi[j].close();
                    }
                }
            }
        }
    }

    private static void accumulateLeaf(Tensor leaf, Tensor g) {
        if (leaf.grad == null) {
            Tensor own = g.exclusiveStorage() ? g : g.add(0f);
            if (own != g) {
                g.close();
            }
            TensorScope.disown(own);
            leaf.grad = own;
        } else {
            leaf.grad.addInPlace(g);
            g.close();
        }
    }

    private static final Tensor[] NO_INPUTS = new Tensor[0];

    /** Tensors that need a gradient, inputs before the ops that use them. */
    private static List<Tensor> topologicalOrder(Tensor root, Walk walk) {
        List<Tensor> order = walk.order;
        Map<Tensor, Boolean> seen = walk.seen;
        ArrayDeque<Tensor> stack = walk.stack;
        int[] next = walk.next;
        int depth = 0;
        next[0] = 0;
        stack.push(root);
        seen.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Tensor t = stack.peek();
            Tensor[] inputs = t.node == null ? NO_INPUTS : t.node.inputs;
            boolean descended = false;
            while (next[depth] < inputs.length) {
                Tensor in = inputs[next[depth]++];
                if (in != null && in.requiresGrad() && !seen.containsKey(in)) {
                    seen.put(in, Boolean.TRUE);
                    stack.push(in);
                    if (++depth == next.length) {
                        next = Arrays.copyOf(next, 2 * next.length);
                        walk.next = next;
                    }
                    next[depth] = 0;
                    descended = true;
                    break;
                }
            }
            if (!descended) {
                stack.pop();
                depth--;
                order.add(t);
            }
        }
        return order;
    }
}
