package iern.engine.nn;

import iern.engine.Tensor;

/** Merges every axis from {@code startDim} on into one (default 1: {@code [n, c, h, w] -> [n, c*h*w]}). */
public class Flatten extends Module {

    public final int startDim;

    public Flatten() {
        this(1);
    }

    public Flatten(int startDim) {
        this.startDim = startDim;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.flatten(startDim);
    }
}
