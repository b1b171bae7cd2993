#!/usr/bin/python3
"""Writes the fixtures of iern.model.weights' tests into model/src/test/resources/pretrained/.

Needs Debian's PyTorch and torchvision (apt-get install python3-torch python3-torchvision; run
with /usr/bin/python3, which sees them). Deterministic: running it again writes the same tensors.

Real torchvision ResNets are 45-100 MB, so the fixtures are narrow ones with torchvision's layout
and parameter names: the network below assembles torchvision's own BasicBlock / Bottleneck with
every stage's channels multiplied by a width, exactly as iern.model.ResNet does (stem and stage
widths round(64 * 2^i * width), at least 1; bottleneck expansion 4; the stride on the 3x3 conv).
torchvision itself has no such multiplier (its width_per_group only widens a bottleneck's
inside), which is why the stem and stages are built here. At width 1 the names and shapes are
checked equal to torchvision.models.resnet18/50's, so the layout is torchvision's.

Files (each well under 300 KB):
  resnet18_w16.pth, resnet18_w16.safetensors  resnet18 layout at width 1/16 (stem 4, stages
                                              4, 8, 16, 32 channels), fc to 10 classes
  resnet50_w32.pth                            resnet50 layout at width 1/32 (stem 2, stages
                                              2, 4, 8, 16 planes, 8..64 out), fc to 10 classes
  forward_io.safetensors                      a fixed input [2, 3, 64, 64] and PyTorch's
                                              backbone output (after layer4, eval mode) of each
  wrong_keys.pth                              resnet18 at width 1/32 with one key missing, one
                                              unexpected and one of the wrong shape
  malicious_os_system.pth                     a .pth zip whose data.pkl calls os.system (written
                                              byte by byte here, never unpickled by anyone)
  legacy.pth                                  PyTorch's pre-1.6 format (a bare pickle stream)
  truncated.pth                               a torch.save zip cut at two thirds (no central directory)
"""
import io
import json
import os
import struct
import sys
import zipfile

import torch
from torch import nn
import torchvision
from torchvision.models.resnet import BasicBlock, Bottleneck

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "pretrained")

# The command the malicious file would run if anything ever executed it; the Java test checks
# that this file is never created.
MARKER = "/tmp/iern-malicious-pickle-ran"


def width_scaled(channels, width):
    return max(1, int(round(channels * width)))


