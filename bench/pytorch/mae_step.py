"""The plain-PyTorch twin of `tools/bench-model`: one MAE pretraining step on synthetic images.

The step is the one bench-model times: forward (patch embedding, random masking, ViT encoder on the kept
patches, light decoder, norm-pix MSE on the removed patches), backward, global-norm clipping to 1.0, AdamW
(betas 0.9/0.95, eps 1e-8, weight decay 0.05 except biases, norms and tokens), zeroing the gradients. With
PyTorch's fastest CPU settings: multi-tensor (`foreach`) AdamW and multi-tensor clipping, gradients set to
None instead of zeroed.

    python3 bench/pytorch/mae_step.py preset=tiny224 batch=8 steps=20 warmup=5 threads=2

Presets (the same as bench-model's):
    tiny224  224x224, patch 16, encoder 192 wide x 12 deep, 3 heads; decoder 128 x 4, 4 heads
    small32  the same at 32x32, patch 4
    vitb16   MAE ViT-B/16: encoder 768 x 12, 12 heads; decoder 512 x 8, 16 heads (EasyCV's mae_vit_base_patch16)
    fmnist28 the Fashion-MNIST MAE (configs/_base_/models/mae_vit_tiny_p4_28.conf): 28x28 grey, patch 4,
             encoder 128 x 6, 4 heads; decoder 64 x 2, 4 heads
Options: foreach=0 (PyTorch's default single-tensor AdamW and clipping), amp=bf16 (forward under
torch.autocast("cpu", torch.bfloat16), as bench-model --amp bf16), lr=..., seed=...

Prints one line per step, PHASES (mean ms of forward, backward, optimizer = clip + AdamW + zero) and
RESULT ... median_ms=... median_cpu_ms=... img_per_s=... peak_rss_mb=... like bench-model.
"""
import math
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PRESETS = {
    "tiny224": dict(img=224, patch=16, width=192, depth=12, heads=3, dec_width=128, dec_depth=4, dec_heads=4),
    "small32": dict(img=32, patch=4, width=192, depth=12, heads=3, dec_width=128, dec_depth=4, dec_heads=4),
    "vitb16": dict(img=224, patch=16, width=768, depth=12, heads=12, dec_width=512, dec_depth=8, dec_heads=16),
    "fmnist28": dict(img=28, patch=4, width=128, depth=6, heads=4, dec_width=64, dec_depth=2, dec_heads=4,
                     channels=1),
}


def sincos_positions(width, grid):
    """Fixed 2-D sine-cosine position embedding with a zero row for the class token, (1, 1 + grid^2, width)."""
    quarter = width // 4
    freq = 1.0 / 10000.0 ** (torch.arange(quarter, dtype=torch.float64) / quarter)
    rows, cols = torch.meshgrid(torch.arange(grid, dtype=torch.float64),
                                torch.arange(grid, dtype=torch.float64), indexing="ij")
    by_col = cols.reshape(-1, 1) * freq
    by_row = rows.reshape(-1, 1) * freq
    table = torch.cat([by_col.sin(), by_col.cos(), by_row.sin(), by_row.cos()], dim=1)
    return torch.cat([torch.zeros(1, width, dtype=torch.float64), table]).float().unsqueeze(0)


class SelfAttention(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)

    def forward(self, x):
        n, tokens, width = x.shape
        head_dim = width // self.heads
        q, k, v = self.qkv(x).view(n, tokens, 3, self.heads, head_dim).permute(2, 0, 3, 1, 4).unbind(0)
        weights = torch.softmax((q * head_dim ** -0.5) @ k.transpose(-2, -1), dim=-1)
        return self.proj((weights @ v).transpose(1, 2).reshape(n, tokens, width))


class PreNormBlock(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.norm1 = nn.LayerNorm(width, eps=1e-6)
        self.attn = SelfAttention(width, heads)
        self.norm2 = nn.LayerNorm(width, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(), nn.Linear(4 * width, width))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class MaskedAutoencoder(nn.Module):
    def __init__(self, img, patch, width, depth, heads, dec_width, dec_depth, dec_heads, channels=3,
                 mask_ratio=0.75):
        super().__init__()
        self.patch, self.channels, self.grid = patch, channels, img // patch
        self.num_patches = self.grid * self.grid
        self.keep = int(self.num_patches * (1 - mask_ratio))
        self.patch_embed = nn.Conv2d(channels, width, patch, stride=patch)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, width))
        self.register_buffer("pos_embed", sincos_positions(width, self.grid))
        self.blocks = nn.ModuleList(PreNormBlock(width, heads) for _ in range(depth))
        self.norm = nn.LayerNorm(width, eps=1e-6)
        self.decoder_embed = nn.Linear(width, dec_width)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, dec_width))
        self.register_buffer("decoder_pos_embed", sincos_positions(dec_width, self.grid))
        self.decoder_blocks = nn.ModuleList(PreNormBlock(dec_width, dec_heads) for _ in range(dec_depth))
        self.decoder_norm = nn.LayerNorm(dec_width, eps=1e-6)
        self.decoder_pred = nn.Linear(dec_width, patch * patch * channels)
        nn.init.normal_(self.cls_token, std=0.02)
        nn.init.normal_(self.mask_token, std=0.02)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)

    def patches(self, images):
        n, p, g = images.shape[0], self.patch, self.grid
        x = images.reshape(n, self.channels, g, p, g, p).permute(0, 2, 4, 3, 5, 1)
        return x.reshape(n, self.num_patches, p * p * self.channels)

    def forward(self, images):
        n = images.shape[0]
        x = self.patch_embed(images).flatten(2).transpose(1, 2) + self.pos_embed[:, 1:]
        order = torch.rand(n, self.num_patches).argsort(dim=1)  # a random permutation per image
        restore = order.argsort(dim=1)
        kept = order[:, :self.keep]
        x = x.gather(1, kept.unsqueeze(-1).expand(-1, -1, x.shape[-1]))
        x = torch.cat([(self.cls_token + self.pos_embed[:, :1]).expand(n, -1, -1), x], dim=1)
        for block in self.blocks:
            x = block(x)
        x = self.decoder_embed(self.norm(x))
        masked = self.mask_token.expand(n, self.num_patches - self.keep, -1)
        body = torch.cat([x[:, 1:], masked], dim=1)
        body = body.gather(1, restore.unsqueeze(-1).expand(-1, -1, body.shape[-1]))
        x = torch.cat([x[:, :1], body], dim=1) + self.decoder_pos_embed
        for block in self.decoder_blocks:
            x = block(x)
        prediction = self.decoder_pred(self.decoder_norm(x))[:, 1:]
        target = self.patches(images)
        mean, var = target.mean(dim=-1, keepdim=True), target.var(dim=-1, keepdim=True)
        target = (target - mean) / (var + 1e-6).sqrt()
        removed = (restore >= self.keep).float()
        per_patch = (prediction - target).pow(2).mean(dim=-1)
        return (per_patch * removed).sum() / removed.sum()


