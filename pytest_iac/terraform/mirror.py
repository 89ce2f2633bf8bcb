"""Offline provider sources: the providers a stack needs and the local directories (filesystem
mirrors, plugin caches, terraform's implied plugin dirs) that hold them, for ``-plugin-dir``."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_iac.terraform.errors import TerraformUnavailable
from pytest_iac.terraform.versions import parse_version, version_matches

__all__ = ["Mirror", "ProviderRequirement", "available_versions", "find_mirror", "plugin_dir_candidates",
           "required_providers", "user_cache"]

DEFAULT_HOST = "registry.terraform.io"
BUILTIN_SOURCES = frozenset({"terraform.io/builtin/terraform"})


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


def user_cache() -> str | None:
    for directory, origin in plugin_dir_candidates():
        if origin == "TF_PLUGIN_CACHE_DIR" or origin.startswith("plugin_cache_dir"):
            return str(directory)
    return None
