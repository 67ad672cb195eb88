_base_ = './mae_vit_base_patch16_8xb64_1600e.py'

total_epochs = 400
