#!/usr/bin/env bash
# Create ./.venv from the lock (requirements/*.txt, exact versions with hashes) and install the
# bot into it, editable. Works on Debian's own Python, which refuses `pip install` outside a venv.
#   bash scripts/venv.sh           create .venv if missing, then install (idempotent)
#   bash scripts/venv.sh --fresh   delete .venv first (what CI does on every run)
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
export PIP_DISABLE_PIP_VERSION_CHECK=1

if [[ "${1:-}" == "--fresh" ]]; then
  rm -rf .venv
fi

if [[ ! -x .venv/bin/python ]]; then
  if ! "$PYTHON" -m venv .venv; then
    rm -rf .venv
    echo "error: '$PYTHON -m venv' failed; on Debian or Ubuntu install it with: apt-get install python3-venv" >&2
    exit 1
  fi
fi

# Never the system's site-packages: the venv is made without them, and checked here.
if .venv/bin/python -c 'import sys; sys.exit(0 if sys.prefix != sys.base_prefix else 1)'; then :; else
  echo "error: .venv is not a virtual environment" >&2
  exit 1
fi

.venv/bin/python -m pip install -q --require-hashes \
  -r requirements/test.txt -r requirements/build.txt
.venv/bin/python -m pip install -q --no-deps --no-build-isolation -e .
echo "ready: .venv ($(.venv/bin/python --version), $(.venv/bin/incidentbot --version 2>/dev/null || echo incidentbot installed))"
