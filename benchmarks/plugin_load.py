"""Plugin load overhead: an empty suite of 200 trivial tests, with and without -p no:iac.

    python benchmarks/plugin_load.py [--runs 7]

Runs alternate between the two variants so that machine noise hits both alike.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from _common import run_pytest, table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        suite = Path(tmp)
        body = "\n".join(f"def test_{i}():\n    assert {i} == {i}\n" for i in range(200))
        (suite / "test_trivial.py").write_text(body)
        common = ["-q", "-p", "no:cacheprovider", "-p", "no:cov", "-p", "no:xdist"]
        with_iac, without = [], []
        for _ in range(runs):
            with_iac.append(run_pytest(common, suite))
            without.append(run_pytest([*common, "-p", "no:iac"], suite))
    a, b = statistics.median(with_iac), statistics.median(without)
    print(table([
        ("variant", "median s", f"of {runs} runs"),
        ("with pytest-iac", f"{a:.3f}", ""),
        ("-p no:iac", f"{b:.3f}", ""),
        ("ratio", f"{a / b:.3f}x", "target <= 1.05x"),
    ]))


if __name__ == "__main__":
    main()
