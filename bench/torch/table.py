"""Prints the benchmark table from one bench/run.sh results folder.

Reads jmh-t<THREADS>.json (JMH -rf json) and ref-t<THREADS>.jsonl (the reference scripts) and
prints, per shape and thread count, GFLOP/s as median [min-max] over the measured iterations
for ours and the reference, and the ratio of the medians.
"""
import glob
import json
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shapes import conv_flops, gemm_flops  # noqa: E402


def flops(suite, shape, op):
    if suite == "gemm":
        return gemm_flops(shape)
    if suite == "gemm-small":
        s = int(shape)
        return 2.0 * s * s * s
    return conv_flops(shape) * (3 if op == "forwardBackward" else 1)


def summary(values):
    return statistics.median(values), min(values), max(values)


def load(folder):
    rows = {}  # (suite, shape, op, threads) -> {"ours": [...], "ref": [...]}
    for path in glob.glob(os.path.join(folder, "jmh-t*.json")):
        threads = int(re.search(r"jmh-t(\d+)(?:-[^/]*)?\.json$", path).group(1))
        try:
            results = json.load(open(path))
        except ValueError:
            print(f"table.py: skipping {path} (empty or unfinished)", file=sys.stderr)
            continue
        for r in results:
            cls, method = r["benchmark"].split(".")[-2:]
            params = r.get("params", {})
            if cls == "GemmBench":
                key = ("gemm", params["shape"], "sgemm")
            elif cls == "ConvBench":
                key = ("conv", params["shape"], method)
            elif cls == "GemmSmallBench":
                key = ("gemm-small", params["size"], method)
            else:
                continue
            raw = [v for fork in r["primaryMetric"]["rawData"] for v in fork]
            rows.setdefault(key + (threads,), {}).setdefault("ours", []).extend(raw)
    for path in glob.glob(os.path.join(folder, "ref-t*.jsonl")):
        threads = int(re.search(r"ref-t(\d+)(?:-[^/]*)?\.jsonl$", path).group(1))
        for line in open(path):
            if line.strip():
                r = json.loads(line)
                key = (r["suite"], r["shape"], r["op"], threads)
                rows.setdefault(key, {}).setdefault("ref", []).extend(r["ops_per_s"])
    return rows


def main():
    folder = sys.argv[1]
    rows = load(folder)
    head = f"{'suite':<10} {'shape':<20} {'op':<16} {'thr':>3}  {'ours GFLOP/s med [min-max]':<28} {'ref GFLOP/s med [min-max]':<28} {'ratio':>5}"
    print(head)
    print("-" * len(head))
    for key in sorted(rows, key=lambda k: (k[0], k[3], k[1], k[2])):
        suite, shape, op, threads = key
        f = flops(suite, shape, op) / 1e9
        cells = []
        meds = []
        for side in ("ours", "ref"):
            vals = rows[key].get(side)
            if vals:
                med, lo, hi = summary([v * f for v in vals])
                cells.append(f"{med:7.1f} [{lo:6.1f}-{hi:6.1f}]")
                meds.append(med)
            else:
                cells.append("-")
                meds.append(None)
        ratio = f"{meds[0] / meds[1]:5.2f}" if None not in meds else "  -"
        print(f"{suite:<10} {shape:<20} {op:<16} {threads:>3}  {cells[0]:<28} {cells[1]:<28} {ratio:>5}")


if __name__ == "__main__":
    main()
