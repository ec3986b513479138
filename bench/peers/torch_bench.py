#!/usr/bin/python3
"""PyTorch side of bench/compare (context only): one process = one batch of timed runs.

    /usr/bin/python3 torch_bench.py --model resnet18_224 --threads N --runs R [--warmup W]

Builds the golden model NAME from models/export_golden.py (same architecture and
shape as the ONNX file the other engines run; weights are random, which does not
change dense FP32 timing), eval() mode, torch.inference_mode(), torch.set_num_threads(N).
Prints one JSON object like ort_bench.js. "load_ms" here is building the module in
Python, not comparable with a file load; bench/compare does not report it.
"""

import argparse
import json
import os
import resource
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "models"))


def fill_pattern(count, seed):
    """The xorshift32 pattern of tools/bench_runner.cpp fill_pattern."""
    state = seed or 0x9E3779B9
    out = [0.0] * count
    for i in range(count):
        state ^= (state << 13) & 0xFFFFFFFF
        state ^= state >> 17
        state ^= (state << 5) & 0xFFFFFFFF
        out[i] = (state >> 8) * (2.0 / 16777216.0) - 1.0
    return out


def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True, help="golden model name, e.g. resnet18_224")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    args = parser.parse_args()
    if args.threads < 1 or args.runs < 1 or args.warmup < 0:
        parser.error("--threads and --runs must be >= 1, --warmup >= 0")

    import torch  # noqa: E402
    torch.set_num_threads(args.threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # already set in this process
    import export_golden  # noqa: E402

    if args.model not in export_golden.MODELS:
        parser.error("unknown model %s (known: %s)" % (args.model, ", ".join(export_golden.MODELS)))
    spec = export_golden.MODELS[args.model]
    rss_before = rss_mb()
    start = time.perf_counter()
    torch.manual_seed(0)
    model = spec["build"]().eval()
    load_ms = (time.perf_counter() - start) * 1e3
    shape = spec["shape"]
    count = 1
    for d in shape:
        count *= d
    x = torch.tensor(fill_pattern(count, 1234), dtype=torch.float32).reshape(shape)

    with torch.inference_mode():
        start = time.perf_counter()
        model(x)
        first_ms = (time.perf_counter() - start) * 1e3
        for _ in range(args.warmup):
            model(x)
        samples = []
        for _ in range(args.runs):
            start = time.perf_counter()
            model(x)
            samples.append((time.perf_counter() - start) * 1e3)

    json.dump({"engine": "pytorch", "version": torch.__version__, "threads": args.threads,
               "load_ms": load_ms, "first_run_ms": first_ms, "samples_ms": samples,
               "rss_before_load_mb": rss_before, "peak_rss_mb": rss_mb()}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
