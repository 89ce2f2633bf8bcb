"""A plain Terraform module as the entry: its plan, made offline in a private copy, read as a
Synthesis whose one stack is the plan seen through ``plan_adapter``.

``terraform init -backend=false`` (providers from the offline mirror), ``plan -refresh=false``
and ``show -json`` run in a copy of the module: the user's tree is never written to, and an
override file (the deploy tier's) gives every AWS provider block dummy credentials and skips the
calls that need an account. A failure is one ``EntryError`` with terraform's own diagnostics,
each as ``file:line`` in the user's module.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pytest_iac.config.entry import EntryError, EntrySpec
from pytest_iac.synthesis.plan_redact import redact_plan
from pytest_iac.synthesis.synthesize import SynthesizedStack, Synthesis

__all__ = ["PLAN_FILE", "PlanSynthesis", "module_copy", "plan_env", "plan_module", "read_plan"]

PLAN_FILE = "plan.json"
VARS_FILE = "zz-pytest-iac.tfvars.json"
BACKEND_OVERRIDE = "zz_pytest_iac_backend_override.tf.json"
INIT_TIMEOUT, PLAN_TIMEOUT = 300.0, 900.0
_COPY_IGNORED = shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.tfstate", "*.tfstate.backup",
                                       ".git", "__pycache__", ".pytest_cache")


@dataclass
class PlanSynthesis(Synthesis):
    """The plan of a Terraform module: ``.plan`` (terraform's JSON), ``.module_dir`` (the user's
    module), ``.module_dirs`` (module path -> its source directory, ``""`` the root)."""

    plan: dict[str, Any] = field(default_factory=dict, repr=False)
    module_dir: Path = Path(".")
    module_dirs: dict[str, Path] = field(default_factory=dict)
    _check_configs: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def check_template(self, name: str) -> Any:
        """The plan as the checks read it (``plan_check_view``): references where the plan
        has values known only after apply, unset attributes left out."""
        from pytest_iac.assertions.plan_check_view import check_config
        from pytest_iac.assertions.template import Template

        if name not in self._check_configs:  # built once: every check item asks for it
            self._check_configs[name] = check_config(self.plan, self.stacks[name].config, self.block_sources())
        return Template(self._check_configs[name], stack_name=name)

    def block_sources(self) -> dict[str, Any]:
        """Block address (no instance keys) -> its arguments as read from the module's files;
        ``<module path>.locals`` -> that module's locals."""
        from pytest_iac.terraform.hcl_blocks import module_blocks, module_locals

        sources = {}
        for path, directory in self.module_dirs.items():
            prefix = f"{path}." if path else ""
            if not directory.is_dir():
                continue
            for block in module_blocks(directory):
                if block.kind in ("resource", "data", "module") and isinstance(block.body, dict):
                    sources[prefix + block.address] = block.body
            sources[prefix + "locals"] = module_locals(directory)  # no block address lacks a dot
        return sources

    def addresses(self) -> list[str]:
        return [f"{name}:{address}" for name in self.stacks for address in self.stack(name).resource_addresses]

    def resource_paths(self) -> dict[str, str]:
        """A module's tree stands in for the construct tree: ``module.net.aws_subnet.s[0]`` of
        module ``infra`` -> ``infra/net/aws_subnet.s[0]``."""
        paths = {}
        for name in self.stacks:
            for address in self.stack(name).resource_addresses:
                modules, rest = [], address
                while rest.startswith("module.") and rest.count(".") >= 3:
                    _, module, rest = rest.split(".", 2)
                    modules.append(module)
                paths[f"{name}:{address}"] = "/".join([name, *modules, rest])
        return paths


def read_plan(spec: EntrySpec, plan: dict[str, Any], timings: dict[str, float]) -> PlanSynthesis:
    """The Synthesis of a module's plan JSON (a fresh plan or the cache's copy)."""
    from pytest_iac.assertions.plan_adapter import template_config

    assert spec.path is not None
    name = spec.path.name
    from pytest_iac.terraform.hcl_blocks import backend

    config = template_config(plan, name)
    written = backend(spec.path)  # the plan has none: it was made with -backend=false
    if written is not None:
        config["terraform"] = {"cloud": written[1]} if written[0] == "cloud" else {"backend": {written[0]: written[1]}}
    stack = SynthesizedStack(name=name, path=spec.path / PLAN_FILE, config=config)
    return PlanSynthesis(entry=spec.entry, outdir=spec.path, manifest={}, stacks={name: stack}, timings=timings,
                         plan=plan, module_dir=spec.path, module_dirs=module_dirs(plan, spec.path))


