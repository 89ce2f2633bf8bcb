"""A plan's sensitive values replaced by ``(sensitive value)`` as soon as ``terraform show -json``
has written them, before the plan cache, the private ``plan.json``, the Template or a report
sees the plan.

``show -json`` writes every value in plain text and says beside it which ones are sensitive:
``sensitive_values`` of a resource's planned (and prior) values, ``before_sensitive`` /
``after_sensitive`` of a change, ``sensitive`` of an output, and of a root variable's
declaration in the configuration. Each sensitive leaf (a string, number or boolean; a null is
no secret) becomes terraform's own ``(sensitive value)``; maps and lists keep their keys and
lengths, so whatever reads the plan's shape (the adapter, checkov) still can. A constant a
sensitive attribute was given in the configuration is redacted the same way, keeping its
``constant_value`` key: that the code holds a literal stays visible, the literal does not.

Terraform marks a value where a sensitive attribute holds it, not where it came from. A
provider's copy of a hidden text (whole) in the same resource (``tags`` -> ``tags_all``) is not
marked: it is hidden too. And a value given to the module (its root variables: ``app.vars``,
var files, ``TF_VAR_*``, ``--iac-tf-var``) through a variable not declared ``sensitive`` is in
plain text in the plan's ``variables``, in a module call's arguments, in an output built from
it, and a transformed copy is hidden where the given text is not (``trimspace(var.pw)``,
``"Bearer ${var.tok}"``). So a string of a root variable's value (a default of a variable not
declared ``sensitive`` is a literal of the module, not given), of 8 characters or more, that is a
hidden text, is held by one or holds one of 8 characters or more, is finally replaced itself in
every value of the plan (``plan_values``), inside any string or map key, as written or
JSON-escaped (``jsonencode``). A literal of the module that a sensitive attribute
holds (a queue's name stored in an SSM parameter, which the AWS provider marks sensitive even
as a ``String``) is hidden only where terraform marks it. Addresses, instance keys and block
names are never rewritten: a given value used as a ``for_each`` key stays in addresses, as
terraform itself shows them. A shorter text, a number or a boolean is not swept: it would hide
ordinary values of the plan.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from pytest_iac.synthesis.plan_values import map_values
from pytest_iac.terraform.sensitive import SENSITIVE_TEXT

__all__ = ["redact_plan"]

_INDEX = re.compile(r"\[[^\]]*\]")
_MIN_SWEPT = 8  # a shorter sensitive text ("app", "5432") would hide ordinary values elsewhere


def redact_plan(plan: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``plan`` with every value terraform marks sensitive replaced by its text."""
    out = copy.deepcopy(dict(plan))
    redaction = _Redaction()
    hide = redaction.hide
    root = (out.get("configuration") or {}).get("root_module") or {}
    given = _given_texts(out.get("variables") or {}, root)
    for name, variable in (out.get("variables") or {}).items():
        if _declared_sensitive(root, name) and isinstance(variable, dict) and "value" in variable:
            variable["value"] = hide(variable["value"], True)
    _variables(root, hide)
    resources = [r for module in ((out.get("planned_values") or {}).get("root_module"),
                                  ((out.get("prior_state") or {}).get("values") or {}).get("root_module"))
                 for r in _resources(module or {}) if "values" in r]
    changes = [(str(c.get("address", "")), c["change"]) for section in ("resource_changes", "resource_drift")
               for c in out.get(section) or [] if isinstance(c.get("change"), dict)]
    hidden: dict[str, set[str]] = {}  # address -> the texts hidden in that resource
    for resource in resources:
        found = hidden.setdefault(str(resource.get("address", "")), set())
        resource["values"] = hide(resource["values"], resource.get("sensitive_values"), found)
    for address, change in changes:
        redaction.change(change, hidden.setdefault(address, set()))
    for values in ((out.get("planned_values") or {}).get("outputs"),
                   ((out.get("prior_state") or {}).get("values") or {}).get("outputs")):
        for output in (values or {}).values():
            if isinstance(output, dict) and output.get("sensitive") is True and "value" in output:
                output["value"] = hide(output["value"], True)
    for change in (out.get("output_changes") or {}).values():
        if isinstance(change, dict):
            redaction.change(change, set())
    _configured_constants(root, "", _sensitive_by_block(out), hide)
    swept = _given_and_hidden(given, redaction.secrets)
    for resource in resources:  # a provider's copy of a sensitive value (tags -> tags_all) is not marked
        secrets = hidden[str(resource.get("address", ""))] | swept
        resource["values"], marks = _sweep(resource["values"], resource.get("sensitive_values"), secrets)
        if marks is not resource.get("sensitive_values"):
            resource["sensitive_values"] = marks
    for address, change in changes:
        _sweep_change(change, hidden[address] | swept)
    return _scrub(out, swept)


