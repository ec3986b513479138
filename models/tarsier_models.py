"""Model definitions and helpers shared by export_golden.py and the demo trainers.

Everything here is written for Debian's python3-torch 1.13 / python3-torchvision
0.14 and never downloads anything: torchvision constructors are always called
with weights=None (random initialisation).
"""

import math
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


# ---------------------------------------------------------------------------
# Determinism and randomisation helpers
# ---------------------------------------------------------------------------

def seed_from_name(name):
    """A stable 31-bit seed per model name (Python's hash() is salted, so do
    our own). Keeps `--only NAME` identical to a full run."""
    h = 2166136261
    for ch in name.encode("utf-8"):
        h = ((h ^ ch) * 16777619) & 0xFFFFFFFF
    return h & 0x7FFFFFFF


def randomize_batchnorm(model, gen):
    """Give every BatchNorm non-trivial inference statistics, so that folding
    BN into the previous conv (or applying it as an affine op) is exercised
    with values far from the identity defaults (mean 0, var 1, w 1, b 0)."""
    count = 0
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                c = m.num_features
                std = 0.1 + 0.4 * torch.rand(1, generator=gen).item()  # 0.1..0.5
                m.running_mean.copy_(torch.randn(c, generator=gen) * std)
                m.running_var.copy_(0.5 + 1.5 * torch.rand(c, generator=gen))  # 0.5..2.0
                if m.affine:
                    m.weight.copy_(0.5 + torch.rand(c, generator=gen))  # 0.5..1.5
                    m.bias.copy_(torch.randn(c, generator=gen) * 0.1)
                count += 1
    return count


def make_input(shape, gen):
    """Fixed input, float32, values ~ N(0, 1)."""
    return torch.randn(*shape, generator=gen, dtype=torch.float32)


# ---------------------------------------------------------------------------
# U-Net (milesial/Pytorch-UNet style decoder, written from the paper's recipe)
# ---------------------------------------------------------------------------

def conv_bn_relu(cin, cout):
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=False),
            nn.BatchNorm2d(cout),
            nn.ReLU(inplace=True)]


class DoubleConv(nn.Module):
    """(conv3x3 pad1 -> BN -> ReLU) x 2"""

    def __init__(self, cin, cout, cmid=None):
        super().__init__()
        cmid = cout if cmid is None else cmid
        self.body = nn.Sequential(*conv_bn_relu(cin, cmid), *conv_bn_relu(cmid, cout))

    def forward(self, x):
        return self.body(x)


