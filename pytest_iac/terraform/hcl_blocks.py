"""The blocks of a Terraform module's files, each with its file and first line.

Only to map blocks to lines (block coverage, the provider blocks an override file may
override): terraform itself parses and evaluates the module. The ``hcl2`` module (python-hcl2,
or checkov's fork bc-python-hcl2, which installs the same module) is imported on first use
(~0.2 s); a file it cannot read, or a block it gives no line for, falls back to a search for the
block's header, so a parser gap never hides a block.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["Block", "backend", "module_blocks", "module_files", "module_locals", "required_providers"]

COUNTED = ("resource", "data", "module", "output", "variable")
_BACKEND_HEADER = re.compile(r'^[ \t]*(?:backend\s+"([^"]+)"|(cloud))\s*\{', re.M)
_SKIPPED_DIRS = frozenset({".terraform", ".git"})


@dataclass(frozen=True)
class Block:
    kind: str  # resource, data, module, output, variable, provider
    type: str  # the resource / data type; "" for the others
    name: str  # the block's name (a provider's alias, "" without one)
    file: Path
    line: int
    validated: bool = False  # a variable with a validation block
    required: bool = False  # a variable without a default
    body: Any = None  # what the parser gave (None for a scanned header)

    def source(self) -> str | None:
        """A module block's ``source``."""
        value = self.body.get("source") if isinstance(self.body, dict) else None
        value = value[0] if isinstance(value, list) and value else value
        if isinstance(value, str):
            return value
        text = self.file.read_text(encoding="utf-8", errors="replace").splitlines()[self.line - 1:]
        match = re.search(r'^\s*source\s*=\s*"([^"]+)"', "\n".join(text), re.M)
        return match.group(1) if match else None

    @property
    def address(self) -> str:
        """The block's address inside its module: ``aws_sqs_queue.q``, ``data.aws_region.r``,
        ``module.m``, ``output.arn``, ``var.n``."""
        prefix = {"resource": "", "data": "data.", "module": "module.", "output": "output.", "variable": "var.",
                  "provider": "provider."}[self.kind]
        return prefix + (f"{self.type}.{self.name}" if self.type else self.name)


def module_files(directory: Path) -> list[Path]:
    """The ``*.tf`` and ``*.tf.json`` files of one module (not of its subdirectories), sorted."""
    return sorted(p for p in directory.iterdir() if p.is_file() and p.name.endswith((".tf", ".tf.json")))


def module_blocks(directory: Path) -> list[Block]:
    """Every block of the module in ``directory``, in file and line order."""
    blocks: list[Block] = []
    for path, text, parsed in _parsed_files(directory):
        blocks.extend(_blocks(parsed, text, path) if parsed is not None else _scan(text, path))
    return sorted(blocks, key=lambda b: (str(b.file), b.line))


