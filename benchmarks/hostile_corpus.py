"""Hostile input and the cache's digest check, measured.

    python benchmarks/hostile_corpus.py [--runs 5]

1. The corpus of bad inputs (tests/hostile_corpus.py): its size by category and expected outcome,
   and the result of running it (tests/test_hostile_inputs.py).
2. Peak memory and wall time of the worst bad inputs, each in its own pytest process under
   ``/usr/bin/time -v``.
3. The cost of the digest check on a cache hit for the example (examples/payment_stack, unit
   tier): the output digest and the input checks, timed in-process on the entry a warm run
   left, median of ``--runs``; and the warm run's wall time for scale.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import EXAMPLE, ROOT, table

sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from hostile_corpus import corpus  # noqa: E402

WORST = ("yaml-alias-bomb-merge", "yaml-alias-bomb-kwargs-9x10", "yaml-deep-flow-list-50000",
         "yaml-deep-block-3000", "json-stack-deep-100000", "json-stack-deep-in-resource", "entry-loop-forever")
ENV = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}


def corpus_counts() -> None:
    cases = corpus()
    by = collections.Counter((c.id.split("-")[0], c.expect) for c in cases)
    rows = [("category", "expected outcome", "cases")]
    rows += [(cat, "exit 4 (usage error)" if exp == "usage" else "exit 1 (clear failure)", str(n))
             for (cat, exp), n in sorted(by.items())]
    rows.append(("all", "", str(len(cases))))
    print(table(rows))
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2",
                          "tests/test_hostile_inputs.py"], cwd=ROOT, env=ENV, capture_output=True, text=True)
    summary = run.stdout.strip().splitlines()[-1]
    print(f"\ncorpus run: {summary} (exit {run.returncode}, {time.perf_counter() - started:.0f} s wall)\n")


def worst_inputs() -> None:
    rows = [("bad input", "exit", "wall s", "peak RSS MB")]
    by_id = {c.id: c for c in corpus()}
    for case_id in WORST:
        case = by_id[case_id]
        with tempfile.TemporaryDirectory() as tmp:
            for name, content in case.files.items():
                path = Path(tmp) / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content if isinstance(content, bytes) else content.encode())
            run = subprocess.run(["/usr/bin/time", "-v", sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                                  *case.args], cwd=tmp, env=ENV, capture_output=True, text=True)
        wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", run.stderr)
        seconds = (int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))) if wall else float("nan")
        rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr).group(1)) / 1024
        rows.append((case_id, str(run.returncode), f"{seconds:.2f}", f"{rss:.0f}"))
    print(table(rows) + "\n")


def digest_check(runs: int) -> None:
    from pytest_iac.synthesis import cache, inputs

    with tempfile.TemporaryDirectory() as tmp:
        args = [sys.executable, "-m", "pytest", "-q", "tests/unit", "-o", f"cache_dir={tmp}/c", "--iac-cache=on"]
        subprocess.run(args, cwd=EXAMPLE, env=ENV, capture_output=True)  # miss: fills the cache
        walls = []
        for _ in range(runs):
            began = time.perf_counter()
            warm = subprocess.run(args, cwd=EXAMPLE, env=ENV, capture_output=True, text=True)
            walls.append(time.perf_counter() - began)
            assert "cache hit" in warm.stdout, warm.stdout[-2000:]
        synth = Path(tmp) / "c" / "d" / "pytest-iac" / "synth"
        pointer = next(synth.glob("*.json"))
        entry = synth / json.loads(pointer.read_text())["dir"]
        record = json.loads((entry / "record.json").read_text())
        output, checks = [], []
        for _ in range(runs):
            began = time.perf_counter()
            assert inputs.digest_tree(entry / "out", skip_bytecode=False) == record["output"]
            output.append(time.perf_counter() - began)
            began = time.perf_counter()
            assert cache._still_valid(record["inputs"])
            checks.append(time.perf_counter() - began)
        files = sum(1 for p in (entry / "out").rglob("*") if p.is_file())
        size = sum(p.stat().st_size for p in (entry / "out").rglob("*") if p.is_file())
        recorded = record["inputs"]
    print(table([
        ("cache hit, example unit tier", f"median of {runs}"),
        (f"output digest ({files} files, {size / 1024:.0f} KiB)", f"{statistics.median(output) * 1000:.2f} ms"),
        (f"input checks ({len(recorded['files'])} files, {len(recorded['listings'])} listings, "
         f"{len(recorded['env'])} env, {len(recorded['trees'])} trees)", f"{statistics.median(checks) * 1000:.2f} ms"),
        ("whole warm run (wall)", f"{statistics.median(walls):.2f} s"),
    ]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-corpus-run", action="store_true")
    options = parser.parse_args()
    if not options.skip_corpus_run:
        corpus_counts()
    worst_inputs()
    digest_check(options.runs)


if __name__ == "__main__":
    main()
