"""The terraform CLI, offline: find the binary and a local provider source, validate a stack.

``validate`` never writes into the user's tree: it copies ``cdk.tf.json`` into a private temporary
directory, symlinks the stack directory's other files (``assets/``, zips) next to it, runs
``terraform init -backend=false -plugin-dir=<mirror>`` and ``terraform validate -json``, maps each
diagnostic to a resource address and removes the directory. With an unpacked mirror terraform
symlinks the provider's platform directory into ``.terraform/providers``; a packed (``.zip``)
mirror is extracted, i.e. copied, unless a plugin cache is configured.
"""

from __future__ import annotations

import bisect
import functools
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

__all__ = [
    "Diagnostic", "LineIndex", "Mirror", "ProviderRequirement", "Terraform", "TerraformError",
    "TerraformUnavailable", "ValidateResult", "find_mirror", "find_terraform", "parse_diagnostics",
    "plugin_dir_candidates", "required_providers", "validate",
]

CONFIG_FILE = "cdk.tf.json"
DEFAULT_HOST = "registry.terraform.io"
BUILTIN_SOURCES = frozenset({"terraform.io/builtin/terraform"})
INIT_TIMEOUT, VALIDATE_TIMEOUT = 120.0, 300.0
# terraform's own files in a stack dir: never linked into the private copy
_NOT_LINKED = re.compile(r"^(\.terraform|\.terraform\.lock\.hcl|terraform\.tfstate.*|.*\.tfstate(\.backup)?"
                         r"|\.terraform\.tfstate\.lock\.info|.*\.tf|.*\.tf\.json|.*\.tfvars(\.json)?)$")
# settings of the user's terraform that must not reach a private working copy
_ENV_DROPPED = ("TF_DATA_DIR", "TF_WORKSPACE", "TF_PLUGIN_CACHE_DIR", "TF_CLI_CONFIG_FILE", "TF_REATTACH_PROVIDERS")


class TerraformUnavailable(Exception):
    """terraform, or a provider the stack needs, is not available offline here. The message is
    a skip reason: what is missing and where it was looked for."""


class TerraformError(Exception):
    """terraform ran but did not produce an answer about the stack (timeout, crash, bad output)."""


@dataclass(frozen=True)
class Terraform:
    path: str
    version: tuple[int, int, int]
    version_text: str  # "1.11.4"
    platform: str  # "linux_amd64"


