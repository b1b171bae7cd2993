package iern.engine.optim;

/**
 * Cosine annealing from the full rate to {@code minFactor} of it over {@code tMax} epochs:
 * {@code min + (1 - min) (1 + cos(pi * epoch / tMax)) / 2} (the closed form of PyTorch's
 * CosineAnnealingLR with {@code eta_min = minFactor * lr}), held at {@code min} after tMax.
 */
public record CosineLr(int tMax, double minFactor) implements LrSchedule {

    public CosineLr {
        if (tMax < 1 || !(minFactor >= 0 && minFactor <= 1)) {
            throw new IllegalArgumentException("CosineLr: invalid tMax " + tMax + " or minFactor " + minFactor);
        }
    }

    @Override
    public double factor(int epoch) {
        int e = Math.min(Math.max(epoch, 0), tMax);
        return minFactor + (1 - minFactor) * (1 + Math.cos(Math.PI * e / tMax)) / 2;
    }
}
