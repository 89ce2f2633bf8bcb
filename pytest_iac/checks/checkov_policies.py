"""``checkov``: checkov's Terraform policies on each stack (or a module's plan), as findings of one item.

Off unless the YAML says ``checks.checkov.enabled: true``; then ``checks.checkov.checks`` limits
the run to those policy ids and ``checks.checkov.skip_checks`` leaves some out. Each failed policy
is one finding on the resource's address (the construct path is added like any finding's) that
names the policy id and what the policy wants, so the YAML's suppressions can accept it by
``check: checkov`` and ``policy: CKV_AWS_18``. A synthesized stack is read as its ``cdk.tf.json``; a
Terraform module entry as its plan (``CheckContext.plan``), so the findings name instance addresses
(``module.m.aws_sqs_queue.q[1]``) and the user's module directory is never written to. The run is
offline (see :mod:`pytest_iac.checks.checkov_engine`) and cached with the synthesis (or the plan),
like ``validate``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pytest_iac.checks.base import Check, CheckContext, CheckSkipped, Finding

__all__ = ["CHECKS", "ID", "settings", "usage_error"]

ID = "checkov"


def settings(options: Any) -> Any:
    """The YAML's ``checks.checkov`` (a ``CheckovSettings``), or an empty one."""
    found = getattr(options, "checkov", None)
    if found is not None:
        return found
    from pytest_iac.config.requirements import CheckovSettings

    return CheckovSettings()


def usage_error(selection: Any, named: list[tuple[str, str]], yaml_name: str, cache: Any = None) -> str | None:
    """What is wrong with the YAML's checkov settings, given the ``(where, check id)`` pairs the
    YAML names: the check selected or required while off, or a policy id checkov does not know
    (which checkov itself would ignore silently). Ids are checked only when checkov is installed;
    without it the item fails with the install command instead. ``cache`` (pytest's) keeps
    checkov's id list per checkov version, so a run whose findings are cached never imports it."""
    if not selection.enabled:
        asked = next((where for where, check_id in named
                      if check_id == ID and (where == "checks.select" or where.startswith("requirement "))), None)
        return (f"{yaml_name}: {asked} names the check 'checkov', which is off; turn it on with "
                "checks.checkov.enabled: true") if asked else None
    asked = (*selection.checks, *selection.skip_checks)
    if not asked:
        return None
    known = _known_ids(cache)
    if known is None:
        return None
    unknown = [i for i in asked if i not in known]
    if not unknown:
        return None
    what = "an unknown policy" if len(unknown) == 1 else "unknown policies"
    return (f"{yaml_name}:{selection.lines.get(unknown[0], selection.line)}: checks.checkov names {what} "
            f"{', '.join(map(repr, unknown))}: checkov has no such Terraform policy (list them with "
            "`checkov --list --framework terraform`)")


def _known_ids(cache: Any) -> frozenset[str] | None:
    """checkov's policy ids, from pytest's cache when this checkov version's list is there;
    None when checkov is not installed."""
    from importlib import metadata

    from pytest_iac.checks import checkov_engine

    try:
        key = f"pytest-iac/checkov-policy-ids/{metadata.version('checkov')}"
    except metadata.PackageNotFoundError:
        return None
    stored = cache.get(key, None) if cache is not None else None
    if isinstance(stored, list) and stored:
        return frozenset(stored)
    try:
        known = checkov_engine.policy_ids()
    except checkov_engine.CheckovMissing:
        return None
    if cache is not None:
        cache.set(key, sorted(known))
    return known


def run(ctx: CheckContext) -> Iterator[Finding]:
    from pytest_iac.checks import checkov_engine

    selection = settings(ctx.options)
    stack_file = ctx.stack_dir / "cdk.tf.json"
    if ctx.plan is None and not stack_file.is_file():  # checkov would find nothing and pass
        yield Finding(None, f"checkov reads the synthesized cdk.tf.json or a Terraform module's plan, and stack "
                            f"{ctx.stack} has neither; turn checks.checkov off here")
        return
    try:
        failures = (checkov_engine.run_plan(ctx.plan, selection.checks, selection.skip_checks) if ctx.plan is not None
                    else checkov_engine.run(stack_file, selection.checks, selection.skip_checks))
    except checkov_engine.CheckovMissing as exc:
        if selection.missing == "skip":
            raise CheckSkipped(f"{exc} (checks.checkov.missing: skip)") from None
        yield Finding(None, f"checks.checkov is enabled but {exc}")
        return
    except checkov_engine.NotAPlan as exc:  # never a silent pass
        yield Finding(None, f"checkov cannot judge stack {ctx.stack}: {exc}")
        return
    for failure in failures:
        guideline = f" Guideline: {failure.guideline}" if failure.guideline else ""
        yield Finding(failure.address, f"{failure.policy}: {failure.name.rstrip('.')}.{guideline}", policy=failure.policy)


CHECKS = [Check(ID, "checkov's Terraform policies (opt-in: checks.checkov.enabled), offline, each failed policy "
                "a finding with its id", run, tags=("checkov",))]
