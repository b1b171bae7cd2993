package iern.engine.nn;

import iern.engine.Tensor;

/** Hyperbolic tangent. */
public class Tanh extends Module {

    @Override
    public Tensor forward(Tensor x) {
        return x.tanh();
    }
}
