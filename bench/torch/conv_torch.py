"""PyTorch conv2d forward and forward+backward (dX, dW, dBias) on the conv suite's shapes.

Run: ../shared/bench/fair-reference THREADS /usr/bin/python3 bench/torch/conv_torch.py THREADS [shape...]
Prints one JSON line per shape and pass: calls per second for each measured iteration.
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shapes import CONV  # noqa: E402
from timing import measure  # noqa: E402

ITER_SECONDS = float(os.environ.get("REF_SECONDS", "1.0"))
ITERATIONS = int(os.environ.get("REF_ITERATIONS", "5"))


def main():
    threads = int(sys.argv[1])
    torch.set_num_threads(threads)
    names = sys.argv[2:] or list(CONV)
    torch.manual_seed(1)
    for name in names:
        n, ci, h, w, co, k, s, p = CONV[name]
        x = torch.empty(n, ci, h, w).uniform_(-1, 1).requires_grad_(True)
        wt = torch.empty(co, ci, k, k).uniform_(-1, 1).requires_grad_(True)
        b = torch.empty(co).uniform_(-1, 1).requires_grad_(True)
        with torch.no_grad():
            y = F.conv2d(x, wt, b, stride=s, padding=p)
        dy = torch.empty_like(y).uniform_(-1, 1)

        def forward():
            with torch.no_grad():
                F.conv2d(x, wt, b, stride=s, padding=p)

        def forward_backward():
            x.grad = None
            wt.grad = None
            b.grad = None
            F.conv2d(x, wt, b, stride=s, padding=p).backward(dy)

        for op, fn in (("forward", forward), ("forwardBackward", forward_backward)):
            rates = measure(fn, iterations=ITERATIONS, seconds=ITER_SECONDS)
            print(json.dumps({"suite": "conv", "shape": name, "op": op, "threads": threads,
                              "ops_per_s": rates, "impl": "torch " + torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
