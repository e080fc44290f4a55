#!/usr/bin/env python3
"""Write the float ONNX benchmark models with seeded weights and non-trivial BatchNorm statistics.

MobileNetV1 (width 1.0 at 224, width 0.25 at 128) and MobileNetV2 (width 1.0 at 224), defined
here as in their papers, exported from PyTorch (Debian's python3-torch) with BatchNormalization
left unfolded, NCHW float32 input [1,3,H,W], 1000 logits. The weights are random (nothing is
downloaded), so accuracy means nothing; the compute, shapes and op mix are the real ones.

usage: export_models.py OUT_DIR [--seed S]
"""
import argparse, os, sys

import torch
import torch.nn as nn


def conv_bn(cin, cout, k, stride, groups=1, act=True):
    layers = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    if act:
        layers.append(nn.ReLU6())
    return layers


class MobileNetV1(nn.Module):
    def __init__(self, width):
        super().__init__()
        c = lambda n: max(8, int(n * width))
        cfg = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5 + [(1024, 2), (1024, 1)]
        layers = conv_bn(3, c(32), 3, 2)
        cin = c(32)
        for cout, s in cfg:
            layers += conv_bn(cin, cin, 3, s, groups=cin) + conv_bn(cin, c(cout), 1, 1)
            cin = c(cout)
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(cin, 1000)

    def forward(self, x):
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(self.features(x), 1), 1))


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        layers = [] if expand == 1 else conv_bn(cin, hidden, 1, 1)
        layers += conv_bn(hidden, hidden, 3, stride, groups=hidden) + conv_bn(hidden, cout, 1, 1, act=False)
        self.block = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        return x + self.block(x) if self.residual else self.block(x)


class MobileNetV2(nn.Module):
    def __init__(self):
        super().__init__()
        cfg = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]
        layers = conv_bn(3, 32, 3, 2)
        cin = 32
        for t, c, n, s in cfg:
            for i in range(n):
                layers.append(InvertedResidual(cin, c, s if i == 0 else 1, t))
                cin = c
        layers += conv_bn(cin, 1280, 1, 1)
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(1280, 1000)

    def forward(self, x):
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(self.features(x), 1), 1))


def randomize_bn(model, gen):
    # Trained networks have per-channel statistics far from (0, 1); so do these.
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n, generator=gen) * 0.2)
            m.running_var.copy_(torch.rand(n, generator=gen) * 1.5 + 0.25)
            m.weight.data.copy_(torch.rand(n, generator=gen) * 0.8 + 0.6)
            m.bias.data.copy_(torch.randn(n, generator=gen) * 0.1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    models = {
        "mobilenet_v1_1.0_224": (MobileNetV1(1.0), 224),
        "mobilenet_v1_0.25_128": (MobileNetV1(0.25), 128),
        "mobilenet_v2_1.0_224": (MobileNetV2(), 224),
    }
    for name, (model, size) in models.items():
        torch.manual_seed(a.seed)
        gen = torch.Generator().manual_seed(a.seed)
        for m in model.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")
        randomize_bn(model, gen)
        model.eval()
        path = os.path.join(a.out, name + ".onnx")
        torch.onnx.export(model, torch.zeros(1, 3, size, size), path, opset_version=13,
                          input_names=["input"], output_names=["logits"], do_constant_folding=False,
                          training=torch.onnx.TrainingMode.PRESERVE)
        print(f"wrote {path}")


if __name__ == "__main__":
    sys.exit(main())
