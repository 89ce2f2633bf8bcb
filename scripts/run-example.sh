#!/usr/bin/env bash
# The main job: the payment stack example's suite under the pytest-iac gate, with its summary.
# Reports go to build/: iac-report.json, iac-report.md and the HTML page build/iac-report/index.html.
# Sets itself up first. Extra arguments go to pytest (e.g. -k vpc, -v).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cd examples/payment_stack
exec ../../.venv/bin/python -m pytest --iac-strict --iac-report-json=../../build/iac-report.json \
  --iac-report-md=../../build/iac-report.md --iac-report-html=../../build/iac-report "$@"
