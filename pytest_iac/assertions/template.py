"""Query and assert on a synthesized cdktf stack (``cdk.tf.json``), in the style of
AWS CDK's ``assertions.Template``: ``find_*`` return matches, ``has_*`` and
``*_is`` raise an ``AssertionError`` that names the closest candidates.

Every call that really examines a resource reports its address to
``Template.on_examine`` (see ``ResourceView`` for what counts as reading).
"""

from __future__ import annotations

import copy
import fnmatch
import json
import os
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

from pytest_iac.assertions.messages import Candidate, did_you_mean, expectation, listing, mismatch, plural
from pytest_iac.assertions.matchers import Match, Matcher, MatchResult, _ObjectMatch
from pytest_iac.terraform.expressions import references

__all__ = ["META_ARGUMENTS", "ResourceView", "Template"]

META_ARGUMENTS = frozenset(
    {"//", "depends_on", "lifecycle", "provider", "count", "for_each", "provisioner", "connection"}
)


class _Entry(NamedTuple):
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
    def arguments(self) -> dict[str, Any]:
        return dict(self.args)

    def actual(self, whole: bool) -> dict[str, Any]:
        """What ``test`` gets: a fresh top-level dict, as it always did (a custom matcher may keep it)."""
        return dict(self.body) if whole else dict(self.args)

    def candidate(self, result: MatchResult) -> Candidate:
        return Candidate(self.address, result, self.path)


class _Matched(NamedTuple):
    """The outcome of testing ``entries`` against ``root``: which matched (captures committed).

    A failure's detail is built only when asked for, by ``result``: tests usually pass, and
    testing hundreds of candidates with full detail is most of the cost of a query."""

    root: Matcher
    entries: tuple[_Entry, ...]
    matched: list[_Entry]
    whole: bool

    @property
    def failed(self) -> list[_Entry]:
        hits = {e.address for e in self.matched}
        return [e for e in self.entries if e.address not in hits]

    def result(self, entry: _Entry) -> MatchResult:
        return self.root.test(entry.actual(self.whole))

    def candidates(self, entries: list[_Entry]) -> list[Candidate]:
        return [e.candidate(self.result(e)) for e in entries]


class ResourceView(Mapping[str, Any]):
    """Read-only view of one resource's arguments (meta-arguments excluded).

    Reading a value (``view[k]``, ``get``, ``items``, ``values``, ``body``,
    ``depends_on``, ``lifecycle``) reports the resource as examined; ``len``,
    ``in``, iterating keys and ``ref`` do not. Values are deep copies, so a
    test cannot corrupt a template shared with other tests."""

    def __init__(self, entry: _Entry, examine: Callable[[str], None]) -> None:
        self._entry, self._examine = entry, examine
        self._args = entry.args  # shared with the template: only ever read or deep-copied here
        self.address, self.type, self.name = entry.address, entry.type, entry.name
        self.is_data = entry.is_data
        self.path: str | None = entry.path
        meta = entry.body.get("//", {}).get("metadata", {})
        self.unique_id: str | None = meta.get("uniqueId") if isinstance(meta, Mapping) else None

    def __getitem__(self, key: str) -> Any:
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


