"""Which resources refer to which: from a plan's configuration references when it has them,
else from the ``${...}`` references and ``depends_on`` in each resource's body."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from pytest_iac.terraform.expressions import references

if TYPE_CHECKING:
    from pytest_iac.assertions.index import Entry

__all__ = ["reference_graph"]


def reference_graph(entries: Mapping[str, Entry]) -> dict[str, set[str]]:
    """address -> the addresses it refers to (instances of a referenced block all count)."""
    instances: dict[str, set[str]] = {}
    for address in entries:  # a plan's block address -> its instances
        instances.setdefault(address, set()).add(address)
        instances.setdefault(_block_of(address), set()).add(address)
    graph = {}
    for address, entry in entries.items():
        refs = entry.config_references
        targets = refs if refs is not None else _referenced(entry.body)
        graph[address] = {t for r in targets for t in instances.get(r, ()) if t != address}
    return graph


def _block_of(address: str) -> str:
    return re.sub(r"\[[^\]]*\]", "", address)


def _referenced(body: Any, key: str | None = None) -> Iterator[str]:
    if isinstance(body, Mapping):
        for k, v in body.items():
            if k != "//":
                yield from _referenced(v, k)
    elif isinstance(body, list):
        for item in body:
            yield from _referenced(item, key)
    elif isinstance(body, str):
        if key == "depends_on":
            yield body
        yield from references(body)
