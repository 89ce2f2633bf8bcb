"""Plugin load cost of two checkouts of pytest-iac, measured in one run (for refactors).

    python benchmarks/load_before_after.py BEFORE_DIR AFTER_DIR [--runs 9]

Each variant runs the same 200 trivial tests with the checkout on PYTHONPATH (before, after)
and once without the plugin (-p no:iac); runs alternate so machine noise hits all alike.
Also prints the import time of ``pytest_iac.plugin`` alone (python -X importtime, median).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(cmd: list[str], cwd: Path, pythonpath: str) -> float:
    env = dict(os.environ, PYTHONPATH=pythonpath)
    began = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - began


def import_us(pythonpath: str) -> int:
    env = dict(os.environ, PYTHONPATH=pythonpath)
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", "import pytest_iac.plugin"],
                         env=env, capture_output=True, text=True, check=True).stderr
    own = [int(m.group(1)) for m in re.finditer(r"^import time:\s+\d+ \|\s+(\d+) \| +pytest_iac\.plugin$", out, re.M)]
    return own[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    trees = {"before": str(Path(args.before).resolve()), "after": str(Path(args.after).resolve())}
    times: dict[str, list[float]] = {"before": [], "after": [], "no plugin": []}
    imports: dict[str, list[int]] = {"before": [], "after": []}
    with tempfile.TemporaryDirectory() as tmp:
        suite = Path(tmp)
        (suite / "test_trivial.py").write_text("\n".join(f"def test_{i}():\n    assert {i} == {i}\n" for i in range(200)))
        base = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:cov", "-p", "no:xdist"]
        for _ in range(args.runs):
            for name, tree in trees.items():
                times[name].append(timed(base, suite, tree))
                imports[name].append(import_us(tree))
            times["no plugin"].append(timed([*base, "-p", "no:iac"], suite, trees["after"]))
    reference = statistics.median(times["no plugin"])
    print(f"{'variant':<12}{'median s':>10}{'vs no plugin':>14}{'import pytest_iac.plugin':>26}")
    for name, values in times.items():
        imp = f"{statistics.median(imports[name]) / 1000:.1f} ms" if name in imports else ""
        print(f"{name:<12}{statistics.median(values):>10.3f}{statistics.median(values) / reference:>13.3f}x{imp:>26}")


if __name__ == "__main__":
    main()
