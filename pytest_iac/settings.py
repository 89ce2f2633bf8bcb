"""Command-line options and their ini twins, resolved once (option > ini > YAML > default).

Only the standard library and pytest are imported here: this module is loaded with the plugin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

import pytest

if TYPE_CHECKING:
    from pytest_iac.entry import EntrySpec
    from pytest_iac.requirements import RequirementsFile


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
)


@dataclass(frozen=True)
class Settings:
    """Everything the plugin was asked to do, resolved once in ``pytest_configure``."""

    entry: EntrySpec | None
    requirements: RequirementsFile | None
    strict: bool
    report_json: Path | None
    report_md: Path | None
    sources: Mapping[str, str] = field(default_factory=dict)  # setting -> where it came from


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("iac", "infrastructure-as-code gate (pytest-iac)")
    for opt in OPTIONS:
        if opt.kind == "bool":
            group.addoption(opt.flag, action="store_true", default=None, dest=opt.name, help=opt.help)
        elif opt.kind == "linelist":
            group.addoption(opt.flag, action="append", default=None, dest=opt.name,
                            metavar=opt.metavar, help=opt.help)
        else:
            group.addoption(opt.flag, default=None, dest=opt.name, metavar=opt.metavar, help=opt.help)
        parser.addini(opt.name, opt.help, type=opt.kind if opt.kind != "float" else "string")


def _raw(config: pytest.Config, name: str) -> tuple[Any, str, Path]:
    """The value of a setting, where it came from, and the directory relative paths start at."""
    cli = config.getoption(name)
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
    return Settings(
        entry=_entry(config, requirements, sources),
        requirements=requirements,
        strict=bool(_raw(config, "iac_strict")[0]),
        report_json=_path(config, "iac_report_json"),
        report_md=_path(config, "iac_report_md"),
        sources=sources,
    )


def _path(config: pytest.Config, name: str) -> Path | None:
    value, _, base = _raw(config, name)
    return (base / value).resolve() if value else None


def _load_requirements(config: pytest.Config, sources: dict[str, str]) -> RequirementsFile | None:
    value, origin, base = _raw(config, "iac_requirements")
    if not value:
        return None
    from pytest_iac.requirements import RequirementsError, load_requirements

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
    from pytest_iac.entry import EntrySpec

    value, origin, base = _raw(config, "iac_app")
    app = requirements.app if requirements else None
    if value is None and app is not None and app.entry:
        value, origin = app.entry, f"app.entry in {Path(requirements.path).name}"  # type: ignore[union-attr]
        base = Path(requirements.path).parent  # type: ignore[union-attr]
    if value is None:
        return None
    sources["entry"] = origin
    stack_id = _raw(config, "iac_stack_id")[0] or (app.stack_id if app else None)
    kwargs = dict(app.kwargs) if app else {}
    kwargs.update(_kwargs(config))
    return EntrySpec(entry=value, origin=origin, base_dir=base, stack_id=stack_id, kwargs=kwargs)


def _kwargs(config: pytest.Config) -> dict[str, Any]:
    lines, origin, _ = _raw(config, "iac_app_kwargs")
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

