# An ImageNet dataset base in EasyCV's layout (its names are those of EasyCV's ImageNet bases).
class_list = [str(i) for i in range(1000)]

data_source_type = 'ClsSourceImageList'
data_root = 'data/imagenet_raw'
data_train_list = f'{data_root}/meta/train_labeled.txt'
data_train_root = data_root + '/train/'
data_test_list = '{}/meta/{}'.format(data_root, 'val_labeled.txt')
data_test_root = '%s/validation/' % data_root
image_size2 = 224
image_size1 = int((256 / 224) * image_size2)

dataset_type = 'ClsDataset'
img_norm_cfg = dict(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])
# unused by the pipelines below, as in EasyCV's TFRecord bases
mean = [x * 255 for x in img_norm_cfg['mean']]
std = [x * 255 for x in img_norm_cfg['std']]
train_pipeline = [
    dict(type='RandomResizedCrop', size=image_size2),
    dict(type='RandomHorizontalFlip'),
    dict(type='ToTensor'),
    dict(type='Normalize', **img_norm_cfg),
    dict(type='Collect', keys=['img', 'gt_labels'])
]
test_pipeline = [
    dict(type='Resize', size=image_size1),
    dict(type='CenterCrop', size=image_size2),
    dict(type='ToTensor'),
    dict(type='Normalize', **img_norm_cfg),
    dict(type='Collect', keys=['img', 'gt_labels'])
]

data = dict(
    imgs_per_gpu=16,
    workers_per_gpu=2,
    train=dict(
        type=dataset_type,
        data_source=dict(
            list_file=data_train_list,
            root=data_train_root,
            type=data_source_type,
            class_list=class_list),
        pipeline=train_pipeline),
    val=dict(
        type=dataset_type,
        data_source=dict(
            list_file=data_test_list,
            root=data_test_root,
            type=data_source_type,
            class_list=class_list),
        pipeline=test_pipeline))

eval_config = dict(initial=False, interval=1, gpu_collect=True)
eval_pipelines = [
    dict(
        mode='test',
        data=data['val'],
        dist_eval=True,
        evaluators=[dict(type='ClsEvaluator', topk=(1, ), class_list=class_list)],
    )
]

log_config = dict(interval=10, hooks=[dict(type='TextLoggerHook')])
checkpoint_config = dict(interval=1)
