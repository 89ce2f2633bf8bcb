#!/usr/bin/env bash
# Create (or reuse) the project's virtual environment in .venv and install pytest-iac into it
# with the cdktf extra and the dev tools. Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.pytest-iac-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e '.[cdktf,dev]'
  touch "$stamp"
fi
# node 20 makes jsii print an end-of-life banner on every import of cdktf
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
