"""Turn a stack entry into a Synthesis: Terraform JSON per stack, read from a cdktf output dir.

cdktf (or its continuation cdktn) is imported here, lazily, and only for entries that need
synthesizing. Every ``App`` the user's code creates while we run it is redirected into a
private output directory, so synthesis never writes into the user's tree.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import inspect
import json
import os
import runpy
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable, Iterable

from pytest_iac import _json
from pytest_iac.config.entry import EntryError, EntrySpec, user_traceback
from pytest_iac.synthesis.guard import guarded
from pytest_iac.synthesis.hooks import CreatedApp, recorded_assets, recording_environ, redirected_apps
from pytest_iac.synthesis.layout import StackPaths, entry_package_dir, project_layout
from pytest_iac.synthesis.shapes import manifest_problem, stack_problem

if TYPE_CHECKING:
    from pytest_iac.assertions.template import Template

FRAMEWORKS = ("cdktf", "cdktn")


@dataclass(frozen=True)
class SynthesizedStack:
    """One stack of the synthesis: its name, its ``cdk.tf.json`` and the parsed config."""

    name: str
    path: Path
    config: dict[str, Any]
    working_dir: Path | None = None  # where cdktf runs terraform; None: ``directory`` itself
    anchor: Path | None = None  # the project directory

    @property
    def directory(self) -> Path:
        """The stack's directory in the output (private, unless the entry was an output dir)."""
        return self.path.parent

    @property
    def paths(self) -> StackPaths:
        """How the stack's relative paths resolve: as ``cdktf deploy`` would (synthesis/layout.py)."""
        working = self.working_dir or self.directory
        anchor = self.anchor if self.anchor is not None and working.is_relative_to(self.anchor) else working.parent
        return StackPaths(self.directory, working, anchor)

    @property
    def resource_count(self) -> int:
        return sum(len(group) for group in self.config.get("resource", {}).values())


@dataclass
class Synthesis:
    """The result of synthesizing the stack entry once for the session."""

    entry: str
    outdir: Path
    manifest: dict[str, Any]
    stacks: dict[str, SynthesizedStack]
    timings: dict[str, float]
    env_read: tuple[str, ...] = ()
    asset_paths: tuple[str, ...] = ()  # what TerraformAssets were made from (read by node, not Python)
    cache: str | None = None  # "hit" or "miss" when the synthesis cache was used
    project_dir: Path | None = None  # directory of cdktf.json, or of the entry (synthesis/layout.py)
    package_dir: Path | None = None  # directory of the entry's module or script
    notes: tuple[str, ...] = ()  # said once in the terminal summary (e.g. Apps made at import time, ignored)
    saved_seconds: float | None = None  # on a cache hit: the cold synthesis's time minus the hit's
    on_examine: Callable[[str], None] | None = None
    _templates: dict[str, Template] = field(default_factory=dict, repr=False)

    @property
    def stack_names(self) -> list[str]:
        return list(self.stacks)

    @property
    def resource_count(self) -> int:
        return sum(stack.resource_count for stack in self.stacks.values())

    def stack(self, name: str) -> Template:
        """The query object of the stack called ``name``."""
        if name not in self.stacks:
            from pytest_iac._text import closest

            hint = closest(name, self.stacks)
            raise LookupError(
                f"no stack named {name!r} in this synthesis; stacks: {', '.join(self.stacks)}"
                + (f". Did you mean {hint!r}?" if hint else "")
            )
        if name not in self._templates:
            from pytest_iac.assertions.template import Template

            self._templates[name] = Template(
                self.stacks[name].config,
                stack_name=name,
                on_examine=lambda address: self._examined(name, address),
            )
        return self._templates[name]

    def check_template(self, name: str) -> Template:
        """A query object for checks: their reads never count as a test's assertions."""
        from pytest_iac.assertions.template import Template

        return Template(self.stacks[name].config, stack_name=name)

    def _examined(self, stack: str, address: str) -> None:
        if self.on_examine is not None:
            self.on_examine(f"{stack}:{address}")

    def addresses(self) -> list[str]:
        """Every resource as ``stack:type.name``."""
        return [
            f"{name}:{rtype}.{rname}"
            for name, stack in self.stacks.items()
            for rtype, group in stack.config.get("resource", {}).items()
            for rname in group
        ]

    def resource_paths(self) -> dict[str, str]:
        """The construct path of every resource that records one, by ``stack:type.name``."""
        paths = {}
        for name, stack in self.stacks.items():
            for rtype, group in stack.config.get("resource", {}).items():
                for rname, body in group.items():
                    meta = body.get("//", {}).get("metadata", {}) if isinstance(body, dict) else {}
                    if isinstance(meta, dict) and isinstance(meta.get("path"), str):
                        paths[f"{name}:{rtype}.{rname}"] = meta["path"]
        return paths

    def summary(self) -> dict[str, Any]:
        return {
            "entry": self.entry,
            "stacks": list(self.stacks),
            "resources": self.resource_count,
            "seconds": round(self.timings.get("total", 0.0), 3),
            "import_seconds": round(self.timings.get("import", 0.0), 3),
            "synth_seconds": round(self.timings.get("synth", 0.0), 3),
            "cache": self.cache,
            "env_read": list(self.env_read),
            "notes": list(self.notes),
        }

    def single_stack(self) -> Template:
        if len(self.stacks) != 1:
            raise LookupError(
                f"the app has {len(self.stacks)} stacks ({', '.join(self.stacks) or 'none'}); "
                "iac_stack needs exactly one. Use iac_synth.stack(name) to choose."
            )
        return self.stack(next(iter(self.stacks)))


