"""Benchmark shapes shared by the reference scripts, run.sh and the table (mirror of iern.bench.BenchShapes)."""

# name -> (n, c_in, h, w, c_out, k, stride, pad)
CONV = {
    "iern_3x3_512_512": (8, 512, 7, 7, 512, 3, 1, 1),
    "iern_3x3_1024_512": (8, 1024, 7, 7, 512, 3, 1, 1),
    "dis_4x4s2_512_512": (8, 512, 7, 7, 512, 4, 2, 1),
    "dis_1x1_512_256": (8, 512, 3, 3, 256, 1, 1, 0),
    "dis_1x1_256_128": (8, 256, 3, 3, 128, 1, 1, 0),
    "dis_1x1_128_64": (8, 128, 3, 3, 64, 1, 1, 0),
    "base_1x1_512_512": (8, 512, 7, 7, 512, 1, 1, 0),
    "r18_stem_7x7s2": (8, 3, 224, 224, 64, 7, 2, 3),
    "r18_l1_3x3_64": (8, 64, 56, 56, 64, 3, 1, 1),
    "r18_l2_3x3_128": (8, 128, 28, 28, 128, 3, 1, 1),
    "r18_l3_3x3_256": (8, 256, 14, 14, 256, 3, 1, 1),
    "r18_l4_3x3_512": (8, 512, 7, 7, 512, 3, 1, 1),
    "r18_l2_down_3x3s2": (8, 64, 56, 56, 128, 3, 2, 1),
}

GEMM = ["512x512x512", "1024x1024x1024", "2048x2048x2048", "512x392x4608", "512x392x9216",
        "4608x392x512", "512x4608x392", "512x72x8192"]


# NormOptimBench: activation name -> (n, c, size) of [n, c, size, size]; Adam updates one
# 3x3 512->512 conv weight.
ACTIVATION = {
    "r18_stem": (8, 64, 112),
    "r18_l1": (8, 64, 56),
    "iern_7": (24, 512, 7),
}
ADAM_PARAMS = 512 * 512 * 9
POOL = (3, 2, 1)  # kernel, stride, pad of ResNet's max pool
NORM_OPS = ["batchNormForward", "batchNormBackward", "reluBackward", "maxPool", "adam"]

# AttentionBench: name -> (b, lq, lk, d, dv), scale 1/sqrt(d), no mask.
ATTENTION = {
    "nwgm_7": (1, 8, 3, 64, 512 * 7 * 7),
    "nwgm_2": (1, 8, 3, 64, 512 * 2 * 2),
    "self_7x7_h8": (64, 49, 49, 64, 64),
}

# InterventionBench: name -> (n, k, d, weights per item, strata per item).
INTERVENTION = {
    "logits_k3": (1, 3, 8 * 6, False, False),
    "nwgm_7": (8, 3, 512 * 7 * 7, True, False),
    "nwgm_2": (8, 3, 512 * 2 * 2, True, False),
    "per_item_16x8_7": (16, 8, 512 * 7 * 7, True, True),
}

# The whole IERN iteration (bench IernIterationTiming, torch/iern_iteration.py): name -> image size.
ITERATION = {"r18_64": 64, "r18_224": 224, "r50_224": 224}


def conv_out(size, k, stride, pad):
    return (size + 2 * pad - (k - 1) - 1) // stride + 1


def conv_flops(name):
    """Forward FLOPs: 2 * N * Cout * OH * OW * Cin * K * K."""
    n, ci, h, w, co, k, s, p = CONV[name]
    return 2.0 * n * co * conv_out(h, k, s, p) * conv_out(w, k, s, p) * ci * k * k


def gemm_flops(shape):
    m, n, k = (int(v) for v in shape.split("x"))
    return 2.0 * m * n * k

CONV_ORDER = list(CONV)
ACTIVATION_ORDER = list(ACTIVATION)
ATTENTION_ORDER = list(ATTENTION)
INTERVENTION_ORDER = list(INTERVENTION)
ITERATION_ORDER = list(ITERATION)
