package iern.bench;

import iern.engine.ConvShape;

/** The convolution shapes the suites time, by name (shared with bench/torch/conv_torch.py). */
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

    /** "MxNxK" -> {m, n, k}. */
    public static int[] gemm(String shape) {
        String[] p = shape.split("x");
        if (p.length != 3) {
            throw new IllegalArgumentException("gemm shape '" + shape + "' is not MxNxK");
        }
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2])};
    }
}