def synthesize(spec: EntrySpec, workdir: Path, timeout: float | None = None) -> Synthesis:
    """Synthesize ``spec`` into ``workdir`` (or read it, for already synthesized output); the
    entry's code runs guarded (``timeout`` seconds at most, no exit, no fork)."""
    started = time.perf_counter()
    if spec.kind == "synthesized":
        assert spec.path is not None
        return _read_synthesized(spec, spec.path, {"import": 0.0, "synth": 0.0}, started)
    framework = _import_framework(spec)
    notes: tuple[str, ...] = ()
    with recording_environ() as env_read, redirected_apps(framework, workdir) as apps, \
            recorded_assets(framework) as asset_paths, guarded(spec, timeout):
        if spec.kind == "script":  # a script's imports and synthesis can't be told apart: every App counts
            timings = {"import": time.perf_counter() - started}
            _run_script(spec)
            counted = list(apps)
        else:
            target = _resolve_callable(spec)  # imports the stack code, and the providers it uses
            timings = {"import": time.perf_counter() - started}
            imported = list(apps)
            synthesized = _run_callable(spec, framework, target)
            counted = [a for a in apps if a.outdir == synthesized]
            notes = _ignored_note(imported)
    timings["synth"] = time.perf_counter() - started - timings["import"]
    outdirs = [Path(a.outdir) for a in counted if (Path(a.outdir) / "manifest.json").exists()]
    if not outdirs:
        raise EntryError(
            f"stack entry {spec.describe()} synthesized nothing: "
            + ("it created no App" if not apps else "it created an App but never called app.synth()")
            + ". An entry script must build an App, add stacks and call app.synth()."
        )
    synthesis = _read_synthesized(spec, outdirs[0], timings, started)
    for extra in outdirs[1:]:
        synthesis.stacks.update(_read_synthesized(spec, extra, timings, started).stacks)
    synthesis.env_read = stack_env(env_read)
    synthesis.asset_paths = tuple(sorted(asset_paths))
    synthesis.notes = notes
    return synthesis


def _ignored_note(imported: list[CreatedApp]) -> tuple[str, ...]:
    """Apps that importing the user's modules created (an ``app.synth()`` at module level) are
    not the entry's: one note names them, and their stacks are left out."""
    if not imported:
        return ()
    modules = ", ".join(dict.fromkeys(a.module for a in imported))
    count = len(imported)
    return (f"ignored {count} App{'s' if count != 1 else ''} created while importing {modules}",)


