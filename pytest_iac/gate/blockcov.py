"""Block coverage of a Terraform module: the figure that stands for line coverage when the entry
is a module, reported the same way (per file, the first lines of the uncovered blocks missing).

A block counts when a test examined one of its instances through the query API: a resource or
data block when one of its instances was (``aws_sqs_queue.q[1]`` covers ``aws_sqs_queue.q``), a
``module`` block when anything inside it was, a root output when ``has_output(name, props)``
matched its value, a child module's output when a resource it refers to was examined,
and a variable with a ``validation`` block when an examined block of its module uses it. Local
child modules (``source = "./..."``) are walked; registry modules are not the user's files.

As with coverage.py, ``# pragma: no cover`` (or ``// pragma: no cover``) on a block's first line
or the line above it leaves the block out of the figure: a block with no instance under the test
variables (``count = var.enabled ? 1 : 0``) can then be excluded on purpose, in the code, for
every reader to see.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path

from pytest_iac.gate.linecov import LineCoverageResult

__all__ = ["block_coverage"]

_INDEX = re.compile(r"\[[^\]]*\]")


def block_coverage(module_dir: Path, examined: Iterable[str], rootdir: Path, stack: str | None = None) -> LineCoverageResult:
    """``examined``: addresses as recorded, ``stack:address`` (the stack is the module's directory name)."""
    from pytest_iac.terraform.expressions import references
    from pytest_iac.terraform.hcl_blocks import module_blocks

    head = f"{stack or module_dir.name}:"
    raw = {e[len(head):] if e.startswith(head) else e for e in examined}
    blocks_seen = {_INDEX.sub("", address) for address in raw}
    missing: dict[str, list[int]] = {}
    total = covered = 0
    pending = [(module_dir.resolve(), "")]
    visited: set[tuple[Path, str]] = set()
    texts: dict[Path, list[str]] = {}
    while pending:
        directory, prefix = pending.pop(0)
        if (directory, prefix) in visited or not directory.is_dir():
            continue
        visited.add((directory, prefix))
        blocks = module_blocks(directory)
        used_vars = {v for b in blocks if b.kind in ("resource", "data") and prefix + b.address in blocks_seen
                     for v in re.findall(r"\bvar\.([A-Za-z_][\w-]*)", json.dumps(b.body, default=str))}
        for block in blocks:
            if block.kind == "variable" and not block.validated or block.kind == "provider":
                continue
            if _excluded(texts, block.file, block.line):
                continue
            if block.kind == "module":
                source = block.source()
                if source and source.startswith(("./", "../")):
                    pending.append(((directory / source).resolve(), f"{prefix}module.{block.name}."))
            address = prefix + block.address
            if block.kind in ("resource", "data"):
                hit = address in blocks_seen
            elif block.kind == "module":
                hit = any(seen.startswith(address + ".") for seen in blocks_seen)
            elif block.kind == "output" and not prefix:
                hit = block.address in raw
            elif block.kind == "output":
                targets = {prefix + r for text in _strings(block.body) for r in references(text)}
                hit = any(seen == t or seen.startswith(t + ".") for t in targets for seen in blocks_seen)
            else:
                hit = block.name in used_vars
            total += 1
            covered += hit
            if not hit:
                missing.setdefault(_relative(block.file, rootdir), []).append(block.line)
    if not total:
        return LineCoverageResult(None, problem=f"{module_dir} has no resource, data, module or output block")
    return LineCoverageResult(round(100.0 * covered / total, 2), {f: sorted(v) for f, v in sorted(missing.items())},
                              total)


_PRAGMA = re.compile(r"(?:#|//).*\bpragma:\s*no\s*cover\b", re.I)
_PRAGMA_ALONE = re.compile(r"^\s*(?:#|//).*\bpragma:\s*no\s*cover\b", re.I)


def _excluded(texts: dict[Path, list[str]], file: Path, line: int) -> bool:
    """``# pragma: no cover`` on the block's first line, or on the line above it when that line is
    a comment alone (the trailing pragma of a one-line block above excludes that block only)."""
    if file not in texts:
        texts[file] = file.read_text(encoding="utf-8", errors="replace").splitlines()
    lines = texts[file]
    own = 0 < line <= len(lines) and _PRAGMA.search(lines[line - 1])
    above = 1 < line <= len(lines) + 1 and _PRAGMA_ALONE.search(lines[line - 2])
    return bool(own or above)


def _strings(body: object) -> Iterable[str]:
    if isinstance(body, str):
        yield body
    elif isinstance(body, dict):
        for value in body.values():
            yield from _strings(value)
    elif isinstance(body, list):
        for item in body:
            yield from _strings(item)


def _relative(path: Path, rootdir: Path) -> str:
    try:
        return path.resolve().relative_to(rootdir.resolve()).as_posix()
    except ValueError:
        return os.path.relpath(path, rootdir)
