"""The one settings resolver: options, ini twins, the YAML and the environment, resolved once
(option > ini > YAML > environment > default) into a frozen ``Settings``.

Every room reads its settings from ``config.stash[STATE].settings``; this is the only module that
reads pytest-iac's environment variables (``Environment``). Only the standard library and pytest
are imported here: this module is loaded with the plugin.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

import pytest

from pytest_iac.config.deploy_settings import DeployRefused, DeploySettings, resolve_deploy
from pytest_iac.config.options import raw_setting
from pytest_iac.config.requirements import RequirementsFile

__all__ = ["COV_REPORT_TYPES", "CovReport", "CoverageConfig", "DeployRefused", "DeploySettings", "Environment", "Settings", "resolve"]

if TYPE_CHECKING:
    from pytest_iac.config.entry import EntrySpec


@dataclass(frozen=True)
class CoverageConfig:
    """What the coverage gates measure and require; present only when the gate is on."""

    sources: tuple[str, ...]  # absolute paths or package names; empty: nothing to measure
    branch: bool
    fail_under: float
    resource_fail_under: float | None


COV_REPORT_TYPES = ("term", "term-missing", "html", "xml", "json", "lcov")


@dataclass(frozen=True)
class CovReport:
    """One ``--iac-cov-report``: coverage.py's reporter ``kind``, written to ``dest`` (None:
    coverage.py's default, ``htmlcov/``, ``coverage.xml``...); terminal ones may skip covered files."""

    kind: str
    dest: Path | None = None
    skip_covered: bool = False


@dataclass(frozen=True)
class Environment:
    """The environment variables pytest-iac itself reads, read once. (The stack code's own reads
    are recorded by the synthesis; terraform and moto children get a copy of the environment.)"""

    ci: bool = False  # CI: the synthesis cache is off by default
    terraform: str | None = None  # PYTEST_IAC_TERRAFORM: the terraform binary
    terraform_plugin_dir: str | None = None  # PYTEST_IAC_TF_PLUGIN_DIR: the provider mirror
    github_step_summary: str | None = None  # GITHUB_STEP_SUMMARY: where the Markdown report is appended
    aws_region: str | None = None  # AWS_REGION, else AWS_DEFAULT_REGION
    tf_vars: Mapping[str, str] = field(default_factory=dict)  # TF_VAR_*: a module entry's variables
    coverage_file: str | None = None  # COVERAGE_FILE: where coverage.py reads and writes its data

    @classmethod
    def read(cls, environ: Mapping[str, str] = os.environ) -> Environment:
        return cls(
            ci=bool(environ.get("CI")),
            terraform=environ.get("PYTEST_IAC_TERRAFORM") or None,
            terraform_plugin_dir=environ.get("PYTEST_IAC_TF_PLUGIN_DIR") or None,
            github_step_summary=environ.get("GITHUB_STEP_SUMMARY") or None,
            aws_region=environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or None,
            tf_vars={k[len("TF_VAR_"):]: v for k, v in environ.items() if k.startswith("TF_VAR_")},
            coverage_file=environ.get("COVERAGE_FILE") or None,
        )


DEFAULT_SYNTH_TIMEOUT = 600.0


