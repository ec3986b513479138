#!/usr/bin/env bash
# Prints what ptxas reports for every CUDA kernel, per architecture: registers, static shared
# memory, stack frame and spill stores/loads. Compiles each .cu once for all architectures.
# Usage: tools/cuda-ptxas-report.sh [--nvcc PATH] [--arch "75 80 86 87 89 90"] [--fail-on-spill] [FILE.cu ...]
# Without files it reports every .cu under kernels/cuda. Exit status 1 with --fail-on-spill when
# any kernel spills, 2 when nvcc is missing or a file does not compile.
set -euo pipefail
cd "$(dirname "$0")/.."
NVCC=${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
ARCHS="75 80 86 87 89 90"
FAIL_ON_SPILL=0
FILES=()
while [ $# -gt 0 ]; do
  case "$1" in
    --nvcc) NVCC=$2; shift 2 ;;
    --arch) ARCHS=${2//;/ }; shift 2 ;;
    --fail-on-spill) FAIL_ON_SPILL=1; shift ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) FILES+=("$1"); shift ;;
  esac
done
if [ ! -x "$NVCC" ]; then echo "cuda-ptxas-report: no nvcc (set NVCC or --nvcc)" >&2; exit 2; fi
if [ ${#FILES[@]} -eq 0 ]; then mapfile -t FILES < <(find kernels/cuda -name '*.cu' | sort); fi
GENCODE=()
for a in $ARCHS; do GENCODE+=("-gencode" "arch=compute_${a},code=sm_${a}"); done
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

printf '%-6s %5s %7s %6s %7s %7s  %s\n' arch regs smem stack spill_st spill_ld kernel
spills=0
for f in "${FILES[@]}"; do
  if ! "$NVCC" -std=c++17 -I. "${GENCODE[@]}" -Xptxas -v -c "$f" -o "$TMP/k.o" > "$TMP/log" 2>&1; then
    cat "$TMP/log" >&2
    echo "cuda-ptxas-report: $f does not compile" >&2
    exit 2
  fi
  echo "# $f"
  # ptxas prints, per kernel and arch: the entry line, the stack/spill line, then the usage line.
  awk '
    /Compiling entry function/ { split($0, q, "\047"); name = q[2]; arch = q[4]; stack = st = ld = 0 }
    /bytes stack frame/        { stack = $1; st = $5; ld = $9 }
    /Used [0-9]+ registers/ {
      regs = smem = 0
      for (i = 2; i <= NF; i++) {
        if ($i ~ /^registers/) regs = $(i - 1)
        if ($i ~ /^smem/) smem = $(i - 2)
      }
      if (name != "") printf "%-6s %5s %7s %6s %7s %7s  %s\n", arch, regs, smem, stack, st, ld, name
      name = ""
    }
  ' "$TMP/log" | { if command -v c++filt > /dev/null; then c++filt; else cat; fi; } | tee "$TMP/rows"
  if awk '$5 != 0 || $6 != 0 { found = 1 } END { exit !found }' "$TMP/rows"; then spills=1; fi
done
if [ "$spills" = 1 ]; then
  echo "cuda-ptxas-report: some kernels spill registers (spill_st/spill_ld above)"
  if [ "$FAIL_ON_SPILL" = 1 ]; then exit 1; fi
fi
