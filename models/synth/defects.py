#!/usr/bin/python3
"""Seeded synthetic steel-surface defect images with pixel masks.

    /usr/bin/python3 models/synth/defects.py --out DIR --count N --seed S

Writes a data set in the layouts `tarsier eval` reads (see /work/tarsier_manifest.md):

    DIR/normal/img_NNNN.{png,jpg}     defect-free parts
    DIR/anomaly/img_NNNN.{png,jpg}    parts with one to three defects
    DIR/masks/img_NNNN.png            RGB mask of every anomalous part, one colour per class
    DIR/classification.manifest       Lookout-style JSON Lines, "anomaly-label" 0/1
    DIR/segmentation.manifest         the same plus "anomaly-mask-ref" for anomalous parts

    /usr/bin/python3 models/synth/defects.py --samples --out models/demo

writes the four sample images bundled with the demo models (SAMPLES below).

Manifest paths are relative to DIR. Images are narrow strips about 232x640 (width x height, the
shape of KolektorSDD2's commutator images) or squares of 256..320; about one in five is a
JPEG. Everything is a function of the seed: the same seed gives the same files.

Surfaces: a tinted steel gray with brushed (anisotropic, randomly oriented) streaks, low
frequency mottling, an illumination gradient with a soft hot spot, and sensor grain.
Defects, each with a class in CLASSES:
    scratch  a long thin slightly curved line, dark or bright, with a faint rim
    crack    a jagged random walk with side branches, thin and dark
    pit      one to four small elliptical blobs, dark core with a bright rim (or inverted)
    stain    a smooth irregular low-contrast blotch, gray or rust tinted
Size, contrast and orientation are drawn per defect. Only numpy and PIL are used.
"""

import argparse
import json
import math
import os

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

CLASSES = ["BACKGROUND", "scratch", "crack", "pit", "stain"]
COLORS = ["#ffffff", "#23a436", "#d6262b", "#1f5fc8", "#e89a0c"]
CREATION_DATE = "2026-11-22T00:00:00.000"  # fixed so that manifests are reproducible


def hex_rgb(color):
    return tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))


# Surface texture
# ---------------------------------------------------------------------------

def resize_float(a, w, h, resample=Image.BILINEAR):
    """Resize a 2-D float array with PIL's float mode."""
    return np.asarray(Image.fromarray(a.astype(np.float32), mode="F").resize((w, h), resample),
                      dtype=np.float64)


