#!/usr/bin/python3
"""Train the demo defect segmenter on synthetic steel parts (CPU, a few minutes).

    /usr/bin/python3 models/train_segmenter.py --out DIR [--heldout DIR_WITH_MANIFEST]

Model: the U-Net of models/tarsier_models.py (widths 8-16-32-64, transposed-conv upsampling)
with a softmax over 5 per-pixel classes, background first: BACKGROUND, scratch, crack, pit,
stain (models/synth/defects.py CLASSES). Input 1x3x256x128 (H x W), a 2:1 portrait fitting
the ~232x640 strips; squares are squeezed 2:1 horizontally by the same area resize. Output
1x5x256x128 probabilities.

Targets: the ground-truth mask area-resized per class; a pixel takes the defect class covering
the largest share of it if that share is at least 30 %, so thin scratches and cracks survive.
Loss: class-weighted cross entropy (defect classes x3). The anomaly threshold on
1 - p(background) is chosen on the validation set (seed 1003) to maximise image-level accuracy
with the rule `tarsier run` applies (a part is anomalous if any pixel reaches the threshold).
Writes DIR/demo_segmenter.{pt,onnx,json}.
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

import defects  # noqa: E402
import prep  # noqa: E402
import tarsier_models as tm  # noqa: E402

H, W = 256, 128
WIDTHS = (8, 16, 32, 64)
NC = len(defects.CLASSES)


class Segmenter(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.unet = tm.UNet(widths=WIDTHS, n_out=NC)
        self.unet.apply_sigmoid = False

    def forward(self, x, logits=False):
        y = self.unet(x)
        return y if logits else torch.softmax(y, dim=1)


def build(seed, count):
    xs, ms, ys = [], [], []
    for _, img, mask, kinds, _ in defects.iterate(seed, count):
        xs.append(prep.to_tensor(img, H, W))
        ms.append(prep.mask_target(mask, H, W, NC))
        ys.append(1 if kinds else 0)
    return torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(ms)), torch.tensor(ys)


def predict(model, x, batch=32):
    model.eval()
    with torch.no_grad():
        return torch.cat([model(x[i:i + batch]) for i in range(0, len(x), batch)])


def image_scores(probs):
    return (1.0 - probs[:, 0]).flatten(1).max(1).values


def pick_threshold(scores, labels):
    best = (-1.0, 0.5)
    for t in np.arange(0.5, 0.995, 0.01):
        acc = float(((scores >= t).long() == labels).float().mean())
        if acc > best[0] + 1e-9:
            best = (acc, float(round(t, 2)))
    return best[1], best[0]


def pixel_metrics(probs, masks, threshold):
    """Defect-vs-background IoU (pixels with 1 - p(bg) >= threshold) and per-class IoU of the
    argmax, over a whole set, at the network's resolution."""
    anomalous = (1.0 - probs[:, 0]) >= threshold
    truth = masks > 0
    out = {"defect_iou": float((anomalous & truth).sum()) / max(1, int((anomalous | truth).sum()))}
    cls = probs.argmax(1)
    for c in range(1, NC):
        inter = int(((cls == c) & (masks == c)).sum())
        union = int(((cls == c) | (masks == c)).sum())
        out[f"iou_{defects.CLASSES[c]}"] = inter / max(1, union)
    return out


def heldout_metrics(model, manifest, threshold):
    entries = prep.read_manifest(manifest)
    xs, ms = [], []
    for path, _, mask_path in entries:
        xs.append(prep.to_tensor(prep.load_rgb(path), H, W))
        full = (prep.mask_from_rgb(prep.load_rgb(mask_path), defects.COLORS) if mask_path
                else np.zeros(prep.load_rgb(path).shape[:2], dtype=np.uint8))
        ms.append(prep.mask_target(full, H, W, NC))
    x, m = torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(ms))
    y = torch.tensor([label for _, label, _ in entries])
    probs = predict(model, x)
    acc = float(((image_scores(probs) >= threshold).long() == y).float().mean())
    return {"heldout_image_accuracy": acc, "heldout_parts": len(entries),
            **{"heldout_" + k: v for k, v in pixel_metrics(probs, m, threshold).items()}}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--train", type=int, default=800, help="training parts")
    ap.add_argument("--val", type=int, default=300, help="validation parts")
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--heldout", help="segmentation.manifest of the held-out set to report metrics on")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    gen = torch.Generator().manual_seed(2)

    t0 = time.time()
    xt, mt, _ = build(1001, args.train)
    xv, mv, yv = build(1003, args.val)
    t_data = time.time() - t0
    print(f"data: {len(xt)} train / {len(xv)} val parts in {t_data:.0f} s", flush=True)

    model = Segmenter()
    weight = torch.tensor([1.0] + [3.0] * (NC - 1))
    batch = 16
    steps = args.epochs * ((len(xt) + batch - 1) // batch)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps, pct_start=0.2)
    t1 = time.time()
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(xt), generator=gen)
        total = 0.0
        for i in range(0, len(xt), batch):
            idx = order[i:i + batch]
            x, m = xt[idx], mt[idx]
            if torch.rand(1, generator=gen) < 0.5:
                x, m = x.flip(3), m.flip(2)
            if torch.rand(1, generator=gen) < 0.5:
                x, m = x.flip(2), m.flip(1)
            loss = torch.nn.functional.cross_entropy(model(x, logits=True), m, weight=weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss) * len(idx)
        probs = predict(model, xv)
        threshold, acc = pick_threshold(image_scores(probs), yv)
        pixels = pixel_metrics(probs, mv, threshold)
        print(f"epoch {epoch + 1}/{args.epochs}: loss {total / len(xt):.4f}, val image acc {acc:.4f} "
              f"at threshold {threshold}, {pixels}, {time.time() - t1:.0f} s", flush=True)
        info = {"model": f"U-Net widths {list(WIDTHS)}, softmax over {defects.CLASSES}", "input": [1, 3, H, W],
                "labels": defects.CLASSES, "threshold": threshold, "train_parts": len(xt), "epochs": epoch + 1,
                "threads": args.threads, "data_seconds": round(t_data), "train_seconds": round(time.time() - t1),
                "val_image_accuracy": acc, **{"val_" + k: v for k, v in pixels.items()}}
        save(model, args.out, info)  # every epoch, so that an interrupted run leaves a usable model

    if args.heldout:
        info.update(heldout_metrics(model, args.heldout, threshold))
        print("held-out (python):", json.dumps({k: v for k, v in info.items() if k.startswith("heldout")}))
        save(model, args.out, info)


def save(model, out, info):
    model.eval()
    torch.save(model.state_dict(), os.path.join(out, "demo_segmenter.pt"))
    tm.export_onnx(model, torch.zeros(1, 3, H, W), os.path.join(out, "demo_segmenter.onnx"), 13)
    with open(os.path.join(out, "demo_segmenter.json"), "w") as f:
        json.dump(info, f, indent=1)

if __name__ == "__main__":
    main()
