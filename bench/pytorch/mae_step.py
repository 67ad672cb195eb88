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

Every option is key=value, --key value or --key=value; an unknown one is an error (exit 2).
    device=cpu|cuda|cuda:N  (default cpu) cuda: the model, the images and the batch picks on the GPU
    amp=none|bf16|fp16      (default none) bf16: torch.autocast(device, torch.bfloat16); fp16 (CUDA only):
                            torch.autocast("cuda", torch.float16) with a GradScaler (torch.amp.GradScaler, or
                            torch.cuda.amp.GradScaler on torch < 2.3), gradients unscaled before the clipping
                            as the MAE recipe's loss scaler does, the step skipped on inf/nan
    attn=explicit|sdpa      (default explicit on CPU, sdpa on CUDA) explicit: softmax(Q K^T / sqrt(d)) V as
                            written; sdpa: F.scaled_dot_product_attention (flash / memory-efficient kernels on
                            CUDA; torch 1.13 has only the private F._scaled_dot_product_attention, its math path)
    compile=0|1             torch.compile(model) (torch >= 2.0; the warmup steps pay for the compilation);
                            without torch.compile the header line says so and the run is uncompiled (compile=0)
    fused=0|1               (default 1) AdamW(fused=True) on CUDA when this torch has it, else foreach
                            (foreach=0: single-tensor AdamW and torch.nn.utils.clip_grad_norm_)
    threads=N, steps=N (timed, >= 1), warmup=N (untimed, before them)
The matrix: batches=64,256 amps=none,fp16,bf16 attns=sdpa,explicit compiles=0,1 (each also as its single key)
runs every combination in one process, the model rebuilt from the same seed for each:

    python3 bench/pytorch/mae_step.py preset=vitb16 device=cuda batches=64,256 amps=none,fp16,bf16 \
        attns=sdpa,explicit steps=20 warmup=5

A single CPU run (no matrix key) prints as above, unchanged: tools/bench-vs-pytorch reads it. A matrix run,
or any run with device=cuda, prints the header line (torch, BLAS, threads, the lists, the
optimizer kind, the attention function; on CUDA torch.version.cuda, the compute capability and gpu="name")
and one line per combination, in this field order:
    CPU:  RESULT pytorch preset= device= batch= amp= attn= compile= median_ms= median_cpu_ms= img_per_s=
          min_ms= peak_rss_mb= syncs_per_step= loss= n=
    CUDA: RESULT pytorch preset= device= batch= amp= attn= compile= median_ms= img_per_s= peak_mem_mb=
          peak_alloc_mb= syncs_per_step= loss= n=
    failed: RESULT pytorch preset= device= batch= amp= attn= compile= status=oom|error
On CUDA nothing in the timed steps reads the device from the host (no .item(), no float(norm), batch picks
made beforehand): the steps are timed as one span between torch.cuda.synchronize() calls, median_ms is that
span / steps (a mean; per-step host times would only say how fast kernels are queued), loss is read once
after it. peak_mem_mb is torch.cuda.max_memory_reserved(), peak_alloc_mb max_memory_allocated(), both reset
between combinations, in MiB. An out-of-memory combination prints status=oom and the matrix goes on; any
other failure prints its traceback to stderr and status=error, and the exit status becomes 1.
syncs_per_step: with tools/lib/cuda_sync_count.c preloaded (LD_PRELOAD=.../libcudasync.so), the CUDA
runtime calls that block the host counted over the timed steps, divided by steps; followed by a line
SYNCS preset= batch= amp= attn= compile= cudaStreamSynchronize=N ... when it is not 0; -1 without the
library, or when the library does not see torch.cuda.synchronize() (a statically linked cudart).
peak_rss_mb (CPU) is the process's peak so far, not per combination.
"""
import gc
import inspect
import math
import resource
import statistics
import sys
import time
import traceback

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


def fused_attention():
    """PyTorch's fused attention (flash / memory-efficient kernels on CUDA) and its name; (None, None) if absent."""
    sdpa = getattr(F, "scaled_dot_product_attention", None)
    if sdpa is not None:
        return sdpa, "F.scaled_dot_product_attention"
    private = getattr(F, "_scaled_dot_product_attention", None)  # torch 1.13: the math path only, no flash kernel
    if private is not None:
        return (lambda q, k, v: private(q, k, v, None, 0.0, False, False)[0]), "F._scaled_dot_product_attention"
    return None, None


