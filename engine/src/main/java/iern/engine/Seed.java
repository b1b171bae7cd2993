package iern.engine;

/**
 * The seed of a random tensor factory, a type of its own so that it cannot be mistaken for a
 * dimension: {@code Tensor.randn(Seed.of(7), 256, 20)} is a [256, 20] tensor of seed 7, and
 * {@code Tensor.randn(Seed.of(256), 20)} does not compile. Any {@code long} is a valid seed; element
 * {@code i} of seed {@code s} is the same on every backend and thread count ({@link RandomBits}).
 */
public record Seed(long value) {

    public static Seed of(long value) {
        return new Seed(value);
    }
}
