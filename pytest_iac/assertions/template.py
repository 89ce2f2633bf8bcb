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
from collections.abc import Callable, Mapping
from typing import Any

from pytest_iac.assertions.audit import records_failures
from pytest_iac.assertions.index import Entry, Index, Matched, addresses_in
from pytest_iac.assertions.match import Match
from pytest_iac.assertions.matchers import AnyValueMatch, Matcher, ObjectMatch
from pytest_iac._text import listing, plural
from pytest_iac.assertions.messages import Candidate, did_you_mean, expectation, mismatch
from pytest_iac.assertions.resource_view import ResourceView
from pytest_iac.masking import is_secret_key, remember_secrets_of
from pytest_iac.assertions.references import reference_graph

__all__ = ["ResourceView", "Template"]


@records_failures()
class Template:
    """A synthesized Terraform JSON configuration, ready to be queried."""

    def __init__(self, config: Mapping[str, Any], *, stack_name: str = "stack",
                 on_examine: Callable[[str], None] | None = None) -> None:
        __tracebackhide__ = True
        if not isinstance(config, Mapping):
            raise TypeError(f"Template needs the Terraform JSON object, got {type(config).__name__}")
        self._config: dict[str, Any] = copy.deepcopy(dict(config))
        remember_secrets_of(self._config)
        self.stack_name = stack_name
        self.on_examine = on_examine
        self._index = Index(self._config)
        self._references: dict[str, set[str]] | None = None

    @classmethod
    def from_file(cls, path: str | os.PathLike[str], **kw: Any) -> Template:
        """Read ``cdk.tf.json`` (or the stack directory holding it).

        ``stack_name`` defaults to the metadata's ``stackName``, else the directory name."""
        __tracebackhide__ = True
        if os.path.isdir(path):
            path = os.path.join(path, "cdk.tf.json")
        with open(path, encoding="utf-8") as fh:
            config = json.load(fh)
        meta = config.get("//", {}).get("metadata", {})
        folder = os.path.basename(os.path.dirname(os.path.abspath(path)))
        kw.setdefault("stack_name", meta.get("stackName") or folder)
        return cls(config, **kw)

    @classmethod
    def from_json(cls, config: str | bytes | Mapping[str, Any], **kw: Any) -> Template:
        """From Terraform JSON: the text of a ``cdk.tf.json`` or the decoded object."""
        __tracebackhide__ = True
        if isinstance(config, (str, bytes)):
            config = json.loads(config)
        if isinstance(config, Mapping):
            meta = config.get("//", {}).get("metadata", {})
            if isinstance(meta, Mapping) and meta.get("stackName"):
                kw.setdefault("stack_name", meta["stackName"])
        return cls(config, **kw)  # type: ignore[arg-type]

    @classmethod
    def from_stack(cls, stack: Any, **kw: Any) -> Template:
        """Synthesize one cdktf ``TerraformStack`` object (aspects included) and query it, as AWS
        CDK's ``Template.fromStack``. The ``iac_stack`` fixture is faster: synthesized once."""
        __tracebackhide__ = True
        from pytest_iac.synthesis.standalone import stack_config

        config, name = stack_config(stack)
        kw.setdefault("stack_name", name)
        return cls(config, **kw)

    def to_json(self) -> dict[str, Any]:
        """The whole configuration as a new dict (AWS CDK's ``toJSON``); what ``iac_snapshot``
        records. Like ``raw``, it does not count for resource coverage: a snapshot pins what was
        synthesized, it does not say what was meant."""
        return copy.deepcopy(self._config)

    def template_matches(self, pattern: Any) -> None:
        """The whole configuration matches ``pattern`` (a dict matches partially, as
        ``Match.object_like``; ``Match.object_equals`` for exactly). The resources the pattern
        names count as examined when it matches."""
        __tracebackhide__ = True
        root = Match.as_matcher(pattern)
        result = root.test(self._config).finish()
        if not result.is_success:
            raise AssertionError("\n".join([f"Template {self.stack_name!r} does not match the expected pattern.",
                                            expectation(root), result.render(indent="  ", root=root.name)]))
        for address in addresses_in(root.pattern):
            if address in self._index.entries:
                self._examine(address)

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

    def _view(self, entry: Entry) -> ResourceView:
        return ResourceView(entry, self._examine)

    @staticmethod
    def _candidates(tested: Matched, entries: list[Entry]) -> list[Candidate]:
        """The failure detail of ``entries``, built only now that a query is about to raise."""
        return [Candidate(e.address, tested.result(e), e.path) for e in entries]

    def _none_of_type(self, rtype: str, data: bool) -> AssertionError:
        kind = "data sources" if data else "resources"
        return AssertionError(
            f"Template has no {kind} of type {rtype}.\n" + did_you_mean("types", rtype, self._index.types(data))
        )

    def _find(self, rtype: str, props: Any, data: bool) -> dict[str, ResourceView]:
        __tracebackhide__ = True
        tested = self._index.match(self._index.of_type(rtype, data), _root(props), whole=False)
        return {e.address: self._view(e) for e in tested.matched}

    def _assert_has(self, rtype: str, props: Any, data: bool, whole: bool) -> None:
        __tracebackhide__ = True
        entries = self._index.of_type(rtype, data)
        if not entries:
            raise self._none_of_type(rtype, data)
        tested = self._index.match(entries, _root(props), whole)
        for entry in tested.matched if not _vacuous(props) else ():
            self._examine(entry.address)
        if tested.matched:
            return
        noun = plural(len(entries), "data source" if data else "resource")
        what = "definition" if whole else "properties"
        verdict = "it does not match" if len(entries) == 1 else "none match"
        header = f"Template has {noun} of type {rtype}, but {verdict} the expected {what}."
        raise mismatch(header, tested.root, self._candidates(tested, list(entries)))

    def _assert_all(self, rtype: str, props: Any, whole: bool) -> None:
        __tracebackhide__ = True
        entries = self._index.of_type(rtype, False)
        if not entries:
            raise self._none_of_type(rtype, False)
        tested = self._index.match(entries, _root(props), whole)
        for entry in entries if not _vacuous(props) else ():
            self._examine(entry.address)
        failed = tested.failed
        if not failed:
            return
        root = tested.root
        what = "definition" if whole else "properties"
        lines = [f"{len(failed)} of {plural(len(entries), 'resource')} of type {rtype} do not match"
                 f" the expected {what}.", expectation(root)]
        for cand in self._candidates(tested, failed[:3]):
            lines += [f"{cand.label}:", cand.block(root)]
        if len(failed) > 3:
            lines.append(f"... and {len(failed) - 3} more: {listing([e.address for e in failed[3:]])}")
        raise AssertionError("\n".join(lines))

    def _entry(self, address: str) -> Entry:
        __tracebackhide__ = True
        try:
            return self._index.entries[address]
        except KeyError:
            raise AssertionError(
                f"Template has no resource {address}.\n"
                + did_you_mean("addresses", address, list(self._index.entries))
            ) from None

    # -- resources -------------------------------------------------------------------------

    def find_resources(self, type: str, props: Any = None) -> dict[str, ResourceView]:
        """Resources of ``type`` whose arguments match ``props`` (None: all), by address."""
        __tracebackhide__ = True
        return self._find(type, props, data=False)

    def has_resource_properties(self, type: str, props: Any) -> None:
        """At least one resource's arguments (body minus meta-arguments) match ``props``."""
        __tracebackhide__ = True
        self._assert_has(type, props, data=False, whole=False)

    def has_resource(self, type: str, props: Any) -> None:
        """At least one resource's whole body (meta-arguments included) matches ``props``."""
        __tracebackhide__ = True
        self._assert_has(type, props, data=False, whole=True)

    def resource_count_is(self, type: str, count: int) -> None:
        __tracebackhide__ = True
        found = [e.address for e in self._index.of_type(type, False)]
        if len(found) == count:
            return
        message = f"Expected {plural(count, 'resource')} of type {type}, found {len(found)}"
        if found:
            raise AssertionError(f"{message}: {listing(found, 10)}")
        raise AssertionError(f"{message}.\n" + did_you_mean("types", type, self._index.types(False)))

    def resource_properties_count_is(self, type: str, props: Any, count: int) -> None:
        __tracebackhide__ = True
        tested = self._index.match(self._index.of_type(type, False), _root(props), whole=False)
        matched = [e.address for e in tested.matched]
        for address in matched if not _vacuous(props) else ():
            self._examine(address)
        if len(matched) == count:
            return
        root = tested.root
        header = (f"Expected {plural(count, 'resource')} of type {type} matching the expected properties,"
                  f" found {len(matched)}" + (f": {listing(matched, 10)}" if matched else "."))
        if not tested.entries:
            hint = did_you_mean("types", type, self._index.types(False))
            raise AssertionError("\n".join([header, expectation(root), hint]))
        shown = self._candidates(tested, tested.failed) if len(matched) < count else []
        raise mismatch(header, root, shown)

    def all_resources_properties(self, type: str, props: Any) -> None:
        """Every resource of ``type`` (there must be at least one) has arguments matching ``props``."""
        __tracebackhide__ = True
        self._assert_all(type, props, whole=False)

    def all_resources(self, type: str, props: Any) -> None:
        __tracebackhide__ = True
        self._assert_all(type, props, whole=True)

    def resource(self, address: str) -> ResourceView:
        """The resource (or ``data.`` source) at ``address``, e.g. ``aws_vpc.vpc``."""
        __tracebackhide__ = True
        return self._view(self._entry(address))

    def resource_by_path(self, path: str) -> ResourceView:
        """By construct path, with or without the leading stack name: ``payments/vpc`` or ``vpc``."""
        __tracebackhide__ = True
        path = path.strip("/")
        by_path, tails = self._index.paths()
        if path in by_path:
            return self._view(by_path[path])
        if path in tails:
            return self._view(tails[path])
        raise AssertionError(
            f"Template has no construct at path {path!r}.\n" + did_you_mean("paths", path, sorted(by_path))
        )

    def resources(self, type: str | None = None) -> list[ResourceView]:
        if type is not None:
            return [self._view(e) for e in self._index.of_type(type, False)]
        return [self._view(e) for e in self._index.entries.values() if not e.is_data]

    @property
    def resource_types(self) -> list[str]:
        return self._index.types(False)

    @property
    def resource_addresses(self) -> list[str]:
        return [a for a, e in self._index.entries.items() if not e.is_data]

    # -- data sources, outputs, providers, backend ------------------------------------------

    def find_data_sources(self, type: str, props: Any = None) -> dict[str, ResourceView]:
        __tracebackhide__ = True
        return self._find(type, props, data=True)

    def has_data_source(self, type: str, props: Any) -> None:
        __tracebackhide__ = True
        self._assert_has(type, props, data=True, whole=False)

    def find_outputs(self, name: str = "*", props: Any = None) -> dict[str, dict[str, Any]]:
        """Outputs whose name matches the glob ``name`` and whose definition matches ``props``."""
        __tracebackhide__ = True
        root = _root(props)
        return {n: copy.deepcopy(o) for n, o in sorted(self._config.get("output", {}).items())
                if fnmatch.fnmatchcase(n, name) and root.test(o).finish().is_success}

    def has_output(self, name: str, props: Any = None) -> None:
        __tracebackhide__ = True
        outputs = self._config.get("output", {})
        named = {n: o for n, o in sorted(outputs.items()) if fnmatch.fnmatchcase(n, name)}
        if not named:
            raise AssertionError(f"Template has no output matching {name!r}.\n"
                                 + did_you_mean("outputs", name, sorted(outputs)))
        root = _root(props)
        tested = {n: root.test(o).finish() for n, o in named.items()}
        for n, r in tested.items():
            if r.is_success and props is not None:  # values asserted on: a module's block coverage counts it
                self._examine(f"output.{n}")
        if any(r.is_success for r in tested.values()):
            return
        masked = {n for n, o in named.items()
                  if is_secret_key(n) or (isinstance(o, Mapping) and o.get("sensitive") is True)}
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
        __tracebackhide__ = True
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
        __tracebackhide__ = True
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
            self._references = reference_graph(self._index.entries)
        return self._references

    def references_from(self, address: str) -> list[str]:
        """Addresses (resources and data sources) that ``address`` refers to."""
        __tracebackhide__ = True
        self._entry(address)
        return sorted(self._reference_graph()[address])

    def references_to(self, address: str) -> list[str]:
        """Addresses whose bodies refer to ``address``."""
        __tracebackhide__ = True
        self._entry(address)
        return sorted(a for a, refs in self._reference_graph().items() if address in refs)


def _vacuous(props: Any) -> bool:
    """An expected value every resource matches (``{}``, ``Match.any_value()``): the query
    examined no property, so it does not count for resource coverage."""
    if props is None or isinstance(props, AnyValueMatch):
        return True
    if isinstance(props, ObjectMatch):
        return props.name == "object_like" and not props.pattern
    return isinstance(props, Mapping) and not props


def _root(props: Any) -> Matcher:
    __tracebackhide__ = True
    return Match.any_value() if props is None else Match.as_matcher(props)

