"""The synthesis cache: reuse the last synthesized output while none of its inputs changed.

An entry is found by a key of what is known before running anything (the entry and its
arguments, the installed versions), then trusted only if every recorded input still has its
digest (files the synthesis ran or opened, the environment variables it read, the trees its
assets come from). Any doubt is a miss. Entries are written into a temporary directory and
renamed into place, and found through a pointer file replaced atomically, so readers never see
a partial entry. Every hit is checked against a digest of the stored output, and a record of any
other shape than the one written is rebuilt (with a warning); a directory that can't be used
means no cache for the run, never a failed run. A lock file serializes runs (and xdist
workers) on the same key, so the stack is synthesized once and the others reuse it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import secrets
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_iac.synthesis import inputs
from pytest_iac.config.entry import EntrySpec

FORMAT = 2  # 2: env digests not values, listings, content-digested trees and output


class CacheUnavailable(Exception):
    """The cache directory can't be used (unwritable, a file where it should be); the run goes
    on without the cache."""


@dataclass
class CachedSynthesis:
    outdir: Path
    record: dict[str, Any]  # env_read, timings, coverage lines/arcs, inputs


class SynthCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.problems: list[str] = []  # why an entry was rebuilt: shown as one warning each

    def key(self, spec: EntrySpec) -> str:
        material = {
            "format": FORMAT,
            "entry": spec.entry,
            "base": str(spec.base_dir.resolve()),
            "stack_id": spec.stack_id,
            "kwargs": spec.kwargs,
            "versions": inputs.versions(),
        }
        text = json.dumps(material, sort_keys=True, default=repr)
        return hashlib.sha256(text.encode()).hexdigest()[:24]

    @contextlib.contextmanager
    def locked(self, key: str) -> Iterator[None]:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle = open(self.directory / f"{key}.lock", "w")
        except OSError as exc:
            raise CacheUnavailable(f"the cache directory {self.directory} can't be used: {exc}") from None
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def lookup(self, key: str) -> CachedSynthesis | None:
        pointer = self.directory / f"{key}.json"
        if not pointer.exists():
            return None
        try:
            name = str(json.loads(pointer.read_text())["dir"])
            if not name.startswith(key) or os.sep in name:
                raise ValueError(f"it points at {name!r}, outside the cache")
            entry = self.directory / name
            record = json.loads((entry / "record.json").read_text())
        except (OSError, ValueError, KeyError, TypeError) as exc:
            self.problems.append(f"cache entry {pointer} is unreadable ({exc}); it is rebuilt")
            return None
        problem = invalid_record(record)
        if problem is None and inputs.digest_tree(entry / "out", skip_bytecode=False) != record["output"]:
            problem = "its output was changed after it was stored"
        if problem is not None:
            self.problems.append(f"cache entry {entry} is not valid: {problem}; it is rebuilt")
            return None
        return CachedSynthesis(entry / "out", record) if _still_valid(record["inputs"]) else None

    def last_seconds(self, key: str) -> float | None:
        """How long the entry's last synthesis took, valid or not (for the line said before
        synthesizing again); None when there is none."""
        try:
            pointer = json.loads((self.directory / f"{key}.json").read_text())
            record = json.loads((self.directory / pointer["dir"] / "record.json").read_text())
            seconds = record["timings"]["total"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return float(seconds) if isinstance(seconds, (int, float)) else None

    def store(self, key: str, outdir: Path, record: dict[str, Any]) -> None:
        try:
            self._store(key, outdir, record)
        except OSError as exc:
            raise CacheUnavailable(f"the synthesis could not be stored in {self.directory}: {exc}") from None

    def _store(self, key: str, outdir: Path, record: dict[str, Any]) -> None:
        name = f"{key}.{uuid.uuid4().hex[:8]}"
        staging = self.directory / f".{name}.tmp"
        shutil.copytree(outdir, staging / "out", symlinks=True)
        output = inputs.digest_tree(staging / "out", skip_bytecode=False)
        (staging / "record.json").write_text(json.dumps({**record, "format": FORMAT, "output": output}))
        os.replace(staging, self.directory / name)
        pointer = self.directory / f"{key}.json"
        previous = _pointed_dir(pointer)
        tmp_pointer = self.directory / f".{name}.pointer"
        tmp_pointer.write_text(json.dumps({"dir": name}))
        os.replace(tmp_pointer, pointer)
        if previous and previous != name:
            shutil.rmtree(self.directory / previous, ignore_errors=True)

    def clear(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


def record_inputs(seen: inputs.Seen, env_read: tuple[str, ...], assets: tuple[str, ...],
                  output_dir: Path) -> dict[str, Any]:
    salt = secrets.token_hex(16)
    return {
        "files": inputs.file_digests(seen.files, output_dir),
        "listings": inputs.listing_digests(seen.listings, output_dir),
        "env": inputs.env_digests(env_read, salt),
        "env_salt": salt,
        "trees": {path: inputs.digest_tree(path) for path in assets},
    }


_DIGESTS = ("files", "listings", "env", "trees")


def invalid_record(record: Any) -> str | None:
    """Why ``record`` can't be trusted (None: it can): anything but the shape ``store`` writes."""
    if not isinstance(record, dict):
        return f"the record is a {type(record).__name__}, not an object"
    if record.get("format") != FORMAT:
        return f"format {record.get('format')!r}, expected {FORMAT}"
    if not isinstance(record.get("output"), str):
        return "it has no digest of its output"
    if not isinstance(record.get("env_read"), list) or not all(isinstance(n, str) for n in record["env_read"]):
        return "env_read is not a list of names"
    recorded = record.get("inputs")
    if not isinstance(recorded, dict):
        return "inputs is not an object"
    for section in _DIGESTS:
        value = recorded.get(section)
        if not isinstance(value, dict) or not all(
                isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in value.items()):
            return f"inputs.{section} is not an object of digests"
    if not isinstance(recorded.get("env_salt"), str):
        return "inputs.env_salt is missing"
    return None


def _still_valid(recorded: dict[str, Any]) -> bool:
    if any(inputs.digest_file(path) != digest for path, digest in recorded["files"].items()):
        return False
    if any(inputs.digest_listing(path) != digest for path, digest in recorded["listings"].items()):
        return False
    if inputs.env_digests(list(recorded["env"]), recorded["env_salt"]) != recorded["env"]:
        return False
    return all(inputs.digest_tree(root) == digest for root, digest in recorded["trees"].items())


def _pointed_dir(pointer: Path) -> str | None:
    try:
        return str(json.loads(pointer.read_text())["dir"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
