# Sourced by tools/launcher.sh: turns EASYCV4J_TORCH into the libtorch DJL loads (docs/gpus.md).
#   cpu (default)  the CPU libtorch from its Maven jar; DJL stays offline.
#   cu128          DJL's CUDA 12.8 build of libtorch 2.7.1, downloaded by DJL from its own server on first use
#                  into its cache (~/.djl.ai, or DJL_CACHE_DIR / ENGINE_CACHE_DIR); offline once cached.
#   a folder       a local libtorch (CPU or CUDA): its lib folder, the libtorch folder above it, or the lib
#                  folder of a Python torch install (site-packages/torch/lib). 2.7.1 uses the JNI of DJL's jar;
#                  any other version needs a JNI built for it by tools/build-jni.
# Sets torch_exclude (a jar name pattern to leave off the class path), torch_offline (true|false) and torch_props
# (an array of JVM options); exports PYTORCH_LIBRARY_PATH / PYTORCH_FLAVOR / PYTORCH_VERSION for DJL when needed.
# Returns non-zero after printing one error line.

# From the pom, where the versions are set: the libtorch version DJL's JNI jar (pytorch-jni) is built against,
# and DJL's version, under which DJL looks for a JNI built for another libtorch.
torch_pom_property() {
  sed -n "s:.*<$1>\([^<]*\)</$1>.*:\1:p" "$(dirname "${BASH_SOURCE[0]}")/../pom.xml" | head -n1
}
torch_required_version=$(torch_pom_property pytorch.native.version)
torch_djl_version=$(torch_pom_property djl.version)

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

# The version a libtorch folder declares: libtorch's build-version above lib/, a Python torch's version.py, or
# the CMake package version (a system install such as Debian's libtorch-dev, whose cmake folder is in lib/).
torch_declared_version() {
  local lib=$1 v="" c
  if [ -f "$lib/../build-version" ]; then
    v=$(head -n1 "$lib/../build-version")
  elif [ -f "$lib/../version.py" ]; then
    v=$(sed -n "s/^__version__ *= *['\"]\([^'\"]*\)['\"].*/\1/p" "$lib/../version.py" | head -n1)
  else
    for c in "$lib/../share/cmake/Torch" "$lib/cmake/Torch"; do
      if [ -f "$c/TorchConfigVersion.cmake" ]; then
        v=$(sed -n 's/^ *set(PACKAGE_VERSION "\([^"]*\)").*/\1/p' "$c/TorchConfigVersion.cmake" | head -n1)
        break
      fi
    done
  fi
  echo "$v"
}

# DJL's platform classifier (linux-x86_64, linux-aarch64): part of its cache folder names.
torch_classifier() {
  local arch
  arch=$(uname -m)
  case "$arch" in amd64) arch=x86_64 ;; arm64) arch=aarch64 ;; esac
  echo "$(uname -s | tr '[:upper:]' '[:lower:]')-$arch"
}

# The flavour of a libtorch folder that is not 2.7.1: cpu, or cuXYZ from the version's local part
# (2.9.0+cu126), a Python torch's version.py (cuda = '12.6'), else "cuda". Only DJL's cache folder name
# depends on it, so it just has to be the same when the JNI is built and when it is looked up.
torch_flavor_of() {
  local lib=$1 declared=$2 c=""
  if [ ! -f "$lib/libtorch_cuda.so" ]; then echo cpu; return; fi
  case "$declared" in *+cu[0-9]*) c=${declared##*+cu}; c=${c%%[^0-9]*} ;; esac
  if [ -z "$c" ] && [ -f "$lib/../version.py" ]; then
    c=$(sed -n "s/^cuda[^=]*= *['\"]\([0-9]*\)\.\([0-9]*\).*/\1\2/p" "$lib/../version.py" | head -n1)
  fi
  echo "cu${c:-da}"
}

# Where DJL looks for a JNI built for libtorch VERSION / FLAVOR, after the libtorch folder itself: its cache.
torch_jni_path() {
  echo "$(torch_cache_dir)/$1-$2-$(torch_classifier)/$torch_djl_version-libdjl_torch.so"
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
        torch_fail "no such folder; expected cpu, cu128, or a folder holding libtorch.so (a libtorch lib" \
          "folder, or site-packages/torch/lib of a Python torch)"
        return 2
      fi
      lib=$(cd "$sel" && pwd)
      if [ ! -f "$lib/libtorch.so" ] && [ -f "$lib/lib/libtorch.so" ]; then
        lib="$lib/lib"
      fi
      if [ ! -f "$lib/libtorch.so" ]; then
        torch_fail "no libtorch.so in $lib; expected the lib folder of a libtorch or of a Python torch install" \
          "(site-packages/torch/lib)"
        return 2
      fi
      local declared version flavor=cpu
      declared=$(torch_declared_version "$lib")
      version=${declared%%+*}
      if [ -z "$version" ] || [ "$version" = "$torch_required_version" ]; then
        # The JNI jar has one CUDA build (cu128); it links only against libtorch_cuda/libc10_cuda, not a
        # particular CUDA runtime, so it serves any CUDA 12 build of libtorch 2.7.1.
        version=$torch_required_version
        [ -f "$lib/libtorch_cuda.so" ] && flavor=cu128
      else
        # Another version: DJL would download a JNI for it (and find none); one built here is taken from the
        # folder itself or from DJL's cache, where tools/build-jni installs it.
        flavor=$(torch_flavor_of "$lib" "$declared")
        if [ ! -f "$lib/$torch_djl_version-libdjl_torch.so" ] && [ ! -f "$lib/libdjl_torch.so" ] \
            && [ ! -f "$(torch_jni_path "$version" "$flavor")" ]; then
          torch_fail "$lib is libtorch $declared and DJL $torch_djl_version's JNI exists for libtorch" \
            "$torch_required_version only: build one for it with tools/build-jni --torch $lib --djl-source" \
            "DJL_CHECKOUT (docs/gpus.md), or use libtorch $torch_required_version"
          return 2
        fi
      fi
      torch_exclude="pytorch-native-cpu-*"
      export PYTORCH_LIBRARY_PATH="$lib" PYTORCH_VERSION=$version PYTORCH_FLAVOR=$flavor
      torch_props=("-Deasycv4j.torch=$lib" "-Deasycv4j.torch.flavor=$flavor")
      ;;
    *)
      torch_fail "expected cpu (the default: CPU libtorch from Maven), cu128 (DJL's CUDA 12.8 build, downloaded" \
        "once), or the path of a libtorch lib folder"
      return 2
      ;;
  esac
  return 0
}
