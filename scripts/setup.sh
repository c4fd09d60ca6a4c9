#!/usr/bin/env bash
# Install everything Telltale needs on a fresh Debian machine (idempotent, quick when done):
# system packages (Tesseract 5 with English and Spanish, DSEG fonts, ssocr, Chromium for the browser test,
# ffmpeg, espeak-ng, sox and an AMR-WB encoder library to make test voice notes), a virtual environment in
# .venv and the pinned Python requirements.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa fonts-dseg fonts-dejavu-core fonts-liberation ssocr chromium
                 ffmpeg espeak-ng sox libvo-amrwbenc0 libcairo2)
missing=()
for p in "${SYSTEM_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing Python requirements"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -r requirements.txt
  echo "$want" > "$stamp"
fi