class Template:
    """A synthesized Terraform JSON configuration, ready to be queried."""

    def __init__(self, config: Mapping[str, Any], *, stack_name: str = "stack",
                 on_examine: Callable[[str], None] | None = None) -> None:
        if not isinstance(config, Mapping):
            raise TypeError(f"Template needs the Terraform JSON object, got {type(config).__name__}")
        self._config: dict[str, Any] = copy.deepcopy(dict(config))
        self.stack_name = stack_name
        self.on_examine = on_examine
        self._entries: dict[str, _Entry] = {}
        by_type: dict[tuple[bool, str], list[_Entry]] = {}
        for section, prefix, is_data in (("resource", "", False), ("data", "data.", True)):
            for rtype, named in sorted(self._config.get(section, {}).items()):
                for name, body in sorted(named.items()):
                    if not isinstance(body, Mapping):
                        raise ValueError(f"{section}.{rtype}.{name} is not a JSON object")
                    address = f"{prefix}{rtype}.{name}"
                    args = {k: v for k, v in body.items() if k not in META_ARGUMENTS}
                    entry = _Entry(address, rtype, name, body, is_data, args)
                    self._entries[address] = entry
                    by_type.setdefault((is_data, rtype), []).append(entry)
        # The template never changes after this (it owns a deep copy), so these stay valid.
        self._by_type: dict[tuple[bool, str], tuple[_Entry, ...]] = {k: tuple(v) for k, v in by_type.items()}
        self._type_names = {data: sorted({t for d, t in by_type if d == data}) for data in (False, True)}
        self._by_path: tuple[dict[str, _Entry], dict[str, _Entry]] | None = None
        self._references: dict[str, set[str]] | None = None

    @classmethod
    def from_file(cls, path: str | os.PathLike[str], **kw: Any) -> Template:
        """Read ``cdk.tf.json`` (or the stack directory holding it).

        ``stack_name`` defaults to the metadata's ``stackName``, else the directory name."""
        if os.path.isdir(path):
            path = os.path.join(path, "cdk.tf.json")
        with open(path, encoding="utf-8") as fh:
            config = json.load(fh)
        meta = config.get("//", {}).get("metadata", {})
        folder = os.path.basename(os.path.dirname(os.path.abspath(path)))
        kw.setdefault("stack_name", meta.get("stackName") or folder)
        return cls(config, **kw)

    def __repr__(self) -> str:
        return f"<Template {self.stack_name!r}: {plural(len(self.resource_addresses), 'resource')}>"

    @property
    def raw(self) -> dict[str, Any]:
        """A deep copy of the configuration."""
        return copy.deepcopy(self._config)

    # -- internals -------------------------------------------------------------------------

    def _examine(self, address: str) -> None:
        callback = self.on_examine
        if callback is not None:
            callback(address)

    def _view(self, entry: _Entry) -> ResourceView:
        return ResourceView(entry, self._examine)

    def _of_type(self, rtype: str, data: bool) -> tuple[_Entry, ...]:
        return self._by_type.get((data, rtype), ())

    def _types(self, data: bool) -> list[str]:
        return list(self._type_names[data])

    def _match(self, entries: tuple[_Entry, ...], props: Any, whole: bool) -> _Matched:
        """Screen every entry with the cheap ``matches``; ``test`` (and commit the captures of)
        only those that pass, in order, so a Capture gets one value per matching resource."""
        root = _root(props)
        # An object matcher hands on only the values under its keys (shared, as they always were),
        # never the dict itself, so it may screen the template's own dict; any other root (a custom
        # matcher, Capture, not_) could keep or change what it gets, so it gets a copy.
        shared = type(root) is _ObjectMatch
        matches, matched = root.matches, []
        for entry in entries:
            actual = entry.body if whole else entry.args
            if matches(actual if shared else dict(actual)):
                result = root.test(entry.actual(whole)).finish()
                if result.is_success:  # the same verdict, unless a custom matcher disagrees with itself
                    matched.append(entry)
        return _Matched(root, entries, matched, whole)

    def _paths(self) -> tuple[dict[str, _Entry], dict[str, _Entry]]:
        """``{path: entry}`` (the last entry wins a duplicated path, as a dict built in order does)
        and ``{path without its first segment: entry}`` (the first such path wins), built once."""
        if self._by_path is None:
            by_path = {e.path: e for e in self._entries.values() if e.path}
            tails: dict[str, _Entry] = {}
            for full, entry in by_path.items():
                if isinstance(full, str):
                    tails.setdefault(full.partition("/")[2], entry)
            self._by_path = (by_path, tails)
        return self._by_path

    def _none_of_type(self, rtype: str, data: bool) -> AssertionError:
        kind = "data sources" if data else "resources"
        return AssertionError(
            f"Template has no {kind} of type {rtype}.\n" + did_you_mean("types", rtype, self._types(data))
        )

    def _find(self, rtype: str, props: Any, data: bool) -> dict[str, ResourceView]:
        tested = self._match(self._of_type(rtype, data), props, whole=False)
        return {e.address: self._view(e) for e in tested.matched}

    def _assert_has(self, rtype: str, props: Any, data: bool, whole: bool) -> None:
        entries = self._of_type(rtype, data)
        if not entries:
            raise self._none_of_type(rtype, data)
        tested = self._match(entries, props, whole)
        for entry in tested.matched:
            self._examine(entry.address)
        if tested.matched:
            return
        noun = plural(len(entries), "data source" if data else "resource")
        what = "definition" if whole else "properties"
        verdict = "it does not match" if len(entries) == 1 else "none match"
        header = f"Template has {noun} of type {rtype}, but {verdict} the expected {what}."
        raise mismatch(header, tested.root, tested.candidates(list(entries)))

    def _assert_all(self, rtype: str, props: Any, whole: bool) -> None:
        entries = self._of_type(rtype, False)
        if not entries:
            raise self._none_of_type(rtype, False)
        tested = self._match(entries, props, whole)
        for entry in entries:
            self._examine(entry.address)
        failed = tested.failed
        if not failed:
            return
        root = tested.root
        what = "definition" if whole else "properties"
        lines = [f"{len(failed)} of {plural(len(entries), 'resource')} of type {rtype} do not match"
                 f" the expected {what}.", expectation(root)]
        for cand in tested.candidates(failed[:3]):
            lines += [f"{cand.label}:", cand.block(root)]
        if len(failed) > 3:
            lines.append(f"... and {len(failed) - 3} more: {listing([e.address for e in failed[3:]])}")
        raise AssertionError("\n".join(lines))

    def _entry(self, address: str) -> _Entry:
        try:
            return self._entries[address]
        except KeyError:
            raise AssertionError(
                f"Template has no resource {address}.\n"
                + did_you_mean("addresses", address, list(self._entries))
            ) from None

    # -- resources -------------------------------------------------------------------------

    def find_resources(self, type: str, props: Any = None) -> dict[str, ResourceView]:
        """Resources of ``type`` whose arguments match ``props`` (None: all), by address."""
        return self._find(type, props, data=False)

    def has_resource_properties(self, type: str, props: Any) -> None:
        """At least one resource's arguments (body minus meta-arguments) match ``props``."""
        self._assert_has(type, props, data=False, whole=False)

    def has_resource(self, type: str, props: Any) -> None:
        """At least one resource's whole body (meta-arguments included) matches ``props``."""
        self._assert_has(type, props, data=False, whole=True)

    def resource_count_is(self, type: str, count: int) -> None:
        found = [e.address for e in self._of_type(type, False)]
        if len(found) == count:
            return
        message = f"Expected {plural(count, 'resource')} of type {type}, found {len(found)}"
        if found:
            raise AssertionError(f"{message}: {listing(found, 10)}")
        raise AssertionError(f"{message}.\n" + did_you_mean("types", type, self._types(False)))

    def resource_properties_count_is(self, type: str, props: Any, count: int) -> None:
        tested = self._match(self._of_type(type, False), props, whole=False)
        matched = [e.address for e in tested.matched]
        for address in matched:
            self._examine(address)
        if len(matched) == count:
            return
        root = tested.root
        header = (f"Expected {plural(count, 'resource')} of type {type} matching the expected properties,"
                  f" found {len(matched)}" + (f": {listing(matched, 10)}" if matched else "."))
        if not tested.entries:
            hint = did_you_mean("types", type, self._types(False))
            raise AssertionError("\n".join([header, expectation(root), hint]))
        shown = tested.candidates(tested.failed) if len(matched) < count else []
        raise mismatch(header, root, shown)

    def all_resources_properties(self, type: str, props: Any) -> None:
        """Every resource of ``type`` (there must be at least one) has arguments matching ``props``."""
        self._assert_all(type, props, whole=False)

    def all_resources(self, type: str, props: Any) -> None:
        self._assert_all(type, props, whole=True)

    def resource(self, address: str) -> ResourceView:
        """The resource (or ``data.`` source) at ``address``, e.g. ``aws_vpc.vpc``."""
        return self._view(self._entry(address))

    def resource_by_path(self, path: str) -> ResourceView:
        """By construct path, with or without the leading stack name: ``payments/vpc`` or ``vpc``."""
        path = path.strip("/")
        by_path, tails = self._paths()
        if path in by_path:
            return self._view(by_path[path])
        if path in tails:
            return self._view(tails[path])
        raise AssertionError(
            f"Template has no construct at path {path!r}.\n" + did_you_mean("paths", path, sorted(by_path))
        )

    def resources(self, type: str | None = None) -> list[ResourceView]:
        if type is not None:
            return [self._view(e) for e in self._of_type(type, False)]
        return [self._view(e) for e in self._entries.values() if not e.is_data]

    @property
    def resource_types(self) -> list[str]:
        return self._types(False)

    @property
    def resource_addresses(self) -> list[str]:
        return [a for a, e in self._entries.items() if not e.is_data]

    # -- data sources, outputs, providers, backend ------------------------------------------

    def find_data_sources(self, type: str, props: Any = None) -> dict[str, ResourceView]:
        return self._find(type, props, data=True)

    def has_data_source(self, type: str, props: Any) -> None:
        self._assert_has(type, props, data=True, whole=False)

    def find_outputs(self, name: str = "*", props: Any = None) -> dict[str, dict[str, Any]]:
        """Outputs whose name matches the glob ``name`` and whose definition matches ``props``."""
        root = _root(props)
        return {n: copy.deepcopy(o) for n, o in sorted(self._config.get("output", {}).items())
                if fnmatch.fnmatchcase(n, name) and root.test(o).finish().is_success}

    def has_output(self, name: str, props: Any = None) -> None:
        outputs = self._config.get("output", {})
        named = {n: o for n, o in sorted(outputs.items()) if fnmatch.fnmatchcase(n, name)}
        if not named:
            raise AssertionError(f"Template has no output matching {name!r}.\n"
                                 + did_you_mean("outputs", name, sorted(outputs)))
        root = _root(props)
        tested = {n: root.test(o).finish() for n, o in named.items()}
        if any(r.is_success for r in tested.values()):
            return
        masked = {n for n, o in named.items() if isinstance(o, Mapping) and o.get("sensitive") is True}
        header = (f"Template has {plural(len(named), 'output')} matching {name!r},"
                  " but none match the expected properties.")
        raise mismatch(header, root, [Candidate(n, r, masked=n in masked) for n, r in tested.items()])

    def find_providers(self, name: str | None = None) -> dict[str, list[dict[str, Any]]]:
        """Provider configurations by provider name (aliases are extra entries in the list)."""
        found: dict[str, list[dict[str, Any]]] = {}
        for pname, configs in sorted(self._config.get("provider", {}).items()):
            if name is None or pname == name:
                found[pname] = copy.deepcopy(list(configs) if isinstance(configs, list) else [configs])
        return found

    def has_provider(self, name: str, props: Any = None) -> None:
        configs = self.find_providers(name).get(name)
        if not configs:
            raise AssertionError(f"Template has no provider {name!r}.\n"
                                 + did_you_mean("providers", name, sorted(self.find_providers())))
        root = _root(props)
        tested = [root.test(c).finish() for c in configs]
        if any(r.is_success for r in tested):
            return
        labels = [f"provider {name}" + (f" (alias {c['alias']})" if "alias" in c else f" [{i}]")
                  for i, c in enumerate(configs)]
        header = (f"Template has {plural(len(configs), 'configuration')} of provider {name!r},"
                  " but none match the expected properties.")
        raise mismatch(header, root, [Candidate(lbl, r) for lbl, r in zip(labels, tested)])

    @property
    def backend(self) -> tuple[str, dict[str, Any]] | None:
        """``("s3", {...})``; Terraform Cloud (``terraform.cloud``) is reported as ``("cloud", {...})``."""
        terraform = self._config.get("terraform", {})
        for btype, settings in sorted(terraform.get("backend", {}).items()):
            return btype, copy.deepcopy(settings)
        if "cloud" in terraform:
            return "cloud", copy.deepcopy(terraform["cloud"])
        return None

    def has_backend(self, type: str, props: Any = None) -> None:
        backend = self.backend
        if backend is None:
            raise AssertionError(f"Template has no backend configured (expected {type!r}); "
                                 "Terraform would default to local state.")
        if backend[0] != type:
            raise AssertionError(f"Template uses backend {backend[0]!r}, expected {type!r}.")
        if props is None:
            return
        root = Match.as_matcher(props)
        result = root.test(backend[1]).finish()
        if not result.is_success:
            raise AssertionError("\n".join([f"Backend {type!r} does not match the expected properties.",
                                            expectation(root), result.render(indent="  ", root=root.name)]))

    # -- references ------------------------------------------------------------------------

    def _reference_graph(self) -> dict[str, set[str]]:
        if self._references is None:
            known = set(self._entries)
            self._references = {
                address: {t for t in _referenced(e.body) if t in known and t != address}
                for address, e in self._entries.items()
            }
        return self._references

    def references_from(self, address: str) -> list[str]:
        """Addresses (resources and data sources) that ``address`` refers to."""
        self._entry(address)
        return sorted(self._reference_graph()[address])

    def references_to(self, address: str) -> list[str]:
        """Addresses whose bodies refer to ``address``."""
        self._entry(address)
        return sorted(a for a, refs in self._reference_graph().items() if address in refs)


def _root(props: Any) -> Matcher:
    return Match.any_value() if props is None else Match.as_matcher(props)


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
