#!/usr/bin/env bash
# The main job in one command: install dependencies, build, and run the bundled demo
# classifier and segmenter (trained on synthetic steel parts, models/demo/README.md) on the
# bundled sample images: a strip with a crack and pits, and a defect-free strip.
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
echo "== tarsier run models/demo/demo_classifier.tsr models/demo/demo_strip_normal.jpg"
$bin run models/demo/demo_classifier.tsr models/demo/demo_strip_normal.jpg
