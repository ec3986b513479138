"""Preprocessing shared by the demo trainers: the exact sampling `tarsier run` applies.

The demo models are converted with `--resize area --color rgb --scale 1/255 --mean 0.5 --std
0.25`, no letterbox. `area_resize` reproduces the engine's area resize (engine/image/resize.hpp:
when shrinking an axis, output pixel d is the mean of the source interval [d*s, (d+1)*s),
s = in/out, partial pixels weighted by overlap), so the networks train on exactly the tensors the
engine will feed them.
"""

import json
import os

import numpy as np
from PIL import Image

MEAN = 0.5
STD = 0.25


def area_matrix(n_in, n_out):
    """(n_out, n_in) weights of the engine's area resize along one axis (shrinking only)."""
    if n_out > n_in:
        raise ValueError(f"area_matrix: {n_in} -> {n_out} enlarges; the demo sets only shrink")
    s = n_in / n_out
    m = np.zeros((n_out, n_in))
    for d in range(n_out):
        lo, hi = d * s, (d + 1) * s
        for i in range(int(np.floor(lo)), min(n_in, int(np.ceil(hi)))):
            m[d, i] = max(0.0, min(hi, i + 1) - max(lo, i)) / s
    return m


_cache = {}


def area_resize(a, out_h, out_w):
    """Area-resize an H x W or H x W x C array to out_h x out_w (float64)."""
    h, w = a.shape[:2]
    key = (h, w, out_h, out_w)
    if key not in _cache:
        _cache[key] = (area_matrix(h, out_h), area_matrix(w, out_w))
    my, mx = _cache[key]
    a = a.astype(np.float64)
    if a.ndim == 2:
        return my @ a @ mx.T
    return np.einsum("yh,hwc,xw->yxc", my, a, mx, optimize=True)


def to_tensor(img, out_h, out_w):
    """uint8 H x W x 3 RGB -> float32 3 x out_h x out_w as the engine normalises it."""
    r = area_resize(img, out_h, out_w) / 255.0
    return ((r - MEAN) / STD).transpose(2, 0, 1).astype(np.float32)


def mask_target(mask, out_h, out_w, n_classes, min_fraction=0.3):
    """Class-index mask at the network's resolution: the defect class covering the largest
    share of an output pixel wins if it covers at least min_fraction of it (so thin defects
    survive the shrink), else background."""
    frac = np.stack([area_resize((mask == c).astype(np.float64), out_h, out_w) for c in range(1, n_classes)])
    best = frac.argmax(0)
    return np.where(frac.max(0) >= min_fraction, best + 1, 0).astype(np.int64)


def read_manifest(path):
    """(image path, label 0/1, mask path or None) per line of a Lookout-style manifest with
    paths relative to the manifest's folder (what models/synth/defects.py writes)."""
    root = os.path.dirname(os.path.abspath(path))
    out = []
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            e = json.loads(line)
            mask = e.get("anomaly-mask-ref")
            out.append((os.path.join(root, e["source-ref"]), int(e["anomaly-label"]),
                        os.path.join(root, mask) if mask else None))
    return out


def load_rgb(path):
    return np.asarray(Image.open(path).convert("RGB"))


def mask_from_rgb(rgb, colors):
    """RGB mask PNG -> class-index mask (colours as '#rrggbb', index = class)."""
    out = np.zeros(rgb.shape[:2], dtype=np.uint8)
    for i, c in enumerate(colors):
        col = np.array([int(c[k:k + 2], 16) for k in (1, 3, 5)])
        out[(rgb == col).all(-1)] = i
    return out
