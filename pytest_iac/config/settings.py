"""Command-line options and their ini twins, resolved once (option > ini > YAML > default).

Only the standard library and pytest are imported here: this module is loaded with the plugin.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

import pytest

if TYPE_CHECKING:
    from pytest_iac.config.entry import EntrySpec
    from pytest_iac.config.requirements import RequirementsFile


@dataclass(frozen=True)
class Option:
    name: str  # ini name; the flag is --name with dashes
    help: str
    kind: str = "string"  # "string", "bool", "linelist", "float"
    metavar: str | None = None

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")


OPTIONS = (
    Option("iac_app", "stack entry: 'package.module:callable', an entry script (tap.py), "
           "or a synthesized cdktf.out/ or cdk.tf.json", metavar="ENTRY"),
    Option("iac_stack_id", "construct id of the stack when the entry is a stack class "
           "(default: the class name)", metavar="ID"),
    Option("iac_app_kwargs", "keyword arguments for the entry callable, one KEY=VALUE per "
           "line (VALUE is read as YAML: true, 3, [a, b])", kind="linelist", metavar="KEY=VALUE"),
    Option("iac_requirements", "requirements YAML: turns the requirement gate on", metavar="PATH"),
    Option("iac_strict", "fail partial runs (-k, -m, --lf, node ids) like full ones, and "
           "fail instead of skip when a tool is missing (for CI)", kind="bool"),
    Option("iac_report_json", "write the gate's result as JSON to PATH (atomically)", metavar="PATH"),
    Option("iac_report_md", "write the gate's result as Markdown to PATH (also appended to "
           "$GITHUB_STEP_SUMMARY when set)", metavar="PATH"),
    Option("iac_checks", "built-in checks as test items: on, off, or auto (default: on when "
           "the requirements gate is on and a stack entry is configured)", metavar="on|off|auto"),
    Option("iac_terraform_plugin_dir", "provider plugin directory or filesystem mirror for the "
           "offline 'terraform init' of the validate check (default: terraform's usual places, "
           "or $PYTEST_IAC_TF_PLUGIN_DIR)", metavar="DIR"),
    Option("iac_no_lazy_providers", "import provider packages (cdktf_cdktf_provider_*) eagerly, "
           "as plain Python would; by default only the submodules a stack uses are imported",
           kind="bool"),
    Option("iac_cache", "reuse the last synthesis while nothing it read has changed: on, off, or "
           "auto (default: on, off when the CI environment variable is set)", metavar="on|off|auto"),
    Option("iac_cache_clear", "remove pytest-iac's synthesis cache before the run", kind="bool"),
    Option("iac_cov_fail_under", "line coverage of the stack code that the gate requires, in "
           "percent (default: coverage.fail_under of the YAML, else 100)", kind="float", metavar="MIN"),
    Option("iac_cov_source", "package or path whose line coverage the gate measures (repeatable; "
           "default: coverage.source of the YAML, else the package of the stack entry)",
           kind="linelist", metavar="SOURCE"),
    Option("iac_cov_branch", "measure branch coverage too", kind="bool"),
    Option("iac_resource_fail_under", "share of synthesized resources that tests must assert on, "
           "in percent (default: coverage.resources_fail_under of the YAML; unset: report only)",
           kind="float", metavar="MIN"),
)


@dataclass(frozen=True)
class CoverageConfig:
    """What the coverage gates measure and require; present only when the gate is on."""

    sources: tuple[str, ...]  # absolute paths or package names; empty: nothing to measure
    branch: bool
    fail_under: float
    resource_fail_under: float | None


@dataclass(frozen=True)
class Settings:
    """Everything the plugin was asked to do, resolved once in ``pytest_configure``."""

    entry: EntrySpec | None
    requirements: RequirementsFile | None
    strict: bool
    report_json: Path | None
    report_md: Path | None
    coverage: CoverageConfig | None = None
    checks: bool = False
    lazy_providers: bool = True
    cache: bool = False
    cache_clear: bool = False
    terraform_plugin_dir: Path | None = None
    sources: Mapping[str, str] = field(default_factory=dict)  # setting -> where it came from


def add_options(parser: pytest.Parser, options: tuple[Option, ...] = OPTIONS) -> None:
    """Declare each option and its ini twin, with one help text."""
    group = parser.getgroup("iac", "infrastructure-as-code gate (pytest-iac)")
    for opt in options:
        if opt.kind == "bool":
            group.addoption(opt.flag, action="store_true", default=None, dest=opt.name, help=opt.help)
        elif opt.kind == "linelist":
            group.addoption(opt.flag, action="append", default=None, dest=opt.name,
                            metavar=opt.metavar, help=opt.help)
        else:
            group.addoption(opt.flag, default=None, dest=opt.name, metavar=opt.metavar, help=opt.help)
        parser.addini(opt.name, opt.help, type=opt.kind if opt.kind != "float" else "string")


def raw_setting(config: pytest.Config, name: str) -> tuple[Any, str, Path]:
    """The value of a setting, where it came from, and the directory relative paths start at.

    Reads the early-parsed options, so that settings can be resolved before conftests load.
    """
    cli = getattr(config.known_args_namespace, name, None)
    if cli is not None:
        return cli, f"--{name.replace('_', '-')}", config.invocation_params.dir
    ini = config.getini(name)
    if ini not in (None, "", []):
        inipath = config.inipath
        where = inipath.name if inipath else "ini"
        return ini, f"{name} in {where}", inipath.parent if inipath else config.rootpath
    return None, "", config.rootpath


def resolve(config: pytest.Config) -> Settings:
    """Resolve every setting; a bad value is a ``pytest.UsageError`` naming it and the fix."""
    sources: dict[str, str] = {}
    requirements = _load_requirements(config, sources)
    entry = _entry(config, requirements, sources)
    return Settings(
        entry=entry,
        requirements=requirements,
        strict=bool(raw_setting(config, "iac_strict")[0]),
        report_json=_path(config, "iac_report_json"),
        report_md=_path(config, "iac_report_md"),
        coverage=_coverage(config, requirements, entry) if requirements else None,
        checks=_checks_on(config, requirements is not None, entry is not None),
        terraform_plugin_dir=_path(config, "iac_terraform_plugin_dir"),
        lazy_providers=not raw_setting(config, "iac_no_lazy_providers")[0],
        cache=_choice(config, "iac_cache", auto=not os.environ.get("CI")),
        cache_clear=bool(raw_setting(config, "iac_cache_clear")[0]),
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
    if entry is None or entry.kind == "synthesized":
        return []
    if entry.kind == "script":
        assert entry.path is not None
        return [str(entry.path.parent)]
    return [entry.entry.partition(":")[0].split(".")[0]]


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
    config: pytest.Config, requirements: RequirementsFile | None, sources: dict[str, str]
) -> EntrySpec | None:
    from pytest_iac.config.entry import EntryError, EntrySpec

    value, origin, base = raw_setting(config, "iac_app")
    app = requirements.app if requirements else None
    if value is None and app is not None and app.entry:
        value, origin = app.entry, f"app.entry in {Path(requirements.path).name}"  # type: ignore[union-attr]
        base = Path(requirements.path).parent  # type: ignore[union-attr]
    if value is None:
        return None
    sources["entry"] = origin
    stack_id = raw_setting(config, "iac_stack_id")[0] or (app.stack_id if app else None)
    kwargs = dict(app.kwargs) if app else {}
    kwargs.update(_kwargs(config))
    spec = EntrySpec(entry=value, origin=origin, base_dir=base, stack_id=stack_id, kwargs=kwargs)
    try:
        spec.kind  # noqa: B018 - a wrong form is a usage error now, not a failure in every test
    except EntryError as exc:
        raise pytest.UsageError(str(exc)) from None
    return spec


def _kwargs(config: pytest.Config) -> dict[str, Any]:
    lines, origin, _ = raw_setting(config, "iac_app_kwargs")
    parsed: dict[str, Any] = {}
    for line in lines or []:
        key, sep, text = line.partition("=")
        key = key.strip()
        if not sep or not key.isidentifier():
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

