"""Shared timing loop for the reference scripts: JMH-like warm-up and measured iterations."""
import os
import time

# bench/run.sh sets REF_WARMUP (warm-up iterations of REF_SECONDS each) to keep the short run short.
WARMUP = int(os.environ.get("REF_WARMUP", "2"))


def measure(fn, warmup=WARMUP, iterations=5, seconds=1.0):
    """Calls fn repeatedly; returns calls per second for each measured iteration."""
    rates = []
    for it in range(warmup + iterations):
        calls = 0
        start = time.perf_counter()
        while True:
            fn()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                break
        if it >= warmup:
            rates.append(calls / elapsed)
    return rates
