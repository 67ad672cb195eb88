# Sourced by tools/launcher.sh: turns EASYCV4J_TORCH into the libtorch DJL loads (docs/gpus.md).
#   cpu (default)  the CPU libtorch from its Maven jar; DJL stays offline.
#   cu128          DJL's CUDA 12.8 build of libtorch 2.7.1, downloaded by DJL from its own server on first use
#                  into its cache (~/.djl.ai, or DJL_CACHE_DIR / ENGINE_CACHE_DIR); offline once cached.
#   a folder       a local libtorch 2.7.1 (CPU or CUDA): its lib folder, the libtorch folder above it, or the
#                  lib folder of a Python torch 2.7.1 install (site-packages/torch/lib).
# Sets torch_exclude (a jar name pattern to leave off the class path), torch_offline (true|false) and torch_props
# (an array of JVM options); exports PYTORCH_LIBRARY_PATH / PYTORCH_FLAVOR / PYTORCH_VERSION for DJL when needed.
# Returns non-zero after printing one error line.

# The libtorch version the DJL 0.36 JNI (ai.djl.pytorch:pytorch-jni:2.7.1-0.36.0) is built against.
torch_required_version=2.7.1

torch_fail() {
  echo "error: EASYCV4J_TORCH=$EASYCV4J_TORCH: $*" >&2
  return 2
}

# The DJL engine cache holding downloaded libtorch builds (same rules as DJL's Utils.getEngineCacheDir).
torch_cache_dir() {
  if [ -n "${ENGINE_CACHE_DIR:-}" ]; then echo "$ENGINE_CACHE_DIR/pytorch"
  elif [ -n "${DJL_CACHE_DIR:-}" ]; then echo "$DJL_CACHE_DIR/pytorch"
  else echo "$HOME/.djl.ai/pytorch"; fi
}

# The version a libtorch folder declares: libtorch's build-version above lib/, or a Python torch's version.py.
torch_declared_version() {
  local lib=$1 v=""
  if [ -f "$lib/../build-version" ]; then
    v=$(head -n1 "$lib/../build-version")
  elif [ -f "$lib/../version.py" ]; then
    v=$(sed -n "s/^__version__ *= *['\"]\([^'\"]*\)['\"].*/\1/p" "$lib/../version.py" | head -n1)
  fi
  echo "$v"
}

select_torch() {
  local sel=${EASYCV4J_TORCH:-cpu}
  torch_exclude=""
  torch_offline=true
  torch_props=()
  unset PYTORCH_LIBRARY_PATH PYTORCH_FLAVOR PYTORCH_VERSION
  case "$sel" in
    cpu)
      torch_props=("-Deasycv4j.torch=cpu" "-Deasycv4j.torch.flavor=cpu")
      ;;
    cu128)
      if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
        torch_fail "DJL's CUDA libtorch exists for Linux x86_64 only (this is $(uname -s)-$(uname -m))"
        return 2
      fi
      # Without the CPU jar on the class path DJL looks for the flavour PYTORCH_FLAVOR names in its cache and
      # downloads it when missing; the matching JNI comes from the pytorch-jni jar (it carries cpu and cu128).
      torch_exclude="pytorch-native-cpu-*"
      export PYTORCH_FLAVOR=cu128
      if [ ! -f "$(torch_cache_dir)/$torch_required_version-cu128-linux-x86_64/libtorch.so" ]; then
        torch_offline=false
        echo "EASYCV4J_TORCH=cu128: DJL downloads the CUDA 12.8 libtorch $torch_required_version (several GB) into" \
          "$(torch_cache_dir) on this first run; later runs stay offline" >&2
      fi
      torch_props=("-Deasycv4j.torch=cu128" "-Deasycv4j.torch.flavor=cu128")
      ;;
    */*|.|..)
      local lib
      if [ ! -d "$sel" ]; then
        torch_fail "no such folder; expected cpu, cu128, or a folder holding libtorch.so (a libtorch" \
          "$torch_required_version lib folder, or site-packages/torch/lib of Python torch $torch_required_version)"
        return 2
      fi
      lib=$(cd "$sel" && pwd)
      if [ ! -f "$lib/libtorch.so" ] && [ -f "$lib/lib/libtorch.so" ]; then
        lib="$lib/lib"
      fi
      if [ ! -f "$lib/libtorch.so" ]; then
        torch_fail "no libtorch.so in $lib; expected the lib folder of libtorch $torch_required_version or of a" \
          "Python torch $torch_required_version install (site-packages/torch/lib)"
        return 2
      fi
      local declared
      declared=$(torch_declared_version "$lib")
      if [ -n "$declared" ] && [ "${declared%%+*}" != "$torch_required_version" ]; then
        torch_fail "$lib is libtorch $declared; DJL 0.36's JNI needs libtorch $torch_required_version"
        return 2
      fi
      local flavor=cpu
      # The JNI jar has one CUDA build (cu128); it links only against libtorch_cuda/libc10_cuda, not a
      # particular CUDA runtime, so it serves any CUDA 12 build of libtorch 2.7.1.
      [ -f "$lib/libtorch_cuda.so" ] && flavor=cu128
      torch_exclude="pytorch-native-cpu-*"
      export PYTORCH_LIBRARY_PATH="$lib" PYTORCH_VERSION=$torch_required_version PYTORCH_FLAVOR=$flavor
      torch_props=("-Deasycv4j.torch=$lib" "-Deasycv4j.torch.flavor=$flavor")
      ;;
    *)
      torch_fail "expected cpu (the default: CPU libtorch from Maven), cu128 (DJL's CUDA 12.8 build, downloaded" \
        "once), or the path of a libtorch $torch_required_version lib folder"
      return 2
      ;;
  esac
  return 0
}
