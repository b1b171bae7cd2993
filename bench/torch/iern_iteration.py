#!/usr/bin/env python3
"""Times one IERN training iteration in PyTorch: the reference for the Java engine (issue 3).

The networks and the three optimisation steps follow DESIGN.md (the authors' method): a ResNet
backbone without its head plus a 1x1 conv to the feature width, EmoGen/ConGen, Recons,
EmoDis/ConDis, the confounder centres of a centre loss, a pooled linear classifier; three Adam
optimisers (discriminators; generators + centres + Recons; backbone + EmoGen + classifier). As
in the Java trainer, step 4 recomputes e after step 3 changed EmoGen (PyTorch >= 1.5 refuses the
authors' stale graph), and step 3 reads b detached (the backbone's gradient from step 3 is
discarded by the step-4 optimiser anyway).

--strata separate   runs Recons + classifier once per confounder stratum, as the authors do;
--strata batched    stacks the K strata on the batch axis in one pass (what the Java trainer
                    does); BatchNorm then mixes strata statistics here, so it times the same
                    arithmetic but is not the same function: use it for speed only.

Run it the fair way (OpenBLAS, malloc tuned, threads pinned):
    ../shared/bench/fair-reference 2 /usr/bin/python3 bench/torch/iern_iteration.py --size 64
    ../shared/bench/fair-reference 2 /usr/bin/python3 bench/torch/iern_iteration.py --size 224
--jsonl FILE appends the images/s of each timed iteration as one JSON line (bench/run.sh uses it).
"""
import argparse
import json
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


# ----------------------------------------------------------------------------- backbone

class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, cin, width, stride):
        super().__init__()
        cout = width * self.expansion
        self.c1 = nn.Conv2d(cin, width, 3, stride, 1, bias=False)
        self.n1 = nn.BatchNorm2d(width)
        self.c2 = nn.Conv2d(width, cout, 3, 1, 1, bias=False)
        self.n2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.n1(self.c1(x)))
        y = self.n2(self.c2(y))
        return F.relu(y + (x if self.down is None else self.down(x)))


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin, width, stride):
        super().__init__()
        cout = width * self.expansion
        self.c1 = nn.Conv2d(cin, width, 1, bias=False)
        self.n1 = nn.BatchNorm2d(width)
        self.c2 = nn.Conv2d(width, width, 3, stride, 1, bias=False)
        self.n2 = nn.BatchNorm2d(width)
        self.c3 = nn.Conv2d(width, cout, 1, bias=False)
        self.n3 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.n1(self.c1(x)))
        y = F.relu(self.n2(self.c2(y)))
        y = self.n3(self.c3(y))
        return F.relu(y + (x if self.down is None else self.down(x)))


def backbone(name, width_mult, feat):
    block, counts = {
        "resnet18": (BasicBlock, [2, 2, 2, 2]),
        "resnet34": (BasicBlock, [3, 4, 6, 3]),
        "resnet50": (Bottleneck, [3, 4, 6, 3]),
    }[name]
    widths = [max(1, int(round(w * width_mult))) for w in (64, 128, 256, 512)]
    layers = [nn.Conv2d(3, widths[0], 7, 2, 3, bias=False), nn.BatchNorm2d(widths[0]), nn.ReLU(inplace=True),
              nn.MaxPool2d(3, 2, 1)]
    cin = widths[0]
    for stage, (w, n) in enumerate(zip(widths, counts)):
        for i in range(n):
            layers.append(block(cin, w, 2 if (i == 0 and stage > 0) else 1))
            cin = w * block.expansion
    layers.append(nn.Conv2d(cin, feat, 1))
    return nn.Sequential(*layers)


# ----------------------------------------------------------------------------- IERN heads

class Residual(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(c, c, 3, 1, 1, bias=False), nn.BatchNorm2d(c), nn.ReLU(),
                                  nn.Conv2d(c, c, 3, 1, 1, bias=False), nn.BatchNorm2d(c))

    def forward(self, x):
        return x + self.body(x)


def generator(cin, cout, blocks):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, 1, 1), *[Residual(cout) for _ in range(blocks)])


class Recons(nn.Module):
    def __init__(self, c, blocks):
        super().__init__()
        self.net = generator(2 * c, c, blocks)

    def forward(self, e, c):
        return self.net(torch.cat([e, c], 1))


