#!/usr/bin/python3
"""Generate the golden models for Tarsier's model tests.

    /usr/bin/python3 models/export_golden.py --out DIR [--only NAME ...] [--list]

For each model: build it from fixed seeds, eval() mode, randomise every
BatchNorm (running_mean ~ N(0, s^2) with s in 0.1..0.5, running_var in
0.5..2.0, weight in 0.5..1.5, bias ~ N(0, 0.1^2)), make the output
meaningful (segmentation: logits spread with std ~4 so the sigmoid mask is not
0.5 everywhere; classification: an unambiguous argmax), and write to DIR:

    NAME.onnx          static shapes, input "input", output "output"
    NAME.input.npy     float32 input (NCHW; NHWC for tiny_nhwc)
    NAME.output.npy    float32 reference output: PyTorch's output computed in
                       FLOAT64 (a double copy of the model on the float32
                       input promoted to double) and then cast to float32, so
                       the reference carries no float32 accumulation error.
    NAME.logits.npy    pre-sigmoid (segmentation) / pre-softmax (tiny_nhwc,
                       ops_misc) values, same float64-then-cast recipe.
    manifest.json      one entry per model (see README.md).

Requires Debian's python3-torch 1.13 and python3-torchvision 0.14; never
downloads anything (all weights are random). python3-onnx, if present, is used
to run onnx.checker and to list op types in the manifest.
"""

import argparse
import copy
import json
import os
import sys
import time

sys.dont_write_bytecode = True  # keep models/ free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import tarsier_models as tm  # noqa: E402


# name -> spec. keep_bn: export with BatchNormalization nodes kept (the
# converter must fold them); otherwise torch's exporter fuses Conv+BN itself,
# which is what a user's default torch.onnx.export produces. Both kinds exist
# in the wild, so the golden set has both.
MODELS = {
    "resnet18_224": dict(
        build=lambda: tm.TorchvisionResNet18(2), shape=(1, 3, 224, 224),
        task="classification", opset=13, keep_bn=True),
    "resnet18_256x320": dict(
        build=lambda: tm.TorchvisionResNet18(2), shape=(1, 3, 256, 320),
        task="classification", opset=17, keep_bn=False),
    "unet64_256": dict(
        build=lambda: tm.UNet((64, 128, 256, 512, 1024), "transpose"), shape=(1, 3, 256, 256),
        task="segmentation", opset=11, keep_bn=True),
    "unet16_256": dict(
        build=lambda: tm.UNet((16, 32, 64, 128, 256), "transpose"), shape=(1, 3, 256, 256),
        task="segmentation", opset=13, keep_bn=False),
    "unet16_bilinear_ac_256": dict(
        build=lambda: tm.UNet((16, 32, 64, 128, 256), "bilinear_ac"), shape=(1, 3, 256, 256),
        task="segmentation", opset=11, keep_bn=True),
    "unet16_bilinear_192x160": dict(
        build=lambda: tm.UNet((16, 32, 64, 128, 256), "bilinear"), shape=(1, 3, 192, 160),
        task="segmentation", opset=13, keep_bn=False),
    # Extra (not in the original brief): a size not divisible by 16, so the
    # decoder's Pad really pads (one row/column at the bottom/right on each
    # level where the skip is odd-sized: 25 vs 24, 23 vs 22, ...).
    "unet16_odd_190x168": dict(
        build=lambda: tm.UNet((16, 32, 64, 128, 256), "transpose"), shape=(1, 3, 190, 168),
        task="segmentation", opset=13, keep_bn=False),
    "unet_mbv2_224": dict(
        build=lambda: tm.MobileNetV2UNet(0.35), shape=(1, 3, 224, 224),
        task="segmentation", opset=12, keep_bn=True),
    "tiny_nhwc": dict(
        build=tm.TinyNHWC, shape=(1, 64, 64, 3), layout="NHWC",
        task="classification", opset=13, keep_bn=False),
    "ops_misc": dict(
        build=tm.OpsMisc, shape=(1, 3, 32, 32),
        task="classification", opset=13, keep_bn=False),
}

# Acceptance thresholds for "the output is meaningful".
SEG_MIN_LOW = 0.20    # at least this fraction of pixels with p < 0.2
SEG_MIN_HIGH = 0.20   # ... and with p > 0.8
CLS_MIN_REL_MARGIN = 1e-2  # (top1 - top2) / max|logit|


def has_final_activation(model):
    return hasattr(model, "apply_sigmoid") or hasattr(model, "apply_softmax")


