"""The synthesis cache: reuse the last synthesized output while none of its inputs changed.

An entry is found by a key of what is known before running anything (the entry and its
arguments, the installed versions), then trusted only if every recorded input still has its
digest (files the synthesis ran or opened, the environment variables it read, the trees its
assets come from). Any doubt is a miss. Entries are written into a temporary directory and
renamed into place, and found through a pointer file replaced atomically, so readers never see
a partial entry; a corrupt entry is ignored and rebuilt. A lock file serializes runs (and xdist
workers) on the same key, so the stack is synthesized once and the others reuse it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pytest_iac.synthesis import inputs
from pytest_iac.config.entry import EntrySpec

FORMAT = 1


@dataclass
class CachedSynthesis:
    outdir: Path
    record: dict[str, Any]  # env_read, timings, coverage lines/arcs, inputs


class SynthCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

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
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / f"{key}.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def lookup(self, key: str) -> CachedSynthesis | None:
        try:
            pointer = json.loads((self.directory / f"{key}.json").read_text())
            entry = self.directory / pointer["dir"]
            record = json.loads((entry / "record.json").read_text())
            if record.get("format") != FORMAT or not (entry / "out" / "manifest.json").exists():
                return None
        except (OSError, ValueError, KeyError, TypeError):
            return None  # no entry, or a corrupt one: rebuild
        return CachedSynthesis(entry / "out", record) if _still_valid(record["inputs"]) else None

    def store(self, key: str, outdir: Path, record: dict[str, Any]) -> None:
        name = f"{key}.{uuid.uuid4().hex[:8]}"
        staging = self.directory / f".{name}.tmp"
        shutil.copytree(outdir, staging / "out", symlinks=True)
        (staging / "record.json").write_text(json.dumps({**record, "format": FORMAT}))
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


def record_inputs(seen: set[str], env_read: tuple[str, ...], assets: tuple[str, ...], output_dir: Path) -> dict[str, Any]:
    return {
        "files": inputs.file_digests(seen, output_dir),
        "env": inputs.env_values(env_read),
        "trees": {path: inputs.digest_tree(path) for path in assets},
    }


def _still_valid(recorded: dict[str, Any]) -> bool:
    files = recorded["files"]
    if any(inputs.digest_file(path) != digest for path, digest in files.items()):
        return False
    if inputs.env_values(list(recorded["env"])) != recorded["env"]:
        return False
    return all(inputs.digest_tree(root) == digest for root, digest in recorded["trees"].items())


def _pointed_dir(pointer: Path) -> str | None:
    try:
        return str(json.loads(pointer.read_text())["dir"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