def pad_to(x, ref):
    """Pad x (N,C,h,w) at the bottom/right/top/left so it matches ref's H,W.

    Deliberately computed from tensor.size() at run time, as the popular
    milesial U-Net does: under tracing this becomes Shape/Gather/Sub/Div/...
    arithmetic feeding a Pad node, which a converter has to constant-fold."""
    diff_y = ref.size()[2] - x.size()[2]
    diff_x = ref.size()[3] - x.size()[3]
    return F.pad(x, [diff_x // 2, diff_x - diff_x // 2,
                     diff_y // 2, diff_y - diff_y // 2])


class Up(nn.Module):
    """Upsample x2, pad to the skip's size, concat [skip, up], DoubleConv.

    mode: 'transpose'   ConvTranspose2d(k=2, s=2) halving the channels
          'bilinear_ac' Upsample(bilinear, align_corners=True) + conv3x3 halving
          'bilinear'    Upsample(bilinear, align_corners=False) + conv3x3 halving
    """

    def __init__(self, cin, cout, mode):
        super().__init__()
        if mode == "transpose":
            self.up = nn.ConvTranspose2d(cin, cin // 2, kernel_size=2, stride=2)
        elif mode in ("bilinear_ac", "bilinear"):
            self.up = nn.Sequential(
                nn.Upsample(scale_factor=2, mode="bilinear",
                            align_corners=(mode == "bilinear_ac")),
                nn.Conv2d(cin, cin // 2, kernel_size=3, padding=1))
        else:
            raise ValueError(mode)
        self.conv = DoubleConv(cin // 2 + cout, cout)

    def forward(self, x, skip):
        x = self.up(x)
        x = pad_to(x, skip)
        return self.conv(torch.cat([skip, x], dim=1))


class UNet(nn.Module):
    """Classic U-Net. widths = (w0, w1, ..., wL): L down levels.

    Output: sigmoid mask (N,1,H,W); set .apply_sigmoid = False to get logits."""

    def __init__(self, widths=(64, 128, 256, 512, 1024), mode="transpose",
                 in_ch=3, n_out=1):
        super().__init__()
        self.widths = tuple(widths)
        self.inc = DoubleConv(in_ch, widths[0])
        self.downs = nn.ModuleList(
            nn.Sequential(nn.MaxPool2d(2), DoubleConv(widths[i - 1], widths[i]))
            for i in range(1, len(widths)))
        self.ups = nn.ModuleList(
            Up(widths[i], widths[i - 1], mode) for i in range(len(widths) - 1, 0, -1))
        self.outc = nn.Conv2d(widths[0], n_out, kernel_size=1)
        self.apply_sigmoid = True

    def head(self):
        return self.outc

    def forward(self, x):
        skips = [self.inc(x)]
        for d in self.downs:
            skips.append(d(skips[-1]))
        x = skips.pop()
        for up in self.ups:
            x = up(x, skips.pop())
        x = self.outc(x)
        return torch.sigmoid(x) if self.apply_sigmoid else x


class MobileNetV2UNet(nn.Module):
    """U-Net with torchvision's MobileNetV2 (width 0.35) features as encoder.

    Skips are taken at strides 2, 4, 8, 16; the bottom at stride 32 is the end
    of .features (the 1x1 conv to 1280 channels + BN + ReLU6 included).
    Decoder block: Upsample(nearest, x2) -> concat skip -> 2x(conv3x3+BN+ReLU).
    A last block upsamples from stride 2 to full resolution without a skip."""

    # split points of torchvision's mobilenet_v2().features: the outputs of
    # features[0:2], [2:4], [4:7], [7:14], [14:] have strides 2,4,8,16,32.
    SPLITS = (0, 2, 4, 7, 14, 19)
    DEC = (96, 64, 32, 24, 16)

    def __init__(self, width_mult=0.35):
        super().__init__()
        import torchvision
        feats = torchvision.models.mobilenet_v2(weights=None, width_mult=width_mult).features
        assert len(feats) == self.SPLITS[-1], len(feats)
        self.stages = nn.ModuleList(
            feats[a:b] for a, b in zip(self.SPLITS[:-1], self.SPLITS[1:]))
        # channel counts from a tiny dry run (no hard-coded make_divisible math)
        with torch.no_grad():
            x = torch.zeros(1, 3, 64, 64)
            chans = []
            for s in self.stages:
                x = s(x)
                chans.append(x.shape[1])
        skip_ch = chans[:4][::-1]          # strides 16, 8, 4, 2
        cin = chans[4]                     # stride 32
        blocks = []
        for sc, cout in zip(skip_ch + [0], self.DEC):
            blocks.append(nn.Sequential(*conv_bn_relu(cin + sc, cout),
                                        *conv_bn_relu(cout, cout)))
            cin = cout
        self.dec = nn.ModuleList(blocks)
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.outc = nn.Conv2d(cin, 1, kernel_size=1)
        self.apply_sigmoid = True

    def head(self):
        return self.outc

    def forward(self, x):
        skips = []
        for s in self.stages:
            x = s(x)
            skips.append(x)
        x = skips.pop()
        for blk in self.dec:
            x = self.up(x)
            if skips:
                x = torch.cat([x, skips.pop()], dim=1)
            x = blk(x)
        x = self.outc(x)
        return torch.sigmoid(x) if self.apply_sigmoid else x


# ---------------------------------------------------------------------------
# Classifiers
# ---------------------------------------------------------------------------

class TorchvisionResNet18(nn.Module):
    """torchvision resnet18(num_classes=2), random weights. Outputs logits."""

    def __init__(self, num_classes=2):
        super().__init__()
        import torchvision
        self.net = torchvision.models.resnet18(weights=None, num_classes=num_classes)

    def head(self):
        return self.net.fc

    def forward(self, x):
        return self.net(x)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.short = None
        if stride != 1 or cin != cout:
            self.short = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False),
                                       nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        s = x if self.short is None else self.short(x)
        return F.relu(y + s)


class SmallResNet(nn.Module):
    """A 4-stage residual classifier (one BasicBlock per stage), widths
    8,16,32,64 by default. Stem: conv3x3 stride 2 + BN + ReLU. Outputs logits."""

    def __init__(self, widths=(8, 16, 32, 64), num_classes=2):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, widths[0], 3, stride=2, padding=1, bias=False),
                                  nn.BatchNorm2d(widths[0]), nn.ReLU(inplace=True))
        layers, cin = [], widths[0]
        for i, w in enumerate(widths):
            layers.append(BasicBlock(cin, w, 1 if i == 0 else 2))
            cin = w
        self.layers = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, num_classes)

    def head(self):
        return self.fc

    def forward(self, x):
        x = self.layers(self.stem(x))
        return self.fc(torch.flatten(self.pool(x), 1))


class TinyNHWC(nn.Module):
    """Mimics a Keras/TF export: NHWC input, Transpose to NCHW first, 'same'
    stride-2 conv done as ZeroPad2d((0,1,0,1)) + conv(padding=0) (TF pads the
    bottom/right), LeakyReLU(0.1), AvgPool2d(2), a constant per-channel Mul,
    Transpose back to NHWC before Flatten (Keras flattens in HWC order),
    Dense(3) and Softmax. Set .apply_softmax = False to get logits."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.pad = nn.ZeroPad2d((0, 1, 0, 1))
        self.conv2 = nn.Conv2d(8, 16, 3, stride=2, padding=0)
        self.act = nn.LeakyReLU(0.1)
        self.pool = nn.AvgPool2d(2)
        self.register_buffer("scale", torch.linspace(0.5, 1.5, 16).reshape(16, 1, 1))
        self.fc = nn.Linear(16 * 16 * 16, 3)
        self.apply_softmax = True

    def head(self):
        return self.fc

    def forward(self, x):                       # x: (1, 64, 64, 3)
        x = x.permute(0, 3, 1, 2)               # -> NCHW
        x = self.act(self.conv1(x))             # 64x64
        x = self.act(self.conv2(self.pad(x)))   # 65 -> 32x32
        x = self.pool(x) * self.scale           # 16x16, per-channel Mul
        x = x.permute(0, 2, 3, 1)               # back to NHWC (Keras Flatten order)
        x = self.fc(torch.flatten(x, 1))
        return torch.softmax(x, dim=1) if self.apply_softmax else x


class OpsMisc(nn.Module):
    """Small net touching the less common ops. Shapes for a 1x3x32x32 input in
    the comments. Set .apply_softmax = False to get logits."""

    def __init__(self):
        super().__init__()
        self.dil = nn.Conv2d(3, 8, 3, padding=2, dilation=2)                  # 8x32x32
        self.grp = nn.Conv2d(8, 16, 3, padding=1, groups=4)                   # 16x32x32
        self.maxp = nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)      # 16x17x17 (floor: 16)
        self.avgp = nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False)  # 16x9x9
        self.convt = nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1)  # 8x18x18
        self.up = nn.Upsample(scale_factor=2, mode="nearest")                 # 16x18x18
        self.bn = nn.BatchNorm2d(24)          # after Concat: cannot be fused into a conv
        self.conv6 = nn.Conv2d(24, 8, 6)                                      # 8x13x13
        self.gate = nn.Conv2d(8, 8, 1)
        self.bias = nn.Parameter(torch.linspace(-0.5, 0.5, 8).reshape(1, 8, 1, 1))
        self.pool5 = nn.MaxPool2d(5)                                          # 8x4x4
        self.fc = nn.Linear(128, 32)                                          # Gemm
        self.mm = nn.Parameter(torch.randn(32, 10) * 0.2)                     # MatMul
        self.apply_softmax = True

    def head(self):
        return None  # logits come from the MatMul; see scale_logits()

    def forward(self, x):
        a = F.relu(self.dil(x))
        b = F.relu(self.grp(a))
        c = self.maxp(b)
        d = self.avgp(c)
        e = self.convt(d)
        f = self.up(d)
        g = self.bn(torch.cat([e, f], dim=1))
        h = F.relu(self.conv6(g))
        i = F.interpolate(h, size=(20, 20), mode="bilinear", align_corners=False)
        j = i * torch.sigmoid(self.gate(i))                  # Sigmoid, Mul
        k = j + self.bias + F.adaptive_avg_pool2d(j, 1)      # broadcasting Adds
        z = torch.flatten(self.pool5(k), 1)                  # 1x128
        z = F.relu(self.fc(z))                               # Gemm
        z = torch.matmul(z, self.mm)                         # MatMul 1x32 @ 32x10
        return torch.softmax(z, dim=1) if self.apply_softmax else z


# ---------------------------------------------------------------------------
# Making the random outputs meaningful
# ---------------------------------------------------------------------------

def _raw_forward(model, x):
    """Run without the final sigmoid/softmax (restores the flags after)."""
    flags = {k: getattr(model, k) for k in ("apply_sigmoid", "apply_softmax") if hasattr(model, k)}
    for k in flags:
        setattr(model, k, False)
    try:
        with torch.no_grad():
            return model(x)
    finally:
        for k, v in flags.items():
            setattr(model, k, v)


def spread_segmentation_logits(model, x, target_std=4.0):
    """Rescale the final 1x1 conv so the logits on x are centred on their
    median and spread like a normal with std ~target_std: then the sigmoid
    mask spreads over (0, 1) instead of sitting at 0.5 everywhere. The 1x1
    conv is linear, so new_logits = s * (logits - m).

    The spread is measured robustly (half the inter-quartile range, which is
    0.674 sigma for a normal), because some decoders (nearest upsampling on
    the MobileNetV2 U-Net) give heavy-tailed logits whose std is dominated by
    a few pixels; the std of the result is then larger than target_std."""
    head = model.head()
    logits = _raw_forward(model, x).double().flatten()
    m = logits.median().item()
    q25, q75 = torch.quantile(logits, torch.tensor([0.25, 0.75], dtype=logits.dtype)).tolist()
    half_iqr = max(q75 - m, m - q25, 1e-12)
    s = 0.6745 * target_std / half_iqr
    with torch.no_grad():
        head.weight.mul_(s)
        head.bias.copy_((head.bias - m) * s)
    return s, m


def _apply_linear_map(model, s, delta):
    """logits' = s * logits + delta on the model's last linear map."""
    head = model.head()
    with torch.no_grad():
        if head is not None:
            head.weight.mul_(s)
            head.bias.mul_(s).add_(delta)
        else:  # OpsMisc: final op is a bias-free MatMul, fold delta away (rows scaled only)
            model.mm.mul_(s)


def separate_class_logits(model, x, target_max=4.0, min_gap=1.0):
    """Scale the classifier head so the largest |logit| is ~target_max and make
    the top-1/top-2 gap at least min_gap, so the argmax is unambiguous."""
    z = _raw_forward(model, x).double().flatten()
    s = target_max / max(z.abs().max().item(), 1e-12)
    z = z * s
    top2 = torch.topk(z, 2).indices
    gap = (z[top2[0]] - z[top2[1]]).item()
    delta = torch.zeros_like(z)
    if gap < min_gap and model.head() is not None:
        delta[top2[0]] = min_gap - gap
    _apply_linear_map(model, s, delta.float())
    return s


# ---------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------

def export_onnx(model, x, path, opset, keep_bn=False):
    """torch.onnx.export with static shapes, input "input", output "output".

    keep_bn=False: the default TrainingMode.EVAL; torch 1.13's exporter then
      fuses every Conv->BN pair itself (eval peephole), so no
      BatchNormalization node survives after a conv.
    keep_bn=True: TrainingMode.PRESERVE on a model already in eval() mode:
      same inference semantics, but BatchNormalization nodes are kept, so the
      engine's converter has to fold them. (The exporter warns that constant
      folding is recommended with EVAL only; the warning is harmless here.)"""
    model.eval()
    training = torch.onnx.TrainingMode.PRESERVE if keep_bn else torch.onnx.TrainingMode.EVAL
    with torch.no_grad():
        torch.onnx.export(model, (x,), path, opset_version=opset,
                          do_constant_folding=True, training=training,
                          input_names=["input"], output_names=["output"],
                          dynamic_axes=None)


def write_png_rgb(path, img):
    """Write an 8-bit RGB PNG (H, W, 3 uint8) with zlib + struct only."""
    import struct
    import zlib
    img = np.ascontiguousarray(img, dtype=np.uint8)
    h, w, c = img.shape
    assert c == 3
    raw = b"".join(b"\x00" + img[y].tobytes() for y in range(h))  # filter 0 per row

    def chunk(tag, data):
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    png = (b"\x89PNG\r\n\x1a\n"
           + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 9))
           + chunk(b"IEND", b""))
    with open(path, "wb") as f:
        f.write(png)


def onnx_summary(path):
    """(sorted op types, opset) of an ONNX file, checked with onnx.checker.
    Returns (None, None) if the onnx package is not importable."""
    try:
        import onnx
    except ImportError:
        return None, None
    m = onnx.load(path)
    onnx.checker.check_model(m)
    ops = sorted(set(n.op_type for n in m.graph.node))
    opset = max((o.version for o in m.opset_import if o.domain in ("", "ai.onnx")), default=None)
    return ops, opset
