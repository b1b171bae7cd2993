#!/usr/bin/python3
"""Writes the PyTorch parity fixtures for the Java engine.

Run with Debian's python3-torch (PyTorch 1.13):

    /usr/bin/python3 engine/src/test/python/make_fixtures.py

Every op case stores its float32 inputs, a fixed random weight tensor `gout`, and the output
and the gradients of sum(output * gout) with respect to every input as PyTorch computes them
in float64 from those same float32 inputs (then rounded to float32).
The case's configuration (op name and arguments) is a JSON string in the file's
`__metadata__` under the case name, so the Java test needs no second copy of it.
Tensor names are `<case>/<role>`: `<case>/in.<arg>`, `<case>/out`, `<case>/gout`,
`<case>/grad.<arg>`, plus extra outputs such as `<case>/out.running_mean`.

The script also runs every case in float32 and prints how far PyTorch's own float32 result
is from the stored reference, in units of the Java tests' tolerance (1e-5 + 1e-5 |ref|):
what PyTorch itself achieves at the precision the engine works in.

The two training runs (adam_net, sgd_net) are recorded in float32, as PyTorch trains.

Files are written in the safetensors format with struct + json (no safetensors package).
"""
import json
import math
import os
import struct
import sys

import torch
import torch.nn.functional as F

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "fixtures")


def write_safetensors(path, tensors, metadata):
    """Format: u64 little-endian header length, JSON header, raw little-endian F32 data."""
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    blobs = []
    offset = 0
    for name, t in tensors.items():
        data = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


class Fixture:
    """One fixture file: tensors plus a JSON config per case."""

    def __init__(self, name):
        self.name = name
        self.tensors = {}
        self.meta = {}
        self.spread = []

    def put(self, key, t):
        if key in self.tensors:
            raise ValueError("duplicate tensor " + key)
        self.tensors[key] = t.detach().clone()

    def case(self, name, config, inputs, fn, consts=None):
        """Records fn(**inputs, **consts) and the gradients of sum(out * gout) for `inputs`.

        `inputs` are differentiable float tensors, `consts` are saved but get no gradient
        (class indices, for example). `fn` may return a tensor or a dict of tensors whose
        first entry is the differentiable output.
        """
        if name in self.meta:
            raise ValueError("duplicate case " + name)
        consts = consts or {}
        self.meta[name] = json.dumps(config, separators=(",", ":"))
        results = {}
        for dtype in (torch.float32, torch.float64):
            leaves = {k: v.detach().to(dtype).requires_grad_(True) for k, v in inputs.items()}
            cs = {k: (v.to(dtype) if v.is_floating_point() else v) for k, v in consts.items()}
            res = fn(**leaves, **cs)
            outs = res if isinstance(res, dict) else {"out": res}
            main = outs["out"]
            if dtype == torch.float32:
                gout = torch.randn(main.shape)
            main.backward(gout.to(dtype))
            results[dtype] = (outs, {k: v.grad for k, v in leaves.items()})
        outs, grads = results[torch.float32]
        outs64, grads64 = results[torch.float64]
        for k, v in inputs.items():
            self.put(f"{name}/in.{k}", v)
        for k, v in consts.items():
            self.put(f"{name}/in.{k}", v.to(torch.float32))
        # The stored reference is PyTorch's float64 result on the float32 inputs, rounded to
        # float32: the Java tolerance then absorbs only the engine's own rounding, not
        # PyTorch's as well. PyTorch's float32 result is measured against it (printed).
        for k, v in outs.items():
            self.put(f"{name}/{k}", outs64[k])
            self.note_spread(name, k, v, outs64[k])
        self.put(f"{name}/gout", gout)
        for k, g in grads.items():
            if g is None or grads64[k] is None:
                raise ValueError(f"{name}: input {k} got no gradient")
            self.put(f"{name}/grad.{k}", grads64[k])
            self.note_spread(name, "grad." + k, g, grads64[k])

    def note_spread(self, case, what, v32, v64):
        """Largest |f32 - f64| / (1e-5 + 1e-5 |f64|): above 1, PyTorch's own float32 result misses
        the float64 one by more than the 1e-5 abs + 1e-5 rel the Java tests aim for."""
        a = v32.detach().double()
        b = v64.detach()
        finite = torch.isfinite(b)
        if finite.any():
            rel = ((a - b).abs() / (1e-5 + 1e-5 * b.abs()))[finite].max().item()
            self.spread.append((rel, f"{self.name}:{case}/{what}"))

    def write(self):
        path = os.path.join(OUT_DIR, self.name + ".safetensors")
        write_safetensors(path, self.tensors, self.meta)
        size = os.path.getsize(path)
        if self.spread:
            worst = max(self.spread)
            print(f"{self.name:14s} {len(self.meta):3d} cases {size:8d} bytes; "
                  f"worst |f32-f64|/(1e-5+1e-5|f64|) = {worst[0]:.3f} at {worst[1]}")
        else:
            print(f"{self.name:14s} training run {size:8d} bytes")
        return size


