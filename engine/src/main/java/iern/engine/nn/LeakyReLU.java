package iern.engine.nn;

import iern.engine.Tensor;

/** {@code x} for positive inputs, {@code slope * x} otherwise (IERN's discriminators use 0.01). */
public class LeakyReLU extends Module {

    public final float negativeSlope;

    /** PyTorch's default slope 0.01. */
    public LeakyReLU() {
        this(0.01f);
    }

    public LeakyReLU(float negativeSlope) {
        this.negativeSlope = negativeSlope;
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.leakyRelu(negativeSlope);
    }

    @Override
    protected String describe() {
        return "LeakyReLU(" + negativeSlope + ")";
    }
}
