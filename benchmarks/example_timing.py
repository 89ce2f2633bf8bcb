"""The example suite's wall time, split into provider import, synthesis and tests.

    python benchmarks/example_timing.py

Reads the figures pytest-iac itself records (``synth.timings`` via the JSON report's
``synth`` block and the summary line) from one run of the example under the gate.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import EXAMPLE, table


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        started = time.perf_counter()
        completed = subprocess.run(
            [sys.executable, "-m", "pytest", "tests/unit", "-p", "no:cacheprovider", "--iac-report-json", str(report)],
            cwd=EXAMPLE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**__import__("os").environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"},
        )
        wall = time.perf_counter() - started
        data = json.loads(report.read_text())
    [synthesis] = data["synth"]["syntheses"]
    imported, synthesized = synthesis["import_seconds"], synthesis["synth_seconds"]
    session = float(re.search(r"in ([\d.]+)s", completed.stdout.splitlines()[-1]).group(1))
    print(table([
        ("part", "seconds"),
        ("whole process (wall)", f"{wall:.2f}"),
        ("pytest session", f"{session:.2f}"),
        ("import of cdktf + stack code (incl. provider)", f"{imported:.2f}"),
        ("synthesis", f"{synthesized:.2f}"),
        ("tests and the rest of the session", f"{session - imported - synthesized:.2f}"),
        ("syntheses in the run", str(data["synth"]["count"])),
        ("verdict", data["verdict"]),
    ]))


if __name__ == "__main__":
    main()
