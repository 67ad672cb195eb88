"""Golden values for the EasyCV4J model tests, from an independent PyTorch reference written from the MAE
paper's description (not from the Java code).

Run from the repository root:  python3 models/src/test/python/make_golden.py
Writes models/src/test/resources/golden/{mae_tiny,cls_tiny_*,interp}.safetensors and golden.json, and
core/src/test/resources/safetensors/dtypes.safetensors (reader fixture).
"""
import json
import math
import os
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "golden")
CORE_OUT = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "core", "src", "test", "resources", "safetensors")


def write_safetensors(path, tensors):
    """A minimal safetensors writer (the pip package is not available here)."""
    codes = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64", torch.int32: "I32",
             torch.uint8: "U8", torch.bool: "BOOL", torch.float16: "F16", torch.bfloat16: "BF16"}
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous()
        raw = t.view(torch.int16).numpy().tobytes() if t.dtype == torch.bfloat16 else t.numpy().tobytes()
        header[name] = {"dtype": codes[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def sincos(dim, grid, cls):
    """Paper: first half of the channels encodes the column, second half the row; [sin, cos] each."""
    q = dim // 4
    omega = 1.0 / 10000.0 ** (np.arange(q, dtype=np.float64) / q)
    rows = []
    for h in range(grid):
        for w in range(grid):
            rows.append(np.concatenate([np.sin(w * omega), np.cos(w * omega), np.sin(h * omega), np.cos(h * omega)]))
    emb = np.stack(rows)
    if cls:
        emb = np.concatenate([np.zeros((1, dim)), emb])
    return torch.tensor(emb, dtype=torch.float32).unsqueeze(0)


class Attn(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.h = h
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(x).reshape(b, t, 3, self.h, d // self.h).permute(2, 0, 3, 1, 4)
        a = (q @ k.transpose(-2, -1) / math.sqrt(d // self.h)).softmax(-1)
        return self.proj((a @ v).transpose(1, 2).reshape(b, t, d))


class Mlp(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.fc1 = nn.Linear(d, hidden)
        self.fc2 = nn.Linear(hidden, d)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.norm1 = nn.LayerNorm(d, eps=1e-6)
        self.attn = Attn(d, h)
        self.norm2 = nn.LayerNorm(d, eps=1e-6)
        self.mlp = Mlp(d, 4 * d)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class PatchEmbed(nn.Module):
    def __init__(self, c, d, p):
        super().__init__()
        self.proj = nn.Conv2d(c, d, p, p)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class MAE(nn.Module):
    def __init__(self, img, p, c, d, depth, heads, dd, ddepth, dheads, ratio, norm_pix):
        super().__init__()
        self.p, self.c, self.g, self.ratio, self.norm_pix = p, c, img // p, ratio, norm_pix
        self.L = self.g ** 2
        self.cls_token = nn.Parameter(torch.randn(1, 1, d) * 0.02)
        self.pos_embed = nn.Parameter(sincos(d, self.g, True), requires_grad=False)
        self.patch_embed = PatchEmbed(c, d, p)
        self.blocks = nn.ModuleList([Block(d, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(d, eps=1e-6)
        self.mask_token = nn.Parameter(torch.randn(1, 1, dd) * 0.02)
        self.decoder_pos_embed = nn.Parameter(sincos(dd, self.g, True), requires_grad=False)
        self.decoder_embed = nn.Linear(d, dd)
        self.decoder_blocks = nn.ModuleList([Block(dd, dheads) for _ in range(ddepth)])
        self.decoder_norm = nn.LayerNorm(dd, eps=1e-6)
        self.decoder_pred = nn.Linear(dd, p * p * c)
        with torch.no_grad():  # non-trivial norms so that their gradients and values are tested
            for m in self.modules():
                if isinstance(m, nn.LayerNorm):
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.2, 0.2)

    def patchify(self, x):
        n = x.shape[0]
        x = x.reshape(n, self.c, self.g, self.p, self.g, self.p)
        return torch.einsum("nchpwq->nhwpqc", x).reshape(n, self.L, -1)

    def forward(self, imgs, noise):
        n = imgs.shape[0]
        keep = int(self.L * (1 - self.ratio))
        x = self.patch_embed(imgs) + self.pos_embed[:, 1:, :]
        ids_shuffle = torch.argsort(noise, dim=1)
        ids_restore = torch.argsort(ids_shuffle, dim=1)
        x = torch.gather(x, 1, ids_shuffle[:, :keep].unsqueeze(-1).repeat(1, 1, x.shape[2]))
        mask = torch.ones(n, self.L)
        mask[:, :keep] = 0
        mask = torch.gather(mask, 1, ids_restore)
        cls = (self.cls_token + self.pos_embed[:, :1, :]).expand(n, -1, -1)
        x = torch.cat([cls, x], 1)
        for b in self.blocks:
            x = b(x)
        x = self.decoder_embed(self.norm(x))
        mt = self.mask_token.repeat(n, self.L + 1 - x.shape[1], 1)
        x_ = torch.gather(torch.cat([x[:, 1:], mt], 1), 1, ids_restore.unsqueeze(-1).repeat(1, 1, x.shape[2]))
        x = torch.cat([x[:, :1], x_], 1) + self.decoder_pos_embed
        for b in self.decoder_blocks:
            x = b(x)
        pred = self.decoder_pred(self.decoder_norm(x))[:, 1:]
        target = self.patchify(imgs)
        if self.norm_pix:
            target = (target - target.mean(-1, keepdim=True)) / (target.var(-1, keepdim=True) + 1e-6) ** 0.5
        loss = ((pred - target) ** 2).mean(-1)
        return (loss * mask).sum() / mask.sum(), pred, mask, ids_restore


class Classifier(nn.Module):
    def __init__(self, img, p, c, d, depth, heads, classes, global_pool):
        super().__init__()
        self.global_pool = global_pool
        g = img // p
        self.cls_token = nn.Parameter(torch.randn(1, 1, d) * 0.02)
        self.pos_embed = nn.Parameter(torch.randn(1, g * g + 1, d) * 0.02)
        self.patch_embed = PatchEmbed(c, d, p)
        self.blocks = nn.ModuleList([Block(d, heads) for _ in range(depth)])
        if global_pool:
            self.fc_norm = nn.LayerNorm(d, eps=1e-6)
        else:
            self.norm = nn.LayerNorm(d, eps=1e-6)
        self.head = nn.Linear(d, classes)

    def forward(self, x):
        x = self.patch_embed(x)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], 1) + self.pos_embed
        for b in self.blocks:
            x = b(x)
        f = self.fc_norm(x[:, 1:].mean(1)) if self.global_pool else self.norm(x)[:, 0]
        return self.head(f)


def vit_b_lrd_groups():
    """The MAE repo's layer-wise lr decay rule applied to timm ViT-B/16 classifier names (global pool)."""
    names = [("cls_token", 1), ("pos_embed", 1), ("patch_embed.proj.weight", 4), ("patch_embed.proj.bias", 1)]
    for i in range(12):
        for sub, nd in [("norm1.weight", 1), ("norm1.bias", 1), ("attn.qkv.weight", 2), ("attn.qkv.bias", 1),
                        ("attn.proj.weight", 2), ("attn.proj.bias", 1), ("norm2.weight", 1), ("norm2.bias", 1),
                        ("mlp.fc1.weight", 2), ("mlp.fc1.bias", 1), ("mlp.fc2.weight", 2), ("mlp.fc2.bias", 1)]:
            names.append((f"blocks.{i}.{sub}", nd))
    names += [("fc_norm.weight", 1), ("fc_norm.bias", 1), ("head.weight", 2), ("head.bias", 1)]
    num_layers = 12 + 1
    scales = [0.65 ** (num_layers - i) for i in range(num_layers + 1)]
    out = {}
    for n, nd in names:
        wd = 0.0 if (nd == 1 or n in ("pos_embed", "cls_token")) else 0.05
        if n in ("cls_token", "pos_embed") or n.startswith("patch_embed"):
            lid = 0
        elif n.startswith("blocks"):
            lid = int(n.split(".")[1]) + 1
        else:
            lid = num_layers
        out[n] = {"layer_id": lid, "lr_scale": scales[lid], "weight_decay": wd}
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    golden = {}
    golden["sincos_16_4"] = sincos(16, 4, True)[0].tolist()

    # Tiny MAE: 32x32 RGB, patch 8 (16 patches, 4 kept), width 32, depth 2, 4 heads, decoder 24 x 2, 3 heads.
    cfg = dict(img=32, p=8, c=3, d=32, depth=2, heads=4, dd=24, ddepth=2, dheads=3, ratio=0.75, norm_pix=True)
    mae = MAE(**cfg)
    imgs = torch.randn(2, 3, 32, 32)
    noise = torch.rand(2, 16)
    loss, pred, mask, ids_restore = mae(imgs, noise)
    loss.backward()
    t = {f"param.{k}": v for k, v in mae.state_dict().items()}
    t.update({"in.images": imgs, "in.noise": noise, "out.loss": loss.reshape(1), "out.pred": pred,
              "out.mask": mask, "out.ids_restore": ids_restore, "out.target": mae.patchify(imgs)})
    for k, p in mae.named_parameters():
        if p.grad is not None:
            t[f"grad.{k}"] = p.grad
    write_safetensors(os.path.join(OUT, "mae_tiny.safetensors"), t)
    golden["mae_tiny"] = {k: v for k, v in cfg.items()}

    mae.norm_pix = False
    with torch.no_grad():
        golden["mae_tiny_loss_no_norm_pix"] = mae(imgs, noise)[0].item()

    # Tiny classifier: 32x32, patch 8, width 32, depth 2, 4 heads, 5 classes, global pool.
    for pool in (True, False):
        torch.manual_seed(1)
        cls = Classifier(32, 8, 3, 32, 2, 4, 5, pool)
        x = torch.randn(3, 3, 32, 32)
        logits = cls(x)
        hard = torch.tensor([0, 3, 4])
        soft = torch.softmax(torch.randn(3, 5), -1)
        ce = F.cross_entropy(logits, hard)
        ce_smooth = F.cross_entropy(logits, hard, label_smoothing=0.1)
        ce_soft = torch.sum(-soft * F.log_softmax(logits, -1), -1).mean()
        ce_soft.backward()
        t = {f"param.{k}": v for k, v in cls.state_dict().items()}
        t.update({"in.images": x, "in.hard": hard, "in.soft": soft, "out.logits": logits,
                  "out.ce": ce.reshape(1), "out.ce_smooth": ce_smooth.reshape(1), "out.ce_soft": ce_soft.reshape(1),
                  "grad.head.weight": cls.head.weight.grad, "grad.blocks.0.attn.qkv.weight":
                  cls.blocks[0].attn.qkv.weight.grad, "grad.patch_embed.proj.weight": cls.patch_embed.proj.weight.grad})
        write_safetensors(os.path.join(OUT, "cls_tiny_%s.safetensors" % ("gap" if pool else "cls")), t)

    # Position-embedding interpolation: 1 + 4x4 rows of width 8 -> 1 + 6x6 (and down to 3x3), as MAE's
    # interpolate_pos_embed (bicubic, align_corners=False, cls row kept).
    pe = torch.randn(1, 17, 8)
    t = {"in.pos_embed": pe}
    for new in (6, 3):
        grid = pe[:, 1:].reshape(1, 4, 4, 8).permute(0, 3, 1, 2)
        up = F.interpolate(grid, size=(new, new), mode="bicubic", align_corners=False)
        t[f"out.{new}"] = torch.cat([pe[:, :1], up.permute(0, 2, 3, 1).flatten(1, 2)], 1)
    write_safetensors(os.path.join(OUT, "interp.safetensors"), t)

    # Dtype coverage for the safetensors reader.
    os.makedirs(CORE_OUT, exist_ok=True)
    write_safetensors(os.path.join(CORE_OUT, "dtypes.safetensors"), {
        "f32": torch.tensor([[1.5, -2.25, 3.0], [0.0, 1e-8, -7.0]]),
        "f16": torch.tensor([0.5, -1.0, 65504.0], dtype=torch.float16),
        "bf16": torch.tensor([1.0, -2.5, 3.140625], dtype=torch.bfloat16),
        "i64": torch.tensor([-1, 2 ** 40, 7]),
        "i32": torch.tensor([[1, -2], [3, 2 ** 30]], dtype=torch.int32),
        "u8": torch.tensor([0, 255, 17], dtype=torch.uint8),
        "bool": torch.tensor([True, False, True]),
        "scalar": torch.tensor(4.0),
    })

    golden["vit_b_lrd_065"] = vit_b_lrd_groups()
    with open(os.path.join(OUT, "golden.json"), "w") as f:
        json.dump(golden, f, indent=1)
    print("loss", loss.item(), "mask kept", (mask == 0).sum(1).tolist())


if __name__ == "__main__":
    main()
