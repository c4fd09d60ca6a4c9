#!/usr/bin/env bash
# Start the Telltale panel on the embedded default: SQLite knowledge base seeded from the
# repo (data/telltale.db), bundled models, sample media. Open http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1
exec .venv/bin/python -m streamlit run app.py --server.headless true --browser.gatherUsageStats false "$@"