def rnd(*shape):
    return torch.randn(*shape)


def positive(*shape):
    return torch.rand(*shape) * 2.0 + 0.25


def away_from_zero(*shape):
    s = torch.randn(*shape).sign()
    s[s == 0] = 1.0
    return s * (torch.rand(*shape) + 0.5)


def elementwise():
    fx = Fixture("elementwise")
    binary = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div,
              "max": torch.maximum, "min": torch.minimum}
    shapes = [((3, 1, 7), (1, 13, 1)), ((7,), (3, 7)), ((3, 13, 1), (13, 7)), ((1,), (3, 1, 7))]
    for op, f in binary.items():
        for i, (sa, sb) in enumerate(shapes):
            b = away_from_zero(*sb) if op == "div" else rnd(*sb)
            fx.case(f"{op}_{i}", {"op": op}, {"a": rnd(*sa), "b": b}, lambda a, b, f=f: f(a, b))
    fx.case("pow_0", {"op": "pow"}, {"a": positive(3, 7), "b": rnd(1, 7)}, lambda a, b: torch.pow(a, b))
    unary = {
        "neg": (rnd, torch.neg), "exp": (rnd, torch.exp), "log": (positive, torch.log),
        "sqrt": (positive, torch.sqrt), "rsqrt": (positive, torch.rsqrt), "abs": (away_from_zero, torch.abs),
        "square": (rnd, torch.square), "reciprocal": (away_from_zero, torch.reciprocal),
    }
    for op, (gen, f) in unary.items():
        fx.case(op, {"op": op}, {"x": gen(3, 7, 13)}, lambda x, f=f: f(x))
    fx.case("pow_scalar_2.5", {"op": "pow_scalar", "exponent": 2.5}, {"x": positive(3, 7)}, lambda x: x ** 2.5)
    fx.case("pow_scalar_3", {"op": "pow_scalar", "exponent": 3.0}, {"x": rnd(3, 7)}, lambda x: x ** 3.0)
    fx.case("clamp", {"op": "clamp", "min": -0.5, "max": 0.5}, {"x": rnd(3, 7, 13)}, lambda x: x.clamp(-0.5, 0.5))
    fx.case("add_scalar", {"op": "add_scalar", "value": 1.5}, {"x": rnd(7, 13)}, lambda x: x + 1.5)
    fx.case("mul_scalar", {"op": "mul_scalar", "value": -2.5}, {"x": rnd(7, 13)}, lambda x: x * -2.5)
    return fx


def activations():
    fx = Fixture("activations")
    fx.case("relu", {"op": "relu"}, {"x": rnd(3, 7, 13)}, lambda x: F.relu(x))
    fx.case("leaky_relu_0.01", {"op": "leaky_relu", "slope": 0.01}, {"x": rnd(3, 7, 13)},
            lambda x: F.leaky_relu(x, 0.01))
    fx.case("leaky_relu_0.2", {"op": "leaky_relu", "slope": 0.2}, {"x": rnd(1, 13)}, lambda x: F.leaky_relu(x, 0.2))
    fx.case("sigmoid", {"op": "sigmoid"}, {"x": rnd(3, 7, 13) * 4}, lambda x: torch.sigmoid(x))
    fx.case("tanh", {"op": "tanh"}, {"x": rnd(3, 7, 13) * 2}, lambda x: torch.tanh(x))
    return fx


