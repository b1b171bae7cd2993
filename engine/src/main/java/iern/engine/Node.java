package iern.engine;

/**
 * One recorded op in the autograd graph: its name, its inputs and the rule that maps the
 * gradient of its output to gradients of its inputs. The rule runs with recording off and
 * may return null for an input that needs no gradient.
 */
final class Node {
    final String op;
    final Tensor[] inputs;
    private KernelOp.Backward rule;

    Node(String op, Tensor[] inputs, KernelOp.Backward rule) {
        this.op = op;
        this.inputs = inputs;
        this.rule = rule;
    }

    KernelOp.Backward rule() {
        if (rule == null) {
            throw new IllegalStateException("backward: the graph through '" + op + "' was already freed by an "
                    + "earlier backward(); call backward(true) the first time to keep it");
        }
        return rule;
    }

    /** Drops the rule (and with it the tensors it captured). */
    void free() {
        rule = null;
    }
}
