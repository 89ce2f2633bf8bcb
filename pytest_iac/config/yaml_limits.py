"""Limits that keep a hostile requirements YAML from crashing or exhausting the run.

PyYAML composes nested collections recursively (thousands of levels raise ``RecursionError``)
and expands aliases on construction (a "billion laughs" file of a few hundred bytes becomes
gigabytes, in ``app.kwargs`` the cache key even serializes it). So before composing, the event
stream (parsed iteratively) is checked for depth; after composing, the size of the tree with
every alias expanded is counted without expanding it (shared nodes are counted once per use,
memoized). Both limits are far above any real requirements file.
"""

from __future__ import annotations

from typing import Any

from pytest_iac.config.requirements import RequirementsError

__all__ = ["MAX_DEPTH", "MAX_EXPANDED_NODES", "check_depth", "check_expansion"]

MAX_DEPTH = 64
MAX_EXPANDED_NODES = 100_000


def check_depth(text: str, shown: str, yaml: Any) -> None:
    """Fail at the first collection nested deeper than ``MAX_DEPTH``."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise RequirementsError(shown, f"nested more than {MAX_DEPTH} levels deep",
                                        "Flatten the structure; a requirements file needs a few levels.",
                                        mark.line + 1, mark.column + 1)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def check_expansion(root: Any, shown: str) -> None:
    """Fail when the tree, with aliases expanded, has more than ``MAX_EXPANDED_NODES`` nodes."""
    sizes: dict[int, int] = {}

    def size(node: Any, open_nodes: set[int]) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            _fail(node, shown, "an alias refers to its own anchor (a cycle)", "Remove the self-reference.")
        if node.id == "scalar":
            return 1
        open_nodes.add(key)
        children = node.value if node.id == "sequence" else [n for pair in node.value for n in pair]
        total = 1
        for child in children:
            total += size(child, open_nodes)
            if total > MAX_EXPANDED_NODES:
                _fail(node, shown, f"aliases expand to more than {MAX_EXPANDED_NODES} values here",
                      "Remove the nested aliases (an alias bomb); write the values out.")
        open_nodes.discard(key)
        sizes[key] = total
        return total

    size(root, set())


def _fail(node: Any, shown: str, problem: str, hint: str) -> None:
    mark = node.start_mark
    raise RequirementsError(shown, problem, hint, mark.line + 1, mark.column + 1)