def module_dirs(plan: dict[str, Any], root: Path) -> dict[str, Path]:
    """Module path (``module.m.module.n``) -> the directory of its local source."""
    found = {"": root}

    def walk(module: dict[str, Any], prefix: str, directory: Path) -> None:
        for name, call in module.get("module_calls", {}).items():
            source = str(call.get("source", ""))
            if not source.startswith(("./", "../")):
                continue  # a registry or remote module: its files are not the user's
            path = f"{prefix}module.{name}"
            child = (directory / source).resolve()
            found[path] = child
            walk(call.get("module", {}), path + ".", child)

    walk(plan.get("configuration", {}).get("root_module", {}), "", root)
    return found


def plan_module(spec: EntrySpec, workdir: Path, *, terraform: str, plugin_dirs: list[Path]) -> PlanSynthesis:
    """Plan ``spec``'s module in a copy under ``workdir``; ``EntryError`` on any failure. Data
    sources that call AWS are read from a moto server started for the plan (and stopped after)."""
    assert spec.path is not None
    started = time.perf_counter()
    calling = aws_data_sources(spec.path)
    moto = _start_moto(spec, workdir, calling) if calling else None
    try:
        return _plan(spec, workdir, terraform, plugin_dirs, started, moto.url if moto else None)
    finally:
        if moto is not None:
            moto.stop()


def _plan(spec: EntrySpec, workdir: Path, terraform: str, plugin_dirs: list[Path], started: float,
          endpoint: str | None) -> PlanSynthesis:
    from pytest_iac.terraform.errors import TerraformError, TerraformUnavailable
    from pytest_iac.terraform.process import run

    assert spec.path is not None
    copy = module_copy(spec.path, workdir, endpoint=endpoint)
    var_args = _var_args(spec, copy)
    env = plan_env(workdir)
    timings: dict[str, float] = {}
    try:
        began = time.perf_counter()
        no_backend = [] if (copy / BACKEND_OVERRIDE).exists() else ["-backend=false"]
        init = run([terraform, "init", *no_backend, "-input=false", "-no-color",
                    *(f"-plugin-dir={d}" for d in plugin_dirs)],
                   cwd=copy, env=env, timeout=INIT_TIMEOUT, what="terraform init", check=False)
        timings["init"] = time.perf_counter() - began
        if init.returncode != 0:
            raise EntryError(_init_error(spec, init.stdout + init.stderr, plugin_dirs))
        began = time.perf_counter()
        plan = run([terraform, "plan", "-refresh=false", "-input=false", "-no-color", "-lock=false", "-json",
                    "-out=plan.bin", *var_args], cwd=copy, env=env, timeout=PLAN_TIMEOUT, what="terraform plan",
                   check=False)
        timings["plan"] = time.perf_counter() - began
        if plan.returncode != 0:
            raise EntryError(_plan_error(spec, plan.stdout, plan.stderr, copy))
        began = time.perf_counter()
        shown = run([terraform, "show", "-json", "-no-color", "plan.bin"], cwd=copy, env=env, timeout=PLAN_TIMEOUT,
                    what="terraform show")
        timings["show"] = time.perf_counter() - began
    except TerraformUnavailable as exc:
        raise EntryError(f"stack entry {spec.describe()} is a Terraform module, and {exc}") from None
    except TerraformError as exc:
        raise EntryError(f"stack entry {spec.describe()}: {exc}") from None
    try:
        data = redact_plan(json.loads(shown.stdout))
    except ValueError:
        raise EntryError(f"stack entry {spec.describe()}: terraform show -json gave no JSON") from None
    for secret_bearing in (copy / "plan.bin", copy / VARS_FILE):  # the unredacted plan, the given variables
        secret_bearing.unlink(missing_ok=True)
    (workdir / PLAN_FILE).write_text(json.dumps(data), encoding="utf-8")
    timings["total"] = time.perf_counter() - started
    return read_plan(spec, data, timings)


def module_copy(module: Path, workdir: Path, endpoint: str | None = None) -> Path:
    """A private copy of ``module`` under ``workdir`` (terraform's own files left out), with the
    provider override file (``endpoint``: a moto server for data sources that call AWS):
    terraform runs there, never in the user's tree. A module's ``.tf`` file linked to nothing is
    an ``EntryError`` naming it; another dangling link (no file terraform reads) is left out."""
    from pytest_iac.synthesis.plan_inputs import broken_module_links

    broken = broken_module_links(module)
    if broken:
        raise EntryError(f"the Terraform module {module} cannot be planned: {broken[0]}")
    copy = workdir / "module"
    shutil.copytree(module, copy, ignore=_COPY_IGNORED, symlinks=False, ignore_dangling_symlinks=True)
    _write_override(copy, endpoint, aws_data_sources(module) if endpoint else [])
    _write_backend_override(copy)
    return copy