@dataclass(frozen=True)
class Settings:
    """Everything the plugin, the checks and the deploy tier were asked to do, resolved once
    (in ``pytest_load_initial_conftests``, or ``pytest_configure`` for a late plugin)."""

    entry: EntrySpec | None = None
    requirements: RequirementsFile | None = None
    strict: bool = False
    report_json: Path | None = None
    report_md: Path | None = None
    report_html: Path | None = None  # a directory: index.html (and coverage/)
    coverage: CoverageConfig | None = None
    checks: bool = False
    lazy_providers: bool = True
    cache: bool = False
    cache_clear: bool = False
    synth_timeout: float = DEFAULT_SYNTH_TIMEOUT  # seconds the entry may take to synthesize
    terraform_plugin_dir: Path | None = None  # option, ini, else $PYTEST_IAC_TF_PLUGIN_DIR
    terraform: str | None = None  # --iac-terraform-bin, ini, else $PYTEST_IAC_TERRAFORM; None: PATH
    cov_reports: tuple[CovReport, ...] = ()
    coverage_file: Path = Path(".coverage")  # where the combined line-coverage data is written
    env: Environment = field(default_factory=Environment)
    deploy: DeploySettings | None = None  # None: refused, see deploy_refused
    deploy_refused: str | None = None
    sources: Mapping[str, str] = field(default_factory=dict)  # setting -> where it came from

    def deployment(self) -> DeploySettings:
        """The integration tier's settings; a refusal is raised (``DeployRefused``) only now, when a
        test asks for the deployment."""
        if self.deploy is None:
            raise DeployRefused(self.deploy_refused or "the deployment settings were not resolved")
        return self.deploy


def resolve(config: pytest.Config) -> Settings:
    """Resolve every setting; a bad value is a ``pytest.UsageError`` naming it and the fix."""
    sources: dict[str, str] = {}
    env = Environment.read()
    requirements = _load_requirements(config, sources)
    plugin_dir = _plugin_dir(config, env, sources)
    entry = _entry(config, requirements, sources, plugin_dir, env)
    strict = bool(raw_setting(config, "iac_strict")[0])
    terraform = _terraform_bin(config, env, sources)
    deploy, refused = None, None
    try:
        deploy = resolve_deploy(config, requirements, strict=strict, plugin_dir=plugin_dir, terraform=terraform)
    except DeployRefused as exc:
        refused = str(exc)
    return Settings(
        entry=entry,
        requirements=requirements,
        strict=strict,
        report_json=_path(config, "iac_report_json"),
        report_md=_path(config, "iac_report_md"),
        report_html=_path(config, "iac_report_html"),
        coverage=_coverage(config, requirements, entry) if requirements else None,
        checks=_checks_on(config, requirements is not None, entry is not None),
        terraform_plugin_dir=plugin_dir,
        terraform=terraform,
        lazy_providers=not raw_setting(config, "iac_no_lazy_providers")[0],
        cache=_choice(config, "iac_cache", auto=not env.ci),
        cache_clear=bool(raw_setting(config, "iac_cache_clear")[0]),
        cov_reports=_cov_reports(config, requirements is not None),
        coverage_file=config.invocation_params.dir / (env.coverage_file or ".coverage"),
        synth_timeout=_seconds(config, "iac_synth_timeout", DEFAULT_SYNTH_TIMEOUT),
        env=env,
        deploy=deploy,
        deploy_refused=refused,
        sources=sources,
    )


def _coverage(config: pytest.Config, requirements: RequirementsFile, entry: EntrySpec | None) -> CoverageConfig:
    yaml_cov = requirements.coverage
    yaml_dir = Path(requirements.path).parent
    given, origin, base = raw_setting(config, "iac_cov_source")
    if given:
        sources = [_source(base, s) for line in given for s in line.split(",") if s.strip()]
    elif yaml_cov.source:
        sources = [_source(yaml_dir, s) for s in yaml_cov.source]
    else:
        sources = _entry_sources(entry)
    fail_under = _percent(config, "iac_cov_fail_under")
    resource_fail_under = _percent(config, "iac_resource_fail_under")
    return CoverageConfig(
        sources=tuple(sources),
        branch=bool(raw_setting(config, "iac_cov_branch")[0]) or yaml_cov.branch,
        fail_under=yaml_cov.fail_under if fail_under is None else fail_under,
        resource_fail_under=yaml_cov.resources_fail_under if resource_fail_under is None else resource_fail_under,
    )


