"""Checkpoints as EasyCV writes them, for the EasyCV import tests.

Run from the repository root after make_interop.py:  /usr/bin/python3 models/src/test/python/make_easycv.py

EasyCV's save_checkpoint stores torch.save({'meta': dict, 'state_dict': model.state_dict(), 'optimizer':
optimizer.state_dict()}). The state dict's names come from EasyCV's module attributes, rebuilt here as modules
so that PyTorch names them (EasyCV sources: easycv/models/selfsup/mae.py, backbones/mae_vit_transformer.py,
necks.py MAENeck, classification/classification.py, backbones/pytorch_image_models_wrapper.py,
backbones/vit_transfomer_dynamic.py, heads ClsHead):

  MAE:             encoder (MaskedAutoencoderViT: patch_embed, cls_token, pos_embed, blocks, norm)
                   decoder (MAENeck: decoder_embed, mask_token, decoder_pos_embed, decoder_blocks,
                            decoder_norm, decoder_pred)
  Classification:  backbone (PytorchImageModelWrapper: model = VisionTransformer with fc_norm and head,
                   when global_pool and num_classes are set) and head_0 (ClsHead with_fc=False: no weights);
                   or backbone = the VisionTransformer without head and head_0 = ClsHead(with_fc=True): fc

The weights are those of make_interop.py's fixtures (mae_tiny_full.pth, vit_tiny_cls.pth), so the tests
compare against the PyTorch outputs already in expected.safetensors. Writes into resources/interop/:

  easycv_mae.pth           EasyCV MAE pretraining checkpoint (with AdamW state and meta)
  easycv_vit_ft.pth        EasyCV MAE fine-tuning checkpoint (PytorchImageModelWrapper, head in the backbone)
  easycv_vit_clshead.pth   EasyCV ViT classification with the linear layer in ClsHead (head_0.fc)
  easycv_resnet.pth        EasyCV classification checkpoint of another architecture (ResNet names)
  easycv_expected.safetensors  the MAE encoder's features (every token after the final norm, no masking) for
                           given images, the reference for the TorchScript export of the encoder
"""
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(__file__))
from make_golden import MAE, Classifier, write_safetensors  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "interop")


def attrs(target, source, names):
    for n in names:
        setattr(target, n, getattr(source, n))
    return target


class Module(nn.Module):
    pass


def checkpoint(model, meta, optimizer=True):
    """What EasyCV's save_checkpoint writes, after one AdamW step so the optimizer has state."""
    if not optimizer:
        return {"meta": meta, "state_dict": model.state_dict()}
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-3, betas=(0.9, 0.95))
    params = [p for p in model.parameters() if p.requires_grad]
    for p in params:
        p.grad = torch.zeros_like(p)
    saved = {k: v.clone() for k, v in model.state_dict().items()}
    opt.step()  # zero gradients: AdamW's decoupled weight decay still moves weights, so restore them
    model.load_state_dict(saved)
    return {"meta": meta, "state_dict": model.state_dict(), "optimizer": opt.state_dict()}


def main():
    mae_sd = torch.load(os.path.join(OUT, "mae_tiny_full.pth"))["model"]
    mae = MAE(img=32, p=8, c=3, d=32, depth=2, heads=4, dd=16, ddepth=1, dheads=2, ratio=0.75, norm_pix=True)
    mae.load_state_dict(mae_sd)
    easy = Module()
    easy.encoder = attrs(Module(), mae, ["cls_token", "pos_embed", "patch_embed", "blocks", "norm"])
    easy.decoder = attrs(Module(), mae, ["mask_token", "decoder_pos_embed", "decoder_embed", "decoder_blocks",
                                         "decoder_norm", "decoder_pred"])
    meta = {"epoch": 400, "iter": 20000, "mmcv_version": "1.4.4", "time": "Thu Jan  1 00:00:00 2026",
            "config": "model = dict(type='MAE', backbone=dict(type='MaskedAutoencoderViT'))"}
    torch.save(checkpoint(easy, meta), os.path.join(OUT, "easycv_mae.pth"))
    torch.manual_seed(8)
    images = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        h = mae.patch_embed(images)
        h = h.flatten(2).transpose(1, 2) if h.dim() == 4 else h
        cls = (mae.cls_token + mae.pos_embed[:, :1]).expand(images.shape[0], -1, -1)
        h = torch.cat([cls, h + mae.pos_embed[:, 1:]], 1)
        for blk in mae.blocks:
            h = blk(h)
        tokens = mae.norm(h)
    write_safetensors(os.path.join(OUT, "easycv_expected.safetensors"),
                      {"encoder.images": images, "encoder.tokens": tokens})

    half = torch.load(os.path.join(OUT, "vit_tiny_cls.pth"))["state_dict"]
    cls = Classifier(32, 8, 3, 32, 2, 4, 5, True)
    cls.load_state_dict({k: v.float() for k, v in half.items()})
    ft = Module()
    ft.backbone = Module()
    ft.backbone.model = cls
    ft.head_0 = Module()  # ClsHead(with_fc=False) holds no weights
    meta = {"epoch": 100, "iter": 5000, "mmcv_version": "1.4.4", "CLASSES": None}
    torch.save(checkpoint(ft, meta), os.path.join(OUT, "easycv_vit_ft.pth"))

    ch = Module()
    ch.backbone = attrs(Module(), cls, ["cls_token", "pos_embed", "patch_embed", "blocks", "fc_norm"])
    ch.head_0 = Module()
    ch.head_0.fc = cls.head
    torch.save(checkpoint(ch, meta, False), os.path.join(OUT, "easycv_vit_clshead.pth"))

    torch.manual_seed(3)
    res = Module()
    res.backbone = Module()
    res.backbone.conv1 = nn.Conv2d(3, 8, 3, bias=False)
    res.backbone.bn1 = nn.BatchNorm2d(8)
    res.backbone.layer1 = nn.Sequential(Module())
    res.backbone.layer1[0].conv1 = nn.Conv2d(8, 8, 3, bias=False)
    res.head_0 = Module()
    res.head_0.fc = nn.Linear(8, 5)
    torch.save(checkpoint(res, meta, False), os.path.join(OUT, "easycv_resnet.pth"))

    for f in ("easycv_mae.pth", "easycv_vit_ft.pth", "easycv_vit_clshead.pth", "easycv_resnet.pth"):
        print(f, list(torch.load(os.path.join(OUT, f))["state_dict"].keys())[:6])


if __name__ == "__main__":
    main()
