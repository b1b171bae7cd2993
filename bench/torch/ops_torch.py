"""PyTorch references for the memory-bound and small suites, on exactly their shapes:

  ops           NormOptimBench: training batch norm forward / backward, ReLU backward, 3x3/2 max
                pool (with indices, as a training step needs them), one Adam update of 512*512*9
                parameters (betas 0.5, 0.999; the faster of torch.optim.Adam's for-each and
                single-tensor forms, named in "impl")
  attention     AttentionBench: P = softmax(q k^T / sqrt(d)), out = P v; backward dq, dk, dv from P
  intervention  InterventionBench: out[i] = sum_j w[i, j] z_i[j]; backward dw, dz

The ops are called the way PyTorch's autograd calls them in a training step (aten kernels for
batch norm, threshold and softmax backward; bmm / mm for the products), without graph recording,
so both sides time the kernel work of one call. Each result is checked once in float64 before
it is timed.

Run: ../shared/bench/fair-reference THREADS /usr/bin/python3 bench/torch/ops_torch.py THREADS SUITE [shape...] [--no-adam]
Prints one JSON line per shape and op: calls per second for each measured iteration.
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shapes import ACTIVATION, ADAM_PARAMS, ATTENTION, INTERVENTION, POOL  # noqa: E402
from timing import measure  # noqa: E402

ITER_SECONDS = float(os.environ.get("REF_SECONDS", "1.0"))
ITERATIONS = int(os.environ.get("REF_ITERATIONS", "5"))
EPS = 1e-5


def uniform(*shape):
    return torch.empty(*shape).uniform_(-1, 1)


def check(what, got, want, tol):
    err = (got.double() - want).abs().max().item()
    scale = want.abs().max().item()
    if not err <= tol * (1 + scale):
        raise SystemExit(f"ops_torch.py: {what} check failed: max error {err:g} (scale {scale:g})")


# ----------------------------------------------------------------------------- ops

def ops_cases(name):
    n, c, size = ACTIVATION[name]
    x, gamma, beta, dy = uniform(n, c, size, size), uniform(c), uniform(c), uniform(n, c, size, size)
    y, mean, invstd = torch.ops.aten.native_batch_norm(x, gamma, beta, None, None, True, 0.1, EPS)
    xd = x.double()
    m = xd.mean((0, 2, 3), keepdim=True)
    v = xd.var((0, 2, 3), unbiased=False, keepdim=True)
    check("batch norm forward", y, (xd - m) / (v + EPS).sqrt() * gamma.double().view(1, -1, 1, 1)
          + beta.double().view(1, -1, 1, 1), 1e-4)
    dx = torch.empty_like(x)

    def bn_forward():
        torch.ops.aten.native_batch_norm(x, gamma, beta, None, None, True, 0.1, EPS)

    def bn_backward():
        torch.ops.aten.native_batch_norm_backward(dy, x, gamma, None, None, mean, invstd, True, EPS,
                                                  [True, True, True])

    def relu_backward():
        torch.ops.aten.threshold_backward.grad_input(dy, x, 0.0, grad_input=dx)

    relu_backward()
    check("relu backward", dx, torch.where(x > 0, dy, torch.zeros_like(dy)).double(), 0)
    k, s, p = POOL
    pooled, _ = torch.ops.aten.max_pool2d_with_indices(x, [k, k], [s, s], [p, p])
    check("max pool", pooled, F.max_pool2d(xd, k, s, p), 0)

    def max_pool():
        torch.ops.aten.max_pool2d_with_indices(x, [k, k], [s, s], [p, p])

    return [("batchNormForward", bn_forward, "aten native_batch_norm"),
            ("batchNormBackward", bn_backward, "aten native_batch_norm_backward"),
            ("reluBackward", relu_backward, "aten threshold_backward"),
            ("maxPool", max_pool, "aten max_pool2d_with_indices")]


def adam_case():
    """The faster of the two CPU forms torch 1.13 offers for one tensor (no fused CPU kernel)."""
    best = None
    for foreach in (False, True):
        p = torch.nn.Parameter(uniform(ADAM_PARAMS))
        p.grad = uniform(ADAM_PARAMS)
        opt = torch.optim.Adam([p], lr=2e-4, betas=(0.5, 0.999), eps=1e-8, foreach=foreach)
        p0, g = p.detach().double().clone(), p.grad.double()
        opt.step()
        # Step 1: m = (1-b1) g, v = (1-b2) g^2, bias-corrected, so the update is lr * g / (|g| + eps).
        check("adam", p.detach(), p0 - 2e-4 * g / (g.abs() + 1e-8), 1e-6)
        rate = max(measure(opt.step, warmup=1, iterations=2, seconds=min(ITER_SECONDS, 0.3)))
        if best is None or rate > best[0]:
            best = (rate, opt.step, f"torch.optim.Adam foreach={foreach}")
    return best[1], best[2]


# ----------------------------------------------------------------------------- attention

def attention_cases(name):
    b, lq, lk, d, dv = ATTENTION[name]
    scale = 1.0 / math.sqrt(d)
    q, k, v, g = uniform(b, lq, d), uniform(b, lk, d), uniform(b, lk, dv), uniform(b, lq, dv)
    kt, vt = k.transpose(1, 2), v.transpose(1, 2)

    def forward():
        p = torch.softmax(torch.bmm(q, kt).mul_(scale), -1)
        return p, torch.bmm(p, v)

    p, out = forward()

    def backward():
        dvo = torch.bmm(p.transpose(1, 2), g)
        ds = torch._softmax_backward_data(torch.bmm(g, vt), p, -1, p.dtype).mul_(scale)
        return torch.bmm(ds, k), torch.bmm(ds.transpose(1, 2), q), dvo

    dq, dk, dvo = backward()
    qd, kd, vd, gd = q.double().requires_grad_(), k.double().requires_grad_(), v.double().requires_grad_(), g.double()
    outd = torch.softmax(qd @ kd.transpose(1, 2) * scale, -1) @ vd
    outd.backward(gd)
    check("attention out", out, outd.detach(), 1e-4)
    check("attention dq", dq, qd.grad, 1e-4)
    check("attention dk", dk, kd.grad, 1e-4)
    check("attention dv", dvo, vd.grad, 1e-4)
    return [("forward", forward, "torch bmm+softmax+bmm"), ("backward", backward, "torch bmm+softmax_backward+bmm")]


# ----------------------------------------------------------------------------- intervention

def intervention_cases(name):
    n, k, d, w_per_item, z_per_item = INTERVENTION[name]
    w = uniform(n, k) if w_per_item else uniform(k)
    z = uniform(n, k, d) if z_per_item else uniform(k, d)
    g = uniform(n, d)
    # Weights broadcast over the items when shared, so both cases are one product per item.
    wn = w if w_per_item else w.expand(n, k)
    out = torch.empty(n, d)

    if z_per_item:
        def forward():
            torch.bmm(wn.unsqueeze(1), z, out=out.unsqueeze(1))

        def backward():
            dw = torch.bmm(z, g.unsqueeze(2)).squeeze(2)
            dz = wn.unsqueeze(2) * g.unsqueeze(1)
            return (dw if w_per_item else dw.sum(0)), dz
        impl = "torch bmm"
    else:
        def forward():
            torch.mm(wn, z, out=out)

        def backward():
            dw = torch.mm(g, z.t())
            dz = torch.mm(wn.t(), g)
            return (dw if w_per_item else dw.sum(0)), dz
        impl = "torch mm"

    forward()
    dw, dz = backward()
    wd, zd = w.double().requires_grad_(), z.double().requires_grad_()
    wnd = wd if w_per_item else wd.expand(n, k)
    outd = (wnd.unsqueeze(2) * (zd if z_per_item else zd.unsqueeze(0))).sum(1)
    outd.backward(g.double())
    check("intervention out", out, outd.detach(), 1e-5)
    check("intervention dw", dw, wd.grad, 1e-4)
    check("intervention dz", dz, zd.grad, 1e-5)
    return [("forward", forward, impl), ("backward", backward, impl)]


def main():
    threads, suite = int(sys.argv[1]), sys.argv[2]
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    table = {"ops": ACTIVATION, "attention": ATTENTION, "intervention": INTERVENTION}
    if suite not in table:
        raise SystemExit(f"ops_torch.py: suite '{suite}': expected one of {', '.join(table)}")
    # --no-adam: the Adam update does not depend on the ops shape; run.sh times it with the first one only.
    adam = "--no-adam" not in sys.argv[3:]
    names = [a for a in sys.argv[3:] if a != "--no-adam"] or list(table[suite])
    for name in names:
        if name not in table[suite]:
            raise SystemExit(f"ops_torch.py: unknown {suite} shape '{name}' (known: {', '.join(table[suite])})")
        # Built with grad mode on: the float64 checks use autograd; the timed inputs need no grad.
        cases = {"ops": ops_cases, "attention": attention_cases, "intervention": intervention_cases}[suite](name)
        if suite == "ops" and adam:
            step, impl = adam_case()
            cases.append(("adam", step, impl))
        for op, fn, impl in cases:
            with torch.no_grad():
                rates = measure(fn, iterations=ITERATIONS, seconds=ITER_SECONDS)
            print(json.dumps({"suite": suite, "shape": name, "op": op, "threads": threads, "ops_per_s": rates,
                              "impl": f"{impl}, torch {torch.__version__}"}), flush=True)


if __name__ == "__main__":
    main()