def export_one(name, spec, out_dir, log):
    t0 = time.time()
    seed = tm.seed_from_name(name)
    torch.manual_seed(seed)                 # weight init
    gen = torch.Generator().manual_seed(seed + 1)  # BN stats and input

    model = spec["build"]().float().eval()
    n_bn = tm.randomize_batchnorm(model, gen)
    x = tm.make_input(spec["shape"], gen)

    # Make the reference output discriminative.
    if spec["task"] == "segmentation":
        scale, centre = tm.spread_segmentation_logits(model, x, target_std=4.0)
    else:
        scale = tm.separate_class_logits(model, x, target_max=4.0, min_gap=1.0)

    # Reference in float64 (see module docstring).
    ref = copy.deepcopy(model).double().eval()
    xd = x.double()
    with torch.no_grad():
        if has_final_activation(model):
            logits64 = tm._raw_forward(ref, xd)
            if spec["task"] == "segmentation":
                out64 = torch.sigmoid(logits64)
            else:
                out64 = torch.softmax(logits64, dim=1)
        else:
            logits64 = None
            out64 = ref(xd)
        # float32 run, only to report how far a plain float32 evaluation drifts
        out32 = model(x)
    del ref
    assert torch.isfinite(out64).all(), name
    drift32 = (out32.double() - out64).abs().max().item()

    # Checks that the comparison is meaningful.
    if spec["task"] == "segmentation":
        p = out64.flatten()
        low = (p < 0.2).double().mean().item()
        high = (p > 0.8).double().mean().item()
        assert low >= SEG_MIN_LOW and high >= SEG_MIN_HIGH, \
            f"{name}: mask not spread (p<0.2: {low:.2f}, p>0.8: {high:.2f})"
        quality = dict(frac_below_0_2=round(low, 4), frac_above_0_8=round(high, 4),
                       logits_std=round(logits64.std().item(), 4))
    else:
        z = (logits64 if logits64 is not None else out64).flatten()
        top = torch.topk(z, 2).values
        rel = ((top[0] - top[1]) / z.abs().max()).item()
        assert rel > CLS_MIN_REL_MARGIN, f"{name}: ambiguous argmax (relative margin {rel:.3g})"
        quality = dict(argmax=int(z.argmax()), top2_gap=round((top[0] - top[1]).item(), 4),
                       relative_margin=round(rel, 4))

    # Files.
    onnx_file = f"{name}.onnx"
    tm.export_onnx(model, x, os.path.join(out_dir, onnx_file), spec["opset"], spec["keep_bn"])
    files = dict(onnx=onnx_file, input=f"{name}.input.npy", output=f"{name}.output.npy")
    np.save(os.path.join(out_dir, files["input"]), x.numpy().astype(np.float32))
    np.save(os.path.join(out_dir, files["output"]), out64.numpy().astype(np.float32))
    if logits64 is not None:
        files["logits"] = f"{name}.logits.npy"
        np.save(os.path.join(out_dir, files["logits"]), logits64.numpy().astype(np.float32))

    ops, opset = tm.onnx_summary(os.path.join(out_dir, onnx_file))
    if opset is not None:
        assert opset == spec["opset"], (name, opset)

    entry = dict(
        name=name, task=spec["task"], **files,
        input_shape=list(spec["shape"]), input_layout=spec.get("layout", "NCHW"),
        output_shape=list(out64.shape), opset=spec["opset"],
        batchnorm_in_graph=bool(spec["keep_bn"] or name == "ops_misc"),
        batchnorm_count=n_bn, seed=seed,
        reference="float64 PyTorch %s, cast to float32" % torch.__version__,
        float32_drift=drift32, quality=quality)
    if ops is not None:
        entry["onnx_ops"] = ops
    log(f"{name:26s} {time.time() - t0:6.1f}s  opset {spec['opset']:2d}  "
        f"out {tuple(out64.shape)}  f32 drift {drift32:.2e}  {quality}")
    if ops is not None:
        log(f"{'':26s} ops: {' '.join(ops)}")
    return entry


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", help="output directory (created if missing)")
    ap.add_argument("--only", nargs="+", metavar="NAME", help="export only these models")
    ap.add_argument("--list", action="store_true", help="list the models and exit")
    ap.add_argument("--threads", type=int, default=2, help="torch CPU threads (default 2)")
    args = ap.parse_args(argv)

    if args.list:
        for n, s in MODELS.items():
            print(f"{n:26s} {s['task']:14s} {'x'.join(map(str, s['shape'])):14s} "
                  f"opset {s['opset']}  {'BN kept' if s['keep_bn'] else 'Conv+BN fused by exporter'}")
        return 0
    if not args.out:
        ap.error("--out DIR is required")
    names = args.only or list(MODELS)
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        ap.error("unknown model(s): %s (see --list)" % ", ".join(unknown))

    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    import warnings
    warnings.filterwarnings("ignore")  # torch 1.13 exporter chatter (TracerWarning, PRESERVE hint)

    t0 = time.time()
    entries = [export_one(n, MODELS[n], args.out, print) for n in names]

    # With --only, merge into an existing manifest rather than dropping models.
    path = os.path.join(args.out, "manifest.json")
    merged = {}
    if args.only and os.path.exists(path):
        with open(path) as f:
            merged = {e["name"]: e for e in json.load(f).get("models", [])}
    merged.update({e["name"]: e for e in entries})
    order = [n for n in MODELS if n in merged]
    manifest = dict(
        generator="models/export_golden.py",
        torch=torch.__version__,
        note="output.npy/logits.npy computed in float64 by PyTorch, stored as float32",
        models=[merged[n] for n in order])
    with open(path, "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    print(f"wrote {len(entries)} model(s) + manifest.json to {args.out} in {time.time() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
