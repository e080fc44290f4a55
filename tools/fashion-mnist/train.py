#!/usr/bin/env python3
"""Train a small depthwise-separable classifier on Fashion-MNIST and export it as float ONNX.

The network is MobileNet-shaped (3x3 stem, four depthwise 3x3 + pointwise 1x1 blocks with
BatchNorm and ReLU6, global average pool, linear classifier) and is exported with its
BatchNormalization nodes unfolded, as a PyTorch user would export it. Also writes labelled
ImageFolder trees of PNGs: calibration/ (from the training set) and test/ (from the test set).

usage: train.py OUT_DIR [--epochs N] [--train-images N] [--test-images N] [--calibration-images N] [--seed S]
Data: Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist, IDX files).
"""
import argparse, gzip, os, struct, sys, zlib

import numpy as np
import torch
import torch.nn as nn

DATA = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
CLASSES = ["0_tshirt", "1_trouser", "2_pullover", "3_dress", "4_coat",
           "5_sandal", "6_shirt", "7_sneaker", "8_bag", "9_boot"]


def read_idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def write_png(path, image):
    """8-bit grayscale PNG, written by hand so no imaging library is needed."""
    h, w = image.shape
    raw = b"".join(b"\x00" + image[y].tobytes() for y in range(h))
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def write_folder(root, images, labels, count):
    # Round-robin over classes so every prefix of the sorted listing is balanced.
    per_class = {c: np.flatnonzero(labels == c) for c in range(10)}
    taken = 0
    for k in range(len(images)):
        for c in range(10):
            if taken >= count:
                return
            if k < len(per_class[c]):
                i = per_class[c][k]
                d = os.path.join(root, CLASSES[c])
                os.makedirs(d, exist_ok=True)
                write_png(os.path.join(d, f"{i:05d}.png"), images[i])
                taken += 1


def block(cin, cout, stride):
    return nn.Sequential(
        nn.Conv2d(cin, cin, 3, stride, 1, groups=cin, bias=False), nn.BatchNorm2d(cin), nn.ReLU6(),
        nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU6())


class DsCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU6(),
            block(16, 32, 2), block(32, 64, 1), block(64, 64, 2), block(64, 128, 1))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.features(x)), 1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--train-images", type=int, default=60000, help="train on the first N training images")
    ap.add_argument("--test-images", type=int, default=2000)
    ap.add_argument("--calibration-images", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    os.makedirs(a.out, exist_ok=True)

    xtr, ytr = read_idx("train-images-idx3-ubyte.gz"), read_idx("train-labels-idx1-ubyte.gz")
    xte, yte = read_idx("t10k-images-idx3-ubyte.gz"), read_idx("t10k-labels-idx1-ubyte.gz")
    # Inputs are pixels / 255 (the quantizer's default preprocessing: mean 0, std 1).
    def tensor(x):
        return torch.from_numpy(x.astype(np.float32) / 255.0).unsqueeze(1)
    model = DsCnn()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = nn.CrossEntropyLoss()
    xt, yt = tensor(xtr[:a.train_images]), torch.from_numpy(ytr[:a.train_images].astype(np.int64))
    for epoch in range(a.epochs):
        model.train()
        perm = torch.randperm(len(xt))
        for i in range(0, len(xt), 128):
            idx = perm[i:i + 128]
            opt.zero_grad()
            loss = loss_fn(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            acc = (model(tensor(xte)).argmax(1).numpy() == yte).mean()
        print(f"epoch {epoch + 1}: test accuracy {acc:.4f}", flush=True)

    model.eval()
    onnx_path = os.path.join(a.out, "fashion_dscnn.onnx")
    # do_constant_folding=False keeps BatchNormalization nodes separate from their convs.
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), onnx_path, opset_version=13,
                      input_names=["input"], output_names=["logits"], do_constant_folding=False,
                      training=torch.onnx.TrainingMode.PRESERVE)
    write_folder(os.path.join(a.out, "calibration"), xtr, ytr, a.calibration_images)
    write_folder(os.path.join(a.out, "test"), xte, yte, a.test_images)
    print(f"wrote {onnx_path}")


if __name__ == "__main__":
    sys.exit(main())
