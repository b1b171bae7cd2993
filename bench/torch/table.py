"""Prints the benchmark table from one bench/run.sh results folder.

Reads machine.txt, our JMH results (jmh-t<THREADS>-*.json), our iteration lines
(ours-t<THREADS>.jsonl) and the references' JSON lines (ref-t<THREADS>.jsonl), and prints one row
per suite, shape, op and thread count: median [min-max] over the measured iterations for ours
and for the reference, in the suite's unit, and the ratio of the medians as speed, ours over the
reference (above 1: ours is faster, whatever the unit).

Units: gemm, gemm-small, conv: GFLOP/s (higher is better); ops, attention, intervention:
microseconds per call (lower is better; these kernels are memory- or overhead-bound, so a FLOP
rate says little); iteration: images per second (higher is better).

Run: /usr/bin/python3 bench/torch/table.py bench/results/<run>
"""
import glob
import json
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import shapes  # noqa: E402

SUITES = ["gemm", "gemm-small", "conv", "ops", "attention", "intervention", "iteration"]
UNIT = {"gemm": "GFLOP/s", "gemm-small": "GFLOP/s", "conv": "GFLOP/s", "ops": "us/call",
        "attention": "us/call", "intervention": "us/call", "iteration": "images/s"}
LOWER_IS_BETTER = {"us/call"}
JMH_CLASS = {"GemmBench": "gemm", "ConvBench": "conv", "NormOptimBench": "ops",
             "AttentionBench": "attention", "InterventionBench": "intervention"}
# JMH score units -> factor turning a raw value into calls per second (time units are inverted).
PER_SECOND = {"ops/s": 1.0, "ops/ms": 1e3, "ops/us": 1e6, "ops/ns": 1e9}
SECONDS_PER = {"s/op": 1.0, "ms/op": 1e-3, "us/op": 1e-6, "ns/op": 1e-9}


def flops(suite, shape, op):
    if suite == "gemm":
        return shapes.gemm_flops(shape)
    if suite == "gemm-small":
        s = int(shape)
        return 2.0 * s * s * s
    return shapes.conv_flops(shape) * (3 if op == "forwardBackward" else 1)


def to_unit(suite, shape, op, rates):
    """Calls (or images) per second -> the suite's unit."""
    unit = UNIT[suite]
    if unit == "GFLOP/s":
        f = flops(suite, shape, op) / 1e9
        return [r * f for r in rates]
    if unit == "us/call":
        return [1e6 / r for r in rates]
    return list(rates)


def calls_per_second(metric):
    unit = metric["scoreUnit"]
    raw = [v for fork in metric["rawData"] for v in fork]
    if unit in PER_SECOND:
        return [v * PER_SECOND[unit] for v in raw]
    if unit in SECONDS_PER:
        return [1.0 / (v * SECONDS_PER[unit]) for v in raw]
    raise ValueError(f"unknown JMH score unit {unit}")


def threads_of(path, prefix):
    return int(re.search(prefix + r"-t(\d+)", os.path.basename(path)).group(1))


def load(folder):
    rows = {}  # (suite, shape, op, threads) -> {"ours": [rates], "ref": [rates], "impl": str}
    impls = {}  # suite -> set of reference implementations

    def add(key, side, rates):
        rows.setdefault(key, {}).setdefault(side, []).extend(rates)

    for path in glob.glob(os.path.join(folder, "jmh-t*.json")):
        threads = threads_of(path, "jmh")
        try:
            results = json.load(open(path))
        except ValueError:
            print(f"table.py: skipping {path} (empty or unfinished)", file=sys.stderr)
            continue
        for r in results:
            cls, method = r["benchmark"].split(".")[-2:]
            params = r.get("params", {})
            rates = calls_per_second(r["primaryMetric"])
            if cls == "GemmSmallBench":
                # Ours against each of the two Java references, one row each.
                size = params["size"]
                if method == "iern":
                    add(("gemm-small", size, "ours vs ejml", threads), "ours", rates)
                    add(("gemm-small", size, "ours vs oracle", threads), "ours", rates)
                else:
                    add(("gemm-small", size, f"ours vs {method}", threads), "ref", rates)
                impls.setdefault("gemm-small", set()).add("EJML CommonOps_FDRM.mult; the naive double oracle")
            elif cls in JMH_CLASS:
                suite = JMH_CLASS[cls]
                op = method
                if suite == "gemm":
                    layout = params.get("layout", "nn")
                    op = "sgemm" if layout == "nn" else "sgemm_" + layout
                add((suite, params["shape"], op, threads), "ours", rates)
    for side, prefix in (("ours", "ours"), ("ref", "ref")):
        for path in glob.glob(os.path.join(folder, prefix + "-t*.jsonl")):
            threads = threads_of(path, prefix)
            for line in open(path):
                if not line.strip():
                    continue
                r = json.loads(line)
                rates = r.get("ops_per_s") or r.get("images_per_s")
                key = (r["suite"], r["shape"], r["op"], threads)
                add(key, side, rates)
                if side == "ref":
                    impls.setdefault(r["suite"], set()).add(r.get("impl", "?"))
                elif "impl" in r:
                    rows[key]["ours_impl"] = r["impl"]
    return rows, impls


