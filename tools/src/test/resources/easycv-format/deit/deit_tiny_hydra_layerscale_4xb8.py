_base_ = '../vit/imagenet_base.py'

# EasyCV's own VisionTransformer backbone as its DeiT configs set it, narrowed to the tiny width, with what its
# DeiT variants add: hydra attention in the last 8 blocks (imagenet_deit_base_hydra_layer8), DeiT III's layer
# scale and the same drop path in every block.
model = dict(
    type='Classification',
    pretrained=False,
    backbone=dict(
        type='VisionTransformer',
        img_size=[224],
        num_classes=1000,
        patch_size=16,
        embed_dim=192,
        depth=12,
        num_heads=3,
        mlp_ratio=4,
        qkv_bias=True,
        drop_rate=0.,
        drop_path_rate=0.1,
        use_layer_scale=True,
        use_dpr_linspace=False,
        hydra_attention=True,
        hydra_attention_layers=8),
    head=dict(
        type='ClsHead',
        loss_config={'type': 'SoftTargetCrossEntropy'},
        with_fc=False))

data = dict(imgs_per_gpu=8)

optimizer = dict(type='AdamW', lr=0.001, weight_decay=0.05)
optimizer_config = dict(grad_clip=None, update_interval=1)
lr_config = dict(policy='step', step=[1])
total_epochs = 1
