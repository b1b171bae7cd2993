package iern.engine.optim;

/** Multiplies the rate by {@code gamma} every {@code stepSize} epochs: {@code gamma^floor(epoch / stepSize)} (PyTorch's StepLR). */
public record StepLr(int stepSize, double gamma) implements LrSchedule {

    public StepLr {
        if (stepSize < 1 || !(gamma > 0)) {
            throw new IllegalArgumentException("StepLr: invalid stepSize " + stepSize + " or gamma " + gamma);
        }
    }

    @Override
    public double factor(int epoch) {
        return Math.pow(gamma, Math.floorDiv(epoch, stepSize));
    }
}