def shape_order(suite):
    order = {"gemm": shapes.GEMM, "conv": shapes.CONV_ORDER, "ops": shapes.ACTIVATION_ORDER,
             "attention": shapes.ATTENTION_ORDER, "intervention": shapes.INTERVENTION_ORDER,
             "iteration": shapes.ITERATION_ORDER}.get(suite, [])
    return {name: i for i, name in enumerate(order)}


def sort_key(key):
    suite, shape, op, threads = key
    pos = shape_order(suite)
    size = int(shape) if shape.isdigit() else 0
    return (SUITES.index(suite) if suite in SUITES else len(SUITES), threads, pos.get(shape, len(pos)), size, shape, op)


def fmt(values):
    med, lo, hi = statistics.median(values), min(values), max(values)
    digits = 1 if med >= 10 else 2
    return f"{med:9.{digits}f} [{lo:.{digits}f}-{hi:.{digits}f}]", med


def main():
    folder = sys.argv[1]
    machine = os.path.join(folder, "machine.txt")
    if os.path.exists(machine):
        print(open(machine).read().rstrip())
        print()
    rows, impls = load(folder)
    head = (f"{'suite':<12} {'shape':<18} {'op':<18} {'thr':>3}  {'unit':<9} {'ours med [min-max]':<26} "
            f"{'ref med [min-max]':<26} {'ratio':>6}")
    print(head)
    print("-" * len(head))
    last_suite = None
    for key in sorted(rows, key=sort_key):
        suite, shape, op, threads = key
        if last_suite is not None and suite != last_suite:
            print()
        last_suite = suite
        unit = UNIT.get(suite, "calls/s")
        cells, meds = [], []
        for side in ("ours", "ref"):
            rates = rows[key].get(side)
            if rates:
                text, med = fmt(to_unit(suite, shape, op, rates) if suite in UNIT else rates)
                cells.append(text)
                meds.append(med)
            else:
                cells.append("        -")
                meds.append(None)
        if None in meds or 0 in meds:
            ratio = "     -"
        elif unit in LOWER_IS_BETTER:
            ratio = f"{meds[1] / meds[0]:6.2f}"
        else:
            ratio = f"{meds[0] / meds[1]:6.2f}"
        print(f"{suite:<12} {shape:<18} {op:<18} {threads:>3}  {unit:<9} {cells[0]:<26} {cells[1]:<26} {ratio}")
    print()
    print("ratio = our speed / the reference's speed (above 1: ours is faster); for us/call it is ref time / our time.")
    print("median [min-max] over the measured iterations (JMH iterations for ours, timing.measure iterations for")
    print("the references; one value per timed step for the iteration).")
    if impls:
        print("references:")
        for suite in sorted(impls, key=lambda s: SUITES.index(s) if s in SUITES else len(SUITES)):
            print(f"  {suite}: {'; '.join(sorted(impls[suite]))}")
    ours_iter = sorted({v["ours_impl"] for v in rows.values() if "ours_impl" in v})
    if ours_iter:
        print(f"ours, iteration: {'; '.join(ours_iter)}")
    failures = os.path.join(folder, "failures.txt")
    if os.path.exists(failures):
        print()
        print("FAILED (rows missing or incomplete):")
        print(open(failures).read().rstrip())


if __name__ == "__main__":
    main()
