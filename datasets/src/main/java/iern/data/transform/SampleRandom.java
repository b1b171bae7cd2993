package iern.data.transform;

/**
 * SplitMix64, re-seedable in place: every sample gets its own stream from its seed without allocating a
 * generator per sample.
 */
public final class SampleRandom {
    private long state;

    public SampleRandom(long seed) {
        state = seed;
    }

    public SampleRandom reseed(long seed) {
        state = seed;
        return this;
    }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    public double nextDouble(double lo, double hi) {
        return lo + (hi - lo) * nextDouble();
    }

    public boolean nextBoolean() {
        return nextLong() < 0;
    }

    /** Uniform in [0, bound), without modulo bias. */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive");
        long r = (nextLong() >>> 33) * bound;
        return (int) (r >>> 31);
    }

    /** Standard normal (Box-Muller from two uniforms; one value per call, no cached spare). */
    public double nextGaussian() {
        double u = 1 - nextDouble(); // (0, 1]
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * nextDouble());
    }
}
