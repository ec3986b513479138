#!/usr/bin/python3
"""Independent check of the golden files: evaluate each exported ONNX graph
with a small float64 NumPy interpreter (written here, following the ONNX
operator spec) and compare with the PyTorch reference in NAME.output.npy.

    /usr/bin/python3 models/onnx_numpy_check.py --dir DIR [--only NAME ...]
    /usr/bin/python3 models/onnx_numpy_check.py --model M.onnx INPUT.npy OUTPUT.npy

This proves the .onnx files mean what PyTorch computed (no exporter surprise),
so a mismatch in the engine's model tests is the engine's. It covers exactly
the ops and attributes the golden/demo models use and refuses anything else.
Needs python3-onnx (for parsing only) and NumPy; no onnxruntime.
"""

import argparse
import json
import os
import sys
import time

import numpy as np

try:
    import onnx
    from onnx import numpy_helper
except ImportError:  # pragma: no cover
    sys.exit("python3-onnx is required (apt install python3-onnx)")


def attrs_of(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _pair_pads(pads, nd=2):
    pads = list(pads) if pads else [0] * (2 * nd)
    return pads[:nd], pads[nd:]


def conv(x, w, b, a):
    assert a.get("auto_pad", b"NOTSET") in (b"NOTSET", "NOTSET")
    g = a.get("group", 1)
    s = a.get("strides", [1, 1])
    d = a.get("dilations", [1, 1])
    (pt, pl), (pb, pr) = _pair_pads(a.get("pads"))
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    assert cg * g == c and m % g == 0
    xp = np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr)))
    oh = (h + pt + pb - (d[0] * (kh - 1) + 1)) // s[0] + 1
    ow = (wd + pl + pr - (d[1] * (kw - 1) + 1)) // s[1] + 1
    wg = w.reshape(g, m // g, cg, kh, kw)
    out = np.zeros((n, g, m // g, oh * ow))
    for i in range(kh):
        for j in range(kw):
            xs = xp[:, :, i * d[0]: i * d[0] + s[0] * (oh - 1) + 1: s[0],
                    j * d[1]: j * d[1] + s[1] * (ow - 1) + 1: s[1]]
            # contiguous operands so that NumPy hands the product to BLAS
            xs = np.ascontiguousarray(xs).reshape(n, g, cg, oh * ow)
            wij = np.ascontiguousarray(wg[:, :, :, i, j])
            for bi in range(n):
                if g == 1:
                    out[bi, 0] += wij[0] @ xs[bi, 0]
                else:
                    out[bi] += np.matmul(wij, xs[bi])
    out = out.reshape(n, m, oh, ow)
    if b is not None:
        out += b.reshape(1, m, 1, 1)
    return out


def conv_transpose(x, w, b, a):
    assert a.get("group", 1) == 1 and "output_shape" not in a
    s = a.get("strides", [1, 1])
    d = a.get("dilations", [1, 1])
    op = a.get("output_padding", [0, 0])
    (pt, pl), (pb, pr) = _pair_pads(a.get("pads"))
    n, c, h, wd = x.shape
    _, m, kh, kw = w.shape
    fh = (h - 1) * s[0] + (kh - 1) * d[0] + 1 + op[0]
    fw = (wd - 1) * s[1] + (kw - 1) * d[1] + 1 + op[1]
    full = np.zeros((n, m, fh, fw))
    for i in range(kh):
        for j in range(kw):
            wij = np.ascontiguousarray(w[:, :, i, j].T)                  # (m, c)
            contrib = np.stack([(wij @ x[bi].reshape(c, -1)).reshape(m, h, wd) for bi in range(n)])
            full[:, :, i * d[0]: i * d[0] + s[0] * (h - 1) + 1: s[0],
                 j * d[1]: j * d[1] + s[1] * (wd - 1) + 1: s[1]] += contrib
    out = full[:, :, pt: fh - pb, pl: fw - pr]
    if b is not None:
        out = out + b.reshape(1, m, 1, 1)
    return out


def pool(x, a, kind):
    k = a["kernel_shape"]
    s = a.get("strides", [1, 1])
    assert a.get("dilations", [1, 1]) == [1, 1]
    assert a.get("auto_pad", b"NOTSET") in (b"NOTSET", "NOTSET")
    (pt, pl), (pb, pr) = _pair_pads(a.get("pads"))
    ceil = a.get("ceil_mode", 0)
    n, c, h, w = x.shape

    def out_len(size, p0, p1, kk, ss):
        num = size + p0 + p1 - kk
        o = (-(-num // ss) if ceil else num // ss) + 1
        if ceil and (o - 1) * ss >= size + p0:  # last window must start inside input/left pad
            o -= 1
        return o

    oh, ow = out_len(h, pt, pb, k[0], s[0]), out_len(w, pl, pr, k[1], s[1])
    eh = max(0, (oh - 1) * s[0] + k[0] - (h + pt + pb))  # extra rows needed by ceil_mode
    ew = max(0, (ow - 1) * s[1] + k[1] - (w + pl + pr))
    if kind == "max":
        xp = np.pad(x, ((0, 0), (0, 0), (pt, pb + eh), (pl, pr + ew)), constant_values=-np.inf)
        out = np.full((n, c, oh, ow), -np.inf)
    else:
        xp = np.pad(x, ((0, 0), (0, 0), (pt, pb + eh), (pl, pr + ew)))
        valid = np.zeros((1, 1) + xp.shape[2:])
        if a.get("count_include_pad", 0):
            valid[:, :, : pt + h + pb, : pl + w + pr] = 1
        else:
            valid[:, :, pt: pt + h, pl: pl + w] = 1
        out = np.zeros((n, c, oh, ow))
        cnt = np.zeros((1, 1, oh, ow))
    for i in range(k[0]):
        for j in range(k[1]):
            sl = (slice(None), slice(None),
                  slice(i, i + s[0] * (oh - 1) + 1, s[0]), slice(j, j + s[1] * (ow - 1) + 1, s[1]))
            if kind == "max":
                out = np.maximum(out, xp[sl])
            else:
                out += xp[sl]
                cnt += valid[sl]
    return out if kind == "max" else out / cnt


def resize(x, roi, scales, sizes, a):
    mode = a.get("mode", b"nearest")
    mode = mode.decode() if isinstance(mode, bytes) else mode
    ctm = a.get("coordinate_transformation_mode", b"half_pixel")
    ctm = ctm.decode() if isinstance(ctm, bytes) else ctm
    nmode = a.get("nearest_mode", b"round_prefer_floor")
    nmode = nmode.decode() if isinstance(nmode, bytes) else nmode
    if sizes is not None and sizes.size:
        out_shape = [int(v) for v in sizes]
        scales = [o / i for o, i in zip(out_shape, x.shape)]
    else:
        scales = [float(v) for v in scales]
        out_shape = [int(np.floor(i * sc)) for i, sc in zip(x.shape, scales)]
    y = x
    for ax in range(x.ndim):
        lin, lout, sc = x.shape[ax], out_shape[ax], scales[ax]
        if lin == lout:
            continue
        o = np.arange(lout, dtype=np.float64)
        if ctm == "asymmetric":
            src = o / sc
        elif ctm == "half_pixel":
            src = (o + 0.5) / sc - 0.5
        elif ctm == "pytorch_half_pixel":
            src = (o + 0.5) / sc - 0.5 if lout > 1 else np.zeros_like(o)
        elif ctm == "align_corners":
            src = o * (lin - 1) / (lout - 1) if lout > 1 else np.zeros_like(o)
        else:
            raise NotImplementedError(ctm)
        if mode == "nearest":
            assert nmode == "floor", nmode
            idx = np.clip(np.floor(src).astype(np.int64), 0, lin - 1)
            y = np.take(y, idx, axis=ax)
        elif mode == "linear":
            src = np.clip(src, 0, lin - 1)
            i0 = np.floor(src).astype(np.int64)
            i1 = np.minimum(i0 + 1, lin - 1)
            t = src - i0
            shp = [1] * y.ndim
            shp[ax] = lout
            t = t.reshape(shp)
            y = np.take(y, i0, axis=ax) * (1 - t) + np.take(y, i1, axis=ax) * t
        else:
            raise NotImplementedError(mode)
    return y


NP_TYPES = {1: np.float32, 6: np.int32, 7: np.int64, 9: np.bool_, 10: np.float16, 11: np.float64}


def run_graph(model, feed):
    g = model.graph
    env = {}
    for init in g.initializer:
        t = numpy_helper.to_array(init)
        env[init.name] = t.astype(np.float64) if t.dtype == np.float32 else t
    env.update(feed)
    opset = max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))

    def get(name):
        return None if name == "" else env[name]

    for node in g.node:
        a = attrs_of(node)
        ins = [get(i) for i in node.input]
        t = node.op_type
        if t == "Constant":
            v = numpy_helper.to_array(a["value"])
            y = v.astype(np.float64) if v.dtype == np.float32 else v
        elif t == "Conv":
            y = conv(ins[0], ins[1], ins[2] if len(ins) > 2 else None, a)
        elif t == "ConvTranspose":
            y = conv_transpose(ins[0], ins[1], ins[2] if len(ins) > 2 else None, a)
        elif t == "BatchNormalization":
            x, sc, bi, mu, var = ins[:5]
            shp = (1, -1) + (1,) * (x.ndim - 2)
            y = ((x - mu.reshape(shp)) / np.sqrt(var.reshape(shp) + a.get("epsilon", 1e-5))
                 * sc.reshape(shp) + bi.reshape(shp))
        elif t == "Relu":
            y = np.maximum(ins[0], 0)
        elif t == "LeakyRelu":
            y = np.where(ins[0] >= 0, ins[0], ins[0] * a.get("alpha", 0.01))
        elif t == "Clip":
            lo = ins[1] if len(ins) > 1 and ins[1] is not None else a.get("min", -np.inf)
            hi = ins[2] if len(ins) > 2 and ins[2] is not None else a.get("max", np.inf)
            y = np.clip(ins[0], lo, hi)
        elif t == "Sigmoid":
            y = 1.0 / (1.0 + np.exp(-ins[0]))
        elif t in ("Add", "Sub", "Mul", "Div"):
            f = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": np.divide}[t]
            y = f(ins[0], ins[1])
            if t == "Div" and np.issubdtype(ins[0].dtype, np.integer):
                y = np.trunc(y).astype(ins[0].dtype)
        elif t == "MaxPool":
            assert len(node.output) == 1
            y = pool(ins[0], a, "max")
        elif t == "AveragePool":
            y = pool(ins[0], a, "avg")
        elif t == "GlobalAveragePool":
            y = ins[0].mean(axis=tuple(range(2, ins[0].ndim)), keepdims=True)
        elif t == "Flatten":
            ax = a.get("axis", 1)
            y = ins[0].reshape(int(np.prod(ins[0].shape[:ax])), -1)
        elif t == "Gemm":
            A = ins[0].T if a.get("transA", 0) else ins[0]
            B = ins[1].T if a.get("transB", 0) else ins[1]
            y = a.get("alpha", 1.0) * (A @ B)
            if len(ins) > 2 and ins[2] is not None:
                y = y + a.get("beta", 1.0) * ins[2]
        elif t == "MatMul":
            y = np.matmul(ins[0], ins[1])
        elif t == "Softmax":
            ax = a.get("axis", -1 if opset >= 13 else 1)
            assert opset >= 13 or ins[0].ndim == 2
            e = np.exp(ins[0] - ins[0].max(axis=ax, keepdims=True))
            y = e / e.sum(axis=ax, keepdims=True)
        elif t == "Concat":
            y = np.concatenate(ins, axis=a["axis"])
        elif t == "Transpose":
            y = np.transpose(ins[0], a.get("perm"))
        elif t == "Reshape":
            shape = [int(v) for v in ins[1]]
            shape = [ins[0].shape[i] if v == 0 else v for i, v in enumerate(shape)]
            y = ins[0].reshape(shape)
        elif t == "Shape":
            assert "start" not in a and "end" not in a
            y = np.array(ins[0].shape, dtype=np.int64)
        elif t == "Gather":
            y = np.take(ins[0], ins[1], axis=a.get("axis", 0))
        elif t == "Unsqueeze":
            axes = a["axes"] if opset < 13 else [int(v) for v in ins[1]]
            y = ins[0]
            for ax in sorted(axes):
                y = np.expand_dims(y, ax)
        elif t == "Slice":
            starts, ends = ins[1], ins[2]
            axes = ins[3] if len(ins) > 3 and ins[3] is not None else np.arange(len(starts))
            steps = ins[4] if len(ins) > 4 and ins[4] is not None else np.ones(len(starts), np.int64)
            sl = [slice(None)] * ins[0].ndim
            for st, en, ax, sp in zip(starts, ends, axes, steps):
                sl[int(ax)] = slice(int(st), int(en), int(sp))
            y = ins[0][tuple(sl)]
        elif t == "Cast":
            y = ins[0].astype(NP_TYPES[a["to"]])
            if y.dtype == np.float32:
                y = y.astype(np.float64)
        elif t == "ConstantOfShape":
            v = numpy_helper.to_array(a["value"]) if "value" in a else np.zeros(1, np.float32)
            y = np.full([int(s) for s in ins[0]], v.reshape(-1)[0], dtype=v.dtype)
            if y.dtype == np.float32:
                y = y.astype(np.float64)
        elif t == "Pad":
            assert a.get("mode", b"constant") in (b"constant", "constant")
            pads = [int(v) for v in ins[1]]
            cval = float(ins[2]) if len(ins) > 2 and ins[2] is not None else 0.0
            r = ins[0].ndim
            y = ins[0]
            # negative pads crop
            crop = tuple(slice(max(0, -pads[i]), y.shape[i] - max(0, -pads[i + r])) for i in range(r))
            y = np.pad(y[crop], [(max(0, pads[i]), max(0, pads[i + r])) for i in range(r)],
                       constant_values=cval)
        elif t == "Resize":
            y = resize(ins[0], ins[1] if len(ins) > 1 else None,
                       ins[2] if len(ins) > 2 else None, ins[3] if len(ins) > 3 else None, a)
        else:
            raise NotImplementedError(f"op {t} not in this checker")
        assert len(node.output) == 1, (t, node.output)
        env[node.output[0]] = y
    return [env[o.name] for o in g.output]


def check(onnx_path, input_path, output_path, atol, rtol):
    m = onnx.load(onnx_path)
    x = np.load(input_path).astype(np.float64)
    (y,) = run_graph(m, {m.graph.input[0].name: x})
    ref = np.load(output_path).astype(np.float64)
    assert y.shape == ref.shape, (y.shape, ref.shape)
    err = np.abs(y - ref)
    scale = np.abs(ref).max()
    ok = bool(np.all(err <= atol + rtol * np.abs(ref)))
    return ok, float(err.max()), float(scale)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", help="directory written by export_golden.py (manifest.json)")
    ap.add_argument("--model", nargs=3, metavar=("ONNX", "INPUT", "OUTPUT"),
                    help="check one model against one reference instead")
    ap.add_argument("--only", nargs="+", metavar="NAME")
    ap.add_argument("--atol", type=float, default=1e-5)
    ap.add_argument("--rtol", type=float, default=1e-4)
    args = ap.parse_args(argv)
    if args.model:
        ok, err, scale = check(*args.model, args.atol, args.rtol)
        print(f"{'ok  ' if ok else 'FAIL'} {args.model[0]}  max|onnx-torch| {err:.2e} (max|ref| {scale:.3g})")
        return 0 if ok else 1
    if not args.dir:
        ap.error("--dir or --model is required")
    with open(os.path.join(args.dir, "manifest.json")) as f:
        entries = json.load(f)["models"]
    bad = 0
    for e in entries:
        if args.only and e["name"] not in args.only:
            continue
        t0 = time.time()
        ok, err, scale = check(*(os.path.join(args.dir, e[k]) for k in ("onnx", "input", "output")),
                               args.atol, args.rtol)
        bad += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {e['name']:26s} max|onnx-torch| {err:.2e} "
              f"(max|ref| {scale:.3g})  {time.time() - t0:.1f}s")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