def brushed(rng, h, w):
    """Streaks along a random direction: noise stretched along one axis, then rotated."""
    side = int(math.ceil(math.hypot(h, w))) + 2
    stretch = int(rng.integers(12, 40))
    noise = rng.normal(0, 1, (side, max(2, side // stretch)))
    streaks = Image.fromarray(resize_float(noise, side, side).astype(np.float32), mode="F")
    # Mostly along or across the part, sometimes at an angle.
    angle = float(rng.choice([0.0, 90.0, rng.uniform(0, 180)], p=[0.4, 0.4, 0.2]))
    streaks = np.asarray(streaks.rotate(angle, resample=Image.BILINEAR), dtype=np.float64)
    y0, x0 = (side - h) // 2, (side - w) // 2
    s = streaks[y0:y0 + h, x0:x0 + w]
    return s / (s.std() + 1e-9)


def smooth_noise(rng, h, w, cell):
    """Unit-std smooth noise with features about `cell` pixels wide."""
    g = rng.normal(0, 1, (h // cell + 3, w // cell + 3))
    s = resize_float(g, w + 2 * cell, h + 2 * cell, Image.BICUBIC)[cell:cell + h, cell:cell + w]
    return s / (s.std() + 1e-9)


def surface(rng, h, w):
    """H x W x 3 float steel surface (0..255 scale)."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    base = rng.uniform(90, 170)
    gray = np.full((h, w), base)
    gray += rng.uniform(2.5, 9.0) * brushed(rng, h, w)
    gray += rng.uniform(1.5, 6.0) * smooth_noise(rng, h, w, int(rng.integers(24, 64)))
    # Illumination: a linear ramp and a broad hot spot.
    theta = rng.uniform(0, 2 * math.pi)
    ramp = ((xx - w / 2) * math.cos(theta) + (yy - h / 2) * math.sin(theta)) / max(h, w)
    gray += rng.uniform(0, 30) * ramp
    cy, cx = rng.uniform(0, h), rng.uniform(0, w)
    r = rng.uniform(0.3, 0.8) * max(h, w)
    gray += rng.uniform(-10, 18) * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * r * r))
    tint = 1.0 + rng.normal(0, 0.025, 3)
    img = gray[..., None] * tint[None, None, :]
    grain = rng.uniform(1.0, 4.0)
    img += rng.normal(0, grain, (h, w, 1)) + rng.normal(0, grain * 0.3, (h, w, 3))
    return img


# Defects: each returns (delta H x W x 3 to add, boolean mask H x W)
# ---------------------------------------------------------------------------

def blur(a, sigma):
    """Separable Gaussian blur (edge-replicated), small sigma."""
    r = int(math.ceil(3 * sigma))
    k = np.exp(-0.5 * (np.arange(-r, r + 1) / sigma) ** 2)
    k /= k.sum()
    h, w = a.shape
    p = np.pad(a, r, mode="edge")
    rows = sum(k[i] * p[:, i:i + w] for i in range(2 * r + 1))
    return sum(k[i] * rows[i:i + h, :] for i in range(2 * r + 1))


def draw_lines(h, w, polylines, width):
    canvas = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(canvas)
    for pts in polylines:
        draw.line([tuple(p) for p in pts], fill=255, width=width, joint="curve")
    return np.asarray(canvas, dtype=np.float64) / 255.0


def grow(mask, pixels):
    m = Image.fromarray((mask * 255).astype(np.uint8))
    for _ in range(pixels):
        m = m.filter(ImageFilter.MaxFilter(3))
    return np.asarray(m) > 127


def gray_delta(d):
    return np.repeat(d[..., None], 3, axis=2)


def scratch(rng, h, w):
    length = rng.uniform(0.2, 0.75) * max(h, w)
    angle = rng.uniform(0, math.pi)
    cx, cy = rng.uniform(0.15, 0.85) * w, rng.uniform(0.1, 0.9) * h
    d = np.array([math.cos(angle), math.sin(angle)]) * length / 2
    p0, p2 = np.array([cx, cy]) - d, np.array([cx, cy]) + d
    bend = np.array([-d[1], d[0]]) * rng.uniform(-0.3, 0.3)
    t = np.linspace(0, 1, 80)[:, None]
    pts = (1 - t) ** 2 * p0 + 2 * (1 - t) * t * (np.array([cx, cy]) + bend) + t ** 2 * p2
    width = int(rng.integers(2, 6))
    core = draw_lines(h, w, [pts], width)
    soft = blur(core, rng.uniform(0.6, 1.2))
    rim = blur(draw_lines(h, w, [pts], width + 4), 1.5) - soft
    contrast = rng.uniform(25, 80)
    sign = -1.0 if rng.random() < 0.7 else 1.0
    fade = 0.55 + 0.45 * np.clip(smooth_noise(rng, h, w, 48) * 0.5 + 0.6, 0, 1)
    delta = (sign * contrast * soft - sign * 0.25 * contrast * np.clip(rim, 0, 1)) * fade
    return gray_delta(delta), grow(core, 1)


def crack(rng, h, w):
    def walk(x, y, angle, steps):
        pts = [(x, y)]
        for _ in range(steps):
            angle += rng.normal(0, 0.35)
            step = rng.uniform(2.5, 5.0)
            x, y = x + step * math.cos(angle), y + step * math.sin(angle)
            pts.append((x, y))
        return np.array(pts), angle

    scale = max(h, w)
    x, y = rng.uniform(0.15, 0.85) * w, rng.uniform(0.1, 0.9) * h
    trunk, _ = walk(x, y, rng.uniform(0, 2 * math.pi), int(rng.uniform(0.04, 0.12) * scale))
    lines = [trunk]
    for _ in range(int(rng.integers(1, 5))):
        i = int(rng.integers(1, len(trunk)))
        base = trunk[i] - trunk[i - 1]
        angle = math.atan2(base[1], base[0]) + rng.choice([-1, 1]) * rng.uniform(0.4, 1.1)
        branch, _ = walk(trunk[i][0], trunk[i][1], angle, int(rng.integers(5, max(6, len(trunk) // 2))))
        lines.append(branch)
    width = int(rng.integers(2, 4))
    core = draw_lines(h, w, lines, width)
    soft = blur(core, 0.7)
    contrast = rng.uniform(40, 100)
    return gray_delta(-contrast * soft), grow(core, 1)


def pits(rng, h, w):
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    delta = np.zeros((h, w))
    mask = np.zeros((h, w), dtype=bool)
    cx, cy = rng.uniform(0.1, 0.9) * w, rng.uniform(0.08, 0.92) * h
    for k in range(int(rng.choice([1, 2, 3, 4], p=[0.55, 0.2, 0.15, 0.1]))):
        px, py = (cx, cy) if k == 0 else (cx + rng.normal(0, 18), cy + rng.normal(0, 18))
        r = rng.uniform(4.0, 13.0) * (1.0 if k == 0 else 0.7)
        ecc = rng.uniform(1.0, 1.7)
        a = rng.uniform(0, math.pi)
        u = ((xx - px) * math.cos(a) + (yy - py) * math.sin(a)) / (r * ecc)
        v = (-(xx - px) * math.sin(a) + (yy - py) * math.cos(a)) / r
        rn = np.sqrt(u * u + v * v)
        contrast = rng.uniform(35, 90)
        sign = -1.0 if rng.random() < 0.75 else 1.0
        delta += sign * contrast * (np.exp(-2.0 * rn ** 2) - 0.45 * np.exp(-((rn - 1.15) / 0.22) ** 2))
        mask |= rn <= 1.1
    return gray_delta(delta), mask


def stain(rng, h, w):
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    r = rng.uniform(14, 60)
    ecc = rng.uniform(1.0, 2.2)
    a = rng.uniform(0, math.pi)
    cx, cy = rng.uniform(0.15, 0.85) * w, rng.uniform(0.1, 0.9) * h
    u = ((xx - cx) * math.cos(a) + (yy - cy) * math.sin(a)) / (r * ecc)
    v = (-(xx - cx) * math.sin(a) + (yy - cy) * math.cos(a)) / r
    s = 1.0 - np.sqrt(u * u + v * v) + 0.3 * smooth_noise(rng, h, w, max(6, int(r / 2)))
    level = np.clip(s / 0.35, 0, 1)
    level = level * level * (3 - 2 * level)                        # smoothstep: soft edge
    contrast = rng.uniform(12, 35)
    if rng.random() < 0.5:
        colour = np.array([-0.4, -0.75, -1.1])                     # rust: darker, warmer
    else:
        colour = np.array([-1.0, -1.0, -1.0]) * (1 if rng.random() < 0.8 else -1)
    delta = contrast * level[..., None] * colour[None, None, :]
    return delta, s > 0.12


DEFECTS = {"scratch": scratch, "crack": crack, "pit": pits, "stain": stain}


# Parts
# ---------------------------------------------------------------------------

def part_size(rng, shape):
    if shape == "narrow":
        return int(rng.integers(624, 657)), int(rng.integers(224, 241))   # h, w
    side = int(rng.integers(256, 321))
    return side, side


def make_part(rng, shape, defective):
    """Returns (uint8 H x W x 3 image, uint8 H x W class-index mask, list of defect names)."""
    h, w = part_size(rng, shape)
    img = surface(rng, h, w)
    mask = np.zeros((h, w), dtype=np.uint8)
    kinds = []
    if defective:
        count = int(rng.choice([1, 2, 3], p=[0.7, 0.25, 0.05]))
        for _ in range(count):
            kind = str(rng.choice(list(DEFECTS)))
            delta, m = DEFECTS[kind](rng, h, w)
            img += delta
            mask[m] = CLASSES.index(kind)
            kinds.append(kind)
        if not mask.any():  # a defect drawn entirely off the part: try again
            return make_part(rng, shape, defective)
    return np.clip(np.rint(img), 0, 255).astype(np.uint8), mask, kinds


def sample_plan(seed, count, anomaly_fraction=0.5, narrow_fraction=0.6):
    """The (shape, defective, jpeg) of each sample, and one rng per sample (seeded from `seed`)."""
    rng = np.random.default_rng(seed)
    plan = []
    for i in range(count):
        shape = "narrow" if rng.random() < narrow_fraction else "square"
        defective = bool(rng.random() < anomaly_fraction)
        jpeg = bool(rng.random() < 0.2)
        plan.append((shape, defective, jpeg, np.random.default_rng([seed, i])))
    return plan


def jpeg_roundtrip(img, quality=92):
    import io
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="JPEG", quality=quality)
    buf.seek(0)
    return np.asarray(Image.open(buf).convert("RGB"))


def iterate(seed, count, **kw):
    """Yield (index, image, mask, kinds, jpeg) in memory, images JPEG round-tripped where the
    written set would store a JPEG, so training sees what `tarsier` decodes."""
    for i, (shape, defective, jpeg, rng) in enumerate(sample_plan(seed, count, **kw)):
        img, mask, kinds = make_part(rng, shape, defective)
        yield i, (jpeg_roundtrip(img) if jpeg else img), mask, kinds, jpeg


# Writing a data set
# ---------------------------------------------------------------------------

def mask_rgb(mask):
    lut = np.array([hex_rgb(c) for c in COLORS], dtype=np.uint8)
    return lut[mask]


def label_entry(anomalous):
    return {
        "anomaly-label": 1 if anomalous else 0,
        "anomaly-label-metadata": {
            "confidence": 1, "job-name": "labeling-job/anomaly-label",
            "class-name": "anomaly" if anomalous else "normal", "human-annotated": "yes",
            "creation-date": CREATION_DATE, "type": "groundtruth/image-classification"}}


def mask_entry(ref):
    return {
        "anomaly-mask-ref": ref,
        "anomaly-mask-ref-metadata": {
            "internal-color-map": {str(i): {"class-name": c, "hex-color": COLORS[i], "confidence": 0.0}
                                   for i, c in enumerate(CLASSES)},
            "type": "groundtruth/semantic-segmentation", "human-annotated": "yes",
            "creation-date": CREATION_DATE, "job-name": "labeling-job/anomaly-mask-ref"}}


def write_set(out, count, seed, **kw):
    for sub in ("normal", "anomaly", "masks"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    cls_lines, seg_lines, stats = [], [], {"normal": 0, "anomaly": 0, **{k: 0 for k in DEFECTS}}  # part and defect counts
    for i, (shape, defective, jpeg, rng) in enumerate(sample_plan(seed, count, **kw)):
        img, mask, kinds = make_part(rng, shape, defective)
        stem = f"img_{i:04d}"
        folder = "anomaly" if defective else "normal"
        rel = f"{folder}/{stem}.{'jpg' if jpeg else 'png'}"
        if jpeg:
            Image.fromarray(img).save(os.path.join(out, rel), quality=92)
        else:
            Image.fromarray(img).save(os.path.join(out, rel), optimize=False, compress_level=6)
        cls = {"source-ref": rel, **label_entry(defective)}
        seg = dict(cls)
        if defective:
            mrel = f"masks/{stem}.png"
            Image.fromarray(mask_rgb(mask)).save(os.path.join(out, mrel))
            seg.update(mask_entry(mrel))
        cls_lines.append(json.dumps(cls))
        seg_lines.append(json.dumps(seg))
        stats[folder] += 1
        for k in kinds:
            stats[k] += 1
    for name, lines in (("classification", cls_lines), ("segmentation", seg_lines)):
        with open(os.path.join(out, f"{name}.manifest"), "w") as f:
            f.write("\n".join(lines) + "\n")
    return stats


# The bundled sample images: (file, shape, defective, seed). Seeds outside the training,
# validation and held-out ranges; picked so that the defects are plainly visible.
SAMPLES = [("demo_part.png", "narrow", True, 7005), ("demo_strip_normal.jpg", "narrow", False, 7002),
           ("demo_square_defect.jpg", "square", True, 7010), ("demo_square_normal.jpg", "square", False, 7004)]


def write_samples(out):
    os.makedirs(out, exist_ok=True)
    for name, shape, defective, seed in SAMPLES:
        img, mask, kinds = make_part(np.random.default_rng(seed), shape, defective)
        Image.fromarray(img).save(os.path.join(out, name), quality=90)
        print(f"{name}: {img.shape[1]}x{img.shape[0]}, defects {kinds or 'none'}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, default=400)
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--samples", action="store_true", help="write the bundled sample images to --out instead")
    args = ap.parse_args()
    if args.samples:
        write_samples(args.out)
        return
    stats = write_set(args.out, args.count, args.seed)
    print(f"wrote {args.count} parts to {args.out}: {json.dumps(stats)}")


if __name__ == "__main__":
    main()