class _Redaction:
    """Hides sensitive leaves and remembers the texts it hid, so that the same text met where
    terraform did not mark it can be hidden too."""

    def __init__(self) -> None:
        self.secrets: set[str] = set()

    def hide(self, value: Any, sensitive: Any, found: set[str] | None = None) -> Any:
        """``value`` with the leaves ``sensitive`` marks (``True``: all of them) replaced; the
        texts hidden are remembered, and added to ``found`` too."""
        if sensitive is True:
            if isinstance(value, Mapping):
                return {k: self.hide(v, True, found) for k, v in value.items()}
            if isinstance(value, list):
                return [self.hide(v, True, found) for v in value]
            if value is None:
                return None
            if isinstance(value, str) and len(value) >= _MIN_SWEPT and value != SENSITIVE_TEXT:
                self.secrets.add(value)
                if found is not None:
                    found.add(value)
            return SENSITIVE_TEXT
        if isinstance(sensitive, Mapping) and isinstance(value, Mapping):
            return {k: self.hide(v, sensitive.get(k), found) for k, v in value.items()}
        if isinstance(sensitive, list) and isinstance(value, list):
            return [self.hide(v, sensitive[i] if i < len(sensitive) else None, found) for i, v in enumerate(value)]
        return value

    def change(self, change: dict[str, Any], found: set[str]) -> None:
        for side in ("before", "after"):
            if side in change:
                change[side] = self.hide(change[side], change.get(f"{side}_sensitive"), found)


def _sweep(value: Any, sensitive: Any, secrets: set[str]) -> tuple[Any, Any]:
    """``value`` with each of ``secrets`` terraform left unmarked hidden, and ``sensitive``
    marking it; ``sensitive`` itself (the same object) when there was none."""
    if sensitive is True or not secrets:
        return value, sensitive
    if isinstance(value, str):
        return (SENSITIVE_TEXT, True) if value in secrets else (value, sensitive)
    if isinstance(value, Mapping):
        old = sensitive if isinstance(sensitive, Mapping) else {}
        swept, marks = {}, dict(old)
        for key, child in value.items():
            swept[key], marks[key] = _sweep(child, old.get(key), secrets)
            if marks[key] is None and key not in old:
                del marks[key]
        return swept, (sensitive if marks == old else marks)
    if isinstance(value, list):
        old_list = list(sensitive) if isinstance(sensitive, list) else []
        pairs = [_sweep(v, old_list[i] if i < len(old_list) else None, secrets) for i, v in enumerate(value)]
        marks_list = [m if m is not None else False for _, m in pairs]
        changed = any(m is True for _, m in pairs) and marks_list != old_list
        return [v for v, _ in pairs], (marks_list if changed else sensitive)
    return value, sensitive


def _sweep_change(change: dict[str, Any], secrets: set[str]) -> None:
    for side in ("before", "after"):
        if side in change:
            marks = change.get(f"{side}_sensitive")
            change[side], swept = _sweep(change[side], marks, secrets)
            if swept is not marks:
                change[f"{side}_sensitive"] = swept


def _scrub(plan: dict[str, Any], secrets: set[str]) -> dict[str, Any]:
    """``plan`` with each of ``secrets`` replaced wherever it occurs in a value, inside any string
    or map key: strings stay strings, so the plan keeps its shape."""
    forms = {form for secret in secrets for form in _written_forms(secret)}
    if not forms:
        return plan
    pattern = re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)))
    return map_values(plan, lambda text: pattern.sub(SENSITIVE_TEXT, text))


def _given_and_hidden(given: set[str], hidden: set[str]) -> set[str]:
    """The given texts of 8 characters or more that a hidden text holds or that hold one: a
    secret terraform hides transformed (``trimspace(var.pw)``, ``"Bearer ${var.tok}"``) is still
    in plain text where it was given."""
    return {text for text in given if len(text) >= _MIN_SWEPT and text != SENSITIVE_TEXT
            and any(text in secret or secret in text for secret in hidden)}


