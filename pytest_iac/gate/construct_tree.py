"""Resources arranged as the construct tree they were written as (``payments/storage/logs``), so
a reader sees coverage where the code put the resource, not in a flat list of addresses."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

NO_PATH = "(no construct path)"


@dataclass
class ResourceLeaf:
    address: str
    examined_by: list[str]

    @property
    def covered(self) -> bool:
        return bool(self.examined_by)


@dataclass
class ConstructNode:
    """One construct: its own resources (those whose path ends here) and its children."""

    name: str
    path: str
    resources: list[ResourceLeaf] = field(default_factory=list)
    children: dict[str, ConstructNode] = field(default_factory=dict)

    def leaves(self) -> Iterator[ResourceLeaf]:
        yield from self.resources
        for child in self.children.values():
            yield from child.leaves()

    def counts(self) -> tuple[int, int]:
        """(covered, total) of the resources under this construct."""
        leaves = list(self.leaves())
        return sum(1 for leaf in leaves if leaf.covered), len(leaves)


def construct_tree(each: Iterable[Mapping[str, Any]]) -> list[ConstructNode]:
    """The roots (usually one per stack), children in name order, from the report's
    ``resources.each``. A resource without a construct path goes under a root of its own,
    :data:`NO_PATH`."""
    roots: dict[str, ConstructNode] = {}
    for info in sorted(each, key=lambda e: e["address"]):
        address = info["address"]
        parts = [p for p in (info.get("path") or "").split("/") if p] or [NO_PATH]
        level, node, path = roots, None, ""
        for part in parts:
            path = f"{path}/{part}" if path else part
            if part not in level:
                level[part] = ConstructNode(part, path)
            node = level[part]
            level = node.children
        assert node is not None
        node.resources.append(ResourceLeaf(address, list(info.get("examined_by") or [])))
    return [_sorted(roots[name]) for name in sorted(roots, key=lambda n: (n == NO_PATH, n))]


def _sorted(node: ConstructNode) -> ConstructNode:
    node.children = {name: _sorted(node.children[name]) for name in sorted(node.children)}
    return node