def reductions():
    fx = Fixture("reductions")
    for dims, keep in [([1], False), ([0, 2], True), ([2], True), ([0], False)]:
        tag = "_".join(map(str, dims)) + ("_keep" if keep else "")
        fx.case(f"sum_{tag}", {"op": "sum", "dims": dims, "keepdim": keep}, {"x": rnd(3, 7, 13)},
                lambda x, d=dims, k=keep: x.sum(dim=d, keepdim=k))
        fx.case(f"mean_{tag}", {"op": "mean", "dims": dims, "keepdim": keep}, {"x": rnd(3, 7, 13)},
                lambda x, d=dims, k=keep: x.mean(dim=d, keepdim=k))
    fx.case("sum_all", {"op": "sum", "dims": None, "keepdim": False}, {"x": rnd(3, 7, 13)}, lambda x: x.sum())
    fx.case("mean_all", {"op": "mean", "dims": None, "keepdim": False}, {"x": rnd(3, 7, 13)}, lambda x: x.mean())
    for dim, keep in [(1, False), (2, True), (0, False)]:
        fx.case(f"max_{dim}" + ("_keep" if keep else ""), {"op": "reduce_max", "dim": dim, "keepdim": keep},
                {"x": rnd(3, 7, 13)}, lambda x, d=dim, k=keep: x.max(dim=d, keepdim=k).values)
    return fx


def matmul():
    fx = Fixture("matmul")
    for i, (sa, sb) in enumerate([((7, 13), (13, 3)), ((1, 13), (13, 1)), ((3, 7, 13), (3, 13, 5)),
                                  ((3, 7, 13), (13, 5)), ((13, 1), (1, 7)), ((33, 65), (65, 17)),
                                  ((2, 37, 29), (29, 41))]):
        fx.case(f"matmul_{i}", {"op": "matmul"}, {"a": rnd(*sa), "b": rnd(*sb)}, lambda a, b: torch.matmul(a, b))
    fx.case("linear", {"op": "linear"}, {"x": rnd(7, 13), "weight": rnd(3, 13), "bias": rnd(3)},
            lambda x, weight, bias: F.linear(x, weight, bias))
    fx.case("linear_nobias", {"op": "linear"}, {"x": rnd(1, 13), "weight": rnd(7, 13)},
            lambda x, weight: F.linear(x, weight))
    return fx


def conv2d():
    fx = Fixture("conv2d")
    cases = [
        # name, x shape, w shape, stride, padding, dilation, bias
        ("k3_s1_p1", (2, 3, 7, 13), (5, 3, 3, 3), (1, 1), (1, 1), (1, 1), True),
        ("k3_s2_p0", (2, 3, 7, 13), (5, 3, 3, 3), (2, 2), (0, 0), (1, 1), True),
        ("k3_d2_p2", (1, 3, 7, 13), (3, 3, 3, 3), (1, 1), (2, 2), (2, 2), True),
        ("k1_nobias", (3, 7, 5, 3), (13, 7, 1, 1), (1, 1), (0, 0), (1, 1), False),
        ("k4_s2_p1", (2, 7, 7, 7), (5, 7, 4, 4), (2, 2), (1, 1), (1, 1), True),
        ("k3x1_s21_p10", (2, 3, 7, 13), (5, 3, 3, 1), (2, 1), (1, 0), (1, 1), True),
        ("k3_nobias_full", (2, 5, 3, 3), (1, 5, 3, 3), (1, 1), (0, 0), (1, 1), False),
        # Larger than the micro-kernel tiles, so fast paths with packing and edge tiles run too.
        ("k3_s1_p1_16ch", (2, 16, 13, 13), (8, 16, 3, 3), (1, 1), (1, 1), (1, 1), True),
        ("k3_s2_d2_p2_8ch", (3, 8, 13, 13), (5, 8, 3, 3), (2, 2), (2, 2), (2, 2), False),
    ]
    for name, xs, ws, stride, pad, dil, bias in cases:
        inputs = {"x": rnd(*xs), "weight": rnd(*ws) * 0.3}
        if bias:
            inputs["bias"] = rnd(ws[0])
        cfg = {"op": "conv2d", "stride": list(stride), "padding": list(pad), "dilation": list(dil)}
        fx.case(name, cfg, inputs,
                lambda x, weight, bias=None, s=stride, p=pad, d=dil: F.conv2d(x, weight, bias, s, p, d))
    return fx