def _given_texts(variables: Mapping[str, Any], root: Mapping[str, Any]) -> set[str]:
    """The strings of the root variables' values that were given to the module: a value equal to
    the default of a variable not declared ``sensitive`` is the module's own literal."""
    declarations = root.get("variables") or {}
    texts: set[str] = set()
    for name, variable in variables.items():
        if not isinstance(variable, Mapping) or "value" not in variable:
            continue
        declaration = declarations.get(name)
        if (isinstance(declaration, Mapping) and declaration.get("sensitive") is not True
                and "default" in declaration and declaration["default"] == variable["value"]):
            continue
        texts |= _strings(variable["value"])
    return texts


def _strings(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, Mapping):
        return {s for v in value.values() for s in _strings(v)}
    if isinstance(value, list):
        return {s for v in value for s in _strings(v)}
    return set()


def _written_forms(secret: str) -> set[str]:
    """``secret`` as written, and as a JSON string of it holds it (``jsonencode`` also escapes
    ``<``, ``>`` and ``&``)."""
    escaped = json.dumps(secret, ensure_ascii=False)[1:-1]
    html_safe = escaped.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return {secret, escaped, html_safe, json.dumps(secret)[1:-1]}


def _resources(module: Mapping[str, Any]) -> list[dict[str, Any]]:
    found = [r for r in module.get("resources") or [] if isinstance(r, dict)]
    for child in module.get("child_modules") or []:
        found += _resources(child)
    return found


def _declared_sensitive(module: Mapping[str, Any], name: str) -> bool:
    declaration = (module.get("variables") or {}).get(name)
    return isinstance(declaration, Mapping) and declaration.get("sensitive") is True


def _variables(module: dict[str, Any], hide: Callable[[Any, Any], Any]) -> None:
    """The default of a variable declared ``sensitive`` and a constant a module call passes to
    one, in the root and every child module."""
    for declaration in (module.get("variables") or {}).values():
        if isinstance(declaration, dict) and declaration.get("sensitive") is True and "default" in declaration:
            declaration["default"] = hide(declaration["default"], True)
    for call in (module.get("module_calls") or {}).values():
        child = call.get("module") or {}
        for name, expression in (call.get("expressions") or {}).items():
            if _declared_sensitive(child, name) and isinstance(expression, dict) and "constant_value" in expression:
                expression["constant_value"] = hide(expression["constant_value"], True)
        _variables(child, hide)


def _configured_constants(module: dict[str, Any], prefix: str, marks: Mapping[str, Any],
                          hide: Callable[[Any, Any], Any]) -> None:
    """The ``constant_value`` of each configured attribute that any instance of its block marks
    sensitive (``aws_ssm_parameter`` ``value = "..."`` written in the code)."""
    for block in module.get("resources") or []:
        sensitive = marks.get(prefix + str(block.get("address", "")))
        if sensitive and isinstance(block.get("expressions"), dict):
            block["expressions"] = _hide_constants(block["expressions"], sensitive, hide)
    for name, call in (module.get("module_calls") or {}).items():
        _configured_constants(call.get("module") or {}, f"{prefix}module.{name}.", marks, hide)


def _hide_constants(expressions: Any, sensitive: Any, hide: Callable[[Any, Any], Any]) -> Any:
    if isinstance(expressions, Mapping):
        if "constant_value" in expressions and sensitive:
            return {**expressions, "constant_value": hide(expressions["constant_value"], sensitive)}
        if isinstance(sensitive, Mapping):
            return {k: _hide_constants(v, sensitive.get(k), hide) for k, v in expressions.items()}
        return expressions
    if isinstance(expressions, list):  # a nested block's list: each element against any instance's marks
        merged = _merge(*sensitive) if isinstance(sensitive, list) and sensitive else sensitive
        return [_hide_constants(e, merged, hide) for e in expressions]
    return expressions


def _sensitive_by_block(plan: Mapping[str, Any]) -> dict[str, Any]:
    """Block address (instance keys dropped) -> the union of its instances' sensitive marks."""
    marks: dict[str, Any] = {}
    for change in plan.get("resource_changes") or []:
        sensitive = (change.get("change") or {}).get("after_sensitive")
        if sensitive:
            address = _INDEX.sub("", str(change.get("address", "")))
            marks[address] = _merge(marks.get(address), sensitive)
    return marks


def _merge(*marks: Any) -> Any:
    """The union of sensitive marks: ``True`` wins, maps merge by key."""
    present = [m for m in marks if m]
    if any(m is True for m in present):
        return True
    if present and all(isinstance(m, Mapping) for m in present):
        merged: dict[str, Any] = {}
        for mark in present:
            for key, value in mark.items():
                merged[key] = _merge(merged.get(key), value)
        return merged
    if present and all(isinstance(m, list) for m in present):
        return [_merge(*(element for mark in present for element in mark))]
    return None
