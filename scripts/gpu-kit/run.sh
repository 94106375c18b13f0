#!/bin/sh
# The GPU kit's one entry point (built into .gpu-kit/ by `npm run gpu-kit`; see README "GPU kit").
#
#   .gpu-kit/run.sh [--budget smoke|full] [--peak-tflops 67] OUTDIR
#
# Needs only sh, tar, gzip, coreutils (timeout, mktemp) and xz or python3 (to unpack Node). Unpacks Node and
# Dawn into a temporary folder, points Vulkan at the kit's loader and the NVIDIA driver (or at whatever
# VK_ICD_FILENAMES / VK_DRIVER_FILES already name, e.g. SwiftShader), then runs the stages one by one, each
# under its own time limit; a stage that fails or runs out of time is recorded and the next one runs.
# Writes into OUTDIR (at most 8 files): kit.json (adapter, limits, stage statuses), parity.json,
# conv3d.json, train-step.json, augment.json, inference.json, train-demo.tgz (weights + report), kit.log.
set -u
BUDGET=smoke
PEAK=67
OUT=
while [ $# -gt 0 ]; do
  case "$1" in
    --budget) BUDGET=${2:-}; shift 2 ;;
    --peak-tflops) PEAK=${2:-}; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    -*) echo "run.sh: unknown option $1 (usage: run.sh [--budget smoke|full] [--peak-tflops N] OUTDIR)" >&2; exit 2 ;;
    *) OUT=$1; shift ;;
  esac
done
case "$BUDGET" in smoke|full) ;; *) echo "run.sh: --budget must be smoke or full, not '$BUDGET'" >&2; exit 2 ;; esac
[ -n "$OUT" ] || { echo "run.sh: name the output folder (usage: run.sh [--budget smoke|full] OUTDIR)" >&2; exit 2; }
KIT=$(cd "$(dirname "$0")" && pwd)
REPO=${WORKBENCH_REPO_ROOT:-$(cd "$KIT/.." && pwd)}
mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd)
LOG=$OUT/kit.log
: >"$LOG"
START=$(date +%s)
if [ "$BUDGET" = full ]; then TOTAL=${KIT_TOTAL_SECONDS:-470}; else TOTAL=${KIT_TOTAL_SECONDS:-420}; fi
say() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$LOG"; }
elapsed() { echo $(( $(date +%s) - START )); }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/gpu-kit.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
mkdir -p "$WORK/dist/linux-x64"
unxz_to() { # unxz_to FILE.xz DEST
  if command -v xz >/dev/null 2>&1; then xz -dc "$1" >"$2"
  else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; fi
}
unxz_to "$KIT/node.xz" "$WORK/node" && unxz_to "$KIT/dawn.node.xz" "$WORK/dist/linux-x64/dawn.node" || { say "could not unpack Node or dawn.node (needs xz or python3)"; exit 1; }
chmod +x "$WORK/node"
cp "$KIT/kit.mjs" "$KIT/train-demo.mjs" "$WORK/"
NODE=$WORK/node
say "kit: budget $BUDGET, repo $REPO, node $("$NODE" --version), unpacked in $(elapsed) s"

# Vulkan: the kit's loader; the NVIDIA driver's manifest unless the caller named drivers already.
export LD_LIBRARY_PATH="$KIT/lib:/usr/local/nvidia/lib64:/usr/local/nvidia/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
if [ -z "${VK_ICD_FILENAMES:-}" ] && [ -z "${VK_DRIVER_FILES:-}" ]; then
  for f in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$f" ]; then export VK_DRIVER_FILES="$f"; break; fi
  done
  [ -f /usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json ] && export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
fi
say "VK_DRIVER_FILES=${VK_DRIVER_FILES:-} VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-}"
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L 2>&1 | tee -a "$LOG"

STAGES=$WORK/stages.txt
: >"$STAGES"
# stage NAME SECONDS CMD...: runs CMD under min(SECONDS, what is left), records "name rc seconds limit".
stage() {
  name=$1; want=$2; shift 2
  left=$(( TOTAL - $(elapsed) ))
  limit=$want; [ "$left" -lt "$limit" ] && limit=$left
  if [ "$limit" -lt 10 ]; then say "stage $name skipped: $left s left of $TOTAL"; echo "$name 125 0 $limit" >>"$STAGES"; return; fi
  say "stage $name (limit $limit s)"
  t=$(date +%s)
  timeout -k 5 "$limit" "$@" >>"$LOG" 2>&1
  rc=$?
  echo "$name $rc $(( $(date +%s) - t )) $limit" >>"$STAGES"
  say "stage $name: exit $rc after $(( $(date +%s) - t )) s"
}
kit() { s=$1; shift; stage "$s" "$1" "$NODE" "$WORK/kit.mjs" "$s" "$OUT" --budget "$BUDGET" --peak-tflops "$PEAK" --seconds "$1" --repo "$REPO"; }

if [ "$BUDGET" = full ]; then
  kit adapter 40; ADAPTER_RC=$(tail -n 1 "$STAGES" | cut -d' ' -f2)
  if [ "$ADAPTER_RC" != 0 ]; then
    say "no hardware WebGPU adapter (adapter stage exit $ADAPTER_RC): the GPU stages are skipped"
  else
    kit parity 60; kit conv3d 100; kit train-step 75; kit augment 30; kit inference 75
  fi
else
  kit adapter 60; kit parity 120; kit conv3d 60; kit train-step 90; kit augment 60; kit inference 90
  ADAPTER_RC=0
fi

# The shipped model's recipe (public/models/demo-organs4/report.json), trained for the minutes that remain.
if [ "$ADAPTER_RC" = 0 ]; then
  left=$(( TOTAL - $(elapsed) - 10 ))
  if [ "$BUDGET" = full ]; then
    RECIPE="--preset tiny --spacing 6 --batch 8 --lr 0.05 --seed 7 --photometric --photometric-shift 0.2 --slabs 3 --iterations 2500 --max-seconds $(( left - 60 ))"
  else
    RECIPE="--preset tiny --spacing 6 --batch 1 --iterations 2 --error-map-every 1000 --log-every 1 --eval none"
  fi
  # shellcheck disable=SC2086
  WORKBENCH_REPO_ROOT=$REPO WORKBENCH_BACKEND=webgpu stage train-demo "$left" "$NODE" "$WORK/train-demo.mjs" $RECIPE \
    --out "$WORK/model" --checkpoint-dir "$WORK/checkpoint" --checkpoint-every 0 --no-index
  [ -d "$WORK/model" ] && tar -czf "$OUT/train-demo.tgz" -C "$WORK" model
fi

"$NODE" "$WORK/kit.mjs" summary "$OUT" --budget "$BUDGET" --stages "$STAGES" >>"$LOG" 2>&1
say "done in $(elapsed) s; results in $OUT"
