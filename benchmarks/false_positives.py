"""False positives of the built-in checks on small stacks written the way real projects write them.

Each folder of ``benchmarks/fp_corpus/`` is a cdktf-Python project (``cdktf.json``, code under
``lib/``, a ``requirements.yaml`` naming its entry) whose code is correct, except where
``EXPECTED`` below names the findings a correct checker must report. Every project is copied to
a temporary directory and run the way a user runs it, ``pytest`` with the requirements file (so
the synthesis goes through the plugin's private output directory, as with any real entry), and
the findings come from the JSON report. A finding that is not expected is a false positive; an
expected one that is absent is a miss. Warnings are counted apart (they do not fail a run).

    .venv/bin/python benchmarks/false_positives.py            # all projects
    .venv/bin/python benchmarks/false_positives.py json_secret lambda_zip_lib
    .venv/bin/python benchmarks/false_positives.py -v         # and every finding, with its message

Needs cdktf and the AWS provider bindings (the cdktf extra); ``validate`` runs when terraform and
an AWS provider mirror (``PYTEST_IAC_TF_PLUGIN_DIR``) are there, else it is skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "fp_corpus"

# project -> the error findings a correct checker reports there, as {check id: count}
EXPECTED: dict[str, dict[str, int]] = {
    "json_secret": {"plaintext-secrets": 1},  # "password": "s3cr3t-Literal" inside the JSON string
    "missing_zip": {"assets": 1, "validate": 1},  # one per resource; terraform's own error
}


def run_project(name: str, corpus: Path = CORPUS) -> dict[str, object]:
    """Run one corpus project under pytest; its report's checks, stacks and the exit status."""
    with tempfile.TemporaryDirectory(prefix=f"fp-{name}-") as tmp:
        project = Path(tmp) / name
        shutil.copytree(corpus / name, project)
        report = Path(tmp) / "report.json"
        env = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20", "PYTHONDONTWRITEBYTECODE": "1",
               "PYTHONPATH": os.pathsep.join([str(ROOT), str(project)])}
        started = time.perf_counter()
        completed = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--iac-requirements=requirements.yaml",
             f"--iac-report-json={report}", "--iac-cache=off", "-o", "pythonpath=.", f"--rootdir={project}"],
            cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        seconds = time.perf_counter() - started
        if not report.exists():
            raise SystemExit(f"{name}: no report (exit {completed.returncode}):\n{completed.stdout[-3000:]}")
        data = json.loads(report.read_text(encoding="utf-8"))
    return {"checks": data.get("checks", []), "stacks": data["synth"]["stacks"], "seconds": seconds,
            "output": completed.stdout}


def tally(name: str, result: dict[str, object], expected_by_project: dict[str, dict[str, int]] = EXPECTED
          ) -> dict[str, object]:
    errors: Counter[str] = Counter()
    warnings: Counter[str] = Counter()
    skipped = []
    details = []
    for check in result["checks"]:  # type: ignore[union-attr]
        if check["status"] == "skipped":
            skipped.append(check["id"])
        for finding in check["findings"]:
            if finding["suppressed"]:
                continue
            (errors if finding["severity"] == "error" else warnings)[check["id"]] += 1
            details.append(f"{name}: {finding['severity']} {check['id']} {finding.get('address') or '(stack)'}: "
                           f"{finding['message']}")
    expected = Counter(expected_by_project.get(name, {}))
    false_positives = errors - expected
    missed = expected - errors
    return {"errors": errors, "warnings": warnings, "fp": false_positives, "missed": missed, "skipped": skipped,
            "details": details}


def _cell(counts: Counter[str]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "-"


def main(argv: list[str], corpus: Path = CORPUS, expected: dict[str, dict[str, int]] = EXPECTED) -> int:
    """Print the table for the projects named in ``argv`` (all of ``corpus`` if none); ``-v`` lists
    every unsuppressed finding under it."""
    verbose = "-v" in argv
    argv = [a for a in argv if a != "-v"]
    names = argv or sorted(p.name for p in corpus.iterdir() if (p / "requirements.yaml").exists())
    details: list[str] = []
    rows = [("project", "stacks", "false positives (error findings not expected)", "missed", "warnings", "s")]
    totals = Counter({"fp": 0, "missed": 0, "warnings": 0, "extra stacks": 0})
    for name in names:
        result = run_project(name, corpus)
        counts = tally(name, result, expected)
        details += counts["details"]  # type: ignore[arg-type]
        totals["fp"] += sum(counts["fp"].values())  # type: ignore[union-attr]
        totals["missed"] += sum(counts["missed"].values())  # type: ignore[union-attr]
        totals["warnings"] += sum(counts["warnings"].values())  # type: ignore[union-attr]
        stacks = result["stacks"]
        totals["extra stacks"] += max(0, len(stacks) - 1)  # type: ignore[arg-type]
        rows.append((name, str(len(stacks)), _cell(counts["fp"]), _cell(counts["missed"]),  # type: ignore
                     _cell(counts["warnings"]), f"{result['seconds']:.0f}"))  # type: ignore[arg-type]
        if not stacks:
            lines = str(result["output"]).splitlines()
            why = next((" ".join(lines[i:i + 2]) for i, line in enumerate(lines) if "failed:" in line), "")[:300]
            print(f"note: {name}: nothing synthesized or planned: {why}", file=sys.stderr)
        if counts["skipped"]:
            print(f"note: {name}: skipped {', '.join(counts['skipped'])}", file=sys.stderr)  # type: ignore[arg-type]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    print("\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in rows))
    print(f"total: {totals['fp']} false positive(s), {totals['missed']} miss(es), {totals['warnings']} warning(s) "
          f"over {len(names)} projects; {totals['extra stacks']} extra stack(s) (each project builds one)")
    if verbose:
        print("\n".join(["", "findings:", *details]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