def _cov_reports(config: pytest.Config, gate: bool) -> tuple[CovReport, ...]:
    """``TYPE[:DEST]`` as pytest-cov reads ``--cov-report``; DEST is relative to where it was given."""
    lines, origin, base = raw_setting(config, "iac_cov_report")
    reports = []
    for value in lines or []:
        kind, _, dest = value.strip().partition(":")
        if kind not in COV_REPORT_TYPES:
            raise pytest.UsageError(
                f"{origin}: {value!r} is not a coverage report type; valid: {', '.join(COV_REPORT_TYPES)} "
                "(html, xml, json and lcov take :DEST)"
            )
        if kind.startswith("term"):
            if dest not in ("", "skip-covered"):
                raise pytest.UsageError(f"{origin}: {value!r}: a terminal report takes only :skip-covered")
            reports.append(CovReport(kind, skip_covered=bool(dest)))
        else:
            reports.append(CovReport(kind, (base / dest).resolve() if dest else None))
    if reports and not gate:
        raise pytest.UsageError(f"{origin}: line coverage is measured by the requirement gate; "
                                "give --iac-requirements too")
    return tuple(reports)


def _choice(config: pytest.Config, name: str, *, auto: bool) -> bool:
    """An on/off/auto setting; ``auto`` is the given default."""
    value, origin, _ = raw_setting(config, name)
    choice = (value or "auto").strip().lower()
    if choice not in ("on", "off", "auto"):
        raise pytest.UsageError(f"{origin}: {value!r} is not one of on, off, auto")
    return auto if choice == "auto" else choice == "on"


def _checks_on(config: pytest.Config, gate: bool, entry: bool) -> bool:
    on = _choice(config, "iac_checks", auto=gate and entry)
    if on and not entry:
        raise pytest.UsageError("--iac-checks on: checks need a stack entry; set --iac-app or iac_app")
    return on


def _source(base: Path, source: str) -> str:
    source = source.strip()
    path = base / source
    return str(path.resolve()) if path.exists() else source


def _entry_sources(entry: EntrySpec | None) -> list[str]:
    """Default source: the top-level package of a module:callable entry, or the directory of
    an entry script; an already synthesized entry has no Python to measure."""
    if entry is None or entry.kind in ("synthesized", "module"):
        return []
    if entry.kind == "script":
        assert entry.path is not None
        return [str(entry.path.parent)]
    return [entry.entry.partition(":")[0].split(".")[0]]


def _seconds(config: pytest.Config, name: str, default: float) -> float:
    value, origin, _ = raw_setting(config, name)
    if value in (None, ""):
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = -1.0
    if not 0 < number < float("inf"):
        raise pytest.UsageError(f"{origin}: {value!r} is not a number of seconds; give a number above 0, e.g. 600")
    return number


def _percent(config: pytest.Config, name: str) -> float | None:
    value, origin, _ = raw_setting(config, name)
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = -1.0
    if not 0 <= number <= 100:
        raise pytest.UsageError(f"{origin}: {value!r} is not a percentage; give a number from 0 to 100")
    return number


def _path(config: pytest.Config, name: str) -> Path | None:
    value, _, base = raw_setting(config, name)
    return (base / value).resolve() if value else None


def _plugin_dir(config: pytest.Config, env: Environment, sources: dict[str, str]) -> Path | None:
    """The provider mirror: the option or ini (relative to where it was given), else the
    environment's value as it is (it may list several directories)."""
    given = _path(config, "iac_terraform_plugin_dir")
    if given is not None:
        sources["terraform_plugin_dir"] = raw_setting(config, "iac_terraform_plugin_dir")[1]
        return given
    if env.terraform_plugin_dir:
        sources["terraform_plugin_dir"] = "PYTEST_IAC_TF_PLUGIN_DIR"
        return Path(env.terraform_plugin_dir)
    return None


def _terraform_bin(config: pytest.Config, env: Environment, sources: dict[str, str]) -> str | None:
    value, origin, base = raw_setting(config, "iac_terraform_bin")
    if value:
        sources["terraform"] = origin
        text = os.path.expanduser(str(value))
        return str((base / text).resolve()) if os.sep in text and not os.path.isabs(text) else text
    if env.terraform:
        sources["terraform"] = "PYTEST_IAC_TERRAFORM"
    return env.terraform


