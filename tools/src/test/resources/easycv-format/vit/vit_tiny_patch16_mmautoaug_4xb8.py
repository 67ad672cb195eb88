_base_ = './imagenet_base.py'

num_classes = 1000
model = dict(
    type='Classification',
    train_preprocess=['mixUp'],
    mixup_cfg=dict(
        mixup_alpha=0.2,
        prob=1.0,
        mode='batch',
        label_smoothing=0.1,
        num_classes=num_classes),
    backbone=dict(
        type='PytorchImageModelWrapper',
        model_name='vit_tiny_patch16_224',
        num_classes=num_classes,
    ),
    head=dict(
        type='ClsHead',
        loss_config={'type': 'SoftTargetCrossEntropy'},
        with_fc=False))

# names of _base_ files are not visible here, as in Python
img_norm_cfg = dict(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])
train_pipeline = [
    dict(type='RandomResizedCrop', size=224),
    dict(type='RandomHorizontalFlip'),
    dict(type='MMAutoAugment', hparams=dict(pad_val=[round(x * 255) for x in img_norm_cfg['mean'][::-1]])),
    dict(type='ToTensor'),
    dict(type='Normalize', **img_norm_cfg),
    dict(type='Collect', keys=['img', 'gt_labels'])
]
data = dict(imgs_per_gpu=8, train=dict(pipeline=train_pipeline))

optimizer = dict(
    type='AdamW',
    lr=0.003,
    weight_decay=0.3,
    paramwise_options={
        'cls_token': dict(weight_decay=0.),
        'pos_embed': dict(weight_decay=0.),
    })
optimizer_config = dict(grad_clip=dict(max_norm=1.0), update_interval=2)

# mmcv title-cases an all-lower-case policy name
lr_config = dict(policy='step', step=[1], warmup='linear', warmup_iters=5, warmup_ratio=1e-4)
total_epochs = 2
