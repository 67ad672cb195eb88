# Sourced by the Fashion-MNIST experiment scripts (tools/fashion-mnist-*): where the data is, which images
# evaluate, how many processes train and in which precision, and the configs every experiment shares.
#
# Environment:
#   FMNIST_ROOT  the IDX files (default datasets/fashion-mnist, fetched by tools/prepare-data when missing)
#   EVAL_SPLIT   test (default): the 10,000 test images; val: training images [50000, 60000), a validation split
#                carved from the training images for choosing hyperparameters (their labels are never used to
#                train; pretraining sees them unlabelled, as it sees every training image)
#   RANKS        processes that train together (mpirun, one thread each, the global batch split between them);
#                default: the number of cores when Open MPI's mpirun is installed, else 1
#   AMP          bf16 | none | auto (default): bf16 where the CPU multiplies bfloat16 natively (AVX512-BF16
#                or AMX), float32 elsewhere
#   SEEDS        fine-tuning and probing seeds (default 0,1)
#   PRETRAIN_LR  the MAE pretraining's base lr (per 256 images; default 3e-3, chosen on the validation split:
#                docs/results.md; 1.5e-4 is the MAE paper's, for 800-1,600 epochs of ImageNet)

fm_here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
fm_root=${FMNIST_ROOT:-datasets/fashion-mnist}
fm_seeds=${SEEDS:-0,1}
fm_cfg=$(cd "$fm_here/.." && pwd)/configs/demo/fashion_mnist
[[ "$fm_seeds" =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "error: SEEDS: expected a comma-separated list of whole numbers, got \"$fm_seeds\"" >&2; exit 2; }
fm_pretrain_lr=${PRETRAIN_LR:-3e-3}
[[ "$fm_pretrain_lr" =~ ^[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$ ]] || { echo "error: PRETRAIN_LR: expected a positive number such as 3e-3, got \"$fm_pretrain_lr\"" >&2; exit 2; }

case "${EVAL_SPLIT:-test}" in
  test) fm_eval_source="split = test"; fm_pixel_eval=() ;;
  val) fm_eval_source="split = train, start = 50000, max_data_num = 10000"
    fm_pixel_eval=(--eval-start 50000 --eval-count 10000) ;;
  *) echo "error: EVAL_SPLIT: expected test or val, got \"$EVAL_SPLIT\"" >&2; exit 2 ;;
esac
fm_split=${EVAL_SPLIT:-test}

if [ -n "${RANKS:-}" ]; then
  [[ "$RANKS" =~ ^[1-9][0-9]*$ ]] || { echo "error: RANKS: expected a whole number >= 1, got \"$RANKS\"" >&2; exit 2; }
  fm_ranks=$RANKS
  if [ "$fm_ranks" -gt 1 ] && ! command -v mpirun >/dev/null 2>&1; then
    echo "error: RANKS=$fm_ranks needs Open MPI's mpirun (Debian: apt-get install openmpi-bin libopenmpi-dev)" >&2
    exit 2
  fi
elif command -v mpirun >/dev/null 2>&1; then
  fm_ranks=$(nproc 2>/dev/null || echo 1)
else
  fm_ranks=1
fi

fm_amp=${AMP:-auto}
case "$fm_amp" in
  auto) fm_amp=none; grep -qwE 'avx512_bf16|amx_bf16' /proc/cpuinfo 2>/dev/null && fm_amp=bf16 ;;
  bf16|none) ;;
  *) echo "error: AMP: expected bf16, none or auto, got \"$fm_amp\"" >&2; exit 2 ;;
esac

# The global batch of each stage, split between the ranks (the learning rate follows the global batch).
fm_per_rank() {
  local global=$1
  if (( global % fm_ranks != 0 )); then
    echo "error: RANKS=$fm_ranks does not divide the batch of $global images" >&2
    exit 2
  fi
  echo $(( global / fm_ranks ))
}

# Runs a tools/* command (train, sweep) on fm_ranks processes. The ranks talk over shared memory on this node.
fm_launch() {
  local tool=$1; shift
  if [ "$fm_ranks" -eq 1 ]; then
    "$fm_here/$tool" "$@"
    return
  fi
  if [ "$(id -u)" = 0 ]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  fi
  mpirun -np "$fm_ranks" --mca btl self,vader "$fm_here/$tool" "$@" --launcher mpi
}