def pool():
    fx = Fixture("pool")
    for name, k, s, p in [("max_k2_s2", 2, 2, 0), ("max_k3_s2_p1", 3, 2, 1), ("max_k3_s1", 3, 1, 0)]:
        fx.case(name, {"op": "max_pool2d", "kernel": [k, k], "stride": [s, s], "padding": [p, p]},
                {"x": rnd(2, 3, 7, 13)}, lambda x, k=k, s=s, p=p: F.max_pool2d(x, k, s, p))
    for name, k, s, p, inc in [("avg_k3_s1_p1_incl", 3, 1, 1, True), ("avg_k3_s1_p1_excl", 3, 1, 1, False),
                               ("avg_k2_s2", 2, 2, 0, True), ("avg_k3_s2_p1_excl", 3, 2, 1, False)]:
        fx.case(name, {"op": "avg_pool2d", "kernel": [k, k], "stride": [s, s], "padding": [p, p],
                       "count_include_pad": inc},
                {"x": rnd(2, 3, 7, 13)}, lambda x, k=k, s=s, p=p, inc=inc: F.avg_pool2d(x, k, s, p, count_include_pad=inc))
    for name, out in [("adaptive_1x1", (1, 1)), ("adaptive_3x2", (3, 2)), ("adaptive_5x4", (5, 4)),
                      ("adaptive_7x13", (7, 13))]:
        fx.case(name, {"op": "adaptive_avg_pool2d", "output": list(out)}, {"x": rnd(2, 3, 7, 13)},
                lambda x, o=out: F.adaptive_avg_pool2d(x, o))
    return fx


def grouped_batch_norm_train(x, weight, bias, running_mean, running_var, groups, momentum, eps):
    """K strata stacked on the batch axis, each normalised with its own statistics, exactly as K
    separate calls to one BatchNorm2d would do (the running statistics are updated K times,
    stratum 0 first)."""
    rm, rv = running_mean.clone(), running_var.clone()
    outs = []
    for chunk in x.chunk(groups, dim=0):
        outs.append(F.batch_norm(chunk, rm, rv, weight, bias, training=True, momentum=momentum, eps=eps))
    return {"out": torch.cat(outs, 0), "out.running_mean": rm, "out.running_var": rv}


def batchnorm():
    fx = Fixture("batchnorm")
    for name, shape, groups in [("train_g1", (5, 3, 7, 13), 1), ("train_g3", (6, 7, 3, 5), 3),
                                ("train_n1", (1, 3, 7, 1), 1), ("train_hw1", (13, 7, 1, 1), 1)]:
        c = shape[1]
        consts = {"running_mean": rnd(c) * 0.1, "running_var": positive(c)}
        cfg = {"op": "batch_norm_train", "groups": groups, "momentum": 0.1, "eps": 1e-5}
        fx.case(name, cfg, {"x": rnd(*shape) * 2 + 0.5, "weight": rnd(c), "bias": rnd(c)},
                lambda x, weight, bias, running_mean, running_var, g=groups:
                    grouped_batch_norm_train(x, weight, bias, running_mean, running_var, g, 0.1, 1e-5),
                consts)
    c = 7
    consts = {"running_mean": rnd(c) * 0.1, "running_var": positive(c)}
    fx.case("eval", {"op": "batch_norm_eval", "eps": 1e-5}, {"x": rnd(3, c, 5, 3), "weight": rnd(c), "bias": rnd(c)},
            lambda x, weight, bias, running_mean, running_var:
                F.batch_norm(x, running_mean, running_var, weight, bias, training=False, eps=1e-5),
            consts)
    return fx


def softmax():
    fx = Fixture("softmax")
    for dim in (1, 2):
        fx.case(f"softmax_{dim}", {"op": "softmax", "dim": dim}, {"x": rnd(3, 7, 13) * 3},
                lambda x, d=dim: F.softmax(x, d))
        fx.case(f"log_softmax_{dim}", {"op": "log_softmax", "dim": dim}, {"x": rnd(3, 7, 13) * 3},
                lambda x, d=dim: F.log_softmax(x, d))
    fx.case("softmax_single", {"op": "softmax", "dim": 1}, {"x": rnd(7, 1)}, lambda x: F.softmax(x, 1))
    return fx


