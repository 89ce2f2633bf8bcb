"""A module's plan as the checks read it: the way cdktf would have written the configuration.

The built-in checks were written for synthesized JSON, where a value terraform computes is a
``${aws_kms_key.data.arn}`` string and an attribute nobody set is absent. In a plan the same
value is the ``UNKNOWN`` marker (the reference is only in the plan's ``configuration``) and
every attribute of the schema is present (``null`` when unset, the marker when computed). Read
as it is, a bucket whose encryption resource says ``bucket = aws_s3_bucket.documents.id`` looks
unencrypted. This view gives the checks what they expect:

- an unknown value set from references becomes ``${ref}`` with the instance address of the
  reference: absolute with the instance's module path (``module.m[0].aws_sqs_queue.q.arn``),
  and ``count.index`` / ``each`` resolved to the instance's own key
  (``aws_s3_bucket.b[count.index].id`` in instance 1 -> ``aws_s3_bucket.b[1]``);
- an unknown value nobody set (``arn``, ``id``) and a ``null`` are left out;
- a sensitive value (redacted, ``SENSITIVE``) set from references becomes ``${ref}`` like an
  unknown one, and one written as a literal is the plain text ``(sensitive value)``, a literal;
- an argument written as one reference to a resource or data source is that reference, even when
  the plan knows its value (``policy = data.aws_iam_policy_document.x.json`` is judged where the
  document is defined, not twice);
- a ``jsonencode({...})`` argument the plan does not know is the JSON of its literal parts, read
  from the module's source (``terraform.hcl_literal``), with ``${...}`` where terraform computes;
  one the plan knows keeps its planned JSON but for the parts the source names as a caller's
  variable or a resource;
- items of a set (security group rules) are paired with what is written by their literals, not by
  position (terraform sorts them); a dynamic block's items are not paired at all;
- a value written as one ``var.x`` (or a local holding one) whose value the caller gives (the
  tests' variables, passed on by parent modules as bare ``var.x``; not a default, an
  ``optional()`` default, or a constant or expression in a parent's ``module`` block) is
  ``Supplied``: a value, but not one written in the module (``plaintext-secrets`` does not report
  it). This is read from the module's source, member by member, so a literal next to a variable
  in the same map is still a literal.

Tests never see this view: they query planned values, where ``Match.unknown()`` tells
"known after apply" from ``null``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from pytest_iac.assertions.plan_adapter import config_address
from pytest_iac.terraform.hcl_literal import jsonencode_literal
from pytest_iac.terraform.sensitive import SENSITIVE, Sensitive
from pytest_iac.terraform.unknown import Unknown

__all__ = ["Supplied", "check_config"]

_LEFT_OUT = object()
_NOT_ADDRESSES = frozenset({"var", "local", "path", "terraform", "self", "count", "each"})
_LAST_KEY = re.compile(r"\[([^\]]*)\]$")
_MODULE_NAME = re.compile(r"module\.([^.\[]+)")
_NAMED = re.compile(r"^\$\{\s*(var|local)\.([A-Za-z_][\w-]*)(?:\.[\w-]+|\[[^\]]*\])*\s*\}$")
_TRAVERSAL = re.compile(r"\.([\w-]+)|\[\s*\"?([^\]\"]*)\"?\s*\]")
_REFERENCE = re.compile(r"^\$\{\s*((?:data\.)?[A-Za-z][\w-]*\.[A-Za-z_][\w-]*(?:\[[^\]]*\])?(?:\.[A-Za-z_][\w-]*)*)\s*\}$")
_MODULE_PATH = re.compile(r"(?:module\.[^.\[]+(?:\[[^\]]*\])?\.)*")


def check_config(plan: Mapping[str, Any], config: Mapping[str, Any],
                 sources: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """``config`` (the plan adapter's Terraform JSON) with resource and data bodies as cdktf
    would write them; other sections as they are. ``sources``: block address -> the block's
    arguments as the HCL parser read them from the module's files (``hcl_blocks``)."""
    root = plan.get("configuration", {}).get("root_module", {})
    callers = _Callers(root, plan.get("variables") or {}, sources or {})
    blocks = _blocks(root, "")
    view = dict(config)
    for section in ("resource", "data"):
        view[section] = {rtype: {address: _body(address, body, blocks, sources or {}, callers)
                                 for address, body in named.items()}
                         for rtype, named in config.get(section, {}).items()}
    return view


def _blocks(module: Mapping[str, Any], prefix: str) -> dict[str, Mapping[str, Any]]:
    """Absolute block address (no instance keys) -> the block's configuration."""
    found = {prefix + block["address"]: block for block in module.get("resources", [])}
    for name, call in module.get("module_calls", {}).items():
        found.update(_blocks(call.get("module", {}), f"{prefix}module.{name}."))
    return found


def _body(address: str, body: Any, blocks: Mapping[str, Mapping[str, Any]],
          sources: Mapping[str, Mapping[str, Any]], callers: _Callers) -> Any:
    if not isinstance(body, Mapping):
        return body
    block = blocks.get(config_address(address), {})
    instance = _Instance(address, block, callers)
    source = sources.get(config_address(address)) or {}
    values = {k: v for k, v in body.items() if k != "//"}
    view = _value(values, block.get("expressions") or {}, source, instance)
    view = dict(view) if isinstance(view, Mapping) else {}
    if "//" in body:
        view["//"] = body["//"]
    return view


class _Callers:
    """Whether a module's variable holds a value its caller gives (the tests' variables, or a
    parent module passing on its own variables) rather than one written in the module's files
    (a default, or a constant in the parent's ``module`` block)."""

    def __init__(self, root: Mapping[str, Any], variables: Mapping[str, Any],
                 sources: Mapping[str, Any]) -> None:
        self.root = root
        self.variables = variables
        self.sources = sources

    def written(self, modules: list[str], source: Any) -> bool | None:
        """For an argument written as one ``var.x`` or ``local.x``: False when its value is the
        caller's, True when the module's files hold it (a default, a parent's constant, a local
        that is a plain string); None for any other argument."""
        match = _NAMED.match(_written_text(source))
        if match is None:
            return None
        kind, name = match.groups()
        if kind == "var":
            path = [a or b for a, b in _TRAVERSAL.findall(_written_text(source)[match.end(2):])]
            return not self.gives(modules, name, path)
        local = self._locals(modules).get(name)
        if isinstance(local, str) and "${" not in local:
            return True
        return None if local is None else self.written(modules, local)

    def _locals(self, modules: list[str]) -> Mapping[str, Any]:
        return self.sources.get(_prefix(modules) + "locals") or {}

    def local(self, modules: list[str], source: Any) -> Any:
        """The value a ``${local.x}`` argument's local is written with, or None."""
        match = _NAMED.match(_written_text(source))
        if match is None or match.group(1) != "local":
            return None
        return self._locals(modules).get(match.group(2))

    def gives(self, modules: list[str], variable: str, path: list[str] = ()) -> bool:  # type: ignore[assignment]
        """Whether the value of ``var.<variable>`` (at ``path`` inside it) comes from the caller."""
        if not modules:
            declared = (self.root.get("variables") or {}).get(variable) or {}
            given = (self.variables.get(variable) or {}).get("value")
            if "default" in declared and given == declared.get("default"):
                return False
            for step in path:  # a member the caller left out is an optional() default of the module
                if isinstance(given, list) and step.isdigit():
                    given = given[int(step)] if int(step) < len(given) else None
                else:
                    given = given.get(step) if isinstance(given, Mapping) else None
            return given is not None
        call = self.sources.get(_prefix(modules[:-1]) + f"module.{modules[-1]}") or {}
        argument = call.get(variable)
        if _NAMED.match(_written_text(argument)) is None:
            return False  # the child's default, a constant, or an expression the parent writes
        return self.written(modules[:-1], argument) is False


def _prefix(modules: list[str]) -> str:
    """The source key prefix of a module path: ``["a", "b"]`` -> ``module.a.module.b.``."""
    return "".join(f"module.{m}." for m in modules)


class _Instance:
    """Where an instance's references point: its module path and its own instance key."""

    def __init__(self, address: str, block: Mapping[str, Any], callers: _Callers) -> None:
        self.module = _MODULE_PATH.match(address).group(0)  # type: ignore[union-attr]  # "module.m[0]." or ""
        self.modules = _MODULE_NAME.findall(self.module)
        self.callers = callers
        key = _LAST_KEY.search(address)
        self.key = key.group(1) if key else None
        each = block.get("for_each_expression")
        self.each_of = [r for r in _references(each) if _root(r) not in _NOT_ADDRESSES]

    def absolute(self, references: list[str]) -> list[str]:
        """The instance addresses (with the attribute when terraform gave it) of ``references``;
        ``var.`` and ``local.`` as they are, other terraform names left out."""
        resolved: list[str] = []
        for ref in _most_specific(references):
            root = _root(ref)
            if ref.startswith("each.value") and self.each_of and self.key is not None:
                resolved.append(f"{self.module}{_base(self.each_of[0])}[{self.key}]{ref[len('each.value'):]}")
            elif root in ("var", "local"):
                resolved.append(ref)
            elif root not in _NOT_ADDRESSES and "." in ref:
                own_key = "count.index" in references or any(_root(r) == "each" for r in references)
                if own_key and "[" not in ref and ref.count(".") == 1 and self.key is not None:
                    ref = f"{ref}[{self.key}]"  # aws_s3_bucket.b[count.index].id: terraform names the block only
                resolved.append(self.module + ref)
        return resolved


    def reference(self, source: Any) -> str | None:
        """``${address.attribute}`` of this instance when ``source`` is written as one reference
        to a resource or data source, as cdktf writes it even when the value is known."""
        match = _REFERENCE.match(_written_text(source))
        if match is None or _root(match.group(1)) in _NOT_ADDRESSES | {"module"}:
            return None
        ref = match.group(1)
        if self.key is not None:
            ref = re.sub(r"\[\s*(?:count\.index|each\.key)\s*\]", f"[{self.key}]", ref)
        return "${" + self.module + ref + "}"


def _value(value: Any, expression: Any, source: Any, instance: _Instance) -> Any:
    if value is None:
        return _LEFT_OUT
    if isinstance(value, str):
        encoded = _encoded(value, source, instance)
        if encoded is not None:  # jsonencode({...}): its literal parts and ${...} references, as cdktf writes it
            return encoded
        reference = None if isinstance(value, Sensitive) else instance.reference(source)
        if reference is not None:  # policy = data.aws_iam_policy_document.x.json: judged where it is defined
            return reference
    written = instance.callers.written(instance.modules, source)
    if isinstance(value, (Unknown, Sensitive)):
        constant = isinstance(expression, Mapping) and "constant_value" in expression
        if isinstance(value, Sensitive) and (constant or written):
            return str(value)  # a literal written in the code (redacted): the checks judge it as one
        refs = instance.absolute(_references(expression))
        if refs:
            return "".join(f"${{{r}}}" for r in refs)
        return value if isinstance(value, Sensitive) else _LEFT_OUT
    if written is False:
        return _supplied(value)
    if isinstance(value, Mapping):
        pairs = ((k, _value(v, _member(expression, k), _source_member(source, k), instance)) for k, v in value.items())
        return {k: v for k, v in pairs if v is not _LEFT_OUT}
    if isinstance(value, list):
        items = [_value(v, e, w, instance) for v, (e, w) in zip(value, _items(value, expression, source))]
        return [v for v in items if v is not _LEFT_OUT]
    return value


def _encoded(value: str, source: Any, instance: _Instance) -> str | None:
    """A ``jsonencode({...})`` argument as JSON: all from the source when the plan does not know
    it, else the plan's JSON with ``${...}`` only where the source names a caller's variable or
    a resource (a local or a default keeps its planned value, a literal the checks judge)."""
    written = jsonencode_literal(source)
    if written is None:
        return None
    if isinstance(value, (Unknown, Sensitive)):
        return json.dumps(_resolved(json.loads(written), instance, isinstance(value, Sensitive)))
    try:
        planned = json.loads(value)
    except ValueError:
        return None
    return json.dumps(_merged(planned, json.loads(written), instance))


def _merged(planned: Any, written: Any, instance: _Instance) -> Any:
    if isinstance(planned, dict) and isinstance(written, dict):
        return {k: _merged(v, written.get(k), instance) for k, v in planned.items()}
    if isinstance(planned, list) and isinstance(written, list) and len(planned) == len(written):
        return [_merged(p, w, instance) for p, w in zip(planned, written)]
    if isinstance(written, str) and (instance.reference(written) is not None
                                     or instance.callers.written(instance.modules, written) is False):
        return written
    return planned


def _resolved(written: Any, instance: _Instance, sensitive: bool) -> Any:
    """``${local.x}`` / ``${var.x}`` parts whose value the module's files hold, as that value:
    the local's literal, or (in a sensitive value, whose parts terraform hides) the marker's
    text, a literal the checks judge."""
    if isinstance(written, dict):
        return {k: _resolved(v, instance, sensitive) for k, v in written.items()}
    if isinstance(written, list):
        return [_resolved(v, instance, sensitive) for v in written]
    if not isinstance(written, str) or instance.callers.written(instance.modules, written) is not True:
        return written
    if sensitive:
        return str(SENSITIVE)
    local = instance.callers.local(instance.modules, written)
    return local if local is not None and "${" not in json.dumps(local) else written


def _supplied(value: Any) -> Any:
    """Every string of a value the caller gives (a map or list variable too) as ``Supplied``."""
    if isinstance(value, str):
        return Supplied(value)
    if isinstance(value, Mapping):
        return {k: _supplied(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_supplied(v) for v in value if v is not None]
    return value


def _items(value: list[Any], expression: Any, source: Any) -> list[tuple[Any, Any]]:
    """(expression, source) of each item of a planned list. Terraform sorts the items of a set
    (security group rules), so a nested block is paired with the written block whose constants
    it matches, and an item of a list argument with what is written at its place only when the
    literals written there agree with the plan; otherwise with nothing (judged as planned)."""
    if isinstance(expression, list):  # nested blocks
        sources = source if isinstance(source, list) and len(source) == len(expression) else [None] * len(expression)
        if len(expression) != len(value):  # a dynamic block made some: what is written does not tell which
            return [(None, None)] * len(value)
        if len(expression) == 1:
            return [(expression[0], sources[0])]
        pairs = []
        for item in value:
            matching = [j for j, block in enumerate(expression) if _constants_agree(item, block)]
            pairs.append((expression[matching[0]], sources[matching[0]]) if len(matching) == 1 else (None, None))
        return pairs
    written = _written_list(source) or []
    if written and len(written) != len(value):
        return [(expression, None)] * len(value)
    pairs = []
    for item in value:
        matching = [w for w in written if _agrees(w, item)]
        pairs.append((expression, matching[0] if len(matching) == 1 else None))
    return pairs


def _agrees(written: Any, planned: Any) -> bool:
    """What is written could have given the planned value: its literals are the plan's."""
    if isinstance(written, list) and len(written) == 1 and not isinstance(planned, list):
        written = written[0]  # checkov's parser wraps every argument in a list
    if isinstance(written, str):
        text = written[1:-1] if len(written) >= 2 and written[0] == written[-1] == '"' else written
        return "${" in text or text == planned or str(planned) == text
    if isinstance(written, Mapping):
        return isinstance(planned, Mapping) and all(
            _agrees(w, planned.get(k[1:-1] if k.startswith('"') else k)) for k, w in written.items()
            if not k.startswith("__"))
    if isinstance(written, list):
        return isinstance(planned, list) and len(written) == len(planned) and all(
            any(_agrees(w, p) for p in planned) for w in written)
    return written == planned


def _constants_agree(item: Any, block: Any) -> bool:
    if not isinstance(item, Mapping) or not isinstance(block, Mapping):
        return False
    constants = {k: e["constant_value"] for k, e in block.items() if isinstance(e, Mapping) and "constant_value" in e}
    return bool(constants) and all(item.get(k) == v for k, v in constants.items())


def _written_list(source: Any) -> list[Any] | None:
    """A list argument as written (checkov's parser wraps it in one more list)."""
    if isinstance(source, list) and len(source) == 1 and isinstance(source[0], list):
        return source[0]
    return source if isinstance(source, list) else None


def _written_text(source: Any) -> str:
    """An argument written as one string, as either parser gives it: checkov's fork in a list
    (``['${var.x}']``), python-hcl2 keeping the quotes of a template (``'"${var.x}"'``)."""
    source = source[0] if isinstance(source, list) and len(source) == 1 else source
    if not isinstance(source, str):
        return ""
    if len(source) >= 2 and source[0] == source[-1] == '"' and source[1:3] == "${" and source.count("${") == 1:
        return source[1:-1]
    return source


def _source_member(source: Any, key: str) -> Any:
    """What is written for member ``key`` (an object argument or a nested block), if readable."""
    source = source[0] if isinstance(source, list) and len(source) == 1 else source
    if isinstance(source, Mapping):
        return source.get(key, source.get(f'"{key}"'))
    return None


class Supplied(str):
    """A value that comes from the module's variables (``var.x``): given by whoever calls the
    module, not written in it, so no check may report it as a literal in the code."""

    __slots__ = ()


def _whole(expression: Any) -> bool:
    """An expression for a whole attribute (a map or list written as one value), not per member."""
    return isinstance(expression, Mapping) and ("references" in expression or "constant_value" in expression)


def _member(expression: Any, key: str) -> Any:
    """The expression of member ``key``: a nested block's own, or the whole attribute's."""
    if _whole(expression):
        return expression
    return expression.get(key) if isinstance(expression, Mapping) else None


def _references(expression: Any) -> list[str]:
    if isinstance(expression, Mapping):
        refs = expression.get("references")
        if isinstance(refs, list):
            return [r for r in refs if isinstance(r, str)]
    return []


def _most_specific(references: list[str]) -> list[str]:
    """``aws_kms_key.data.arn`` and not also ``aws_kms_key.data``: terraform lists each prefix."""
    return [r for r in references if not any(o != r and o.startswith((r + ".", r + "[")) for o in references)]


def _root(ref: str) -> str:
    return ref.split(".")[0].split("[")[0]


def _base(ref: str) -> str:
    return re.sub(r"\[[^\]]*\]$", "", ref)
