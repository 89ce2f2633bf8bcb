"""Figures of the Terraform module entry (issue 14), one command from the repository root:

    .venv/bin/python benchmarks/terraform_module.py            # all three parts
    .venv/bin/python benchmarks/terraform_module.py --only plan,query

- example: ``pytest`` in ``examples/terraform_module`` with a private cache dir, cold (empty
  cache: init + plan + show) then warm (the cached plan: no terraform started); wall seconds.
- plan: a generated module of N ``aws_sqs_queue`` instances (one block with ``count = N``), N = 10,
  100, 1,000, planned offline by ``plan_module`` (no cache); seconds of init, plan, show and the
  adapter (plan JSON -> Template).
- query: on the 1,000-instance plan, the query API's cost per call (median of 5 batches).

Needs terraform and the AWS provider in a mirror (``PYTEST_IAC_TF_PLUGIN_DIR`` or
``--plugin-dir``). Every run must pass, or the command aborts.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MODULE = """\
terraform {{
  required_providers {{
    aws = {{ source = "hashicorp/aws", version = "~> 5.0" }}
  }}
}}

provider "aws" {{
  region = "us-east-1"
}}

resource "aws_sqs_queue" "dlq" {{
  name = "bench-dlq"
}}

resource "aws_sqs_queue" "q" {{
  count                      = {count}
  name                       = "bench-${{count.index}}"
  visibility_timeout_seconds = 60
  redrive_policy             = jsonencode({{ deadLetterTargetArn = aws_sqs_queue.dlq.arn, maxReceiveCount = 3 }})
}}

output "first" {{
  value = aws_sqs_queue.q[0].name
}}
"""


def example(python: str) -> list[tuple[str, float]]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = str(ROOT)
    figures = []
    with tempfile.TemporaryDirectory() as cache:
        for label in ("cold", "warm"):
            began = time.perf_counter()
            out = subprocess.run([python, "-m", "pytest", "-q", "--iac-strict", "-o", f"cache_dir={cache}"],
                                 cwd=ROOT / "examples" / "terraform_module", env=env, capture_output=True, text=True)
            seconds = time.perf_counter() - began
            if out.returncode != 0 or ("cache miss" if label == "cold" else "cache hit") not in out.stdout:
                sys.exit(f"example {label} run failed:\n{out.stdout[-3000:]}\n{out.stderr[-2000:]}")
            figures.append((f"example suite {label}", seconds))
    return figures


def plan(sizes: list[int], plugin_dir: str | None) -> tuple[list[tuple[str, float]], dict | None]:
    from pytest_iac.assertions.plan_adapter import template_config
    from pytest_iac.assertions.template import Template
    from pytest_iac.config.entry import EntrySpec
    from pytest_iac.synthesis.plan import plan_module
    from pytest_iac.terraform.mirror import plugin_dir_candidates

    dirs = [d for d, _ in plugin_dir_candidates(plugin_dir) if d.is_dir()]
    figures, biggest = [], None
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            module = Path(tmp) / f"queues{size}"
            module.mkdir()
            (module / "main.tf").write_text(MODULE.format(count=size))
            work = Path(tmp) / "work"
            work.mkdir()
            spec = EntrySpec(entry=str(module), origin="benchmark", base_dir=Path(tmp))
            synthesis = plan_module(spec, work, terraform="terraform", plugin_dirs=dirs)
            began = time.perf_counter()
            Template(template_config(synthesis.plan, "bench"))
            adapt = time.perf_counter() - began
            t = synthesis.timings
            figures += [(f"plan {size:>5} instances: init", t["init"]), (f"plan {size:>5} instances: plan", t["plan"]),
                        (f"plan {size:>5} instances: show", t["show"]), (f"plan {size:>5} instances: adapter", adapt),
                        (f"plan {size:>5} instances: total", t["total"] + adapt)]
            assert len(synthesis.stack(synthesis.stack_names[0]).resource_addresses) == size + 1
            biggest = synthesis.plan
    return figures, biggest


def query(plan_json: dict) -> list[tuple[str, float]]:
    from pytest_iac import Match
    from pytest_iac.assertions.plan_adapter import template_config
    from pytest_iac.assertions.plan_check_view import check_config
    from pytest_iac.assertions.template import Template
    from pytest_iac.gate.blockcov import block_coverage

    size = len(plan_json["planned_values"]["root_module"]["resources"]) - 1
    template = Template(template_config(plan_json, "bench"), on_examine=lambda a: None)
    last = f"bench-{size - 1}"
    ops = {
        "resource(address)": lambda: template.resource(f"aws_sqs_queue.q[{size // 2}]")["name"],
        "has_resource_properties (last of 1,000)": lambda: template.has_resource_properties(
            "aws_sqs_queue", {"name": last, "arn": Match.unknown()}),
        "find_resources (all 1,000 match)": lambda: template.find_resources("aws_sqs_queue",
                                                                            {"visibility_timeout_seconds": 60}),
        "all_resources_properties": lambda: template.all_resources_properties(
            "aws_sqs_queue", {"arn": Match.unknown()}),
        "references_to (graph built on the first call)": lambda: template.references_to("aws_sqs_queue.dlq"),
        "Template(template_config(plan))": lambda: Template(template_config(plan_json, "bench")),
        "check_config (the checks' view, once per run)": lambda: check_config(
            plan_json, template_config(plan_json, "bench")),
    }
    figures = []
    for name, op in ops.items():
        batches = []
        for _ in range(5):
            began = time.perf_counter()
            for _ in range(20):
                op()
            batches.append((time.perf_counter() - began) / 20)
        figures.append((f"query: {name}", statistics.median(batches)))
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "main.tf").write_text(MODULE.format(count=size))
        examined = [f"{Path(tmp).name}:aws_sqs_queue.q[{i}]" for i in range(size)]
        began = time.perf_counter()
        block_coverage(Path(tmp), examined, Path(tmp))
        figures.append(("block coverage (1,000 instances examined)", time.perf_counter() - began))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="example,plan,query")
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--plugin-dir", default=os.environ.get("PYTEST_IAC_TF_PLUGIN_DIR"))
    args = parser.parse_args()
    parts = set(args.only.split(","))
    print(f"uptime: {os.getloadavg()}")
    figures = []
    if "example" in parts:
        figures += example(sys.executable)
    biggest = None
    if parts & {"plan", "query"}:
        sizes = [int(s) for s in args.sizes.split(",")] if "plan" in parts else [1000]
        plan_figures, biggest = plan(sizes, args.plugin_dir)
        figures += plan_figures if "plan" in parts else []
    if "query" in parts and biggest is not None:
        figures += query(biggest)
    print(f"uptime: {os.getloadavg()}")
    for name, seconds in figures:
        shown = f"{seconds * 1000:9.3f} ms" if seconds < 1 else f"{seconds:9.2f} s "
        print(f"{name:<58} {shown}")


if __name__ == "__main__":
    main()
