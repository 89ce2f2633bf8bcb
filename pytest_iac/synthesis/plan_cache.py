"""A module's plan, once per session and across sessions: the plan JSON is kept while none of
what made it changed, so a warm run starts no terraform at all.

The key is everything known before planning: the digest of every file of the module's tree,
the variables (given, files, ``TF_VAR_*``), the terraform binary (path, size, modification
time: asking its version would start it), the provider mirror's directories and pytest-iac's
version. Local child modules outside the module's tree are known only after a plan; their
digests are stored with the entry and checked on lookup. Entries are written atomically. The
plan stored is the redacted one (``plan_redact``): no sensitive value is ever written here, and
an entry of an older format (which could hold them) is deleted when found.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
import uuid
from pathlib import Path
from collections.abc import Mapping
from typing import Any

from pytest_iac.config.entry import EntryError, EntrySpec
from pytest_iac.synthesis.plan import PlanSynthesis, plan_module, read_plan

__all__ = ["PlanCache", "session_plan"]

FORMAT = 4  # 4: only values given to the module swept, never addresses; 3 may hold over-swept plans, 2 and 1 secrets
_SKIPPED = frozenset({".terraform", ".git", "__pycache__", ".pytest_cache"})


def session_plan(spec: EntrySpec, workdir: Path, *, terraform: str | None, plugin_dir: Path | None,
                 cache_dir: Path | None, env_vars: Mapping[str, str]) -> PlanSynthesis:
    """The module's plan: from the cache when its key and recorded trees still match, else made."""
    from pytest_iac.terraform.mirror import plugin_dir_candidates

    assert spec.path is not None
    binary = shutil.which(terraform or "terraform")
    if binary is None:
        raise EntryError(f"stack entry {spec.describe()} is a Terraform module, and {terraform or 'terraform'!r} "
                         "was not found: install terraform (or tofu) or pass --iac-terraform-bin PATH")
    dirs = [d for d, _ in plugin_dir_candidates(plugin_dir) if d.is_dir()]
    cache = PlanCache(cache_dir) if cache_dir is not None else None
    if cache is None:
        return plan_module(spec, workdir, terraform=binary, plugin_dirs=dirs)
    key = cache.key(spec, binary, dirs, env_vars)
    cache.directory.mkdir(parents=True, exist_ok=True)
    with open(cache.directory / f"{key}.lock", "w") as lock:  # xdist workers: one plans, the others reuse it
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _through(cache, key, spec, workdir, binary, dirs)


def _through(cache: PlanCache, key: str, spec: EntrySpec, workdir: Path, binary: str,
             dirs: list[Path]) -> PlanSynthesis:
    assert spec.path is not None
    began = time.perf_counter()
    plan = cache.lookup(key)
    if plan is not None:
        synthesis = read_plan(spec, plan, {"total": time.perf_counter() - began})
        synthesis.cache = "hit"
        return synthesis
    synthesis = plan_module(spec, workdir, terraform=binary, plugin_dirs=dirs)
    outside = {str(d): digest_tree(d) for d in synthesis.module_dirs.values() if not _inside(d, spec.path)}
    cache.store(key, synthesis.plan, outside)
    synthesis.cache = "miss"
    return synthesis


class PlanCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def key(self, spec: EntrySpec, binary: str, plugin_dirs: list[Path], env_vars: Mapping[str, str]) -> str:
        from importlib import metadata

        assert spec.path is not None
        stat = os.stat(binary)
        try:
            version = metadata.version("pytest-iac")
        except metadata.PackageNotFoundError:
            version = "unknown"
        material = {
            "format": FORMAT,
            "module": str(spec.path),
            "tree": digest_tree(spec.path),
            "vars": dict(spec.tf_vars),
            "var_files": {f: _digest_file(Path(f)) for f in spec.var_files},
            "tf_var_env": dict(env_vars),
            "terraform": [os.path.realpath(binary), stat.st_size, stat.st_mtime_ns],
            "mirror": [str(d) for d in plugin_dirs],
            "pytest_iac": version,
            "code": _own_code_digest(),
        }
        text = json.dumps(material, sort_keys=True, default=repr)
        return hashlib.sha256(text.encode()).hexdigest()[:24]

    def lookup(self, key: str) -> dict[str, Any] | None:
        self.remove_old_entries()
        try:
            entry = json.loads((self.directory / f"{key}.json").read_text(encoding="utf-8"))
            if entry.get("format") != FORMAT:
                return None
            if any(digest_tree(Path(d)) != digest for d, digest in entry["outside"].items()):
                return None
            plan = entry["plan"]
        except (OSError, ValueError, KeyError, TypeError):
            return None  # none, or corrupt: plan again
        return plan if isinstance(plan, dict) else None

    def remove_old_entries(self) -> None:
        """Delete the entries of an older format: they may hold a plan's sensitive values in
        plain text. A current entry is told by its first bytes, without reading it whole."""
        for path in self.directory.glob("*.json"):
            try:
                with path.open("rb") as file:
                    start = file.read(32)
                if start.startswith(b'{"format": %d,' % FORMAT):
                    continue
                entry = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(entry, dict) and entry.get("format") != FORMAT and "plan" in entry:
                    path.unlink()
            except (OSError, ValueError):
                continue

    def store(self, key: str, plan: dict[str, Any], outside: dict[str, str]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = self.directory / f".{key}.{uuid.uuid4().hex[:8]}.tmp"
        tmp.write_text(json.dumps({"format": FORMAT, "outside": outside, "plan": plan}), encoding="utf-8")
        os.replace(tmp, self.directory / f"{key}.json")


def digest_tree(root: Path) -> str:
    """Every file under ``root`` (terraform's own directories skipped), by relative path."""
    digest = hashlib.sha256()
    if not root.is_dir():
        return "missing"
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIPPED)
        for name in sorted(filenames):
            if name.endswith((".tfstate", ".tfstate.backup")) or name == ".terraform.lock.hcl":
                continue
            path = Path(dirpath) / name
            digest.update(str(path.relative_to(root)).encode() + b"\0" + _digest_file(path).encode() + b"\0")
    return digest.hexdigest()


def _digest_file(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def _own_code_digest() -> str:
    """The plan runner and adapter's own code: an edited checkout must not reuse old plans."""
    here = Path(__file__).parent.parent
    parts = [_digest_file(here / rel) for rel in ("synthesis/plan.py", "synthesis/plan_redact.py", "deploy/apply.py")]
    return hashlib.sha256("".join(parts).encode()).hexdigest()[:16]
