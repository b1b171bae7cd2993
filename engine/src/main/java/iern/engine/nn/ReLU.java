package iern.engine.nn;

import iern.engine.Tensor;

/** Rectified linear unit, max(x, 0). */
public class ReLU extends Module {

    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }
}
