#!/usr/bin/env bash
# Accuracy of the bundled demo models on the held-out synthetic set, measured by `tarsier eval`
# (not by PyTorch), written to models/demo/ACCURACY.md.
#
#   bash models/eval_demo.sh
#
# Env: TARSIER (default build/release/bin/tarsier), SET (default build/demo_models/heldout).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
TARSIER=${TARSIER:-build/release/bin/tarsier}
SET=${SET:-build/demo_models/heldout}

echo "== regenerating the held-out set (seed 1002, 400 parts) -> $SET"
rm -rf "$SET"
nice -n 10 $PY models/synth/defects.py --out "$SET" --count 400 --seed 1002

echo "== tarsier eval"
$TARSIER eval models/demo/demo_classifier.tsr --manifest "$SET/classification.manifest" --json > "$SET/eval_classifier.json"
$TARSIER eval models/demo/demo_segmenter.tsr --manifest "$SET/segmentation.manifest" --json > "$SET/eval_segmenter.json"

$PY models/synth/accuracy_table.py --classifier "$SET/eval_classifier.json" \
  --segmenter "$SET/eval_segmenter.json" --tarsier "$TARSIER" > models/demo/ACCURACY.md
cat models/demo/ACCURACY.md
