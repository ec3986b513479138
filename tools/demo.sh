#!/usr/bin/env bash
# The main job in one command: install dependencies, build, and run the bundled demo
# classifier and segmenter on the bundled sample image.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${TARSIER_SKIP_INSTALL:-0}" != "1" ]; then bash tools/install-deps.sh; fi
cmake --preset release > /dev/null
cmake --build --preset release -j "$(nproc)" --target tarsier_cli
bin=build/release/bin/tarsier
echo "== tarsier inspect models/demo/demo_classifier.tsr"
$bin inspect models/demo/demo_classifier.tsr
echo "== tarsier run models/demo/demo_classifier.tsr models/demo/demo_part.png"
$bin run models/demo/demo_classifier.tsr models/demo/demo_part.png
echo "== tarsier run models/demo/demo_segmenter.tsr models/demo/demo_part.png --mask build/demo_mask.png"
$bin run models/demo/demo_segmenter.tsr models/demo/demo_part.png --mask build/demo_mask.png
