"""Built-in and plugin checks, collected as ordinary pytest items (``iac::<check>[<stack>]``).

So ``-k``, ``-m iac_check``, ``--junitxml``, xdist and the report all see them. Collecting them
needs the stack names, so the stack is synthesized at collection time when checks are on.
"""

from __future__ import annotations

import fnmatch
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_iac.gate.evidence_types import CheckResult, FindingResult
from pytest_iac.state import STATE

if TYPE_CHECKING:
    from pytest_iac.checks.base import Check, Finding
    from pytest_iac.synthesis.synthesize import Synthesis


class CheckFailed(Exception):
    def __init__(self, result: CheckResult) -> None:
        super().__init__(result.id)
        self.result = result


class IacChecks(pytest.Collector):
    """The ``iac`` node that holds the check items."""

    def collect(self) -> list[pytest.Item]:  # items are made by make_items, not collected
        return []


class CheckItem(pytest.Item):
    def __init__(self, *, check: Check | None, stack: str | None, error: str | None = None, **kw: Any) -> None:
        super().__init__(**kw)
        self.check, self.stack, self.error = check, stack, error
        self.add_marker("iac_check")

    def runtest(self) -> None:
        if self.error is not None:
            pytest.fail(self.error, pytrace=False)
        assert self.check is not None
        state = self.config.stash[STATE]
        result = run_check(self.config, self.check, self.stack)
        state.check_results.append(result)
        if result.status == "skipped":
            if state.settings.strict:
                pytest.fail(f"{result.reason} (fails under --iac-strict)", pytrace=False)
            pytest.skip(str(result.reason))
        if result.status == "failed":
            raise CheckFailed(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, CheckFailed):
            return render_findings(excinfo.value.result)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, None, f"iac check {self.name}"


def all_checks(config: pytest.Config) -> list[Check]:
    from pytest_iac.checks.catalog import BUILTIN_CHECKS

    checks = list(BUILTIN_CHECKS)
    for extra in config.hook.pytest_iac_checks(config=config):
        checks.extend(extra or [])
    seen: set[str] = set()
    for check in checks:
        if check.id in seen:
            raise pytest.UsageError(f"two checks have the id {check.id!r}; check ids must be unique")
        seen.add(check.id)
    return checks


def selected_checks(config: pytest.Config, checks: list[Check]) -> list[Check]:
    """Apply the YAML's select/ignore, after checking that every id it names exists."""
    options = _yaml_checks(config)
    requirements = config.stash[STATE].settings.requirements
    ids = {c.id for c in checks}
    named = [("checks.select", i) for i in options.select] + [("checks.ignore", i) for i in options.ignore]
    named += [("checks.severity", i) for i in getattr(options, "severity", {}) or {}]
    named += [("checks.suppress", s.check) for s in options.suppress if "*" not in s.check]
    if requirements is not None:
        named += [(f"requirement {r.id}", c) for r in requirements.requirements for c in r.checks]
    for where, check_id in named:
        if check_id not in ids:
            from pytest_iac._text import closest

            hint = closest(check_id, ids)
            raise pytest.UsageError(
                f"{_yaml_name(config)}: {where} names an unknown check {check_id!r}"
                + (f". Did you mean {hint!r}?" if hint else f". Known checks: {', '.join(sorted(ids))}")
            )
    from pytest_iac.checks.checkov_policies import usage_error

    state = config.stash[STATE]
    cache = config.cache if state.settings.cache and getattr(config, "cache", None) is not None else None
    problem = usage_error(checkov_settings(options), named, _yaml_name(config), cache)
    if problem:
        raise pytest.UsageError(problem)
    return [c for c in checks if (not options.select or c.id in options.select) and c.id not in options.ignore
            and (c.id != "checkov" or checkov_settings(options).enabled)]


def checkov_settings(options: Any) -> Any:
    from pytest_iac.checks.checkov_policies import settings

    return settings(options)


def make_items(session: pytest.Session, synthesis: Synthesis | None, error: str | None) -> list[pytest.Item]:
    parent = IacChecks.from_parent(session, name="iac", nodeid="iac")
    if synthesis is None:
        return [CheckItem.from_parent(parent, name="synth", check=None, stack=None, error=error)]
    checks = selected_checks(session.config, all_checks(session.config))
    items = []
    for check in checks:
        stacks = [None] if check.scope == "project" else list(synthesis.stacks)
        for stack in stacks:
            name = check.id if stack is None else f"{check.id}[{stack}]"
            items.append(CheckItem.from_parent(parent, name=name, check=check, stack=stack))
    return items


def run_check(config: pytest.Config, check: Check, stack: str | None) -> CheckResult:
    from pytest_iac.checks.base import CheckContext, CheckSkipped
    from pytest_iac.synthesis.plan import PlanSynthesis
    from pytest_iac.synthesis.session import session_synthesis

    state = config.stash[STATE]
    synthesis = session_synthesis(config)
    stack_name = stack or next(iter(synthesis.stacks))
    template = synthesis.check_template(stack_name)
    options = _yaml_checks(config)
    ctx = CheckContext(
        template=template,
        stack=stack_name,
        stack_dir=synthesis.stacks[stack_name].path.parent,
        stack_file=synthesis.stacks[stack_name].path,
        project_dir=_project_dir(config),
        options=options,
        strict=state.settings.strict,
        terraform_plugin_dir=state.settings.terraform_plugin_dir,
        terraform=state.settings.terraform,
        aws_region=state.settings.env.aws_region,
        paths=synthesis.stacks[stack_name].paths,
        package_dir=synthesis.package_dir,
        plan=synthesis.plan if isinstance(synthesis, PlanSynthesis) else None,
    )
    severity = (getattr(options, "severity", {}) or {}).get(check.id, check.severity)
    try:
        findings, cached = _findings(config, check, ctx, synthesis.stacks[stack_name].config)
    except CheckSkipped as exc:
        return CheckResult(check.id, stack, severity, "skipped", reason=str(exc))
    judged = tuple(_finding_result(f, template, check, severity, options) for f in findings)
    failing = [f for f in judged if f.severity == "error" and not f.suppressed]
    return CheckResult(check.id, stack, severity, "failed" if failing else "passed", judged, cached=cached)