def find_terraform(explicit: str | os.PathLike[str] | None = None) -> Terraform:
    """``explicit`` (a path or a name on PATH), else ``$PYTEST_IAC_TERRAFORM``, else ``terraform`` on PATH."""
    wanted = os.fspath(explicit) if explicit else os.environ.get("PYTEST_IAC_TERRAFORM") or "terraform"
    origin = "given" if explicit else ("PYTEST_IAC_TERRAFORM" if os.environ.get("PYTEST_IAC_TERRAFORM") else "PATH")
    path = shutil.which(wanted)
    if path is None:
        raise TerraformUnavailable(f"terraform not found ({origin}: {wanted!r}); "
                                   "install it or set PYTEST_IAC_TERRAFORM")
    stat = os.stat(path)
    return _version(os.path.realpath(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _version(path: str, _mtime: int, _size: int) -> Terraform:
    out = _run([path, "version", "-json"], cwd=None, env=terraform_env(None), timeout=30, what="terraform version")
    try:
        info = json.loads(out.stdout)
        text = info["terraform_version"]
    except (ValueError, KeyError, TypeError):
        raise TerraformError(f"{path} version -json gave no version:\n{tail_lines(out.stdout + out.stderr)}") from None
    return Terraform(path, parse_version(text), text, info.get("platform") or _default_platform())


def parse_version(text: str) -> tuple[int, int, int]:
    numbers = [int(n) for n in re.findall(r"\d+", text.lstrip("v").split("-")[0])[:3]]
    return tuple(numbers + [0] * (3 - len(numbers)))  # type: ignore[return-value]


def _default_platform() -> str:
    machine = os.uname().machine.lower()
    arch = {"x86_64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(machine, machine)
    return f"{os.uname().sysname.lower()}_{arch}"


# -- providers and mirrors ------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderRequirement:
    name: str  # local name, e.g. "aws"
    source: str  # fully qualified, e.g. "registry.terraform.io/hashicorp/aws"
    constraint: str | None  # e.g. "5.100.0", "~> 5.0"


def required_providers(config: Mapping[str, Any]) -> list[ProviderRequirement]:
    """``terraform.required_providers`` plus the implied ``hashicorp/<prefix>`` of any resource type
    whose provider is not declared (terraform installs those too)."""
    declared: dict[str, ProviderRequirement] = {}
    for name, spec in (config.get("terraform", {}).get("required_providers") or {}).items():
        if isinstance(spec, str):  # legacy: "aws": "~> 5.0"
            spec = {"version": spec}
        declared[name] = ProviderRequirement(name, _qualify(spec.get("source") or name), spec.get("version"))
    used: set[str] = set(config.get("provider", {}) or {})
    for section in ("resource", "data"):
        for rtype, named in (config.get(section) or {}).items():
            used.add(rtype.split("_", 1)[0])
            for body in (named or {}).values():
                if isinstance(body, Mapping) and isinstance(body.get("provider"), str):
                    used.add(body["provider"].split(".")[0])
    for name in sorted(used - set(declared) - {"terraform"}):
        declared[name] = ProviderRequirement(name, _qualify(name), None)
    return [r for r in declared.values() if r.source not in BUILTIN_SOURCES]


def _qualify(source: str) -> str:
    parts = source.lower().strip("/").split("/")
    if len(parts) == 1:
        parts = ["hashicorp", *parts]
    if len(parts) == 2:
        parts = [DEFAULT_HOST, *parts]
    return "/".join(parts)


def version_matches(version: str, constraint: str | None) -> bool:
    """Terraform version constraints: ``=``, ``!=``, ``>``, ``>=``, ``<``, ``<=``, ``~>``, comma = and."""
    if not constraint:
        return True
    have = parse_version(version)
    for part in filter(None, (p.strip() for p in constraint.split(","))):
        match = re.fullmatch(r"(=|!=|>=|<=|>|<|~>)?\s*v?([\d.]+)(-\S+)?", part)
        if not match:
            return False
        op, text = match.group(1) or "=", match.group(2)
        want = parse_version(text)
        ok = {"=": have == want, "!=": have != want, ">": have > want, ">=": have >= want,
              "<": have < want, "<=": have <= want}.get(op)
        if op == "~>":
            given = len(text.split("."))
            upper = (want[0] + 1, 0, 0) if given <= 2 else (want[0], want[1] + 1, 0)
            ok = want <= have < upper if given > 1 else have >= want
        if not ok:
            return False
    return True


@dataclass(frozen=True)
class Mirror:
    """Directories given to ``terraform init -plugin-dir``, one or more, with where each came from."""

    dirs: tuple[Path, ...]
    origins: tuple[str, ...]
    packed: bool  # some provider is only available as a .zip: terraform extracts (copies) it
    selected: tuple[tuple[str, str], ...] = ()  # (source, version) chosen per requirement


def plugin_dir_candidates(plugin_dir: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
                          *, env: Mapping[str, str] | None = None) -> list[tuple[Path, str]]:
    """Where to look, in order, with a label naming where each directory came from. A given
    ``plugin_dir`` (``os.pathsep``-separated, or a list) is the only place looked at."""
    if plugin_dir:
        given = [plugin_dir] if isinstance(plugin_dir, (str, os.PathLike)) else list(plugin_dir)
        dirs = [p for item in given for p in os.fspath(item).split(os.pathsep) if p]
        return [(Path(os.path.expanduser(d)), "given plugin dir") for d in dirs]
    env = os.environ if env is None else env
    home = Path(env.get("HOME") or os.path.expanduser("~"))
    found: list[tuple[Path, str]] = []
    if env.get("TF_PLUGIN_CACHE_DIR"):
        found.append((Path(_expand(env["TF_PLUGIN_CACHE_DIR"], env)), "TF_PLUGIN_CACHE_DIR"))
    for config_file in _cli_config_files(env, home):
        text = _read(config_file)
        for path in _FS_MIRROR.findall(text):
            found.append((Path(_expand(path, env)), f"filesystem_mirror in {config_file}"))
        for path in _CACHE_DIR.findall(text):
            found.append((Path(_expand(path, env)), f"plugin_cache_dir in {config_file}"))
    found.append((home / ".terraform.d" / "plugins", "~/.terraform.d/plugins"))
    data_home = env.get("XDG_DATA_HOME") or str(home / ".local" / "share")
    found.append((Path(data_home) / "terraform" / "plugins", "XDG_DATA_HOME/terraform/plugins"))
    for data_dir in (env.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share").split(":"):
        if data_dir:
            found.append((Path(data_dir) / "terraform" / "plugins", f"{data_dir}/terraform/plugins"))
    unique: dict[Path, str] = {}
    for path, origin in found:
        unique.setdefault(path, origin)
    return list(unique.items())


_FS_MIRROR = re.compile(r'filesystem_mirror"?\s*[:=]?\s*[{\[]\s*{?[^}]*?"?path"?\s*[:=]\s*"([^"]+)"', re.S)
_CACHE_DIR = re.compile(r'"?plugin_cache_dir"?\s*[:=]\s*"([^"]+)"')


def _cli_config_files(env: Mapping[str, str], home: Path) -> list[Path]:
    main = Path(env["TF_CLI_CONFIG_FILE"]) if env.get("TF_CLI_CONFIG_FILE") else home / ".terraformrc"
    extra = sorted((home / ".terraform.d").glob("*.tfrc*")) if (home / ".terraform.d").is_dir() else []
    return [p for p in [main, *extra] if p.is_file()]


def _expand(path: str, env: Mapping[str, str]) -> str:
    path = re.sub(r"\$\{?(\w+)\}?", lambda m: env.get(m.group(1), m.group(0)), path)
    return os.path.expanduser(path)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def available_versions(directory: Path, source: str, platform: str) -> dict[str, bool]:
    """Versions of ``source`` for ``platform`` in a mirror directory -> packed (True) or unpacked."""
    base = directory / source
    kind = source.rsplit("/", 1)[-1]
    found: dict[str, bool] = {}
    if not base.is_dir():
        return found
    for entry in base.iterdir():
        binaries = entry / platform
        if entry.is_dir() and binaries.is_dir() and any(binaries.glob(f"terraform-provider-{kind}*")):
            found[entry.name] = False
        match = re.fullmatch(rf"terraform-provider-{re.escape(kind)}_(.+)_{re.escape(platform)}\.zip", entry.name)
        if match and entry.is_file():
            found.setdefault(match.group(1), True)
    return found


def find_mirror(requirements: Iterable[ProviderRequirement], *, platform: str,
                plugin_dir: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
                env: Mapping[str, str] | None = None) -> Mirror:
    """The plugin directories that hold every required provider (newest matching version
    first), or ``TerraformUnavailable`` naming what is missing and every place looked at."""
    candidates = plugin_dir_candidates(plugin_dir, env=env)
    chosen: dict[Path, str] = {}
    selected: list[tuple[str, str]] = []
    packed, missing = False, []
    for req in requirements:
        for directory, origin in candidates:
            versions = {v: p for v, p in available_versions(directory, req.source, platform).items()
                        if version_matches(v, req.constraint)}
            if versions:
                best = max(versions, key=parse_version)
                chosen.setdefault(directory, origin)
                selected.append((req.source, best))
                packed = packed or versions[best]
                break
        else:
            missing.append(f"{req.source} {req.constraint or '(any version)'} for {platform}")
    if missing:
        looked = "; ".join(f"{d} ({o})" for d, o in candidates) or "nowhere"
        raise TerraformUnavailable(
            f"no offline provider source for {', '.join(missing)}; looked in: {looked}. "
            "Pass a filesystem mirror with --iac-terraform-plugin-dir or PYTEST_IAC_TF_PLUGIN_DIR")
    return Mirror(tuple(chosen), tuple(chosen.values()), packed, tuple(selected))


# -- diagnostics -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Diagnostic:
    severity: Literal["error", "warning"]
    summary: str
    detail: str
    address: str | None  # resource or data source address, e.g. aws_vpc.main / data.aws_iam_policy_document.x
    context: str | None  # terraform's snippet.context, e.g. "resource.aws_vpc.main", "output.vpc_id"
    line: int | None  # in cdk.tf.json

    @property
    def message(self) -> str:
        text = self.summary + (f": {self.detail}" if self.detail else "")
        where = [f"{CONFIG_FILE}:{self.line}" if self.line else None,
                 self.context if self.context and not self.address else None]
        where_text = ", ".join(w for w in where if w)
        return f"{text} ({where_text})" if where_text else text


class LineIndex:
    """Where each resource's and data source's JSON value lies in the configuration text, so a
    position (line, column; 1-based, as terraform reports them) maps back to an address."""

    _TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+')

    def __init__(self, text: str) -> None:
        self._newlines = [i for i, ch in enumerate(text) if ch == "\n"]
        self.spans: list[tuple[int, int, str]] = []  # (start offset, end offset, address)
        stack: list[list[Any]] = []  # [kind, path, pending key, start offset]
        for match in self._TOKEN.finditer(text):
            token, pos = match.group(), match.start()
            top = stack[-1] if stack else None
            if token == ":" or token == ",":
                continue
            if top is not None and top[0] == "{" and top[2] is None and token not in "}]":
                top[2] = json.loads(token) if token.startswith('"') else token
                continue
            path = (*top[1], top[2]) if top is not None and top[0] == "{" else (top[1] if top else ())
            if top is not None and top[0] == "{":
                top[2] = None
            if token in "{[":
                stack.append([token, path, None, pos])
            elif token in "}]":
                _, closed_path, _, start = stack.pop()
                self._record(closed_path, start, match.end())
            else:
                self._record(path, pos, match.end())
        self.spans.sort()

    def _record(self, path: tuple[Any, ...], start: int, end: int) -> None:
        if len(path) == 3 and path[0] in ("resource", "data"):
            prefix = "data." if path[0] == "data" else ""
            self.spans.append((start, end, f"{prefix}{path[1]}.{path[2]}"))

    @property
    def addresses(self) -> set[str]:
        return {a for _, _, a in self.spans}

    def offset(self, line: int, column: int = 1) -> int:
        line_start = 0 if line <= 1 else self._newlines[min(line, len(self._newlines) + 1) - 2] + 1
        return line_start + max(column, 1) - 1

    def address_at(self, line: int, column: int | None = None) -> str | None:
        if column is None:  # any resource on that line: the first that starts or spans it
            lo, hi = self.offset(line), self.offset(line + 1) if line <= len(self._newlines) else 1 << 62
            hits = [a for s, e, a in self.spans if s < hi and e > lo]
            return hits[0] if hits else None
        at = self.offset(line, column)
        index = bisect.bisect_right(self.spans, (at, 1 << 62, "")) - 1
        while index >= 0:
            start, end, address = self.spans[index]
            if start <= at < end:
                return address
            index -= 1
        return None


_CONTEXT = re.compile(r"^(resource|data)\.([^.\[\s]+)\.([^.\[\s]+)")


def parse_diagnostics(output: str | Mapping[str, Any], config_text: str) -> list[Diagnostic]:
    """``terraform validate -json`` output -> diagnostics with addresses: terraform's ``address``
    when given, else the ``resource.TYPE.NAME`` / ``data.TYPE.NAME`` snippet context, else the
    resource whose JSON value holds ``range.start`` in cdk.tf.json."""
    data = json.loads(output) if isinstance(output, str) else output
    if not isinstance(data, Mapping) or not isinstance(data.get("diagnostics"), list):
        raise TerraformError(f"not terraform validate -json output: {tail_lines(str(output))}")
    index = LineIndex(config_text)
    known = index.addresses
    found = []
    for diag in data["diagnostics"]:
        rng, snippet = diag.get("range") or {}, diag.get("snippet") or {}
        context = snippet.get("context")
        in_config = os.path.basename(str(rng.get("filename", ""))) == CONFIG_FILE
        start = rng.get("start") or {}
        line = start.get("line") if in_config else None
        address = _normalize(diag.get("address"), known)
        if address is None and context:
            match = _CONTEXT.match(context)
            if match:
                prefix = "data." if match.group(1) == "data" else ""
                address = f"{prefix}{match.group(2)}.{match.group(3)}"
        if address is None and line:
            address = index.address_at(line, start.get("column"))
        severity = "warning" if diag.get("severity") == "warning" else "error"
        found.append(Diagnostic(severity, str(diag.get("summary", "")).strip(), str(diag.get("detail", "")).strip(),
                                address, context, line))
    return found


def _normalize(address: Any, known: set[str]) -> str | None:
    if not isinstance(address, str) or not address:
        return None
    if address in known:
        return address
    base = re.sub(r"(\[[^\]]*\])+$", "", address)  # an instance key: aws_x.y[0] -> aws_x.y
    return base if base in known else address


# -- validate ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValidateResult:
    valid: bool
    diagnostics: tuple[Diagnostic, ...]
    terraform: Terraform
    mirror: Mirror
    workdir: Path  # the private working copy (removed when validate returns)
    provider_linked: bool | None  # provider dirs in .terraform were symlinks (None: init did not install)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]


def validate(stack_dir: str | os.PathLike[str], *,
             plugin_dir: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
             terraform: Terraform | str | os.PathLike[str] | None = None,
             init_timeout: float = INIT_TIMEOUT, validate_timeout: float = VALIDATE_TIMEOUT,
             tmp_root: str | os.PathLike[str] | None = None) -> ValidateResult:
    """Run ``terraform validate`` on a private copy of ``stack_dir/cdk.tf.json``.

    Raises ``TerraformUnavailable`` (no terraform, no offline provider: a skip reason) or
    ``TerraformError`` (timeout, crash); problems in the stack come back as diagnostics."""
    stack = Path(stack_dir)
    config_path = stack / CONFIG_FILE if stack.is_dir() else stack
    stack = config_path.parent
    config_text = config_path.read_text(encoding="utf-8")
    config = json.loads(config_text)
    tf = terraform if isinstance(terraform, Terraform) else find_terraform(terraform)
    mirror = find_mirror(required_providers(config), platform=tf.platform, plugin_dir=plugin_dir)
    workdir = Path(tempfile.mkdtemp(prefix="pytest-iac-tf-", dir=tmp_root))
    timings: dict[str, float] = {}
    try:
        working_copy(config_text, stack, workdir)
        cli_config = private_cli_config(workdir / ".pytest-iac.tfrc")
        env = terraform_env(cli_config, cache=_user_cache() if mirror.packed else None)
        init = [tf.path, "init", "-backend=false", "-input=false", "-no-color"]
        init += [f"-plugin-dir={d}" for d in mirror.dirs]
        began = time.perf_counter()
        init_run = _run(init, cwd=workdir, env=env, timeout=init_timeout, what="terraform init", check=False)
        timings["init"] = time.perf_counter() - began
        began = time.perf_counter()
        out = _run([tf.path, "validate", "-json", "-no-color"], cwd=workdir, env=env, timeout=validate_timeout,
                   what="terraform validate", check=False)
        timings["validate"] = time.perf_counter() - began
        try:
            diagnostics = parse_diagnostics(out.stdout, config_text)
        except (ValueError, TerraformError):
            raise TerraformError(f"terraform validate -json failed (exit {out.returncode}) in a copy of {stack}:\n"
                                 f"{tail_lines(out.stdout + out.stderr)}") from None
        if init_run.returncode != 0 and not any(d.line for d in diagnostics if d.severity == "error"):
            raise TerraformError(f"terraform init failed (exit {init_run.returncode}) in a copy of {stack}:\n"
                                 f"{tail_lines(init_run.stdout + init_run.stderr)}")
        linked = _provider_linked(workdir)
        diagnostics = [_outside_note(d, stack) for d in diagnostics]
        return ValidateResult(not any(d.severity == "error" for d in diagnostics), tuple(diagnostics), tf, mirror,
                              workdir, linked, timings)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _provider_linked(workdir: Path) -> bool | None:
    root = workdir / ".terraform" / "providers"
    platform_dirs = [p for p in root.glob("*/*/*/*/*")] if root.is_dir() else []
    return all(p.is_symlink() for p in platform_dirs) if platform_dirs else None


_NO_FILE = re.compile(r"open ([^:]+): no such file or directory")


def _outside_note(diag: Diagnostic, stack: Path) -> Diagnostic:
    """A relative path that leaves the stack dir (``../x.zip``) cannot resolve in the private copy;
    when it exists from the real stack dir, say so and make it a warning instead of a false error."""
    match = _NO_FILE.search(diag.detail)
    if not match or os.path.isabs(match.group(1)) or not (stack / match.group(1)).exists():
        return diag
    note = (f" [{match.group(1)} exists relative to the stack dir; paths outside it cannot be checked in the "
            "private copy terraform validate runs in]")
    return Diagnostic("warning", diag.summary, diag.detail + note, diag.address, diag.context, diag.line)


def _user_cache() -> str | None:
    for directory, origin in plugin_dir_candidates():
        if origin == "TF_PLUGIN_CACHE_DIR" or origin.startswith("plugin_cache_dir"):
            return str(directory)
    return None


def working_copy(config_text: str, stack: Path, workdir: Path) -> None:
    """Write the stack's JSON into ``workdir`` and link the rest of its directory (assets), but
    none of terraform's own files: the user's directory is never written to."""
    (workdir / CONFIG_FILE).write_text(config_text, encoding="utf-8")
    for entry in stack.iterdir():
        if entry.name != CONFIG_FILE and not _NOT_LINKED.match(entry.name):
            (workdir / entry.name).symlink_to(entry.resolve(), target_is_directory=entry.is_dir())


def private_cli_config(path: Path) -> Path:
    path.write_text("# private, empty: no plugin cache, no user mirrors\n", encoding="utf-8")
    return path


def terraform_env(cli_config: Path | None, cache: str | None = None) -> dict[str, str]:
    """The environment for a terraform run in a private working copy."""
    env = {k: v for k, v in os.environ.items() if k not in _ENV_DROPPED and not k.startswith("TF_CLI_ARGS")}
    env.update(CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1", TF_INPUT="0")
    if cli_config is not None:
        env["TF_CLI_CONFIG_FILE"] = str(cli_config)
    if cache:
        env["TF_PLUGIN_CACHE_DIR"] = cache
    return env


def _run(cmd: list[str], *, cwd: Path | None, env: Mapping[str, str], timeout: float, what: str,
         check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run in its own process group, so a timeout also ends terraform's provider plugins."""
    try:
        proc = subprocess.Popen(cmd, cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
    except OSError as exc:
        raise TerraformUnavailable(f"cannot run {cmd[0]}: {exc}") from None
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()
        stdout, stderr = proc.communicate()
        raise TerraformError(f"{what} timed out after {timeout:g} s ({' '.join(cmd)}):\n"
                             f"{tail_lines(stdout + stderr)}") from None
    result = subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)
    if check and proc.returncode != 0:
        raise TerraformError(f"{what} failed (exit {proc.returncode}):\n{tail_lines(stdout + stderr)}")
    return result


def tail_lines(text: str, lines: int = 30) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])
