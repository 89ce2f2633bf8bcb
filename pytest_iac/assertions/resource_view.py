"""``ResourceView``: what a test holds of one resource, read-only, reporting each read."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from pytest_iac.assertions.index import Entry

__all__ = ["ResourceView"]


class ResourceView(Mapping[str, Any]):
    """Read-only view of one resource's arguments (meta-arguments excluded).

    Reading a value (``view[k]``, ``get``, ``items``, ``values``, ``body``,
    ``depends_on``, ``lifecycle``) reports the resource as examined; ``len``,
    ``in``, iterating keys and ``ref`` do not. Values are deep copies, so a
    test cannot corrupt a template shared with other tests."""

    def __init__(self, entry: Entry, examine: Callable[[str], None]) -> None:
        self._entry, self._examine = entry, examine
        self._args = entry.args  # shared with the template: only ever read or deep-copied here
        self.address, self.type, self.name = entry.address, entry.type, entry.name
        self.is_data = entry.is_data
        self.path: str | None = entry.path
        meta = entry.body.get("//", {}).get("metadata", {})
        self.unique_id: str | None = meta.get("uniqueId") if isinstance(meta, Mapping) else None

    def __getitem__(self, key: str) -> Any:
        __tracebackhide__ = True
        self._examine(self.address)
        return copy.deepcopy(self._args[key])

    def __contains__(self, key: object) -> bool:
        return key in self._args

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._args))

    def __len__(self) -> int:
        return len(self._args)

    def items(self) -> Any:
        self._examine(self.address)
        return copy.deepcopy(self._args).items()

    def values(self) -> Any:
        self._examine(self.address)
        return copy.deepcopy(self._args).values()

    @property
    def body(self) -> dict[str, Any]:
        """The whole resource body, meta-arguments included."""
        self._examine(self.address)
        return copy.deepcopy(dict(self._entry.body))

    @property
    def depends_on(self) -> list[str]:
        return list(self.body.get("depends_on", []))

    @property
    def lifecycle(self) -> dict[str, Any]:
        return dict(self.body.get("lifecycle", {}))

    def ref(self, attribute: str) -> str:
        """The Terraform reference to an attribute, e.g. ``${aws_vpc.vpc.id}``."""
        return "${" + f"{self.address}.{attribute}" + "}"

    def __repr__(self) -> str:
        return f"ResourceView({self.address!r}, path={self.path!r})"