def _findings(config: pytest.Config, check: Check, ctx: Any, stack_config: dict[str, Any]) -> tuple[list[Finding], bool]:
    """The check's findings, from the check cache when its result can only be the same."""
    from pytest_iac.checks import cache as check_cache
    from pytest_iac.checks.base import Finding

    state = config.stash[STATE]
    directory = None
    if check.id in check_cache.CACHEABLE and state.settings.cache and getattr(config, "cache", None) is not None:
        directory = Path(config.cache.mkdir("pytest-iac")) / "checks"
    key = check_cache.result_key(check.id, ctx.stack_dir, stack_config, ctx.terraform_plugin_dir,
                                 ctx.terraform, ctx.paths, checkov_settings(ctx.options),
                                 plan=ctx.plan) if directory else None
    if directory is not None and key is not None:
        hit = check_cache.load(directory, key)
        if hit is not None:
            return [Finding(**f) for f in hit["findings"]], True
    findings = list(check.run(ctx))  # a skip (CheckSkipped) is never cached
    if directory is not None and key is not None:
        check_cache.store(directory, key, {"findings": [asdict(f) for f in findings]})
    return findings, False


def mask_text(text: str) -> str:
    from pytest_iac.masking import mask_text as mask

    return mask(text)


def _finding_result(finding: Finding, template: Any, check: Check, severity: str, options: Any) -> FindingResult:
    path = finding.path
    if path is None and finding.address:
        try:
            path = template.resource(finding.address).path
        except (AssertionError, KeyError, ValueError):
            path = None
    suppression = next((s for s in options.suppress if _suppresses(s, check.id, finding, path)), None)
    return FindingResult(
        address=finding.address,
        path=path,
        message=mask_text(finding.message),
        severity=finding.severity or severity,
        suppressed=suppression is not None,
        reason=suppression.reason if suppression else None,
        suppression_line=suppression.line if suppression else None,
        policy=finding.policy,
    )


def _suppresses(suppression: Any, check_id: str, finding: Finding, path: str | None) -> bool:
    if not fnmatch.fnmatchcase(check_id, suppression.check):
        return False
    policy = getattr(suppression, "policy", None)
    if policy is not None and not (finding.policy and fnmatch.fnmatchcase(finding.policy, policy)):
        return False
    pattern = _suppression_target(suppression)
    # the [1] of an instance address reads as a glob's character class: the address as written matches too
    return any(value is not None and (value == pattern or fnmatch.fnmatchcase(value, pattern))
               for value in (finding.address, path))


def _suppression_target(suppression: Any) -> str:
    return getattr(suppression, "resource", None) or getattr(suppression, "address", "")


def unused_suppressions(config: pytest.Config, results: list[CheckResult]) -> list[str]:
    """Suppressions of checks that ran which matched no finding (cdk-nag reports these too)."""
    options = _yaml_checks(config)
    ran = {r.id for r in results if r.status != "skipped"}
    used = {f.suppression_line for r in results for f in r.findings if f.suppressed}
    return [
        f"{_yaml_name(config)}:{s.line}: suppression of {s.check!r}"
        + (f" policy {s.policy!r}" if getattr(s, "policy", None) else "")
        + f" for {_suppression_target(s)!r} matches no finding; remove it"
        for s in options.suppress
        if s.line not in used and any(fnmatch.fnmatchcase(i, s.check) for i in ran)
    ]


def warning_lines(results: list[CheckResult] | tuple[CheckResult, ...]) -> list[str]:
    """One line per warning of a check that passed: check, resource (construct path), message."""
    return [f"{r.name} {_place(r, f)}: {f.message}" for r in results for f in r.warnings]


def _place(result: CheckResult, finding: FindingResult) -> str:
    place = finding.address or ("(stack)" if result.stack else "(project)")
    return place + (f" ({finding.path})" if finding.path else "")


def render_findings(result: CheckResult) -> str:
    where = f" in stack {result.stack}" if result.stack else ""
    lines = [f"check {result.id}{where}: {len(result.findings)} finding(s)"]
    for f in result.findings:
        tag = f"suppressed: {f.reason}" if f.suppressed else f.severity
        lines.append(f"  [{tag}] {_place(result, f)}: {f.message}")
    return "\n".join(lines)


def _yaml_checks(config: pytest.Config) -> Any:
    requirements = config.stash[STATE].settings.requirements
    if requirements is not None:
        return requirements.checks
    from pytest_iac.config.requirements import CheckSettings

    return CheckSettings()


def _project_dir(config: pytest.Config) -> Path:
    requirements = config.stash[STATE].settings.requirements
    return Path(requirements.path).parent if requirements else config.rootpath


def _yaml_name(config: pytest.Config) -> str:
    requirements = config.stash[STATE].settings.requirements
    return (requirements.display_path or requirements.path) if requirements else "requirements YAML"
