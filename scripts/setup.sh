#!/usr/bin/env bash
# Create (or reuse) the project's virtual environment in .venv and install pytest-iac into it
# with the cdktf extra and the dev tools. Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
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
# The validate check runs terraform offline and needs a local provider mirror. When none is
# configured, look for one in the usual system places (a directory holding registry.terraform.io).
if [ -z "${PYTEST_IAC_TF_PLUGIN_DIR:-}" ]; then
  mirror=$(find /opt /usr/local/share /usr/share -maxdepth 3 -type d -name registry.terraform.io 2>/dev/null | head -n 1)
  if [ -n "$mirror" ]; then
    export PYTEST_IAC_TF_PLUGIN_DIR=$(dirname "$mirror")
  fi
fi