def stack_env(names: Iterable[str]) -> tuple[str, ...]:
    """The variables the stack code read: jsii reads its own ``JSII_*`` settings meanwhile,
    which are neither the stack's inputs nor news to its author."""
    return tuple(sorted(name for name in names if not name.startswith("JSII_")))


def _import_framework(spec: EntrySpec) -> ModuleType:
    installed = [name for name in FRAMEWORKS if importlib.util.find_spec(name) is not None]
    if not installed:
        raise EntryError(
            f"stack entry {spec.describe()} needs cdktf or cdktn, and neither is installed. "
            "Install one: pip install 'pytest-iac[cdktf]' (or 'pytest-iac[cdktn]')."
        )
    already = [name for name in installed if name in sys.modules]
    return importlib.import_module((already or installed)[0])


def _run_script(spec: EntrySpec) -> None:
    assert spec.path is not None
    script = spec.path
    saved_cwd, saved_path = os.getcwd(), list(sys.path)
    sys.path.insert(0, str(script.parent))
    os.chdir(script.parent)
    try:
        runpy.run_path(str(script), run_name="__main__")
    except SystemExit as exc:
        if exc.code not in (None, 0):
            raise EntryError(f"stack entry {spec.describe()} exited with status {exc.code}") from None
    except Exception as exc:
        raise EntryError(_raised(spec, exc)) from None
    finally:
        os.chdir(saved_cwd)
        sys.path[:] = saved_path


def _run_callable(spec: EntrySpec, framework: ModuleType, target: Callable[..., Any]) -> str:
    """Call the entry and synthesize the App it built on (the one made here, or the one it
    returns); returns that App's output directory."""
    app = framework.App()
    try:
        if isinstance(target, type) and issubclass(target, framework.TerraformStack):
            result = target(app, spec.stack_id or target.__name__, **spec.kwargs)
        elif _accepts_app(target, spec.kwargs):
            result = target(app, **spec.kwargs)
        else:
            result = target(**spec.kwargs)
        to_synth = _app_of(result, framework, spec)
        to_synth.synth()
        return str(to_synth.outdir)
    except EntryError:
        raise
    except Exception as exc:
        raise EntryError(_raised(spec, exc)) from None


def _resolve_callable(spec: EntrySpec) -> Callable[..., Any]:
    module_name, _, attr_path = spec.entry.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            raise EntryError(
                f"stack entry {spec.describe()}: no module named {exc.name!r}. Check the "
                "spelling, and put the project root on sys.path (pytest's 'pythonpath' ini option)."
            ) from None
        raise EntryError(_raised(spec, exc, "importing")) from None
    except Exception as exc:
        raise EntryError(_raised(spec, exc, "importing")) from None
    target: Any = module
    for part in attr_path.split("."):
        if not hasattr(target, part):
            from pytest_iac._text import closest

            hint = closest(part, [n for n in dir(target) if not n.startswith("_")])
            raise EntryError(
                f"stack entry {spec.describe()}: module {module_name!r} has no attribute {part!r}"
                + (f". Did you mean {hint!r}?" if hint else ".")
            )
        target = getattr(target, part)
    if not callable(target):
        raise EntryError(f"stack entry {spec.describe()}: {attr_path!r} is not callable")
    return target


def _accepts_app(target: Callable[..., Any], kwargs: Any) -> bool:
    """True when the callable has a positional parameter that the kwargs do not fill."""
    try:
        params = inspect.signature(target).parameters.values()
    except (TypeError, ValueError):
        return False
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return any(p.kind in positional and p.name not in kwargs for p in params)