class NarrowResNet(nn.Module):
    """torchvision's ResNet (names: conv1, bn1, layer1..4 of torchvision blocks, fc) at a width multiplier."""

    def __init__(self, block, blocks_per_stage, width, num_classes):
        super().__init__()
        stem = width_scaled(64, width)
        self.conv1 = nn.Conv2d(3, stem, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(stem)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        channels = stem
        for stage, count in enumerate(blocks_per_stage):
            planes = width_scaled(64 << stage, width)
            out = planes * block.expansion
            blocks = []
            for b in range(count):
                stride = 2 if (b == 0 and stage > 0) else 1
                shortcut = None
                if stride != 1 or channels != out:
                    shortcut = nn.Sequential(nn.Conv2d(channels, out, kernel_size=1, stride=stride, bias=False),
                                             nn.BatchNorm2d(out))
                blocks.append(block(channels, planes, stride, shortcut))
                channels = out
            setattr(self, "layer%d" % (stage + 1), nn.Sequential(*blocks))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(channels, num_classes)

    def backbone(self, x):
        """What iern.model.ResNet computes before its 1x1 projection."""
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        return self.layer4(self.layer3(self.layer2(self.layer1(x))))


def same_layout_as_torchvision():
    """At width 1 the narrow network's state dict is torchvision's, name for name and shape for shape."""
    pairs = [(NarrowResNet(BasicBlock, [2, 2, 2, 2], 1.0, 1000), torchvision.models.resnet18()),
             (NarrowResNet(Bottleneck, [3, 4, 6, 3], 1.0, 1000), torchvision.models.resnet50())]
    for ours, theirs in pairs:
        a = {k: tuple(v.shape) for k, v in ours.state_dict().items()}
        b = {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
        assert list(a) == list(b) and a == b, "layout differs from torchvision's"


def trained_looking(model, seed):
    """Random weights, batch norm scales and shifts, and running statistics from a few batches."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.copy_(0.5 + torch.rand(m.weight.shape, generator=g))
                m.bias.copy_(0.2 * torch.randn(m.bias.shape, generator=g))
        model.train()
        for _ in range(3):
            model.backbone(torch.randn(4, 3, 64, 64, generator=g))
    model.eval()
    return model


def safetensors_bytes(tensors):
    """The safetensors layout, written out by hand (Debian has no python3-safetensors)."""
    kinds = {torch.float32: "F32", torch.int64: "I64"}
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        blob = t.detach().contiguous().numpy().tobytes()  # little-endian on the machines we use
        header[name] = {"dtype": kinds[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def save_pth(name, state_dict):
    """torch.save to a path, as a user would: the zip format (the default since PyTorch 1.6), records under <stem>/."""
    path = os.path.join(OUT, name)
    torch.save(state_dict, path)
    with open(path, "rb") as f:
        return f.read()


def binunicode(s):
    b = s.encode("utf-8")
    return b"X" + struct.pack("<I", len(b)) + b


def malicious_pickle():
    """A protocol-2 pickle of the state dict shape whose one value is os.system(...): GLOBAL, args, REDUCE."""
    return (b"\x80\x02"
            + b"ccollections\nOrderedDict\n" + b")R"          # OrderedDict()
            + binunicode("conv1.weight")
            + b"cos\nsystem\n" + binunicode("touch " + MARKER) + b"\x85R"  # os.system("touch ...")
            + b"s.")                                           # SETITEM, STOP


def main():
    if sys.byteorder != "little":
        sys.exit("run this on a little-endian machine")
    os.makedirs(OUT, exist_ok=True)
    same_layout_as_torchvision()
    torch.manual_seed(0)

    r18 = trained_looking(NarrowResNet(BasicBlock, [2, 2, 2, 2], 1 / 16, 10), seed=1)
    r50 = trained_looking(NarrowResNet(Bottleneck, [3, 4, 6, 3], 1 / 32, 10), seed=2)
    save_pth("resnet18_w16.pth", r18.state_dict())
    write("resnet18_w16.safetensors", safetensors_bytes(r18.state_dict()))
    save_pth("resnet50_w32.pth", r50.state_dict())

    x = torch.randn(2, 3, 64, 64, generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        io_tensors = {"input": x, "resnet18_w16": r18.backbone(x), "resnet50_w32": r50.backbone(x)}
    write("forward_io.safetensors", safetensors_bytes(io_tensors))

    # resnet18 at width 1/32 (stem 2 channels), then three deliberate faults
    wrong = trained_looking(NarrowResNet(BasicBlock, [2, 2, 2, 2], 1 / 32, 10), seed=4).state_dict()
    del wrong["layer2.0.downsample.1.running_var"]                 # missing
    wrong["layer5.0.conv1.weight"] = torch.zeros(16, 16, 3, 3)     # unexpected
    wrong["layer1.1.bn2.weight"] = torch.ones(3)                   # shape mismatch: the block has 2 channels
    save_pth("wrong_keys.pth", wrong)

    # the zip records torch.save writes, around a pickle that would run a shell command
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, data in [("data.pkl", malicious_pickle()), ("byteorder", b"little"), ("version", b"3\n")]:
            z.writestr(zipfile.ZipInfo("malicious_os_system/" + name, date_time=(1980, 1, 1, 0, 0, 0)), data)
    write("malicious_os_system.pth", buf.getvalue())

    tiny = {"conv1.weight": torch.arange(6, dtype=torch.float32).reshape(2, 3, 1, 1)}
    buf = io.BytesIO()
    torch.save(tiny, buf, _use_new_zipfile_serialization=False)
    write("legacy.pth", buf.getvalue())

    whole = save_pth("truncated.pth", {"conv1.weight": torch.randn(8, 3, 7, 7, generator=torch.Generator().manual_seed(5))})
    write("truncated.pth", whole[: len(whole) * 2 // 3])

    for name in sorted(os.listdir(OUT)):
        print("%8d  %s" % (os.path.getsize(os.path.join(OUT, name)), name))


if __name__ == "__main__":
    main()
