package iern.engine.nn;

import iern.engine.Tensor;

/** Logistic sigmoid 1 / (1 + exp(-x)). */
public class Sigmoid extends Module {

    @Override
    public Tensor forward(Tensor x) {
        return x.sigmoid();
    }
}