class SelfAttention(nn.Module):
    def __init__(self, width, heads, sdpa=None):
        super().__init__()
        self.heads = heads
        self.sdpa = sdpa
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)

    def forward(self, x):
        n, tokens, width = x.shape
        head_dim = width // self.heads
        q, k, v = self.qkv(x).view(n, tokens, 3, self.heads, head_dim).permute(2, 0, 3, 1, 4).unbind(0)
        if self.sdpa is not None:
            out = self.sdpa(q, k, v)  # the same default scale, head_dim ** -0.5
        else:
            out = torch.softmax((q * head_dim ** -0.5) @ k.transpose(-2, -1), dim=-1) @ v
        return self.proj(out.transpose(1, 2).reshape(n, tokens, width))


class PreNormBlock(nn.Module):
    def __init__(self, width, heads, sdpa=None):
        super().__init__()
        self.norm1 = nn.LayerNorm(width, eps=1e-6)
        self.attn = SelfAttention(width, heads, sdpa)
        self.norm2 = nn.LayerNorm(width, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(), nn.Linear(4 * width, width))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class MaskedAutoencoder(nn.Module):
    def __init__(self, img, patch, width, depth, heads, dec_width, dec_depth, dec_heads, channels=3,
                 mask_ratio=0.75, sdpa=None):
        super().__init__()
        self.patch, self.channels, self.grid = patch, channels, img // patch
        self.num_patches = self.grid * self.grid
        self.keep = int(self.num_patches * (1 - mask_ratio))
        self.patch_embed = nn.Conv2d(channels, width, patch, stride=patch)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, width))
        self.register_buffer("pos_embed", sincos_positions(width, self.grid))
        self.blocks = nn.ModuleList(PreNormBlock(width, heads, sdpa) for _ in range(depth))
        self.norm = nn.LayerNorm(width, eps=1e-6)
        self.decoder_embed = nn.Linear(width, dec_width)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, dec_width))
        self.register_buffer("decoder_pos_embed", sincos_positions(dec_width, self.grid))
        self.decoder_blocks = nn.ModuleList(PreNormBlock(dec_width, dec_heads, sdpa) for _ in range(dec_depth))
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
        # A random permutation per image, drawn where the images are: no host-to-device copy on CUDA.
        order = torch.rand(n, self.num_patches, device=images.device).argsort(dim=1)
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


KEYS = ("preset", "batch", "steps", "warmup", "threads", "foreach", "fused", "amp", "attn", "compile", "device",
        "lr", "seed", "batches", "amps", "attns", "compiles")
MATRIX_KEYS = ("batches", "amps", "attns", "compiles")


def fail(message):
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def parse_args(argv):
    """key=value, --key value and --key=value, in any mix; an unknown key is an error (a typo would be ignored)."""
    args, i = {}, 0
    while i < len(argv):
        word = argv[i]
        if word in ("-h", "--help"):
            print(__doc__)
            sys.exit(0)
        if word.startswith("--"):
            key, eq, value = word[2:].partition("=")
            if not eq:
                if i + 1 >= len(argv):
                    fail(f"{word}: expected a value after it")
                i += 1
                value = argv[i]
        elif "=" in word:
            key, _, value = word.partition("=")
        else:
            fail(f'unexpected argument "{word}": expected key=value or --key value')
        if key not in KEYS:
            fail(f'unknown option "{key}"; known: {", ".join(KEYS)}')
        args[key] = value
        i += 1
    return args


def whole(args, key, default, minimum):
    text = args.get(key, str(default))
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or value < minimum:
        fail(f'{key}: expected a whole number >= {minimum}, got "{text}"')
    return value


