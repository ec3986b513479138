#!/usr/bin/python3
"""Check that the converted demo models (.tsr, fp16 weights) predict what PyTorch predicts.

    /usr/bin/python3 models/check_demo_models.py --train-dir DIR --tarsier BIN IMAGE...

For each image: PyTorch's output (the trained state dict in DIR, the image preprocessed by
models/synth/prep.py) against `tarsier run MODEL IMAGE -o out.npy` (the engine decodes and
preprocesses the image itself). Reports the largest probability difference and whether the
verdicts agree; exits 1 if a verdict differs or a probability differs by more than --tol.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "synth"))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torchvision  # noqa: E402

import prep  # noqa: E402
import train_classifier as tc  # noqa: E402
import train_segmenter as ts  # noqa: E402


def tarsier_output(binary, model, image, tmp):
    out = os.path.join(tmp, "out.npy")
    verdict = json.loads(subprocess.run([binary, "run", model, image, "-o", out], check=True,
                                        capture_output=True, text=True).stdout)
    return np.load(out), verdict


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train-dir", required=True, help="where train_*.py wrote the .pt/.json files")
    ap.add_argument("--models", default=os.path.join(HERE, "demo"), help="folder of the .tsr files")
    ap.add_argument("--tarsier", required=True)
    ap.add_argument("--tol", type=float, default=0.02)
    ap.add_argument("images", nargs="+")
    args = ap.parse_args()
    torch.set_num_threads(2)

    cls = torchvision.models.resnet18(weights=None, num_classes=2)
    cls.load_state_dict(torch.load(os.path.join(args.train_dir, "demo_classifier.pt")))
    seg = ts.Segmenter()
    seg.load_state_dict(torch.load(os.path.join(args.train_dir, "demo_segmenter.pt")))
    with open(os.path.join(args.train_dir, "demo_segmenter.json")) as f:
        seg_threshold = json.load(f)["threshold"]
    cls.eval()
    seg.eval()

    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for image in args.images:
            img = prep.load_rgb(image)
            with torch.no_grad():
                pc = torch.softmax(cls(torch.from_numpy(prep.to_tensor(img, tc.H, tc.W))[None]), 1)[0].numpy()
                ps = seg(torch.from_numpy(prep.to_tensor(img, ts.H, ts.W))[None])[0].numpy()
            oc, vc = tarsier_output(args.tarsier, os.path.join(args.models, "demo_classifier.tsr"), image, tmp)
            os_, vs = tarsier_output(args.tarsier, os.path.join(args.models, "demo_segmenter.tsr"), image, tmp)
            oc = np.exp(oc.reshape(-1) - oc.max())
            oc /= oc.sum()                                     # the classifier exports logits
            os_ = os_.reshape(ps.shape)                         # the segmenter exports softmax
            dc, ds = float(np.abs(oc - pc).max()), float(np.abs(os_ - ps).max())
            torch_cls = bool(pc[1] >= 0.5)
            torch_seg = bool((1 - ps[0]).max() >= seg_threshold)
            agree = torch_cls == vc["IsAnomalous"] and torch_seg == vs["IsAnomalous"]
            ok &= agree and dc <= args.tol and ds <= args.tol
            print(f"{os.path.basename(image)}: classifier p(anomaly) torch {pc[1]:.4f} tarsier {oc[1]:.4f} "
                  f"(max diff {dc:.2e}); segmenter max diff {ds:.2e}, score torch {(1 - ps[0]).max():.4f} "
                  f"tarsier {vs['AnomalyScore']:.4f}; verdicts {'agree' if agree else 'DIFFER'} "
                  f"(classifier {vc['IsAnomalous']}, segmenter {vs['IsAnomalous']})")
    print("OK" if ok else "MISMATCH")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
