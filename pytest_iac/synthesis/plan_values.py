"""The values of a ``terraform show -json`` plan, told apart from its structure, so that a text
can be rewritten in the values (``plan_redact`` hiding a secret given to the module) without
renaming a resource, an instance key or an attribute.

Values are: a resource's ``values``, a change's ``before`` / ``after``, a variable's or an
output's ``value``, a variable's ``default``, a configured ``constant_value``, an output's type,
the attribute paths of ``relevant_attributes`` and ``replace_paths``; inside them every string
and every map key is a value (a tag's key too). The sensitivity and unknown marks mirror the keys
of the values, so their keys follow them. Structure is never rewritten: the keys of the plan's
own maps (resource, output, variable, module call and attribute names), addresses, instance
keys (``index``), names, types, modes, providers, sources, ``references``. Any other string
(a description, a check's message) is rewritten.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["map_values"]

_STRUCTURAL = frozenset({
    "address", "previous_address", "index", "module_address", "module", "name", "type", "mode", "kind",
    "provider_name", "provider_config_key", "full_name", "alias", "version_constraint", "source",
    "references", "depends_on", "resource", "to_display", "instance_key", "actions", "action_reason",
    "deposed", "format_version", "terraform_version", "timestamp",
})
_VALUES = frozenset({
    "value", "before", "after", "default", "constant_value", "attribute", "replace_paths",
    "sensitive_values", "before_sensitive", "after_sensitive", "after_unknown",
})


def map_values(plan: Mapping[str, Any], text: Callable[[str], str]) -> dict[str, Any]:
    """A copy of ``plan`` with ``text`` applied to each string and map key of its values, and to
    each other string that is not structure."""

    def value(node: Any) -> Any:
        if isinstance(node, str):
            return text(node)
        if isinstance(node, Mapping):
            return {(text(k) if isinstance(k, str) else k): value(v) for k, v in node.items()}
        if isinstance(node, list):
            return [value(v) for v in node]
        return node

    def expression(node: Any) -> Any:
        """``expressions``: attribute name -> ``{constant_value, references}``, or a nested
        block's list of such maps."""
        if isinstance(node, Mapping):
            return {k: value(v) if k == "constant_value" else v if k == "references" and isinstance(v, list)
                    else expression(v) for k, v in node.items()}
        if isinstance(node, list):
            return [expression(v) for v in node]
        return node

    def structure(node: Any) -> Any:
        if isinstance(node, str):
            return text(node)
        if isinstance(node, list):
            return [structure(v) for v in node]
        if not isinstance(node, Mapping):
            return node
        out: dict[str, Any] = {}
        for key, child in node.items():
            if key in _STRUCTURAL and _flat(child):
                out[key] = child
            elif key in _VALUES or (key == "type" and isinstance(child, list)) or (
                    key == "values" and "address" in node):  # prior_state's "values" holds modules
                out[key] = value(child)
            elif key == "expressions" or key.endswith("expression"):
                out[key] = expression(child)
            else:
                out[key] = structure(child)
        return out

    return structure(plan)


def _flat(node: Any) -> bool:
    """A scalar or a list of them: an address, a name, a list of references."""
    if isinstance(node, list):
        return all(_flat(v) for v in node)
    return not isinstance(node, Mapping)