def choices(args, single, plural, default, allowed):
    """The values of a matrix key (plural, comma-separated) or its single key, each checked against allowed."""
    values = [v.strip() for v in args.get(plural, args.get(single, default)).split(",")]
    for v in values:
        if v not in allowed:
            fail(f'{plural if plural in args else single}: expected {" or ".join(allowed)}, got "{v}"')
    return list(dict.fromkeys(values))  # each combination once


def sync_counter():
    """easycv4j_cuda_syncs and easycv4j_cuda_sync_report of a preloaded tools/lib/cuda_sync_count.c, or None."""
    import ctypes
    try:
        process = ctypes.CDLL(None)
        total, report = process.easycv4j_cuda_syncs, process.easycv4j_cuda_sync_report
    except (OSError, AttributeError):
        return None
    total.restype, total.argtypes = ctypes.c_long, []
    report.restype, report.argtypes = ctypes.c_int, [ctypes.c_char_p, ctypes.c_int]

    def by_function():
        buf = ctypes.create_string_buffer(1024)
        report(buf, len(buf))
        return {k: int(v) for k, v in (w.split("=") for w in buf.value.decode().split())}
    return total, by_function


def is_oom(error):
    """CUDA out of memory, also when wrapped (torch.compile re-raises backend failures in its own exceptions)."""
    oom = getattr(torch.cuda, "OutOfMemoryError", ())
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if (oom and isinstance(error, oom)) or "out of memory" in str(error).lower():
            return True
        error = error.__cause__ or error.__context__
    return False


def grad_scaler():
    amp = getattr(torch, "amp", None)
    if amp is not None and hasattr(amp, "GradScaler"):
        return amp.GradScaler("cuda")
    return torch.cuda.amp.GradScaler()  # torch < 2.3


def optimizer_kind(device, foreach, fused):
    """fused AdamW on CUDA when this torch has it and fused=1; else multi-tensor (foreach) or single-tensor."""
    has_fused = "fused" in inspect.signature(torch.optim.AdamW.__init__).parameters
    if device != "cpu" and fused and has_fused:
        return "fused"
    return "foreach" if foreach else "single"


