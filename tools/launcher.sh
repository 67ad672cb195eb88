#!/usr/bin/env bash
# Shared by the tools/* launchers: builds the project when a source is newer than the last build, then runs
# one subcommand of the easycv4j command line. JAVA_OPTS passes JVM options (e.g. -Xmx8g); EASYCV4J_CLASSPATH
# adds jars of your own (their components register themselves through META-INF/services); EASYCV4J_TORCH selects
# the libtorch (tools/torch.sh).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
stamp="$here/target/.launcher-build"
jar="$here/target/easycv4j-tools-0.1.0-SNAPSHOT.jar"

# EASYCV4J_TORCH picks the libtorch (cpu, cu128 or a local folder): docs/gpus.md. Checked before any build.
. "$here/torch.sh"
select_torch || exit $?

needs_build() {
  [ -f "$stamp" ] && [ -f "$jar" ] || return 0
  [ -n "$(find "$root/pom.xml" "$root"/core "$root"/data "$root"/models "$root"/tools/pom.xml "$root"/tools/src \
      \( -path '*/target' -prune \) -o -newer "$stamp" -type f -print -quit 2>/dev/null)" ]
}

if needs_build; then
  # mpirun starts every rank's launcher at once: one of them builds while the others wait, then find it built.
  mkdir -p "$here/target"
  exec 9>"$here/target/.launcher-build.lock"
  command -v flock >/dev/null 2>&1 && flock 9
  if needs_build; then
    echo "building easycv4j (first run or sources changed) ..." >&2
    (cd "$root" && ./mvnw -q -B -DskipTests install) >&2
    touch "$stamp"
  fi
  exec 9>&-
fi

libs="$here/target/lib/*"
if [ -n "$torch_exclude" ]; then
  libs=""
  for f in "$here"/target/lib/*.jar; do
    case "$(basename "$f")" in $torch_exclude) ;; *) libs="$libs${libs:+:}$f" ;; esac
  done
fi

# Idle OpenMP threads sleep instead of spinning: spinning threads collapse step times when the cores are shared.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
# Several ranks on one node (mpirun, srun): each rank computes with its share of the cores, as torchrun and
# Horovod do, instead of every rank starting one thread per core of the node. A rank bound to cores
# (mpirun's default for 2 ranks) already sees only its own. OMP_NUM_THREADS or -Dai.djl.pytorch.num_threads
# set by the user win.
local_size=${OMPI_COMM_WORLD_LOCAL_SIZE:-${SLURM_NTASKS_PER_NODE:-1}}
if [ -z "${OMP_NUM_THREADS:-}" ] && [[ "$local_size" =~ ^[0-9]+$ ]] && [ "$local_size" -gt 1 ] \
    && [[ "${JAVA_OPTS:-}" != *ai.djl.pytorch.num_threads* ]] && command -v nproc >/dev/null 2>&1; then
  visible=$(nproc)
  if [ "$visible" -ge "$(nproc --all)" ]; then
    visible=$(( visible / local_size ))
  fi
  export OMP_NUM_THREADS=$(( visible > 1 ? visible : 1 ))
fi
# OpenCV's own log: errors reach us as exceptions with their message already.
export OPENCV_LOG_LEVEL=${OPENCV_LOG_LEVEL:-SILENT}

# Native libraries (libjpeg and libpng inside OpenCV, libtorch) write warnings straight to standard error;
# lib/native-stderr.awk moves them to a file and says so in one line. Ctrl-C, TERM and USR1 reach java alone
# (java is this script's process after exec; schedulers and mpirun signal the whole process group, filter
# included): the filter outlives java's last line, such as the one a run stopped by TERM / USR1 prints after its
# checkpoint. EASYCV4J_NATIVE_STDERR=show keeps the raw stream.
native_log=${EASYCV4J_NATIVE_LOG:-${TMPDIR:-/tmp}/easycv4j-native-$(id -un 2>/dev/null || echo user)-$$.log}
if [ "${EASYCV4J_NATIVE_STDERR:-filter}" = show ] || ! command -v awk >/dev/null 2>&1; then
  exec java ${JAVA_OPTS:-} -Dai.djl.offline=$torch_offline "${torch_props[@]}" \
    -cp "$jar:$libs${EASYCV4J_CLASSPATH:+:$EASYCV4J_CLASSPATH}" org.easycv4j.tools.Main "$@"
fi
exec java ${JAVA_OPTS:-} -Dai.djl.offline=$torch_offline "${torch_props[@]}" \
  -cp "$jar:$libs${EASYCV4J_CLASSPATH:+:$EASYCV4J_CLASSPATH}" org.easycv4j.tools.Main "$@" \
  2> >(trap '' INT TERM USR1; exec awk -v LOG="$native_log" -f "$here/lib/native-stderr.awk" >&2)
