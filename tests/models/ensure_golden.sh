#!/usr/bin/env bash
# Generates the golden models (ONNX + PyTorch reference outputs) into DIR unless DIR
# already holds a set made by the same scripts. Usage: ensure_golden.sh MODELS_DIR DIR
set -euo pipefail
models_dir=$1
out_dir=$2
stamp=$(cat "$models_dir"/export_golden.py "$models_dir"/tarsier_models.py | sha256sum | cut -d' ' -f1)
if [ -f "$out_dir/manifest.json" ] && [ "$(cat "$out_dir/.stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "golden models up to date in $out_dir"
  exit 0
fi
rm -rf "$out_dir.tmp"
mkdir -p "$out_dir.tmp"
/usr/bin/python3 "$models_dir/export_golden.py" --out "$out_dir.tmp"
echo "$stamp" > "$out_dir.tmp/.stamp"
rm -rf "$out_dir"
mv "$out_dir.tmp" "$out_dir"