class Settings:
    """What one process runs: the shared options and the lists of the matrix."""

    def __init__(self, args):
        self.preset = args.get("preset", "tiny224")
        if self.preset not in PRESETS:
            fail(f'unknown preset "{self.preset}"; known: {", ".join(PRESETS)}')
        self.device = args.get("device", "cpu")
        if self.device != "cpu" and not (self.device == "cuda" or self.device.startswith("cuda:")):
            fail(f'device: expected cpu or cuda (cuda:N), got "{self.device}"')
        self.cuda = self.device != "cpu"
        if self.cuda and not torch.cuda.is_available():
            fail(f"device={self.device}: torch {torch.__version__} sees no CUDA device "
                 f"(torch.version.cuda={torch.version.cuda}, torch.cuda.is_available() is false)")
        if self.cuda:
            torch.cuda.set_device(torch.device(self.device))  # synchronize() and the memory figures are per device
        self.steps, self.warmup = whole(args, "steps", 20, 1), whole(args, "warmup", 5, 0)
        self.threads = whole(args, "threads", 2, 1)
        self.foreach, self.fused = whole(args, "foreach", 1, 0) == 1, whole(args, "fused", 1, 0) == 1
        self.lr, self.seed = float(args.get("lr", 1.5e-4)), whole(args, "seed", 0, 0)
        self.matrix = self.cuda or any(k in args for k in MATRIX_KEYS)
        for single, plural in (("batch", "batches"), ("amp", "amps"), ("attn", "attns"), ("compile", "compiles")):
            if single in args and plural in args:
                fail(f"give {single}= or {plural}=, not both")
        key = "batches" if "batches" in args else "batch"
        self.batches = list(dict.fromkeys(whole({key: b.strip()}, key, 0, 1)
                                          for b in args.get(key, "8").split(",")))
        self.amps = choices(args, "amp", "amps", "none", ("none", "bf16", "fp16"))
        if "fp16" in self.amps and not self.cuda:
            fail("amp=fp16 needs device=cuda (CPU autocast here runs bf16 only)")
        self.sdpa, self.sdpa_name = fused_attention()
        self.attns = choices(args, "attn", "attns", "sdpa" if self.cuda and self.sdpa else "explicit",
                             ("explicit", "sdpa"))
        if "sdpa" in self.attns and self.sdpa is None:
            fail(f"attn=sdpa: torch {torch.__version__} has no F.scaled_dot_product_attention")
        compiles = choices(args, "compile", "compiles", "0", ("0", "1"))
        self.compile_note = ""
        if "1" in compiles and not hasattr(torch, "compile"):
            self.compile_note = (f"compile=unavailable (torch {torch.__version__} has no torch.compile: "
                                 "runs uncompiled)")
            compiles = ["0"]
        self.compiles = [int(c) for c in dict.fromkeys(compiles)]
        self.optimizer = optimizer_kind(self.device, self.foreach, self.fused)

    def combinations(self):
        for batch in self.batches:
            for amp in self.amps:
                for attn in self.attns:
                    for compiled in self.compiles:
                        yield batch, amp, attn, compiled

    def header(self):
        first = (f"pytorch {torch.__version__} blas={blas_library()} threads={torch.get_num_threads()} "
                 f"preset={self.preset}")
        if not self.matrix:  # bench-vs-pytorch prints this line: unchanged unless a new option is given
            line = (f"{first} batch={self.batches[0]} amp={self.amps[0]} foreach={int(self.foreach)} "
                    f"fused_adamw={'fused' in torch.optim.AdamW.__init__.__code__.co_varnames}")
            if self.attns != ["explicit"]:
                line += f" attn={self.attns[0]} sdpa={self.sdpa_name}"
            if self.compiles != [0]:
                line += " compile=1"
            return line + (" " + self.compile_note if self.compile_note else "")
        line = (f"{first} device={self.device} batches={','.join(map(str, self.batches))} amps={','.join(self.amps)} "
                f"attns={','.join(self.attns)} compiles={','.join(map(str, self.compiles))} "
                f"optimizer={self.optimizer} steps={self.steps} warmup={self.warmup}")
        if "sdpa" in self.attns:
            line += f" sdpa={self.sdpa_name}"
        if self.cuda:
            index = torch.device(self.device).index or 0
            major, minor = torch.cuda.get_device_capability(index)
            line += (f" cuda={torch.version.cuda} capability={major}.{minor} "
                     f"gpu=\"{torch.cuda.get_device_name(index)}\"")
        return line + (" " + self.compile_note if self.compile_note else "")


def build(settings, attn, compiled):
    """The model, its parameters, AdamW and the callable to run (compiled or not), from the same seed each time."""
    torch.manual_seed(settings.seed)
    model = MaskedAutoencoder(**PRESETS[settings.preset], sdpa=settings.sdpa if attn == "sdpa" else None)
    model = model.to(settings.device)
    params = [p for p in model.parameters() if p.requires_grad]
    kind = {"fused": dict(fused=True), "foreach": dict(foreach=True), "single": dict(foreach=False)}
    optimizer = torch.optim.AdamW(param_groups(model, 0.05), lr=settings.lr, betas=(0.9, 0.95), eps=1e-8,
                                  **kind[settings.optimizer])
    return model, params, optimizer, torch.compile(model) if compiled else model


