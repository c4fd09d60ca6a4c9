#!/usr/bin/env bash
# Run the whole test suite (unit, integration over sample_media, panel AppTest, real-browser
# end-to-end test) after installing what it needs. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
exec .venv/bin/python -m pytest "$@"
