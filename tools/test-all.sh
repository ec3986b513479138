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

echo "== release build"
cmake --preset release > /dev/null
cmake --build --preset release -j "$JOBS"
echo "== release tests"
ctest --preset release
if [ -f build/release/kernels/cuda/libtarsier_cuda_samples.a ] || command -v nvcc > /dev/null; then
  echo "== CUDA kernels: ptxas registers / shared memory / spills per architecture"
  bash tools/cuda-ptxas-report.sh
fi

if [ "${1:-}" != "--quick" ]; then
  echo "== asan+ubsan build"
  cmake --preset asan > /dev/null
  cmake --build --preset asan -j "$JOBS"
  echo "== asan+ubsan tests"
  ctest --preset asan
  if [ -x tests/fuzz/run_fuzz.sh ]; then
    echo "== fuzzing the .tsr reader for ${FUZZ_SECONDS}s"
    tests/fuzz/run_fuzz.sh build/fuzz "$FUZZ_SECONDS"
  fi
fi
