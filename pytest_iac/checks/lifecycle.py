"""``destroyable``: a stack meant to be thrown away (``checks.ephemeral: true``) can be destroyed.

Without ``skip_final_snapshot`` RDS refuses to delete the instance, deletion protection blocks
destroy outright, a non-empty bucket without ``force_destroy`` cannot be deleted, and a secret
kept for a recovery window blocks the next deployment that reuses its name. Settings whose value
is a reference are skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pytest_iac.checks._common import blocks, is_expression, is_true, option, resources
from pytest_iac.checks.base import Check, CheckContext, Finding



def _MUST_BE_TRUE(value: Any) -> bool:  # noqa: N802 - reads as a rule in the table below
    return not is_true(value) and not is_expression(value)


def _ZERO(value: Any) -> bool:  # noqa: N802
    return value is None or (not is_expression(value) and str(value) != "0")


_MUST_NOT_BE_TRUE = is_true
_DB = [("skip_final_snapshot", _MUST_BE_TRUE, "set skip_final_snapshot=True (destroy otherwise fails asking "
        "for a final_snapshot_identifier)"),
       ("deletion_protection", _MUST_NOT_BE_TRUE, "set deletion_protection=False")]
# type -> (argument, is it a problem, what to set)
RULES: dict[str, list[tuple[str, Callable[[Any], bool], str]]] = {
    "aws_db_instance": _DB, "aws_rds_cluster": _DB, "aws_docdb_cluster": _DB, "aws_neptune_cluster": _DB,
    "aws_s3_bucket": [("force_destroy", _MUST_BE_TRUE, "set force_destroy=True (a bucket with objects cannot "
                       "be deleted otherwise)")],
    "aws_dynamodb_table": [("deletion_protection_enabled", _MUST_NOT_BE_TRUE, "set deletion_protection_enabled=False")],
    "aws_lb": [("enable_deletion_protection", _MUST_NOT_BE_TRUE, "set enable_deletion_protection=False")],
    "aws_alb": [("enable_deletion_protection", _MUST_NOT_BE_TRUE, "set enable_deletion_protection=False")],
    "aws_instance": [("disable_api_termination", _MUST_NOT_BE_TRUE, "set disable_api_termination=False")],
    "aws_secretsmanager_secret": [
        ("recovery_window_in_days", _ZERO,
         "set recovery_window_in_days=0 (otherwise the name stays taken for up to 30 days and the next "
         "deployment fails with 'already scheduled for deletion')")],
}


def run(ctx: CheckContext) -> Iterator[Finding]:
    if not option(ctx, "ephemeral", False):
        return
    for address, rtype, body in resources(ctx):
        fixes = [fix for argument, bad, fix in RULES.get(rtype, ()) if bad(body.get(argument))]
        if any(is_true(block.get("prevent_destroy")) for block in blocks(body.get("lifecycle"))):
            fixes.append("remove lifecycle prevent_destroy")
        if fixes:
            fix = "; ".join(fixes)
            yield Finding(address, "cannot be destroyed cleanly, but checks.ephemeral says this stack is meant to "
                                   f"be torn down. {fix[0].upper()}{fix[1:]}.")


CHECKS = [Check("destroyable", "With checks.ephemeral, every resource can be destroyed: no deletion protection, "
                "RDS skips the final snapshot, buckets force_destroy, no prevent_destroy", run)]
