"""``terraform validate -json`` diagnostics, each mapped back to the resource it is about."""

from __future__ import annotations

import bisect
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pytest_iac.terraform.errors import TerraformError
from pytest_iac.terraform.process import tail_lines
from pytest_iac.terraform.workdir import CONFIG_FILE

__all__ = ["Diagnostic", "LineIndex", "parse_diagnostics"]


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