def discriminator(c, classes, feat_size, halvings=3):
    layers = [nn.Conv2d(c, c, 4, 2, 1), nn.LeakyReLU(0.01)]
    for _ in range(halvings):
        layers += [nn.Conv2d(c, c // 2, 1), nn.LeakyReLU(0.01)]
        c //= 2
    layers += [nn.Conv2d(c, classes, max(1, feat_size // 2), bias=False), nn.Flatten()]
    return nn.Sequential(*layers)


class Classifier(nn.Module):
    def __init__(self, c, classes):
        super().__init__()
        self.fc = nn.Linear(c, classes)

    def forward(self, x):
        return self.fc(x.mean(dim=(2, 3)))


def center_loss(feat, labels, centers):
    diff = feat.flatten(1) - centers[labels]
    return diff.pow(2).sum() / feat.shape[0]


def init_normal(module):
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.normal_(m.weight, 0.0, 0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)


# ----------------------------------------------------------------------------- one iteration

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--backbone", default="resnet18")
    ap.add_argument("--width", type=float, default=1.0)
    ap.add_argument("--feat", type=int, default=512)
    ap.add_argument("--emotions", type=int, default=6)
    ap.add_argument("--confounders", type=int, default=3)
    ap.add_argument("--iters", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--strata", choices=["separate", "batched"], default="separate")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--device", default="cpu", help="cpu, or cuda for the GPU comparison (kernels/gpu/run-on-gpu.sh)")
    ap.add_argument("--jsonl", help="also append one JSON line (images/s of each timed iteration) to this file, "
                                    "as bench/run.sh and bench/torch/table.py read it")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    dev = torch.device(a.device)
    E, K, C = a.emotions, a.confounders, a.feat

    base = backbone(a.backbone, a.width, C)
    with torch.no_grad():
        fs = base(torch.zeros(2, 3, a.size, a.size)).shape[-1]
    emo_gen, con_gen = generator(C, C, 2), generator(C, C, 2)
    recons = Recons(C, 3)
    emo_dis, con_dis = discriminator(C, E, fs), discriminator(C, K, fs)
    cls = Classifier(C, E)
    for m in (emo_gen, con_gen, recons, emo_dis, con_dis, cls):
        init_normal(m)
    for m in (base, emo_gen, con_gen, recons, emo_dis, con_dis, cls):
        m.to(dev)
    centers = nn.Parameter(torch.randn(K, C * fs * fs).to(dev))
    lam = 5e-4
    betas = (0.5, 0.999)
    opt_dis = torch.optim.Adam([{"params": emo_dis.parameters()}, {"params": con_dis.parameters()}], lr=2e-4,
                               betas=betas)
    opt_feat = torch.optim.Adam([{"params": emo_gen.parameters()}, {"params": con_gen.parameters()},
                                 {"params": [centers]}, {"params": recons.parameters()}], lr=2e-4, betas=betas)
    opt_cls = torch.optim.Adam([{"params": base.parameters(), "lr": 1e-4}, {"params": emo_gen.parameters()},
                                {"params": recons.parameters(), "lr": 0.0}, {"params": cls.parameters()}],
                               lr=2e-4, betas=betas)

    x = torch.randn(a.batch, 3, a.size, a.size).to(dev)
    y_emo = torch.randint(0, E, (a.batch,)).to(dev)
    y_conf = torch.randint(0, K, (a.batch,)).to(dev)
    uniform_e = torch.full((a.batch, E), 1.0 / E).to(dev)
    uniform_k = torch.full((a.batch, K), 1.0 / K).to(dev)

    def set_grad(nets, flag):
        for n in nets:
            for p in n.parameters():
                p.requires_grad_(flag)

    def iteration():
        # 1. features
        b = base(x)
        bd = b.detach()
        e = emo_gen(bd)
        c = con_gen(bd)
        r = recons(e, c)
        # 2. discriminators
        set_grad([emo_dis, con_dis], True)
        opt_dis.zero_grad()
        l_dis = (F.cross_entropy(emo_dis(e.detach()), y_emo) + F.cross_entropy(con_dis(c.detach()), y_conf)) / 2
        l_dis.backward()
        opt_dis.step()
        # 3. disentangling features (discriminators frozen)
        set_grad([emo_dis, con_dis], False)
        opt_feat.zero_grad()
        l_gen = (F.mse_loss(F.softmax(con_dis(e), -1), uniform_k) + F.mse_loss(F.softmax(emo_dis(c), -1), uniform_e)) / 2
        l_feat = l_gen + lam * center_loss(c, y_conf, centers) + F.mse_loss(r, bd)
        l_feat.backward()
        centers.grad.mul_(1.0 / lam)
        opt_feat.step()
        # 4. classification over the confounder strata (e recomputed after step 3)
        opt_cls.zero_grad()
        e = emo_gen(b)
        z = centers.detach().view(K, C, fs, fs)
        if a.strata == "separate":
            logits = torch.stack([cls(recons(e, z[k].expand(a.batch, -1, -1, -1))) for k in range(K)]).mean(0)
        else:
            ek = e.repeat(K, 1, 1, 1)
            zk = z.repeat_interleave(a.batch, dim=0)
            logits = cls(recons(ek, zk)).view(K, a.batch, E).mean(0)
        l_cls = F.cross_entropy(logits, y_emo)
        l_cls.backward()
        opt_cls.step()
        return l_dis.item(), l_feat.item(), l_cls.item()

    for _ in range(a.warmup):
        iteration()
    times = []
    for _ in range(a.iters):
        t = time.perf_counter()
        losses = iteration()
        if dev.type == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t)
    if a.jsonl:
        short = {"resnet18": "r18", "resnet50": "r50"}.get(a.backbone)
        name = f"{short}_{a.size}" if short and (a.width, C) == (1.0, 512) else \
            f"{a.backbone}x{a.width}_f{C}_{a.size}"
        with open(a.jsonl, "a") as f:
            f.write(json.dumps({"suite": "iteration", "shape": name, "op": "iteration", "threads": a.threads,
                                "images_per_s": [a.batch / t for t in times],
                                "impl": f"torch {torch.__version__}, strata {a.strata}, batch {a.batch}"}) + "\n")
    times.sort()
    median = times[len(times) // 2]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"torch {torch.__version__} device={a.device} threads={a.threads} {a.backbone} x{a.width} feat={C} size={a.size} "
          f"({fs}x{fs} features) batch={a.batch} strata={a.strata}")
    print(f"iteration: median {median:.4f} s, best {times[0]:.4f} s over {a.iters}; "
          f"{a.batch / median:.1f} images/s; peak RSS {rss:.0f} MiB; last losses {losses}")


if __name__ == "__main__":
    main()
