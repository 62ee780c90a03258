#!/usr/bin/env bash
# Install the project into a fresh Python 3.13 venv, import every subpackage and
# run the tests marked `smoke` (a fast subset that touches every chapter).
set -euo pipefail
cd "$(dirname "$0")/.."
py=${PYTHON313:-}
if [ -z "$py" ]; then
    for cand in python3.13 "$(pyenv root 2>/dev/null)/versions/3.13.0/bin/python3.13"; do
        if "$cand" -c "" >/dev/null 2>&1; then py=$cand; break; fi
    done
fi
if [ -z "$py" ]; then
    echo "smoke (Python 3.13): no Python 3.13 interpreter here (set PYTHON313=...); skipped"
    exit 0
fi
start=$(date +%s)
make test-smoke PYTHON="$py" VENV=.venv-py313
echo "smoke (Python $("$py" -c 'import sys; print(sys.version.split()[0])')) finished in $(( $(date +%s) - start )) s"
