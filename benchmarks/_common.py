"""Helpers shared by the benchmarks: run pytest in a fresh process and time it."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "payment_stack"


def run_pytest(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    """Seconds of wall time for one ``python -m pytest ARGS`` in a new process."""
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", *args],
        cwd=cwd,
        env={**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if completed.returncode not in (0, 1):
        raise SystemExit(f"pytest {' '.join(args)} exited {completed.returncode}:\n{completed.stdout[-3000:]}")
    return elapsed


def median_of(runs: int, args: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    return statistics.median(run_pytest(args, cwd, env) for _ in range(runs))


def table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in rows)
