"""Overhead of resource-coverage tracking on the example: median of 5 runs with and without.

    python benchmarks/resource_tracking.py [--runs 5]

Without = the recording callback replaced by a no-op (benchmarks/no_tracking.py); runs alternate.
"""

from __future__ import annotations

import argparse
import os
import statistics

from _common import EXAMPLE, ROOT, run_pytest, table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    env = {"PYTHONPATH": os.pathsep.join([str(ROOT / "benchmarks"), os.environ.get("PYTHONPATH", "")])}
    args = ["tests/unit", "-q", "-p", "no:cacheprovider", "--iac-checks", "off"]  # no deployment, no terraform
    tracked, untracked = [], []
    for _ in range(runs):
        tracked.append(run_pytest(args, EXAMPLE, env))
        untracked.append(run_pytest([*args, "-p", "no_tracking"], EXAMPLE, env))
    a, b = statistics.median(tracked), statistics.median(untracked)
    print(table([
        ("variant", f"median s of {runs}"),
        ("with resource tracking", f"{a:.2f}"),
        ("without", f"{b:.2f}"),
        ("ratio", f"{a / b:.3f}x"),
    ]))


if __name__ == "__main__":
    main()
