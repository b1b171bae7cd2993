package iern.engine;

/**
 * The counter-based generator behind {@link Backend#randomUniform}: element {@code i} of a
 * stream with seed {@code s} is {@code splitmix64(s * 0x9E3779B97F4A7C15 + i)}, top 24 bits
 * scaled to [0, 1). Simple enough to write identically in OpenCL C and CUDA.
 */
public final class RandomBits {
    private RandomBits() {}

    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public static float uniform(long seed, long index) {
        long bits = mix(seed * 0x9E3779B97F4A7C15L + index);
        return (bits >>> 40) * 0x1.0p-24f;
    }
}
