#!/usr/bin/env bash
# Start the Telltale panel on the embedded default: SQLite knowledge base seeded from the
# repo (data/telltale.db), bundled models, sample media. Open http://localhost:8501
#
# The panel asks everyone to sign in. On a database without any account, this script offers
# (at a terminal) to create the first knowledge manager; otherwise create it with
#   .venv/bin/python -m diagnostics user create --username admin --role manager
# To try the panel on one machine, TELLTALE_DEMO_USERS=1 creates three public demo accounts
# instead (see the README; never on a real deployment).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1

if [ -z "${TELLTALE_DEMO_USERS:-}" ]; then
  # exit status 0: accounts exist; 3: none yet; anything else: the database could not be read
  # (the panel then says so itself).
  status=0
  .venv/bin/python -c 'from diagnostics import api; raise SystemExit(0 if api.get_auth().has_users() else 3)' \
    2>/dev/null || status=$?
  if [ "$status" -eq 3 ]; then
    echo "No user account exists yet: the panel needs a knowledge manager to sign in."
    if [ -t 0 ] && [ -t 1 ]; then
      read -r -p "Create the first knowledge manager now? User name [admin] (or 'no'): " name || name=no
      name=${name:-admin}
      if [ "$name" != "no" ]; then
        .venv/bin/python -m diagnostics user create --username "$name" --role manager \
          || echo "Not created; run: .venv/bin/python -m diagnostics user create --username admin --role manager"
      fi
    else
      echo "Create one with: .venv/bin/python -m diagnostics user create --username admin --role manager"
      echo "or, to try the panel with public demo accounts: TELLTALE_DEMO_USERS=1 bash scripts/run_panel.sh"
    fi
  fi
fi

exec .venv/bin/python -m streamlit run app.py --server.headless true --browser.gatherUsageStats false "$@"
