#!/usr/bin/python3
"""Pools the raw per-round results of bench/compare into one table.

    summarize.py RAW_DIR [--json | --markdown] [--wall-s SECONDS] [--config JSON]

RAW_DIR holds MODEL.tN.ENGINE.rK.json files (ENGINE: tarsier, onnxruntime, pytorch),
each one process's output. Samples of all rounds are pooled before taking
percentiles (linear interpolation between ranks, as `tarsier bench` does); load
time and first run are the median over rounds; peak RSS the largest.
"""

import argparse
import glob
import json
import os
import re
import statistics
import sys

ENGINES = ("tarsier", "onnxruntime", "pytorch")
MODEL_LABELS = {"resnet18_224": "ResNet18 224x224", "unet64_256": "U-Net64 256x256"}


def percentile(sorted_values, p):
    rank = p / 100.0 * (len(sorted_values) - 1)
    below = int(rank)
    above = min(below + 1, len(sorted_values) - 1)
    return sorted_values[below] + (sorted_values[above] - sorted_values[below]) * (rank - below)


def pool(records):
    samples = sorted(s for r in records for s in r["samples_ms"])
    out = {
        "rounds": len(records),
        "runs": len(samples),
        "p50_ms": percentile(samples, 50),
        "p90_ms": percentile(samples, 90),
        "min_ms": samples[0],
        "mean_ms": statistics.fmean(samples),
        "max_ms": samples[-1],
        "load_ms": statistics.median(r["load_ms"] for r in records),
        "first_run_ms": statistics.median(r["first_run_ms"] for r in records),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in records),
    }
    if "rss_before_load_mb" in records[0]:
        out["rss_before_load_mb"] = max(r["rss_before_load_mb"] for r in records)
    for key in ("backend", "version", "arena_bytes", "weight_bytes", "cpu", "isa", "governor"):
        if key in records[0]:
            out[key] = records[0][key]
    return out


def load(raw_dir):
    groups = {}
    pattern = re.compile(r"^(?P<model>.+)\.t(?P<threads>\d+)\.(?P<engine>[a-z]+)\.r(?P<round>\d+)\.json$")
    for path in sorted(glob.glob(os.path.join(raw_dir, "*.json"))):
        m = pattern.match(os.path.basename(path))
        if not m:
            continue
        with open(path) as f:
            text = f.read().strip()
        if not text:
            continue
        key = (m["model"], int(m["threads"]))
        groups.setdefault(key, {}).setdefault(m["engine"], []).append(json.loads(text))
    return groups


def summarize(groups):
    rows = []
    for (model, threads), engines in sorted(groups.items(), key=lambda kv: (kv[0][0] != "resnet18_224", kv[0])):
        row = {"model": model, "label": MODEL_LABELS.get(model, model), "threads": threads}
        for engine in ENGINES:
            if engine in engines:
                row[engine] = pool(engines[engine])
        t, o = row.get("tarsier"), row.get("onnxruntime")
        if t and o:
            row["ratio_p50"] = t["p50_ms"] / o["p50_ms"]
            row["ratio_p90"] = t["p90_ms"] / o["p90_ms"]
            row["ratio_load"] = t["load_ms"] / o["load_ms"]
        rows.append(row)
    return rows


def fmt(value, digits=1):
    if value is None:
        return "-"
    return f"{value:.{digits}f}"


COLUMNS = ["model", "thr", "Tarsier p50", "p90", "ORT p50", "p90", "Tarsier/ORT p50", "p90",
           "load Tarsier", "load ORT", "RSS Tarsier", "RSS ORT", "PyTorch p50"]


def cells(row):
    t, o, p = row.get("tarsier", {}), row.get("onnxruntime", {}), row.get("pytorch", {})
    return [row["label"], str(row["threads"]),
            fmt(t.get("p50_ms")), fmt(t.get("p90_ms")), fmt(o.get("p50_ms")), fmt(o.get("p90_ms")),
            fmt(row.get("ratio_p50"), 2) + ("x" if "ratio_p50" in row else ""),
            fmt(row.get("ratio_p90"), 2) + ("x" if "ratio_p90" in row else ""),
            fmt(t.get("load_ms")), fmt(o.get("load_ms")),
            fmt(t.get("peak_rss_mb"), 0), fmt(o.get("peak_rss_mb"), 0), fmt(p.get("p50_ms"))]


def print_text(rows, meta):
    table = [COLUMNS] + [cells(r) for r in rows]
    widths = [max(len(line[c]) for line in table) for c in range(len(COLUMNS))]
    for i, line in enumerate(table):
        print("  ".join(cell.ljust(widths[c]) if c == 0 else cell.rjust(widths[c]) for c, cell in enumerate(line)))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    print()
    print("times in ms (p50/p90 pooled over all rounds), load = Tarsier Session load / ORT session creation,")
    print("RSS = peak resident MiB of each engine's process (Node itself ~50 MiB, see --json rss_before_load_mb).")
    for key in ("machine", "tarsier_backend", "ort_version", "torch_version", "rounds", "runs_resnet", "runs_unet",
                "warmup", "load_average", "wall_s"):
        if key in meta:
            print(f"{key}: {meta[key]}")


def print_markdown(rows, meta):
    print("| " + " | ".join(COLUMNS) + " |")
    print("|" + "|".join("---" if c == 0 else "---:" for c in range(len(COLUMNS))) + "|")
    for r in rows:
        print("| " + " | ".join(cells(r)) + " |")
    print()
    print(f"Measured by `bench/compare` on {meta.get('machine', 'this machine')}, Tarsier backend "
          f"{meta.get('tarsier_backend', '?')}, ONNX Runtime {meta.get('ort_version', '?')}, "
          f"PyTorch {meta.get('torch_version', '?')}; times in ms, RSS in MiB; load average "
          f"{meta.get('load_average', '?')}; {meta.get('wall_s', '?')} s.")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("raw_dir")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--wall-s", type=float)
    parser.add_argument("--config", default="{}", help="JSON object of the run's settings, copied to the output")
    args = parser.parse_args()
    rows = summarize(load(args.raw_dir))
    if not rows:
        sys.exit(f"summarize: no results in {args.raw_dir}")
    meta = {}
    for r in rows:
        t, o, p = r.get("tarsier"), r.get("onnxruntime"), r.get("pytorch")
        if t:
            meta["machine"] = f"{t.get('cpu', '?')} ({t.get('isa', '?')}, governor {t.get('governor', '?')})"
            meta["tarsier_backend"] = t.get("backend", "?")
        if o:
            meta["ort_version"] = o.get("version", "?")
        if p:
            meta["torch_version"] = p.get("version", "?")
    meta.update(json.loads(args.config))
    if args.wall_s is not None:
        meta["wall_s"] = round(args.wall_s, 1)
    if args.json:
        json.dump({"meta": meta, "results": rows}, sys.stdout, indent=2)
        print()
    elif args.markdown:
        print_markdown(rows, meta)
    else:
        print_text(rows, meta)


if __name__ == "__main__":
    main()
