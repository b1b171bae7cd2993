"""Benchmark shapes shared by the reference scripts and the table (mirror of iern.bench.BenchShapes)."""

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