def _parsed_files(directory: Path) -> Iterator[tuple[Path, str, dict[str, Any] | None]]:
    """(path, text, what the parser gave or None) of each file of the module."""
    for path in module_files(directory):
        stat = path.stat()
        yield (path, *_parsed(str(path), stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=512)
def _parsed(path: str, mtime_ns: int, size: int) -> tuple[str, dict[str, Any] | None]:
    """One file read and parsed once per version: a run reads a module's blocks, backend,
    locals and providers (plan, checks, block coverage), and parsing HCL is the costly part.
    Callers only read what it returns."""
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    return text, _parse_json(text) if path.endswith(".json") else _parse_hcl(text)


def _parse_hcl(text: str) -> dict[str, Any] | None:
    try:
        import hcl2
    except ImportError:
        return None
    try:
        try:
            return hcl2.loads(text, with_meta=True)  # type: ignore[call-arg]  # python-hcl2 >= 4
        except TypeError:
            return hcl2.loads(text)  # bc-python-hcl2 always adds __start_line__
    except Exception:  # noqa: BLE001 - a syntax error is terraform's to report, with its file:line
        return None


def _parse_json(text: str) -> dict[str, Any] | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    return {kind: [value] if isinstance(value, dict) else value for kind, value in data.items()}


def _unquote(label: str) -> str:
    return label[1:-1] if len(label) >= 2 and label[0] == label[-1] == '"' else label


def _terraform_blocks(directory: Path) -> list[dict[str, Any]]:
    """The ``terraform { ... }`` blocks of a module's files, as the parser gives them."""
    found = []
    for _, text, parsed in _parsed_files(directory):
        header = _BACKEND_HEADER.search(text) if parsed is None else None
        if header:  # no parser: the type only, its settings unknown
            found.append({"cloud": [{}]} if header.group(2) else {"backend": [{header.group(1): {}}]})
        found.extend(b for b in (parsed or {}).get("terraform", []) or [] if isinstance(b, dict))
    return found


def required_providers(directory: Path) -> dict[str, dict[str, Any]]:
    """``terraform { required_providers { ... } }`` of a module: local name -> source and version."""
    found: dict[str, dict[str, Any]] = {}
    for block in _terraform_blocks(directory):
        for group in block.get("required_providers") or []:
            for name, spec in (group.items() if isinstance(group, dict) else ()):
                spec = spec[0] if isinstance(spec, list) and spec else spec
                if isinstance(spec, str):
                    spec = {"version": spec}
                if isinstance(spec, dict) and not name.startswith("__"):
                    found[_unquote(name)] = {k: v for k, v in spec.items() if k in ("source", "version")}
    return found


def backend(directory: Path) -> tuple[str, dict[str, Any]] | None:
    """``terraform { backend "s3" { ... } }`` of a module: its type and the settings written
    there (a partial configuration gets the rest from ``-backend-config`` at init); a ``cloud``
    block as ``("cloud", {...})``, as ``Template.backend`` reports it."""
    for block in _terraform_blocks(directory):
        backends, clouds = (_as_list(block.get(kind)) for kind in ("backend", "cloud"))
        groups = [*backends, *({"cloud": c} for c in clouds)]
        for group in groups:
            for btype, settings in (group.items() if isinstance(group, dict) else ()):
                if btype.startswith("__"):
                    continue
                settings = settings[0] if isinstance(settings, list) and settings else settings
                settings = settings if isinstance(settings, dict) else {}
                return _unquote(btype), {k: _plain(v) for k, v in settings.items() if not k.startswith("__")}
    return None


def _as_list(value: Any) -> list[Any]:
    """A block as a list of bodies: the HCL parser gives a list, a ``.tf.json`` file may write
    the object itself (``"backend": {"s3": {...}}``)."""
    return [value] if isinstance(value, dict) else value if isinstance(value, list) else []


def module_locals(directory: Path) -> dict[str, Any]:
    """The ``locals`` of one module as written: name -> value (``${...}`` for an expression)."""
    found: dict[str, Any] = {}
    for _, _, parsed in _parsed_files(directory):
        for block in (parsed or {}).get("locals", []) or []:
            for name, value in (block.items() if isinstance(block, dict) else ()):
                if not name.startswith("__"):
                    found[name] = _plain(value)
    return found


def _plain(value: Any) -> Any:
    """One parser's ``["b"]`` or another's ``'"b"'`` as ``b``."""
    value = value[0] if isinstance(value, list) and len(value) == 1 else value
    return _unquote(value) if isinstance(value, str) else value


def _blocks(parsed: dict[str, Any], text: str, path: Path) -> list[Block]:
    found: list[Block] = []
    for kind in (*COUNTED, "provider"):
        for group in parsed.get(kind, []) or []:
            if not isinstance(group, dict):
                continue
            for first, body in group.items():
                first = _unquote(first)
                if first.startswith("__"):
                    continue
                if kind in ("resource", "data"):
                    for name, inner in (body or {}).items() if isinstance(body, dict) else ():
                        if not name.startswith("__"):
                            found.append(_block(kind, first, _unquote(name), inner, text, path))
                elif kind == "provider":
                    for inner in body if isinstance(body, list) else [body]:
                        alias = inner.get("alias") if isinstance(inner, dict) else None
                        alias = alias[0] if isinstance(alias, list) and alias else alias
                        found.append(_block(kind, "", str(alias or ""), inner, text, path, label=first))
                else:
                    for inner in body if isinstance(body, list) else [body]:
                        found.append(_block(kind, "", first, inner, text, path))
    return found


def _block(kind: str, rtype: str, name: str, body: Any, text: str, path: Path, label: str | None = None) -> Block:
    line = body.get("__start_line__") if isinstance(body, dict) else None
    if not isinstance(line, int):
        line = _header_line(text, kind, [rtype, name] if rtype else [label or name])
    validated = kind == "variable" and isinstance(body, dict) and bool(body.get("validation"))
    required = kind == "variable" and isinstance(body, dict) and "default" not in body
    return Block(kind, label or rtype if kind == "provider" else rtype, name, path, line, validated, required, body)


def _header_line(text: str, kind: str, labels: list[str]) -> int:
    """The line of ``kind "a" "b" {`` in HCL, or of the innermost label's key in JSON."""
    hcl = r"^[ \t]*" + kind + "".join(rf'\s+"?{re.escape(label)}"?' for label in labels) + r"\s*\{"
    match = re.search(hcl, text, re.M)
    if match is None:
        match = re.search(rf'"{re.escape(labels[-1])}"\s*:', text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _scan(text: str, path: Path) -> list[Block]:
    """Headers only, for a file the parser could not read."""
    found = []
    pattern = r'^[ \t]*(resource|data|module|output|variable|provider)\s+"([^"]+)"(?:\s+"([^"]+)")?\s*\{'
    for match in re.finditer(pattern, text, re.M):
        kind, first, second = match.groups()
        line = text.count("\n", 0, match.start(1)) + 1
        if kind in ("resource", "data"):
            found.append(Block(kind, first, second or "", path, line))
        elif kind == "provider":
            found.append(Block(kind, first, "", path, line))
        else:
            rest = re.split(r"\n(?=[A-Za-z])", text[match.end():], maxsplit=1)[0]  # up to the next top-level block
            variable = kind == "variable"
            found.append(Block(kind, "", first, path, line, variable and "validation" in rest,
                               variable and re.search(r"^\s*default\s*=", rest, re.M) is None))
    return found