def _write_backend_override(copy: Path) -> None:
    """A module's own backend (``s3``, ``cloud``) replaced by a local one in the copy: plan
    needs the backend the configuration names initialized, and ``-backend=false`` leaves it not."""
    from pytest_iac.terraform.hcl_blocks import backend

    if backend(copy) is not None:
        local = {"terraform": {"backend": {"local": {"path": "terraform.tfstate"}}}}
        (copy / BACKEND_OVERRIDE).write_text(json.dumps(local, indent=2) + "\n", encoding="utf-8")


def aws_data_sources(module: Path) -> list[str]:
    """Types of the data sources of ``module`` and its local child modules that call an AWS API
    (``aws_availability_zones``, ``aws_caller_identity``; not ``aws_iam_policy_document``)."""
    from pytest_iac.deploy.endpoints import service_for
    from pytest_iac.terraform.hcl_blocks import module_blocks

    found: set[str] = set()
    pending, seen = [module.resolve()], set()
    while pending:
        directory = pending.pop()
        if directory in seen or not directory.is_dir():
            continue
        seen.add(directory)
        for block in module_blocks(directory):
            if block.kind == "data" and block.type.startswith("aws_") and service_for(block.type):
                found.add(block.type)
            source = block.source() if block.kind == "module" else None
            if source and source.startswith(("./", "../")):
                pending.append((directory / source).resolve())
    return sorted(found)


def _start_moto(spec: EntrySpec, workdir: Path, types: list[str]) -> Any:
    from pytest_iac.deploy.moto_server import MotoServer, MotoUnavailable, moto_missing

    missing = moto_missing()
    if missing is None:
        try:
            return MotoServer.start(workdir)
        except MotoUnavailable as exc:
            missing = str(exc)
    raise EntryError(f"stack entry {spec.describe()}: the module's data sources {', '.join(types)} call AWS, "
                     f"and pytest-iac plans them against a local moto server, which cannot start: {missing}. "
                     "Install it: pip install 'pytest-iac[deploy]'")


def _write_override(copy: Path, endpoint: str | None = None, data_types: list[str] = ()) -> None:  # type: ignore[assignment]
    """The deploy tier's override file, offline: for each root ``provider "aws"`` block (and a
    plain provider file when the module has none, since an override cannot add a block)."""
    from pytest_iac.deploy.apply import OVERRIDE_FILE, override_config
    from pytest_iac.terraform.hcl_blocks import module_blocks

    every = module_blocks(copy)
    blocks = [b for b in every if b.kind == "provider" and b.type == "aws"]
    if not blocks and not any(b.type.startswith("aws_") for b in every) and not any(b.kind == "module" for b in every):
        return
    provider = {"aws": [{"alias": b.name} if b.name else {} for b in blocks]}
    config = {"provider": provider, "data": {t: {} for t in data_types}}
    override = override_config(config, endpoint=endpoint, offline=True)
    override.pop("terraform", None)  # -backend=false: no backend to override
    if blocks:
        (copy / OVERRIDE_FILE).write_text(json.dumps(override, indent=2) + "\n", encoding="utf-8")
    else:
        (copy / "zz_pytest_iac_provider.tf.json").write_text(json.dumps(override, indent=2) + "\n", encoding="utf-8")


def _var_args(spec: EntrySpec, copy: Path) -> list[str]:
    args = [f"-var-file={Path(f).resolve()}" for f in spec.var_files]
    if spec.tf_vars:
        (copy / VARS_FILE).write_text(json.dumps(dict(spec.tf_vars)), encoding="utf-8")
        args.append(f"-var-file={VARS_FILE}")
    return args


def plan_env(workdir: Path) -> dict[str, str]:
    """terraform's environment for a module copy: private CLI config, dummy AWS credentials."""
    from pytest_iac.deploy.apply import DUMMY_KEY
    from pytest_iac.terraform.workdir import private_cli_config, terraform_env

    env = terraform_env(private_cli_config(workdir / "terraform.tfrc"))
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE",
                 "AWS_SHARED_CREDENTIALS_FILE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"):
        env.pop(name, None)
    env.update(AWS_ACCESS_KEY_ID=DUMMY_KEY, AWS_SECRET_ACCESS_KEY=DUMMY_KEY, AWS_EC2_METADATA_DISABLED="true")
    env.setdefault("AWS_DEFAULT_REGION", env.get("AWS_REGION", "us-east-1"))
    return env


def _init_error(spec: EntrySpec, output: str, plugin_dirs: list[Path]) -> str:
    from pytest_iac.terraform.plan_errors import init_error

    return init_error(spec.describe(), spec.path, output, plugin_dirs)  # type: ignore[arg-type]


def _plan_error(spec: EntrySpec, stdout: str, stderr: str, copy: Path) -> str:
    from pytest_iac.terraform.plan_errors import plan_error

    return plan_error(spec.describe(), spec.path, copy, stdout, stderr)  # type: ignore[arg-type]
