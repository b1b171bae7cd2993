package iern.bench;

import iern.engine.ConvShape;

/** The shapes the suites time, by name; bench/torch/shapes.py mirrors them for the reference scripts. */
public final class BenchShapes {

    private BenchShapes() {}

    public static ConvShape conv(String name) {
        return switch (name) {
            // IERN heads on the 512x7x7 backbone feature, batch 8.
            case "iern_3x3_512_512" -> ConvShape.of(8, 512, 7, 7, 512, 3, 1, 1);
            case "iern_3x3_1024_512" -> ConvShape.of(8, 1024, 7, 7, 512, 3, 1, 1);
            case "dis_4x4s2_512_512" -> ConvShape.of(8, 512, 7, 7, 512, 4, 2, 1);
            case "dis_1x1_512_256" -> ConvShape.of(8, 512, 3, 3, 256, 1, 1, 0);
            case "dis_1x1_256_128" -> ConvShape.of(8, 256, 3, 3, 128, 1, 1, 0);
            case "dis_1x1_128_64" -> ConvShape.of(8, 128, 3, 3, 64, 1, 1, 0);
            case "base_1x1_512_512" -> ConvShape.of(8, 512, 7, 7, 512, 1, 1, 0);
            // ResNet-18 at 224x224, batch 8: the stem and one 3x3 conv per stage.
            case "r18_stem_7x7s2" -> ConvShape.of(8, 3, 224, 224, 64, 7, 2, 3);
            case "r18_l1_3x3_64" -> ConvShape.of(8, 64, 56, 56, 64, 3, 1, 1);
            case "r18_l2_3x3_128" -> ConvShape.of(8, 128, 28, 28, 128, 3, 1, 1);
            case "r18_l3_3x3_256" -> ConvShape.of(8, 256, 14, 14, 256, 3, 1, 1);
            case "r18_l4_3x3_512" -> ConvShape.of(8, 512, 7, 7, 512, 3, 1, 1);
            case "r18_l2_down_3x3s2" -> ConvShape.of(8, 64, 56, 56, 128, 3, 2, 1);
            default -> throw new IllegalArgumentException("unknown conv shape '" + name + "'");
        };
    }

    /** A batch-norm / pooling activation {@code [n, c, size, size]}. */
    public record Activation(int n, int c, int size) {}

    /** The activations NormOptimBench runs batch norm, ReLU backward and max pooling on. */
    public static Activation activation(String name) {
        return switch (name) {
            case "r18_stem" -> new Activation(8, 64, 112);  // ResNet-18's first batch norm, the max pool input
            case "r18_l1" -> new Activation(8, 64, 56);     // layer 1
            case "iern_7" -> new Activation(24, 512, 7);    // the heads at 224 px, 3 strata batched
            default -> throw new IllegalArgumentException("unknown activation shape '" + name + "'");
        };
    }

    /** Attention {@code q [b, lq, d]}, {@code k [b, lk, d]}, {@code v [b, lk, dv]}, scale 1/sqrt(d). */
    public record Attention(int b, int lq, int lk, int d, int dv) {}

    public static Attention attention(String name) {
        return switch (name) {
            // IERN's attention intervention (NWGM): softmax(q(e) k(z)^T / sqrt(64)) over the K = 3
            // strata for the 8 images, then the strata z [3, 512*f*f] mixed by those weights;
            // f = 7 at 224 px, 2 at 64 px. The model does it as matmul + softmax + intervention,
            // which is this op's arithmetic.
            case "nwgm_7" -> new Attention(1, 8, 3, 64, 512 * 7 * 7);
            case "nwgm_2" -> new Attention(1, 8, 3, 64, 512 * 2 * 2);
            // A larger, ordinary case: self-attention over the 7x7 = 49 positions of a 512-channel
            // feature, 8 heads of 64, batch 8 (heads folded into the batch as the engine does).
            case "self_7x7_h8" -> new Attention(64, 49, 49, 64, 64);
            default -> throw new IllegalArgumentException("unknown attention shape '" + name + "'");
        };
    }

    /**
     * Intervention {@code out[i] = sum_j w[i, j] z_i[j]} over {@code n} items, {@code k} strata
     * of {@code d} values; weights and strata either per item or shared by all items (batch stride 0).
     */
    public record Intervention(int n, int k, int d, boolean weightsPerItem, boolean strataPerItem) {
        public int weightsSize() { return weightsPerItem ? n * k : k; }
        public int strataSize() { return strataPerItem ? n * k * d : k * d; }
        public long weightsStride() { return weightsPerItem ? k : 0; }
        public long strataStride() { return strataPerItem ? (long) k * d : 0; }
    }

    public static Intervention intervention(String name) {
        return switch (name) {
            // uniform / prior: the K = 3 strata's logits [3, 8 images * 6 emotions] mixed by one shared weight vector.
            case "logits_k3" -> new Intervention(1, 3, 8 * 6, false, false);
            // attention: per-image weights [8, 3] over the shared confounder memory [3, 512*f*f].
            case "nwgm_7" -> new Intervention(8, 3, 512 * 7 * 7, true, false);
            case "nwgm_2" -> new Intervention(8, 3, 512 * 2 * 2, true, false);
            // A larger case with strata of its own per item: 16 items, 8 strata of 512x7x7.
            case "per_item_16x8_7" -> new Intervention(16, 8, 512 * 7 * 7, true, true);
            default -> throw new IllegalArgumentException("unknown intervention shape '" + name + "'");
        };
    }

    /** "MxNxK" -> {m, n, k}. */
    public static int[] gemm(String shape) {
        String[] p = shape.split("x");
        if (p.length != 3) {
            throw new IllegalArgumentException("gemm shape '" + shape + "' is not MxNxK");
        }
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2])};
    }
}
