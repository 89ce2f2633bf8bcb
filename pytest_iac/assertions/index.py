"""The template's resources and data sources, indexed once: by address, by type and by
construct path, each entry's arguments computed once; and the screening of entries against a
pattern that every query runs.

A template never changes after it is built (it owns a deep copy), so the indexes stay valid.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from pytest_iac.assertions.matchers import Matcher, ObjectMatch
from pytest_iac.assertions.result import MatchResult

__all__ = ["META_ARGUMENTS", "Entry", "Index", "Matched", "addresses_in"]

META_ARGUMENTS = frozenset(
    {"//", "depends_on", "lifecycle", "provider", "count", "for_each", "provisioner", "connection"}
)


class Entry(NamedTuple):
    """One resource or data source, as the template holds it."""

    address: str
    type: str
    name: str
    body: Mapping[str, Any]
    is_data: bool
    args: dict[str, Any]
    """The body minus meta-arguments, computed once; never handed out (``arguments`` is a copy)."""

    @property
    def path(self) -> str | None:
        meta = self.body.get("//", {}).get("metadata", {})
        return meta.get("path") if isinstance(meta, Mapping) else None

    @property
    def config_references(self) -> list[str] | None:
        """The block addresses a plan's configuration says this entry refers to (None: a
        synthesized stack, whose references are read from the ``${...}`` in its body)."""
        refs = _metadata(self.body).get("references")
        return list(refs) if isinstance(refs, list) else None

    @property
    def arguments(self) -> dict[str, Any]:
        return dict(self.args)

    def actual(self, whole: bool) -> dict[str, Any]:
        """What ``test`` gets: a fresh top-level dict, as it always did (a custom matcher may keep it)."""
        return dict(self.body) if whole else dict(self.args)


def _metadata(body: Mapping[str, Any]) -> Mapping[str, Any]:
    meta = body.get("//", {})
    meta = meta.get("metadata", {}) if isinstance(meta, Mapping) else {}
    return meta if isinstance(meta, Mapping) else {}


class Matched(NamedTuple):
    """The outcome of testing ``entries`` against ``root``: which matched (captures committed).

    A failure's detail is built only when asked for, by ``result``: tests usually pass, and
    testing hundreds of candidates with full detail is most of the cost of a query."""

    root: Matcher
    entries: tuple[Entry, ...]
    matched: list[Entry]
    whole: bool

    @property
    def failed(self) -> list[Entry]:
        hits = {e.address for e in self.matched}
        return [e for e in self.entries if e.address not in hits]

    def result(self, entry: Entry) -> MatchResult:
        return self.root.test(entry.actual(self.whole))


class Index:
    """Entries by address (in order: resources then data sources, sorted), by type and by path."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        __tracebackhide__ = True
        self.entries: dict[str, Entry] = {}
        by_type: dict[tuple[bool, str], list[Entry]] = {}
        for section, prefix, is_data in (("resource", "", False), ("data", "data.", True)):
            for rtype, named in sorted(config.get(section, {}).items()):
                for name, body in sorted(named.items()):
                    if not isinstance(body, Mapping):
                        raise ValueError(f"{section}.{rtype}.{name} is not a JSON object")
                    meta = _metadata(body)
                    address = meta.get("address") or f"{prefix}{rtype}.{name}"  # a plan's instance address
                    args = {k: v for k, v in body.items() if k not in META_ARGUMENTS}
                    entry = Entry(address, rtype, meta.get("name") or name, body, is_data, args)
                    self.entries[address] = entry
                    by_type.setdefault((is_data, rtype), []).append(entry)
        self._by_type: dict[tuple[bool, str], tuple[Entry, ...]] = {k: tuple(v) for k, v in by_type.items()}
        self._type_names = {data: sorted({t for d, t in by_type if d == data}) for data in (False, True)}
        self._by_path: tuple[dict[str, Entry], dict[str, Entry]] | None = None

    def of_type(self, rtype: str, data: bool) -> tuple[Entry, ...]:
        return self._by_type.get((data, rtype), ())

    def types(self, data: bool) -> list[str]:
        return list(self._type_names[data])

    def match(self, entries: tuple[Entry, ...], root: Matcher, whole: bool) -> Matched:
        """Screen every entry with the cheap ``matches``; ``test`` (and commit the captures of)
        only those that pass, in order, so a Capture gets one value per matching resource."""
        # An object matcher hands on only the values under its keys (shared, as they always were),
        # never the dict itself, so it may screen the template's own dict; any other root (a custom
        # matcher, Capture, not_) could keep or change what it gets, so it gets a copy.
        shared = type(root) is ObjectMatch
        matches, matched = root.matches, []
        for entry in entries:
            actual = entry.body if whole else entry.args
            if matches(actual if shared else dict(actual)):
                result = root.test(entry.actual(whole)).finish()
                if result.is_success:  # the same verdict, unless a custom matcher disagrees with itself
                    matched.append(entry)
        return Matched(root, entries, matched, whole)

    def paths(self) -> tuple[dict[str, Entry], dict[str, Entry]]:
        """``{path: entry}`` (the last entry wins a duplicated path, as a dict built in order does)
        and ``{path without its first segment: entry}`` (the first such path wins), built once."""
        if self._by_path is None:
            by_path = {e.path: e for e in self.entries.values() if e.path}
            tails: dict[str, Entry] = {}
            for full, entry in by_path.items():
                if isinstance(full, str):
                    tails.setdefault(full.partition("/")[2], entry)
            self._by_path = (by_path, tails)
        return self._by_path


def addresses_in(pattern: Any) -> Iterator[str]:
    """Addresses spelled out in a whole-template pattern: ``{"resource": {type: {name: ...}}}``."""
    if not isinstance(pattern, Mapping):
        return
    for section, prefix in (("resource", ""), ("data", "data.")):
        groups = pattern.get(section)
        groups = getattr(groups, "pattern", groups)  # Match.object_like({...}) around the section
        for rtype, group in (groups.items() if isinstance(groups, Mapping) else ()):
            group = getattr(group, "pattern", group)
            for name in (group if isinstance(group, Mapping) else ()):
                yield f"{prefix}{rtype}.{name}"
