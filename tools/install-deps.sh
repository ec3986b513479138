#!/usr/bin/env bash
# Installs everything Tarsier needs to build, test and benchmark on Debian 12 (run as root).
# Every package is recorded in third_party_notes/.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  build-essential cmake ninja-build pkg-config git ca-certificates \
  clang libclang-rt-14-dev \
  libprotobuf-dev protobuf-compiler libonnx-dev \
  nlohmann-json3-dev libcli11-dev \
  libjpeg62-turbo-dev libpng-dev zlib1g-dev libdeflate-dev libssl-dev \
  libeigen3-dev libopenblas-dev libtbb-dev \
  libgtest-dev libgmock-dev libbenchmark-dev \
  python3 python3-numpy python3-torch python3-torchvision python3-onnx python3-pil \
  > /dev/null