def _app_of(result: Any, framework: ModuleType, spec: EntrySpec) -> Any:
    if isinstance(result, framework.App):
        return result
    if isinstance(result, framework.TerraformStack):
        return framework.App.of(result)
    raise EntryError(
        f"stack entry {spec.describe()} returned {type(result).__name__}; "
        f"it must return a {framework.__name__}.TerraformStack or {framework.__name__}.App."
    )


def _raised(spec: EntrySpec, exc: BaseException, doing: str = "running") -> str:
    return f"stack entry {spec.describe()} raised while {doing} it:\n{user_traceback(exc)}"


def check_synthesized(spec: EntrySpec) -> None:
    """Read an already synthesized entry now, so a broken or hostile one is a usage error (exit 4)
    at startup rather than the same failure in every test."""
    assert spec.path is not None
    _read_synthesized(spec, spec.path, {}, time.perf_counter())


def read_output(spec: EntrySpec, outdir: Path, timings: dict[str, float]) -> Synthesis:
    """A Synthesis from an output directory made earlier (the cache's copy)."""
    return _read_synthesized(spec, outdir, timings, time.perf_counter())


def _read_synthesized(
    spec: EntrySpec, location: Path, timings: dict[str, float], started: float
) -> Synthesis:
    if location.is_file():
        outdir, manifest = location.parent, {}
        stacks = {location.parent.name: _load_stack(spec, location.parent.name, location)}
    else:
        outdir = location
        manifest = _load_json(spec, location / "manifest.json") if (location / "manifest.json").exists() else {}
        problem = manifest_problem(manifest)
        if problem is not None:
            raise EntryError(f"stack entry {spec.describe()}: {location / 'manifest.json'}: {problem}")
        paths = {
            name: location / entry["synthesizedStackPath"]
            for name, entry in manifest.get("stacks", {}).items()
        } or {p.parent.name: p for p in sorted(location.glob("stacks/*/cdk.tf.json"))}
        if not paths and (location / "cdk.tf.json").exists():
            paths = {location.name: location / "cdk.tf.json"}
        if not paths:
            raise EntryError(
                f"stack entry {spec.describe()}: {location} holds no synthesized stack "
                "(no manifest.json, stacks/*/cdk.tf.json or cdk.tf.json) and is no Terraform module "
                "(no *.tf or *.tf.json files). Run 'cdktf synth' first, or name the module's directory."
            )
        stacks = {name: _load_stack(spec, name, path) for name, path in paths.items()}
    layout = project_layout(spec)
    if spec.kind != "synthesized":  # synthesized elsewhere than cdktf would: resolve from where it would
        working = manifest.get("stacks", {})
        stacks = {name: dataclasses.replace(stack, working_dir=layout.working_dir(
                      name, (working.get(name) or {}).get("workingDirectory")))
                  for name, stack in stacks.items()}
    stacks = {name: dataclasses.replace(stack, anchor=layout.project_dir) for name, stack in stacks.items()}
    timings = dict(timings, total=time.perf_counter() - started)
    return Synthesis(entry=spec.entry, outdir=outdir, manifest=manifest, stacks=stacks, timings=timings,
                     project_dir=layout.project_dir, package_dir=entry_package_dir(spec))


def _load_stack(spec: EntrySpec, name: str, path: Path) -> SynthesizedStack:
    config = _load_json(spec, path)
    problem = stack_problem(config)
    if problem is not None:
        raise EntryError(f"stack entry {spec.describe()}: {path} is not Terraform JSON as cdktf writes it: {problem}")
    return SynthesizedStack(name=name, path=path, config=config)


def _load_json(spec: EntrySpec, path: Path) -> Any:
    try:
        if not path.is_file():  # a FIFO or a device would block or never end
            raise EntryError(f"stack entry {spec.describe()}: {path} is "
                             + ("missing" if not path.exists() else "not a regular file"))
        return _json.loads(path.read_text(encoding="utf-8"))
    except _json.JsonTooDeep as exc:
        raise EntryError(f"stack entry {spec.describe()}: {path}: {exc}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EntryError(f"stack entry {spec.describe()}: cannot read {path}: {exc}") from None