def run_cpu(settings, pool, batch, amp, attn, compiled, counter, verbose):
    """bench-model's CPU measurement: per-step wall and CPU time, the loss and norm read every step."""
    model, params, optimizer, forward = build(settings, attn, compiled)
    bf16 = amp == "bf16"
    picks = torch.Generator().manual_seed(1)
    wall, cpu, phases = [], [], [0.0, 0.0, 0.0]
    syncs0 = value = None
    for step in range(settings.warmup + settings.steps):
        images = pool[torch.randint(0, len(pool), (batch,), generator=picks)]
        if step == settings.warmup and counter:
            syncs0 = counter[0]()
        t0, c0 = time.perf_counter(), time.process_time()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            loss = forward(images)
        t1 = time.perf_counter()
        loss.backward()
        value = loss.item()
        t2 = time.perf_counter()
        norm = clip_foreach(params, 1.0) if settings.foreach else torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        norm = float(norm)
        t3, c3 = time.perf_counter(), time.process_time()
        if step >= settings.warmup:
            wall.append((t3 - t0) * 1e3)
            cpu.append((c3 - c0) * 1e3)
            for i, d in enumerate((t1 - t0, t2 - t1, t3 - t2)):
                phases[i] += d * 1e3
        if verbose:
            print(f"step {step:3d} loss {value:.4f} gnorm {norm:.3f} {(t3 - t0) * 1e3:.1f} ms")
    n = len(wall)
    syncs = (counter[0]() - syncs0) / n if counter else None
    return dict(median_ms=statistics.median(wall), median_cpu_ms=statistics.median(cpu), min_ms=min(wall), n=n,
                phases=[p / n for p in phases], loss=value, syncs=syncs,
                peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)


def run_cuda(settings, pool, batch, amp, attn, compiled, counter):
    """The timed steps as one span between synchronizations: nothing in it reads the device from the host."""
    model, params, optimizer, forward = build(settings, attn, compiled)
    dtype = {"none": None, "bf16": torch.bfloat16, "fp16": torch.float16}[amp]
    scaler = grad_scaler() if amp == "fp16" else None
    pool = pool.to(settings.device)
    picks = torch.Generator().manual_seed(1)  # the CPU side's picks, moved to the device before the first step
    total = settings.warmup + settings.steps
    picked = torch.stack([torch.randint(0, len(pool), (batch,), generator=picks) for _ in range(total)])
    picked = picked.to(settings.device)

    def step(i):
        images = pool.index_select(0, picked[i])
        with torch.autocast("cuda", dtype=dtype or torch.float16, enabled=dtype is not None):
            loss = forward(images)
        if scaler is not None:
            scaler.scale(loss).backward()
            scaler.unscale_(optimizer)  # clip the true gradients, as the MAE recipe's loss scaler does
        else:
            loss.backward()
        if settings.foreach:
            clip_foreach(params, 1.0)
        else:
            torch.nn.utils.clip_grad_norm_(params, 1.0)
        if scaler is not None:
            scaler.step(optimizer)  # skips the update on inf/nan gradients
            scaler.update()
        else:
            optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        return loss

    for i in range(settings.warmup):
        step(i)
    torch.cuda.synchronize()
    syncs0 = counter[0]() if counter else 0
    by_function0 = counter[1]() if counter else {}
    t0 = time.perf_counter()
    for i in range(settings.warmup, total):
        loss = step(i)
    syncs1 = counter[0]() if counter else 0
    by_function1 = counter[1]() if counter else {}
    torch.cuda.synchronize()
    span = time.perf_counter() - t0
    syncs = None
    if counter:
        if counter[0]() == syncs1:  # torch.cuda.synchronize() itself was not seen: the calls bypass the shim
            print("warning: the preloaded sync counter did not see torch.cuda.synchronize() (statically linked "
                  "cudart?); syncs_per_step=-1", file=sys.stderr)
        else:
            syncs = (syncs1 - syncs0) / settings.steps
    value = loss.item()
    median = span * 1e3 / settings.steps
    return dict(median_ms=median, n=settings.steps, loss=value, syncs=syncs,
                by_function={k: v - by_function0.get(k, 0) for k, v in by_function1.items()
                             if v != by_function0.get(k, 0)} if syncs is not None else None,
                peak_mem_mb=torch.cuda.max_memory_reserved() / 2 ** 20,
                peak_alloc_mb=torch.cuda.max_memory_allocated() / 2 ** 20)


