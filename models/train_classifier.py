#!/usr/bin/python3
"""Train the demo normal/anomaly classifier on synthetic steel parts (CPU, a few minutes).

    /usr/bin/python3 models/train_classifier.py --out DIR [--heldout DIR_WITH_MANIFEST]

Model: full-width torchvision resnet18(weights=None, num_classes=2), logits for
("normal", "anomaly"). Input 1x3x192x96 (H x W): a 2:1 portrait that fits the ~232x640
KolektorSDD2-like strips with little distortion; square parts are squeezed 2:1 horizontally by
the same area resize, and the network is trained on both shapes through it.

Data: models/synth/defects.py, training seed 1001 (in memory, JPEG round-tripped where a
written set would hold a JPEG), validation seed 1003. Augmentation: horizontal and vertical flips.
Writes DIR/demo_classifier.pt (state dict), DIR/demo_classifier.onnx (opset 13) and
DIR/demo_classifier.json (sizes, timings, accuracies).
"""

import argparse
import json
import os
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "synth"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torchvision  # noqa: E402

import defects  # noqa: E402
import prep  # noqa: E402
import tarsier_models as tm  # noqa: E402

H, W = 192, 96
LABELS = ["normal", "anomaly"]


def build(seed, count):
    xs, ys = [], []
    for _, img, _, kinds, _ in defects.iterate(seed, count):
        xs.append(prep.to_tensor(img, H, W))
        ys.append(1 if kinds else 0)
    return torch.from_numpy(np.stack(xs)), torch.tensor(ys)


def predict(model, x, batch=64):
    model.eval()
    with torch.no_grad():
        return torch.cat([torch.softmax(model(x[i:i + batch]), 1) for i in range(0, len(x), batch)])


def heldout_accuracy(model, manifest):
    entries = prep.read_manifest(manifest)
    x = torch.from_numpy(np.stack([prep.to_tensor(prep.load_rgb(p), H, W) for p, _, _ in entries]))
    y = torch.tensor([label for _, label, _ in entries])
    p = predict(model, x)[:, 1]
    return float(((p >= 0.5).long() == y).float().mean()), len(entries)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--train", type=int, default=1000, help="training parts")
    ap.add_argument("--val", type=int, default=300, help="validation parts")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--heldout", help="classification.manifest of the held-out set to report accuracy on")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    gen = torch.Generator().manual_seed(2)

    t0 = time.time()
    xt, yt = build(1001, args.train)
    xv, yv = build(1003, args.val)
    t_data = time.time() - t0
    print(f"data: {len(xt)} train / {len(xv)} val parts in {t_data:.0f} s", flush=True)

    model = torchvision.models.resnet18(weights=None, num_classes=2)
    batch = 32
    steps = args.epochs * ((len(xt) + batch - 1) // batch)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1e-3, total_steps=steps, pct_start=0.2)
    t1 = time.time()
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(xt), generator=gen)
        total = 0.0
        for i in range(0, len(xt), batch):
            idx = order[i:i + batch]
            x = xt[idx]
            if torch.rand(1, generator=gen) < 0.5:
                x = x.flip(3)
            if torch.rand(1, generator=gen) < 0.5:
                x = x.flip(2)
            loss = torch.nn.functional.cross_entropy(model(x), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss) * len(idx)
        acc = float(((predict(model, xv)[:, 1] >= 0.5).long() == yv).float().mean())
        print(f"epoch {epoch + 1}/{args.epochs}: loss {total / len(xt):.4f}, val acc {acc:.4f}, "
              f"{time.time() - t1:.0f} s", flush=True)
        info = {"model": "torchvision resnet18(num_classes=2)", "input": [1, 3, H, W], "labels": LABELS,
                "train_parts": len(xt), "epochs": epoch + 1, "threads": args.threads,
                "data_seconds": round(t_data), "train_seconds": round(time.time() - t1), "val_accuracy": acc}
        save(model, args.out, info)  # every epoch, so that an interrupted run leaves a usable model

    if args.heldout:
        info["heldout_accuracy"], info["heldout_parts"] = heldout_accuracy(model, args.heldout)
        print(f"held-out accuracy (python): {info['heldout_accuracy']:.4f} on {info['heldout_parts']} parts")
        save(model, args.out, info)


def save(model, out, info):
    model.eval()
    torch.save(model.state_dict(), os.path.join(out, "demo_classifier.pt"))
    tm.export_onnx(model, torch.zeros(1, 3, H, W), os.path.join(out, "demo_classifier.onnx"), 13)
    with open(os.path.join(out, "demo_classifier.json"), "w") as f:
        json.dump(info, f, indent=1)


if __name__ == "__main__":
    main()
