#!/usr/bin/env bash
# Builds and runs every test: the release build (all tests, golden models against
# PyTorch), then the ASan+UBSan build (heavy models skip themselves there), then a
# bounded libFuzzer run of the .tsr reader. Installs the Debian dependencies first
# (set TARSIER_SKIP_INSTALL=1 to skip). Usage: tools/test-all.sh [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${TARSIER_SKIP_INSTALL:-0}" != "1" ]; then bash tools/install-deps.sh; fi
JOBS=${JOBS:-$(nproc)}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}

phase_start=$SECONDS
phase() {  # prints how long the previous phase took, so CI logs show where the time goes
  echo "== ($((SECONDS - phase_start)) s) $1"
  phase_start=$SECONDS
}

phase "release build"
cmake --preset release > /dev/null
mkdir -p build/release
# The log keeps ptxas' per-kernel report (-Xptxas=-v) for the table below.
cmake --build --preset release -j "$JOBS" 2>&1 | tee build/release/build.log
phase "release tests"
ctest --preset release
if grep -q "Compiling entry function" build/release/build.log; then
  phase "CUDA kernels: ptxas registers / shared memory / spills per architecture"
  bash tools/cuda-ptxas-report.sh --log build/release/build.log
elif command -v nvcc > /dev/null || [ -x /usr/local/cuda/bin/nvcc ]; then
  phase "CUDA kernels: ptxas registers / shared memory / spills per architecture (compiling)"
  bash tools/cuda-ptxas-report.sh
fi

if [ "${1:-}" != "--quick" ]; then
  phase "asan+ubsan build"
  cmake --preset asan > /dev/null
  cmake --build --preset asan -j "$JOBS"
  phase "asan+ubsan tests"
  ctest --preset asan
  if [ -x tests/fuzz/run_fuzz.sh ]; then
    phase "fuzzing the .tsr reader for ${FUZZ_SECONDS}s"
    tests/fuzz/run_fuzz.sh build/fuzz "$FUZZ_SECONDS"
  fi
fi
phase "done (total ${SECONDS} s)"