def losses():
    fx = Fixture("losses")
    for name, n, k in [("ce_7x13", 7, 13), ("ce_1x3", 1, 3), ("ce_13x6", 13, 6)]:
        fx.case(name, {"op": "cross_entropy"}, {"logits": rnd(n, k) * 2},
                lambda logits, target: F.cross_entropy(logits, target), {"target": torch.randint(0, k, (n,))})
    fx.case("mse", {"op": "mse"}, {"input": rnd(3, 7), "target": rnd(3, 7)}, F.mse_loss)
    fx.case("mse_4d", {"op": "mse"}, {"input": rnd(2, 3, 7, 1), "target": rnd(2, 3, 7, 1)}, F.mse_loss)
    # IERN's confusion term: MSE between a softmax and the uniform distribution 1/K.
    fx.case("mse_softmax_uniform", {"op": "mse_softmax_uniform", "dim": 1}, {"logits": rnd(7, 3)},
            lambda logits: F.mse_loss(F.softmax(logits, 1), torch.full((7, 3), 1.0 / 3, dtype=logits.dtype)))
    return fx


def attention():
    fx = Fixture("attention")

    def attn(q, k, v, heads, mask=None):
        """Multi-head: the feature axes split into `heads` parts, scale 1/sqrt(e/heads)."""
        b, lq, e = q.shape
        lk, ev = k.shape[1], v.shape[2]
        qh = q.reshape(b, lq, heads, e // heads).transpose(1, 2)
        kh = k.reshape(b, lk, heads, e // heads).transpose(1, 2)
        vh = v.reshape(b, lk, heads, ev // heads).transpose(1, 2)
        s = torch.matmul(qh, kh.transpose(-1, -2)) / math.sqrt(e // heads)
        if mask is not None:
            s = s + (mask if mask.dim() == 2 else mask.unsqueeze(1))
        out = torch.matmul(torch.softmax(s, -1), vh)
        return out.transpose(1, 2).reshape(b, lq, ev)

    def mask_of(*shape):
        m = torch.zeros(*shape)
        m[torch.rand(*shape) < 0.4] = float("-inf")
        m[..., 0] = 0.0  # every row keeps at least one key
        m[..., 1] += torch.randn(shape[:-1])  # finite additive biases too
        return m

    b, lq, lk = 3, 7, 5
    fx.case("plain", {"op": "attention", "heads": 1}, {"q": rnd(b, lq, 13), "k": rnd(b, lk, 13), "v": rnd(b, lk, 3)},
            lambda q, k, v: attn(q, k, v, 1))
    fx.case("masked_shared", {"op": "attention", "heads": 1},
            {"q": rnd(b, lq, 13), "k": rnd(b, lk, 13), "v": rnd(b, lk, 3)},
            lambda q, k, v, mask: attn(q, k, v, 1, mask), {"mask": mask_of(lq, lk)})
    fx.case("heads2_masked_per_item", {"op": "attention", "heads": 2},
            {"q": rnd(b, lq, 6), "k": rnd(b, lk, 6), "v": rnd(b, lk, 4)},
            lambda q, k, v, mask: attn(q, k, v, 2, mask), {"mask": mask_of(b, lq, lk)})
    fx.case("single", {"op": "attention", "heads": 1}, {"q": rnd(1, 1, 1), "k": rnd(1, 1, 1), "v": rnd(1, 1, 1)},
            lambda q, k, v: attn(q, k, v, 1))
    # The intervention: out[i] = sum_j w[i, j] z[j] with one shared memory, or per-item strata.
    fx.case("intervention_shared", {"op": "intervention"}, {"w": torch.softmax(rnd(7, 3), 1), "z": rnd(3, 13)},
            lambda w, z: torch.matmul(w, z))
    fx.case("intervention_shared_w1d", {"op": "intervention"}, {"w": torch.softmax(rnd(3), 0), "z": rnd(3, 2, 3, 3)},
            lambda w, z: torch.einsum("k,kchw->chw", w, z).unsqueeze(0))
    fx.case("intervention_per_item", {"op": "intervention_per_item"},
            {"w": torch.softmax(rnd(7, 3), 1), "z": rnd(7, 3, 13)},
            lambda w, z: torch.einsum("nk,nkd->nd", w, z))
    fx.case("intervention_per_item_w1d", {"op": "intervention_per_item"},
            {"w": torch.softmax(rnd(3), 0), "z": rnd(2, 3, 5, 1)},
            lambda w, z: torch.einsum("k,nkcd->ncd", w, z))
    return fx


def shape_chain():
    fx = Fixture("shape_chain")
    # cat on dim 1 -> permute (0,2,3,1) -> slice dim 1 [2, 6) -> reshape (12, 15) -> transpose
    fx.case("cat_permute_slice", {"op": "chain1"}, {"a": rnd(3, 2, 7, 5), "b": rnd(3, 1, 7, 5)},
            lambda a, b: torch.cat([a, b], 1).permute(0, 2, 3, 1)[:, 2:6].reshape(12, 15).transpose(0, 1))
    # expand (3,1,7) -> (3,5,7), stack with a full tensor on a new dim 1, then mean over dim 2
    fx.case("expand_stack", {"op": "chain2"}, {"a": rnd(3, 1, 7), "b": rnd(3, 5, 7)},
            lambda a, b: torch.stack([a.expand(3, 5, 7), b], 1).sum(2))
    return fx


class TinyNet(torch.nn.Module):
    """conv-bn-relu-pool-flatten-linear, with the same child indices a Java Sequential gets. The conv
    has no bias, as in IERN: before BatchNorm a bias has an exactly-zero gradient, and Adam
    would turn the rounding noise in it into full-size, implementation-dependent steps."""

    def __init__(self):
        super().__init__()
        self.seq = torch.nn.Sequential(
            torch.nn.Conv2d(3, 4, 3, padding=1, bias=False),
            torch.nn.BatchNorm2d(4),
            torch.nn.ReLU(),
            torch.nn.MaxPool2d(2),
            torch.nn.Flatten(),
            torch.nn.Linear(4 * 3 * 3, 3),
        )

    def forward(self, x):
        return self.seq(x)


def train_net(name, make_optimizer, config):
    fx = Fixture(name)
    net = TinyNet()
    with torch.no_grad():  # BN affine away from its trivial defaults, as IERN's N(1, 0.02) init does
        net.seq[1].weight.copy_(1 + 0.2 * torch.randn(4))
        net.seq[1].bias.copy_(0.1 * torch.randn(4))
    x = torch.randn(5, 3, 7, 7)
    y = torch.randint(0, 3, (5,))
    state = {k: v for k, v in net.seq.state_dict().items() if not k.endswith("num_batches_tracked")}
    for k, v in state.items():
        fx.put("init/" + k, v)
    fx.put("x", x)
    fx.put("y", y.to(torch.float32))
    opt = make_optimizer(net.parameters())
    losses = []
    for step in range(3):
        opt.zero_grad()
        loss = F.cross_entropy(net(x), y)
        loss.backward()
        if step == 0:
            for k, p in net.seq.named_parameters():
                fx.put("grad0/" + k, p.grad)
        opt.step()
        losses.append(loss.item())
    fx.put("losses", torch.tensor(losses))
    for k, v in net.seq.state_dict().items():
        if not k.endswith("num_batches_tracked"):
            fx.put("final/" + k, v)
    fx.meta["config"] = json.dumps(config)
    print(f"{name}: losses {losses}")
    return fx


def main():
    torch.manual_seed(20240607)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    os.makedirs(OUT_DIR, exist_ok=True)
    total = 0
    for make in (elementwise, activations, reductions, matmul, conv2d, pool, batchnorm, softmax, losses,
                 attention, shape_chain):
        total += make().write()
    adam_cfg = {"optimizer": "adam", "lr": 0.01, "betas": [0.5, 0.999], "eps": 1e-8, "weight_decay": 1e-3}
    total += train_net("adam_net", lambda ps: torch.optim.Adam(ps, lr=0.01, betas=(0.5, 0.999), eps=1e-8,
                                                              weight_decay=1e-3), adam_cfg).write()
    sgd_cfg = {"optimizer": "sgd", "lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 1e-3}
    total += train_net("sgd_net", lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True,
                                                            weight_decay=1e-3), sgd_cfg).write()
    print(f"total {total} bytes in {os.path.normpath(OUT_DIR)}")


if __name__ == "__main__":
    sys.exit(main())