fm_prepare() {
  [ -n "${FMNIST_ROOT:-}" ] || [ -f "$fm_root/train-images-idx3-ubyte.gz" ] || "$fm_here/prepare-data" fashion-mnist --out "$fm_root"
}

# Writes the configs every experiment shares into DIR:
#   pretrain.conf   MAE pretraining on the 60,000 training images; the kNN monitor (bank: the 1,000 labelled
#                   images; queries: the evaluation images) every KNN_INTERVAL epochs and at the end
#   finetune.conf   fine-tuning on the 1,000 labelled images, evaluated once at the end on the evaluation images
#   linprobe.conf   the MAE repository's linear probe (frozen encoder, BatchNorm + linear head, LARS)
# Args: DIR PRETRAIN_EPOCHS FINETUNE_EPOCHS LINPROBE_EPOCHS KNN_INTERVAL
fm_write_configs() {
  local dir=$1 pre=$2 ft=$3 lp=$4 knn=$5 b128 b64
  b128=$(fm_per_rank 128) || exit 2
  b64=$(fm_per_rank 64) || exit 2
  mkdir -p "$dir"
  local abs; abs=$(cd "$dir" && pwd)
  cat > "$abs/common.conf" <<CONF
vars.fmnist_root = "$fm_root"
vars.fmnist_eval_source { type = ClsSourceIdx, root = \${vars.fmnist_root}, classes = \${vars.fmnist_classes},
  $fm_eval_source }
amp = $fm_amp
progress = log
CONF
  cat > "$abs/pretrain.conf" <<CONF
include file("$fm_cfg/mae_vit_tiny_p4_pretrain.conf")
include file("$abs/common.conf")
data.imgs_per_gpu = $b128
data.workers_per_gpu = 1
optimizer.lr = $fm_pretrain_lr
total_epochs = $pre
checkpoint_config { interval = 5, max_keep_ckpts = 1 }  # and at the end; an interrupted run resumes from the last
custom_hooks = [
  { type = PlotHook }
  {
    type = KNNEvalHook
    interval = $knn
    initial = true
    bank { type = ClsDataset, data_source = \${vars.fmnist_knn_source} { max_data_num = 1000 },
      pipeline = \${vars.fmnist_test_pipeline} }
    query { type = ClsDataset, data_source = \${vars.fmnist_eval_source}, pipeline = \${vars.fmnist_test_pipeline} }
  }
]
CONF
  # The crops chosen on the validation split (docs/results.md); the configs define the knobs (vars.ft.*, vars.lp.*).
  fm_eval_conf "$abs/finetune.conf" vit_tiny_p4_finetune_from_mae.conf "$b64" "$ft" "lr_config.warmup_iters = 3
vars.ft.crop_scale = [0.8, 1.0]"
  fm_eval_conf "$abs/linprobe.conf" vit_tiny_p4_linprobe_from_mae.conf "$b128" "$lp" "vars.lp.crop_scale = [0.8, 1.0]
model.backbone.use_global_pool = true  # the mean patch token (fc_norm frozen at its identity start), not cls"
}

# An evaluation stage (the encoder comes from the sweep's --then): FILE BASE_CONFIG BATCH_PER_RANK EPOCHS EXTRA,
# evaluated once, at the end, on the evaluation images.
fm_eval_conf() {
  local abs; abs=$(dirname "$1")
  cat > "$1" <<CONF
include file("$fm_cfg/$2")
include file("$abs/common.conf")
data.imgs_per_gpu = $3
data.workers_per_gpu = 1
data.val.data_source = \${vars.fmnist_eval_source}
total_epochs = $4
eval_config.interval = $4
checkpoint_config.interval = $4
$5
CONF
}

# The logistic regression on raw pixels of the 1,000 labelled images, scored on the evaluation images: OUT_JSON.
fm_pixel_baseline() {
  "$fm_here/pixel-baseline" --root "$fm_root" --train-count 1000 "${fm_pixel_eval[@]}" --out "$1" > /dev/null
}

# The top-1 of a sweep stage's sweep_result.json ("-" when missing).
fm_top1() {
  local f=$1 key=${2:-top1}
  [ -f "$f" ] && sed -n "s/.*\"$key\": \([0-9.]*\).*/\1/p" "$f" | head -1 | grep . || echo -
}