def _load_requirements(config: pytest.Config, sources: dict[str, str]) -> RequirementsFile | None:
    value, origin, base = raw_setting(config, "iac_requirements")
    if not value:
        return None
    from pytest_iac.config.requirements import RequirementsError
    from pytest_iac.config.yaml_loader import load_requirements

    path = (base / value).resolve()
    sources["requirements"] = origin
    try:
        return load_requirements(path, display_path=_display(path, config.invocation_params.dir))
    except RequirementsError as exc:
        raise pytest.UsageError(f"{exc} (requirements file from {origin})") from None


def _display(path: Path, start: Path) -> str:
    try:
        return str(path.relative_to(start))
    except ValueError:
        return str(path)


def _entry(
    config: pytest.Config, requirements: RequirementsFile | None, sources: dict[str, str],
    plugin_dir: Path | None = None, env: Environment | None = None,
) -> EntrySpec | None:
    from pytest_iac.config.entry import EntryError, EntrySpec

    value, origin, base = raw_setting(config, "iac_app")
    app = requirements.app if requirements else None
    if value is None and app is not None and app.entry:
        shown = requirements.display_path or Path(requirements.path).name  # type: ignore[union-attr]
        where = f"{shown}:{app.entry_at[0]}:{app.entry_at[1]}" if app.entry_at else shown
        value, origin = app.entry, f"app.entry at {where}"
        base = Path(requirements.path).parent  # type: ignore[union-attr]
    if value is None:
        return None
    sources["entry"] = origin
    stack_id = raw_setting(config, "iac_stack_id")[0] or (app.stack_id if app else None)
    kwargs = dict(app.kwargs) if app else {}
    kwargs.update(_kwargs(config))
    tf_vars = dict(app.vars) if app else {}
    tf_vars.update(_kwargs(config, "iac_tf_var", identifier=False))
    var_files: tuple[str, ...] = ()
    if app and app.var_files:
        yaml_dir = Path(requirements.path).parent  # type: ignore[union-attr]
        var_files = tuple(str((yaml_dir / f).resolve()) for f in app.var_files)
    spec = EntrySpec(entry=value, origin=origin, base_dir=base, stack_id=stack_id, kwargs=kwargs,
                     tf_vars=tf_vars, var_files=var_files)
    try:
        if spec.kind == "module":  # a wrong form or a module that cannot be planned: a usage error now
            from pytest_iac.synthesis.plan_inputs import check_module

            check_module(spec, plugin_dir, (env or Environment()).tf_vars)
    except EntryError as exc:
        raise pytest.UsageError(str(exc)) from None
    return spec


def _kwargs(config: pytest.Config, name: str = "iac_app_kwargs", *, identifier: bool = True) -> dict[str, Any]:
    lines, origin, _ = raw_setting(config, name)
    parsed: dict[str, Any] = {}
    for line in lines or []:
        key, sep, text = line.partition("=")
        key = key.strip()
        if not sep or not (key.isidentifier() if identifier else re.fullmatch(r"[A-Za-z_][\w-]*", key)):
            if not identifier:
                raise pytest.UsageError(f"{origin}: {line!r} is not KEY=VALUE with KEY a Terraform "
                                        "variable name (example: environment=test)")
            raise pytest.UsageError(
                f"{origin}: {line!r} is not KEY=VALUE with KEY a Python identifier "
                "(example: environment_suffix=test)"
            )
        parsed[key] = _yaml_scalar(text.strip(), origin, line)
    return parsed


def _yaml_scalar(text: str, origin: str, line: str) -> Any:
    import yaml

    try:
        return yaml.safe_load(text) if text else ""
    except yaml.YAMLError as exc:
        raise pytest.UsageError(f"{origin}: cannot read the value of {line!r}: {exc}") from None

