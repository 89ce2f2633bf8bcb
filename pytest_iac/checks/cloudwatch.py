"""``cloudwatch-statistic``: each metric alarm says how to aggregate its metric exactly once.

``statistic`` (Average, Sum, ...), ``extended_statistic`` (p99, ...) and ``metric_query`` exclude
one another; Terraform rejects two of them (``"extended_statistic": conflicts with statistic``)
and an alarm with none has nothing to evaluate.
"""

from __future__ import annotations

from collections.abc import Iterator

from pytest_iac.checks._common import resources
from pytest_iac.checks.base import Check, CheckContext, Finding

KINDS = ("statistic", "extended_statistic", "metric_query")


def run(ctx: CheckContext) -> Iterator[Finding]:
    for address, _, body in resources(ctx, "aws_cloudwatch_metric_alarm"):
        present = [k for k in KINDS if body.get(k) not in (None, "", [])]
        if len(present) == 1:
            continue
        if not present:
            yield Finding(address, "sets none of statistic, extended_statistic and metric_query, so the alarm "
                                   "has nothing to evaluate. Add exactly one, e.g. statistic='Average' or "
                                   "extended_statistic='p99'.")
            continue
        shown = " and ".join(f"{k} ({body[k]!r})" if k != "metric_query" else k for k in present)
        if "metric_query" in present:
            fix = ("A metric_query alarm sets the statistic inside each query (metric.stat): remove "
                   + " and ".join(k for k in present if k != "metric_query") + ".")
        else:
            fix = ("Keep one: for a percentile keep extended_statistic and remove statistic "
                   "(add_override('statistic', None) if something sets it for you).")
        both = "both " if len(present) == 2 else ""
        yield Finding(address, f"sets {both}{shown}; Terraform rejects this "
                               f"(\"{present[-1]}\": conflicts with {present[0]}). {fix}")


CHECKS = [Check("cloudwatch-statistic",
                "Each CloudWatch metric alarm sets exactly one of statistic, extended_statistic and metric_query",
                run)]
