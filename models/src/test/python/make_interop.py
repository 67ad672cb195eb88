"""Fixtures for the import (interop) tests, from the independent PyTorch reference in make_golden.py.

Run from the repository root:  /usr/bin/python3 models/src/test/python/make_interop.py
(needs torch and numpy; Debian's python3-torch is enough). Writes:

models/src/test/resources/interop/
  mae_tiny_full.pth         torch.save({"model": state_dict, "epoch", "args": Namespace}) of a tiny MAE with decoder,
                            the layout of the MAE repository's checkpoints
  mae_tiny_hf.safetensors   the same weights under Hugging Face ViTMAEForPreTraining names (query/key/value split)
  vit_tiny_cls.pth          torch.save({"state_dict": ...}) of a tiny global-pool classifier, stored in float16
  expected.safetensors      inputs and PyTorch's outputs: MAE loss and prediction for given noise, classifier logits
core/src/test/resources/torch/
  views.pth                 dtypes and strided views for the reader; views_expected.safetensors holds their values
  legacy.pth                the pre-1.6 (non-zip) format, which the reader refuses with a clear message
"""
import argparse
import collections
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from make_golden import MAE, Classifier, write_safetensors  # noqa: E402

HERE = os.path.dirname(__file__)
OUT = os.path.join(HERE, "..", "resources", "interop")
CORE_OUT = os.path.join(HERE, "..", "..", "..", "..", "core", "src", "test", "resources", "torch")


def hf_names(sd, depth, decoder_depth):
    """Renames a state dict with our (timm / MAE repository) names to ViTMAEForPreTraining's names."""
    out = collections.OrderedDict()
    top = {"cls_token": "vit.embeddings.cls_token", "pos_embed": "vit.embeddings.position_embeddings",
           "patch_embed.proj.weight": "vit.embeddings.patch_embeddings.projection.weight",
           "patch_embed.proj.bias": "vit.embeddings.patch_embeddings.projection.bias",
           "norm.weight": "vit.layernorm.weight", "norm.bias": "vit.layernorm.bias",
           "mask_token": "decoder.mask_token", "decoder_pos_embed": "decoder.decoder_pos_embed"}
    for side in ("weight", "bias"):
        for n in ("decoder_embed", "decoder_norm", "decoder_pred"):
            top[f"{n}.{side}"] = f"decoder.{n}.{side}"
    block = {"norm1": "layernorm_before", "norm2": "layernorm_after", "attn.proj": "attention.output.dense",
             "mlp.fc1": "intermediate.dense", "mlp.fc2": "output.dense"}
    for name, t in sd.items():
        if name in top:
            out[top[name]] = t
            continue
        prefix, rest = ("vit.encoder.layer", name[len("blocks."):]) if name.startswith("blocks.") else \
            ("decoder.decoder_layers", name[len("decoder_blocks."):])
        i, sub = rest.split(".", 1)
        module, side = sub.rsplit(".", 1)
        if module == "attn.qkv":
            for part, chunk in zip(("query", "key", "value"), t.chunk(3, 0)):
                out[f"{prefix}.{i}.attention.attention.{part}.{side}"] = chunk.clone()
        else:
            out[f"{prefix}.{i}.{block[module]}.{side}"] = t
    assert len(out) == len(sd) + 4 * (depth + decoder_depth), "every tensor renamed"
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(CORE_OUT, exist_ok=True)
    expected = {}

    # Tiny MAE: 32x32 RGB, patch 8, width 32, depth 2, 4 heads; decoder 16 x 1, 2 heads; norm_pix_loss.
    torch.manual_seed(6)
    mae = MAE(img=32, p=8, c=3, d=32, depth=2, heads=4, dd=16, ddepth=1, dheads=2, ratio=0.75, norm_pix=True)
    mae.eval()
    imgs = torch.randn(2, 3, 32, 32)
    noise = torch.rand(2, 16)
    with torch.no_grad():
        loss, pred, mask, _ = mae(imgs, noise)
    sd = collections.OrderedDict((k, v.clone()) for k, v in mae.state_dict().items())
    args = argparse.Namespace(model="mae_vit_tiny", mask_ratio=0.75, norm_pix_loss=True)
    torch.save({"model": sd, "epoch": 5, "args": args}, os.path.join(OUT, "mae_tiny_full.pth"))
    write_safetensors(os.path.join(OUT, "mae_tiny_hf.safetensors"), hf_names(sd, 2, 1))
    expected.update({"mae.images": imgs, "mae.noise": noise, "mae.loss": loss.reshape(1), "mae.pred": pred,
                     "mae.mask": mask})

    # Tiny fine-tuned classifier (global pool, fc_norm), stored in float16 under "state_dict"; PyTorch's logits
    # are computed with the float16-rounded weights, widened back to float32.
    torch.manual_seed(7)
    cls = Classifier(32, 8, 3, 32, 2, 4, 5, True)
    with torch.no_grad():
        for m in cls.modules():
            if isinstance(m, torch.nn.LayerNorm):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
    half = collections.OrderedDict((k, v.detach().half()) for k, v in cls.state_dict().items())
    cls.load_state_dict({k: v.float() for k, v in half.items()})
    cls.eval()
    x = torch.randn(3, 3, 32, 32)
    with torch.no_grad():
        logits = cls(x)
    torch.save({"state_dict": half}, os.path.join(OUT, "vit_tiny_cls.pth"))
    expected.update({"cls.images": x, "cls.logits": logits})
    write_safetensors(os.path.join(OUT, "expected.safetensors"), expected)

    # Reader coverage: dtypes, a transposed view, a view with an offset into a shared storage, a parameter.
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6) / 8 - 1
    views = collections.OrderedDict()
    views["f32"] = base
    views["transposed"] = base.t()                       # stride (1, 6)
    views["sliced"] = base[1:3, 2:5]                     # offset 8, stride (6, 1)
    views["strided"] = base[::2, ::3]                    # stride (12, 3)
    views["f16"] = torch.tensor([[0.5, -1.0, 65504.0], [6.1e-5, -3.0e-7, 0.0]], dtype=torch.float16)
    views["f16_t"] = views["f16"].t()
    views["bf16"] = torch.tensor([1.0, -2.5, 3.140625, 1e30], dtype=torch.bfloat16)
    views["f64"] = torch.tensor([1.0 / 3, -2.0], dtype=torch.float64)
    views["i64"] = torch.tensor([-1, 2 ** 40, 7])
    views["i32"] = torch.tensor([3, -4], dtype=torch.int32)
    views["u8"] = torch.tensor([0, 255], dtype=torch.uint8)
    views["bool"] = torch.tensor([True, False])
    views["scalar"] = torch.tensor(2.5)
    views["param"] = torch.nn.Parameter(torch.tensor([0.25, 0.75]))
    torch.save(views, os.path.join(CORE_OUT, "views.pth"))
    exp = collections.OrderedDict()
    for k, v in views.items():
        v = v.detach().contiguous()
        exp[k] = v.float() if v.dtype in (torch.float16, torch.bfloat16) else v
    write_safetensors(os.path.join(CORE_OUT, "views_expected.safetensors"), exp)
    torch.save({"w": torch.ones(2)}, os.path.join(CORE_OUT, "legacy.pth"), _use_new_zipfile_serialization=False)

    for d in (OUT, CORE_OUT):
        for f in sorted(os.listdir(d)):
            print(f, os.path.getsize(os.path.join(d, f)))
    print("mae loss", loss.item())


if __name__ == "__main__":
    main()
