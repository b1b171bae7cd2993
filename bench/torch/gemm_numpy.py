"""numpy float32 matmul (OpenBLAS through fair-reference) on the SGEMM suite's shapes.

Run: ../shared/bench/fair-reference THREADS /usr/bin/python3 bench/torch/gemm_numpy.py [shape...]
Prints one JSON line per shape: calls per second for each measured iteration.
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shapes import GEMM  # noqa: E402
from timing import measure  # noqa: E402

ITER_SECONDS = float(os.environ.get("REF_SECONDS", "1.0"))
ITERATIONS = int(os.environ.get("REF_ITERATIONS", "5"))


def main():
    shapes = sys.argv[1:] or GEMM
    rng = np.random.default_rng(1)
    for shape in shapes:
        m, n, k = (int(v) for v in shape.split("x"))
        a = rng.uniform(-1, 1, (m, k)).astype(np.float32)
        b = rng.uniform(-1, 1, (k, n)).astype(np.float32)
        c = np.empty((m, n), dtype=np.float32)
        np.matmul(a, b, out=c)
        sample = np.dot(a[0].astype(np.float64), b[:, 0].astype(np.float64))
        assert abs(c[0, 0] - sample) < 1e-3 * (1 + abs(sample)), "numpy matmul check failed"
        rates = measure(lambda: np.matmul(a, b, out=c), iterations=ITERATIONS, seconds=ITER_SECONDS)
        print(json.dumps({"suite": "gemm", "shape": shape, "op": "sgemm",
                          "threads": int(os.environ.get("OPENBLAS_NUM_THREADS", "0")),
                          "ops_per_s": rates, "impl": "numpy " + np.__version__}), flush=True)


if __name__ == "__main__":
    main()