def synthetic_images(count, channels, size, seed):
    """Smooth sums of plane waves, normalized-image-like values in about [-2, 2]."""
    g = torch.Generator().manual_seed(seed)
    y, x = torch.meshgrid(torch.arange(size, dtype=torch.float32), torch.arange(size, dtype=torch.float32),
                          indexing="ij")
    out = torch.zeros(count, channels, size, size)
    for i in range(count):
        for c in range(channels):
            for _ in range(3):
                fx, fy = (torch.randint(1, 5, (2,), generator=g).float() * 2 * math.pi / size).tolist()
                phase, amp = torch.rand(2, generator=g).tolist()
                out[i, c] += (0.3 + amp) * torch.sin(fx * x + fy * y + 2 * math.pi * phase)
    return out


def param_groups(model, weight_decay):
    decay, plain = [], []
    for name, p in model.named_parameters():
        (plain if p.ndim <= 1 or name.endswith("token") else decay).append(p)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": plain, "weight_decay": 0.0}]


def clip_foreach(params, max_norm):
    """Global-norm clipping with the multi-tensor kernels (clip_grad_norm_(foreach=True) of torch >= 2.0)."""
    grads = [p.grad for p in params if p.grad is not None]
    total = torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads)))
    torch._foreach_mul_(grads, torch.clamp(max_norm / (total + 1e-6), max=1.0))
    return total


def blas_library():
    """Which BLAS the process loaded: Debian's torch uses whatever libblas.so.3 points to."""
    with open("/proc/self/maps") as maps:
        names = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    if any("openblas" in n for n in names):
        return "openblas"
    if any("mkl" in n for n in names):
        return "mkl"
    return "reference (slow: install libopenblas0-openmp)" if names else "none found"


def main():
    args = dict(a.split("=", 1) for a in sys.argv[1:])
    preset = args.get("preset", "tiny224")
    batch, steps, warmup = int(args.get("batch", 8)), int(args.get("steps", 20)), int(args.get("warmup", 5))
    foreach = args.get("foreach", "1") == "1"
    torch.set_num_threads(int(args.get("threads", 2)))
    torch.set_num_interop_threads(1)
    torch.manual_seed(int(args.get("seed", 0)))
    model = MaskedAutoencoder(**PRESETS[preset])
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(param_groups(model, 0.05), lr=float(args.get("lr", 1.5e-4)), betas=(0.9, 0.95),
                                  eps=1e-8, foreach=foreach)
    size = PRESETS[preset]["img"]
    pool = synthetic_images(32, PRESETS[preset].get("channels", 3), size, 42)
    bf16 = args.get("amp", "none") == "bf16"
    picks = torch.Generator().manual_seed(1)
    print(f"pytorch {torch.__version__} blas={blas_library()} threads={torch.get_num_threads()} preset={preset} "
          f"batch={batch} amp={'bf16' if bf16 else 'none'} foreach={int(foreach)} fused_adamw={'fused' in torch.optim.AdamW.__init__.__code__.co_varnames}")
    wall, cpu, phases = [], [], [0.0, 0.0, 0.0]
    for step in range(warmup + steps):
        images = pool[torch.randint(0, len(pool), (batch,), generator=picks)]
        t0, c0 = time.perf_counter(), time.process_time()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            loss = model(images)
        t1 = time.perf_counter()
        loss.backward()
        value = loss.item()
        t2 = time.perf_counter()
        norm = clip_foreach(params, 1.0) if foreach else torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        norm = float(norm)
        t3, c3 = time.perf_counter(), time.process_time()
        if step >= warmup:
            wall.append((t3 - t0) * 1e3)
            cpu.append((c3 - c0) * 1e3)
            for i, d in enumerate((t1 - t0, t2 - t1, t3 - t2)):
                phases[i] += d * 1e3
        print(f"step {step:3d} loss {value:.4f} gnorm {norm:.3f} {(t3 - t0) * 1e3:.1f} ms")
    n = len(wall)
    print("PHASES mean ms: forward %.1f backward %.1f optimizer %.1f" % tuple(p / n for p in phases))
    median = statistics.median(wall)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"RESULT pytorch preset={preset} batch={batch} median_ms={median:.1f} "
          f"median_cpu_ms={statistics.median(cpu):.1f} img_per_s={batch * 1000 / median:.1f} "
          f"min_ms={min(wall):.1f} n={n} peak_rss_mb={peak}")


if __name__ == "__main__":
    main()
