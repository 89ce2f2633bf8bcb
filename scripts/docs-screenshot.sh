#!/usr/bin/env bash
# Refresh docs/html-report.png, the README's picture of the HTML report: the browser tier's test of
# the example makes it (headless Chromium over the example's unit-tier report); this copies it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
.venv/bin/python -m pytest -q -p no:cacheprovider --basetemp="$tmp" \
  "tests/test_html_browser.py::test_example_report_in_a_browser"
cp "$tmp"/test_example_report_in_a_brows0/example-report.png docs/html-report.png
echo "docs/html-report.png: $(wc -c < docs/html-report.png) bytes"