def release(settings, compiled):
    """Frees what a combination left (also after an out-of-memory error) so the next one starts from nothing."""
    gc.collect()
    if compiled and hasattr(torch, "_dynamo"):
        torch._dynamo.reset()
    if settings.cuda:
        torch.cuda.synchronize()
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()


def result_line(settings, batch, amp, attn, compiled, r, status):
    line = (f"RESULT pytorch preset={settings.preset} device={settings.device} batch={batch} amp={amp} attn={attn} "
            f"compile={compiled}")
    if status != "ok":
        return f"{line} status={status}"
    line += f" median_ms={r['median_ms']:.1f}"
    if "median_cpu_ms" in r:
        line += f" median_cpu_ms={r['median_cpu_ms']:.1f}"
    line += f" img_per_s={batch * 1000 / r['median_ms']:.1f}"
    if "min_ms" in r:
        line += f" min_ms={r['min_ms']:.1f} peak_rss_mb={r['peak_rss_mb']}"
    else:
        line += f" peak_mem_mb={r['peak_mem_mb']:.0f} peak_alloc_mb={r['peak_alloc_mb']:.0f}"
    syncs = -1 if r["syncs"] is None else round(r["syncs"], 3)
    return f"{line} syncs_per_step={syncs} loss={r['loss']:.4f} n={r['n']}"


def main():
    settings = Settings(parse_args(sys.argv[1:]))
    torch.set_num_threads(settings.threads)
    torch.set_num_interop_threads(1)
    pool = synthetic_images(32, PRESETS[settings.preset].get("channels", 3), PRESETS[settings.preset]["img"], 42)
    counter = sync_counter()
    print(settings.header(), flush=True)
    if not settings.matrix:
        batch, amp, attn, compiled = next(settings.combinations())
        r = run_cpu(settings, pool, batch, amp, attn, compiled, counter, verbose=True)
        print("PHASES mean ms: forward %.1f backward %.1f optimizer %.1f" % tuple(r["phases"]))
        median = r["median_ms"]
        print(f"RESULT pytorch preset={settings.preset} batch={batch} median_ms={median:.1f} "
              f"median_cpu_ms={r['median_cpu_ms']:.1f} img_per_s={batch * 1000 / median:.1f} "
              f"min_ms={r['min_ms']:.1f} n={r['n']} peak_rss_mb={r['peak_rss_mb']}")
        return 0
    failed = False
    for batch, amp, attn, compiled in settings.combinations():
        status, r = "ok", None
        try:
            if settings.cuda:
                r = run_cuda(settings, pool, batch, amp, attn, compiled, counter)
            else:
                r = run_cpu(settings, pool, batch, amp, attn, compiled, counter, verbose=False)
        except Exception as error:  # noqa: BLE001 - one combination's failure must not end the matrix
            status = "oom" if settings.cuda and is_oom(error) else "error"
            failed |= status == "error"
            if status == "error":  # unexpected: the whole traceback, as it may come from a machine out of reach
                traceback.print_exception(type(error), error, error.__traceback__)
            first = (str(error).strip().splitlines() or [""])[0]
            print(f"{status}: batch={batch} amp={amp} attn={attn} compile={compiled}: "
                  f"{type(error).__name__}{': ' + first if first else ''}", file=sys.stderr)
            del error  # its traceback holds the combination's tensors
        print(result_line(settings, batch, amp, attn, compiled, r, status), flush=True)
        if r and r.get("by_function"):
            print(f"SYNCS preset={settings.preset} batch={batch} amp={amp} attn={attn} compile={compiled} "
                  + " ".join(f"{k}={v}" for k, v in r["by_function"].items()), flush=True)
        try:
            release(settings, compiled)
        except Exception as error:  # noqa: BLE001 - e.g. a sticky CUDA error: the next combinations report it
            failed = True
            print(f"error: freeing after batch={batch} amp={amp} attn={attn} compile={compiled}: "
                  f"{type(error).__name__}: {error}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
