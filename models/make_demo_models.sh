#!/usr/bin/env bash
# Regenerate the trained demo models end to end, seeded: held-out set, training (CPU, niced),
# ONNX export, conversion to .tsr with fp16 storage, sample images, and a check that the
# converted models predict what PyTorch predicts.
#
#   bash models/make_demo_models.sh            # writes models/demo/*.tsr and sample images
#
# Env: TARSIER (default build/release/bin/tarsier), WORK (default build/demo_models: training
# logs, .pt/.onnx files and the held-out set; not committed), THREADS (torch threads; 1, as the committed models were trained: results depend slightly on it).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
TARSIER=${TARSIER:-build/release/bin/tarsier}
WORK=${WORK:-build/demo_models}
THREADS=${THREADS:-1}
mkdir -p "$WORK"

echo "== held-out set (seed 1002) -> $WORK/heldout"
rm -rf "$WORK/heldout"
$PY models/synth/defects.py --out "$WORK/heldout" --count 400 --seed 1002

echo "== training the classifier (log: $WORK/train_classifier.log)"
nice -n 10 $PY models/train_classifier.py --out "$WORK" --threads "$THREADS" \
  --heldout "$WORK/heldout/classification.manifest" 2>&1 | grep -v -i warning | tee "$WORK/train_classifier.log"
echo "== training the segmenter (log: $WORK/train_segmenter.log)"
nice -n 10 $PY models/train_segmenter.py --out "$WORK" --threads "$THREADS" \
  --heldout "$WORK/heldout/segmentation.manifest" 2>&1 | grep -v -i warning | tee "$WORK/train_segmenter.log"

# Preprocessing as the trainers apply it (models/synth/prep.py): area resize without letterbox,
# RGB, pixel / 255, then (x - 0.5) / 0.25.
pre=(--color rgb --resize area --mean 0.5,0.5,0.5 --std 0.25,0.25,0.25)
threshold=$($PY -c "import json, sys; print(json.load(open(sys.argv[1]))['threshold'])" "$WORK/demo_segmenter.json")
echo "== converting (segmenter threshold $threshold, chosen on the validation set)"
$TARSIER convert "$WORK/demo_classifier.onnx" -o models/demo/demo_classifier.tsr --task classification \
  --labels normal,anomaly --threshold 0.5 "${pre[@]}" --name demo_classifier --fp16
$TARSIER convert "$WORK/demo_segmenter.onnx" -o models/demo/demo_segmenter.tsr --task segmentation \
  --labels background,scratch,crack,pit,stain --threshold "$threshold" "${pre[@]}" --name demo_segmenter --fp16

echo "== sample images -> models/demo"
$PY models/synth/defects.py --samples --out models/demo

echo "== PyTorch vs tarsier on the samples and a few held-out parts"
$PY models/check_demo_models.py --train-dir "$WORK" --tarsier "$TARSIER" models/demo/demo_*.png models/demo/demo_*.jpg \
  $(ls "$WORK"/heldout/normal/* | head -3) $(ls "$WORK"/heldout/anomaly/* | head -3)
