#!/usr/bin/python3
"""Make the small demo models and sample image the README runs on.

    /usr/bin/python3 models/make_demo.py --out DIR

Writes to DIR:
    demo_classifier.onnx   4-stage residual classifier (widths 8,16,32,64),
                           1x3x128x128 -> 1x2 logits ("normal", "anomaly"), opset 13
    demo_segmenter.onnx    small U-Net (widths 8,16,32), 1x3x128x128 ->
                           1x1x128x128 sigmoid mask, opset 13
    demo_part.png          128x128 RGB: a gray brushed-metal surface with a dark scratch
    demo_part.input.npy    the PNG preprocessed as stated in demo.json (float32 NCHW)
    demo_classifier.output.npy, demo_segmenter.output.npy
                           PyTorch's outputs on that input (float64, cast to float32)
    demo.json              labels, preprocessing, expected outputs

The weights are random (seeded) and the BatchNorms randomised: these models
only stand in until trained models exist; their verdicts mean nothing. The
classifier's head is scaled so its argmax on demo_part.png is unambiguous and
the segmenter's head so its mask is not a flat 0.5. Exported with torch's
default settings (TrainingMode.EVAL), as a user's export would be.
"""

import argparse
import copy
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import tarsier_models as tm  # noqa: E402

SIZE = 128
LABELS = ["normal", "anomaly"]
# Preprocessing the demo models assume (ImageNet convention).
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]


def box_blur_1d(a, n, axis):
    """Moving average of length n along axis, same size, wrap-around."""
    out = np.zeros_like(a)
    for k in range(-(n // 2), n - n // 2):
        out += np.roll(a, k, axis=axis)
    return out / n


def make_demo_image(seed=20240611):
    """128x128x3 uint8: brushed gray metal, soft lighting, one dark scratch."""
    rng = np.random.default_rng(seed)
    h = w = SIZE
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)

    img = np.full((h, w), 150.0)
    img += 12.0 * (0.5 - (xx + yy) / (h + w))                       # lighting gradient
    low = rng.normal(0, 1, (h, w))
    for _ in range(3):                                              # blotchy low-frequency shade
        low = box_blur_1d(box_blur_1d(low, 9, 0), 9, 1)
    img += 6.0 * low / (low.std() + 1e-9)
    brushed = box_blur_1d(rng.normal(0, 1, (h, w)), 15, 1)          # horizontal brushing
    img += 5.0 * brushed / (brushed.std() + 1e-9)
    img += rng.normal(0, 2.0, (h, w))                               # sensor grain

    # Scratch: a quadratic Bezier curve, dark core with a faint bright rim.
    p0, p1, p2 = np.array([22.0, 30.0]), np.array([58.0, 70.0]), np.array([108.0, 88.0])  # (x, y)
    t = np.linspace(0.0, 1.0, 400)[:, None]
    curve = (1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t ** 2 * p2   # 400 x 2
    pts = np.stack([xx.ravel(), yy.ravel()], axis=1)                # N x 2
    d2 = ((pts[:, None, :] - curve[None, :, :]) ** 2).sum(-1)        # N x 400
    idx = d2.argmin(1)
    dist = np.sqrt(d2[np.arange(len(pts)), idx]).reshape(h, w)
    along = (idx / 399.0).reshape(h, w)
    depth = 75.0 * (0.6 + 0.4 * np.sin(np.pi * along))               # deeper in the middle
    img -= depth * np.exp(-(dist / 1.3) ** 2)
    img += 14.0 * np.exp(-((dist - 2.6) / 0.8) ** 2) * (along > 0.02) * (along < 0.98)

    rgb = np.stack([img + 2.0, img, img - 3.0], axis=-1)           # faint cool-metal tint
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


def preprocess(rgb_u8):
    x = rgb_u8.astype(np.float32) / 255.0
    x = (x - np.array(MEAN, np.float32)) / np.array(STD, np.float32)
    return torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1)[None]))


def reference(model, x):
    """PyTorch output in float64, as float32 numpy."""
    ref = copy.deepcopy(model).double().eval()
    with torch.no_grad():
        return ref(x.double()).numpy().astype(np.float32)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="output directory (created if missing)")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    import warnings
    warnings.filterwarnings("ignore")

    rgb = make_demo_image()
    png = os.path.join(args.out, "demo_part.png")
    tm.write_png_rgb(png, rgb)
    try:  # PIL is optional: only used to check the hand-written PNG
        from PIL import Image
        assert np.array_equal(np.asarray(Image.open(png).convert("RGB")), rgb)
    except ImportError:
        pass
    x = preprocess(rgb)
    np.save(os.path.join(args.out, "demo_part.input.npy"), x.numpy())

    # Classifier.
    torch.manual_seed(1001)
    gen = torch.Generator().manual_seed(1002)
    cls = tm.SmallResNet((8, 16, 32, 64), num_classes=2).eval()
    tm.randomize_batchnorm(cls, gen)
    tm.separate_class_logits(cls, x, target_max=3.0, min_gap=1.0)
    logits = reference(cls, x)
    np.save(os.path.join(args.out, "demo_classifier.output.npy"), logits)
    tm.export_onnx(cls, x, os.path.join(args.out, "demo_classifier.onnx"), 13, keep_bn=False)
    z = logits[0].astype(np.float64)
    probs = np.exp(z - z.max()) / np.exp(z - z.max()).sum()

    # Segmenter.
    torch.manual_seed(2001)
    gen = torch.Generator().manual_seed(2002)
    seg = tm.UNet((8, 16, 32), "transpose").eval()
    tm.randomize_batchnorm(seg, gen)
    tm.spread_segmentation_logits(seg, x, target_std=4.0)
    mask = reference(seg, x)
    np.save(os.path.join(args.out, "demo_segmenter.output.npy"), mask)
    tm.export_onnx(seg, x, os.path.join(args.out, "demo_segmenter.onnx"), 13, keep_bn=False)

    info = dict(
        generator="models/make_demo.py",
        note="random seeded weights: stand-ins until trained models exist",
        image=dict(file="demo_part.png", shape=[SIZE, SIZE, 3]),
        preprocessing=dict(color="RGB", scale=1.0 / 255.0, mean=MEAN, std=STD,
                           layout="NCHW", resize=None, input_file="demo_part.input.npy"),
        classifier=dict(onnx="demo_classifier.onnx", opset=13, input_shape=[1, 3, SIZE, SIZE],
                        labels=LABELS, output="logits", output_file="demo_classifier.output.npy",
                        expected_logits=[float(v) for v in z],
                        expected_probabilities=[float(v) for v in probs],
                        expected_label=LABELS[int(z.argmax())]),
        segmenter=dict(onnx="demo_segmenter.onnx", opset=13, input_shape=[1, 3, SIZE, SIZE],
                       output="sigmoid mask 1x1x128x128", output_file="demo_segmenter.output.npy",
                       expected_fraction_above_0_5=float((mask > 0.5).mean())))
    with open(os.path.join(args.out, "demo.json"), "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")

    for name in ("demo_classifier.onnx", "demo_segmenter.onnx"):
        ops, opset = tm.onnx_summary(os.path.join(args.out, name))
        print(f"{name}: opset {opset}, ops {ops}")
    print(f"classifier on demo_part.png: logits {np.round(z, 4).tolist()} -> {info['classifier']['expected_label']}")
    print(f"segmenter: {info['segmenter']['expected_fraction_above_0_5']:.3f} of pixels above 0.5")
    print(f"wrote demo files to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
