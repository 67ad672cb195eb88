# Runtime defaults every EasyCV config inherits.
train_cfg = {}
test_cfg = {}
optimizer_config = dict()  # grad_clip, update_interval, ...
log_config = dict(interval=50, hooks=[dict(type='TextLoggerHook')])
dist_params = dict(backend='nccl')
cudnn_benchmark = False
log_level = 'INFO'
load_from = None
resume_from = None
workflow = [('train', 1)]
