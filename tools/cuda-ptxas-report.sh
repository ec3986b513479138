#!/usr/bin/env bash
# Prints what ptxas reports for every CUDA kernel, per architecture: registers, static shared
# memory, stack frame and spill stores/loads. Compiles each .cu once for all architectures, or,
# with --log, reads a build log that already holds ptxas' output (the CMake build passes
# -Xptxas=-v), so CI does not compile every kernel twice.
# Usage: tools/cuda-ptxas-report.sh [--nvcc PATH] [--arch "75 80 86 87 89 90"] [--fail-on-spill]
#                                   [--log BUILD_LOG | FILE.cu ...]
# Without files it reports every .cu under kernels/cuda. Exit status 1 with --fail-on-spill when
# any kernel spills, 2 when nvcc is missing, a file does not compile or the log has no report.
set -euo pipefail
cd "$(dirname "$0")/.."
NVCC=${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
ARCHS="75 80 86 87 89 90"
FAIL_ON_SPILL=0
FILES=()
LOG=""
while [ $# -gt 0 ]; do
  case "$1" in
    --nvcc) NVCC=$2; shift 2 ;;
    --arch) ARCHS=${2//;/ }; shift 2 ;;
    --fail-on-spill) FAIL_ON_SPILL=1; shift ;;
    --log) LOG=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) FILES+=("$1"); shift ;;
  esac
done
# ptxas prints, per kernel and arch: the entry line, the stack/spill line, then the usage line.
# A ninja log names the object being built before its output: that becomes the "# file" header.
rows() {
  awk '
    /Building CUDA object/     { obj = $NF; sub(/\.o$/, "", obj); shown = 0 }
    /Compiling entry function/ { split($0, q, "\047"); name = q[2]; arch = q[4]; stack = st = ld = 0 }
    /bytes stack frame/        { stack = $1; st = $5; ld = $9 }
    /Used [0-9]+ registers/ {
      regs = smem = 0
      for (i = 2; i <= NF; i++) {
        if ($i ~ /^registers/) regs = $(i - 1)
        if ($i ~ /^smem/) smem = $(i - 2)
      }
      if (name != "" && obj != "" && !shown) { print "# " obj; shown = 1 }
      if (name != "") printf "%-6s %5s %7s %6s %7s %7s  %s\n", arch, regs, smem, stack, st, ld, name
      name = ""
    }
    ' "$1" | { if command -v c++filt > /dev/null; then c++filt; else cat; fi; }
}

printf '%-6s %5s %7s %6s %7s %7s  %s\n' arch regs smem stack spill_st spill_ld kernel
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
if [ -n "$LOG" ]; then
  rows "$LOG" | tee "$TMP/rows"
  if ! grep -qv '^#' "$TMP/rows"; then echo "cuda-ptxas-report: no ptxas output in $LOG" >&2; exit 2; fi
else
  if [ ! -x "$NVCC" ]; then echo "cuda-ptxas-report: no nvcc (set NVCC or --nvcc)" >&2; exit 2; fi
  if [ ${#FILES[@]} -eq 0 ]; then mapfile -t FILES < <(find kernels/cuda -name '*.cu' | sort); fi
  GENCODE=()
  for a in $ARCHS; do GENCODE+=("-gencode" "arch=compute_${a},code=sm_${a}"); done
  : > "$TMP/rows"
  for f in "${FILES[@]}"; do
    if ! "$NVCC" -std=c++17 -I. "${GENCODE[@]}" -Xptxas -v -c "$f" -o "$TMP/k.o" > "$TMP/log" 2>&1; then
      cat "$TMP/log" >&2
      echo "cuda-ptxas-report: $f does not compile" >&2
      exit 2
    fi
    echo "# $f"
    rows "$TMP/log" | tee -a "$TMP/rows"
  done
fi
if awk '!/^#/ && ($5 != 0 || $6 != 0) { found = 1 } END { exit !found }' "$TMP/rows"; then
  echo "cuda-ptxas-report: some kernels spill registers (spill_st/spill_ld above)"
  if [ "$FAIL_ON_SPILL" = 1 ]; then exit 1; fi
fi
