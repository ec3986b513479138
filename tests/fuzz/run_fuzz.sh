#!/usr/bin/env bash
# Usage: tests/fuzz/run_fuzz.sh BUILD_DIR [SECONDS]
# Configures a clang libFuzzer build in BUILD_DIR, writes the seed corpus and fuzzes
# the .tsr reader for SECONDS (default 60). Exits non-zero on any crash, sanitizer
# report, leak or timeout; the crashing input is left in BUILD_DIR/fuzz-artifacts/.
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 BUILD_DIR [SECONDS]" >&2
  exit 2
fi
build_dir=$1
seconds=${2:-60}
source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
jobs=${TARSIER_FUZZ_BUILD_JOBS:-2}

CC=clang CXX=clang++ cmake -S "$source_dir" -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTARSIER_FUZZ=ON -DTARSIER_BUILD_BENCH=OFF >/dev/null
cmake --build "$build_dir" --target fuzz_tsr_reader fuzz_make_seeds -j"$jobs"

corpus=$build_dir/fuzz-corpus/tsr
artifacts=$build_dir/fuzz-artifacts/
mkdir -p "$corpus" "$artifacts"
"$build_dir/tests/fuzz/fuzz_make_seeds" "$corpus"

# -rss_limit_mb and -malloc_limit_mb make a giant allocation a finding, not a slowdown.
"$build_dir/tests/fuzz/fuzz_tsr_reader" "$corpus" \
  -dict="$source_dir/tests/fuzz/tsr.dict" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 \
  -max_len=16384 -print_final_stats=1 -artifact_prefix="$artifacts"
