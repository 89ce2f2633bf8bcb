"""From ``terraform show -json`` of a plan to the Terraform-JSON shape ``Template`` queries.

A plan lists instances, not blocks: ``aws_sqs_queue.q[1]``, ``module.m.aws_sns_topic.t``. Each
instance becomes one entry keyed by its full address (kept in the entry's ``//`` metadata, which
the index reads), with its planned values (a data source read while planning: its values from
the plan's prior state); a value terraform knows only after apply is the
``UNKNOWN`` marker, so a test can tell "not known yet" (``Match.unknown()``) from "null"; a
value the plan marks sensitive (redacted by ``synthesis/plan_redact``) is the ``SENSITIVE``
marker (``Match.sensitive()``), found by the plan's own marks, so a string a module holds that
merely reads ``(sensitive value)`` stays a string. The
references of each entry come from the plan's ``configuration`` (which keeps the expressions),
made absolute with the module path, so ``references_to`` / ``references_from`` work as for a
synthesized stack.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pytest_iac.terraform.sensitive import SENSITIVE, SENSITIVE_TEXT, Sensitive
from pytest_iac.terraform.unknown import UNKNOWN, Unknown

__all__ = ["SENSITIVE", "UNKNOWN", "Sensitive", "Unknown", "base_address", "config_address", "template_config"]

# provider settings the plugin's own override file sets: never shown as the module's
_OVERRIDE_KEYS = frozenset({"access_key", "secret_key", "skip_credentials_validation", "skip_requesting_account_id",
                            "skip_metadata_api_check", "s3_use_path_style", "endpoints", "token"})
_NOT_RESOURCES = frozenset({"var", "local", "each", "count", "path", "terraform", "self", "module"})
_INDEX = re.compile(r"\[[^\]]*\]")




def template_config(plan: Mapping[str, Any], stack_name: str) -> dict[str, Any]:
    """The plan as Terraform JSON: ``resource`` / ``data`` by type and address, ``output`` with
    planned values, ``provider`` with the constant settings of the configuration."""
    unknown = {c["address"]: c.get("change", {}).get("after_unknown") for c in plan.get("resource_changes", [])}
    refs = _config_references(plan.get("configuration", {}).get("root_module", {}), "")
    config: dict[str, Any] = {"resource": {}, "data": {}, "output": {}, "provider": _providers(plan)}
    planned = list(_planned(plan.get("planned_values", {}).get("root_module", {})))
    known = {r["address"] for r in planned}
    read = _planned(((plan.get("prior_state") or {}).get("values") or {}).get("root_module", {}))
    planned += [r for r in read if r.get("mode") == "data" and r["address"] not in known]  # read while planning
    for resource in planned:
        address = resource["address"]
        values = _with_unknown(dict(resource.get("values") or {}), unknown.get(address))
        values = _with_sensitive(values, resource.get("sensitive_values"))
        section = "data" if resource.get("mode") == "data" else "resource"
        name = resource["name"] + (f"[{_key(resource['index'])}]" if "index" in resource else "")
        values["//"] = {"metadata": {
            "address": address, "name": name, "path": f"{stack_name}/{address}",
            "module": _module_of(address), "references": sorted(refs.get(config_address(address), ())),
        }}
        config[section].setdefault(resource["type"], {})[address] = values
    changes = plan.get("output_changes", {})
    for name, output in plan.get("planned_values", {}).get("outputs", {}).items():
        after_unknown = changes.get(name, {}).get("after_unknown")
        value = UNKNOWN if after_unknown is True or "value" not in output else output["value"]
        value = _with_unknown(value, after_unknown) if isinstance(after_unknown, (dict, list)) else value
        value = _with_sensitive(value, output.get("sensitive") is True or changes.get(name, {}).get("after_sensitive"))
        config["output"][name] = {"value": value, "sensitive": bool(output.get("sensitive"))}
    return config


def base_address(address: str) -> str:
    """``aws_sqs_queue.q[1]`` -> ``aws_sqs_queue.q`` (the last instance key only)."""
    return re.sub(r"\[[^\]]*\]$", "", address)


def config_address(address: str) -> str:
    """The block an instance comes from: every instance key dropped
    (``module.m["a"].aws_sqs_queue.q[1]`` -> ``module.m.aws_sqs_queue.q``)."""
    return _INDEX.sub("", address)


def _key(index: Any) -> str:
    return f'"{index}"' if isinstance(index, str) else str(index)


def _module_of(address: str) -> str:
    parts = config_address(address).split(".")
    modules = [f"module.{parts[i + 1]}" for i in range(0, len(parts) - 1) if parts[i] == "module" and i % 2 == 0]
    return ".".join(modules)


def _planned(module: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    yield from module.get("resources", [])
    for child in module.get("child_modules", []):
        yield from _planned(child)


def _with_unknown(value: Any, unknown: Any) -> Any:
    if unknown is True:
        return UNKNOWN
    if isinstance(unknown, Mapping):
        value = dict(value) if isinstance(value, Mapping) else {}
        for key, sub in unknown.items():
            if sub is True or isinstance(sub, (Mapping, list)) and sub:
                value[key] = _with_unknown(value.get(key), sub)
        return value
    if isinstance(unknown, list) and isinstance(value, list):
        return [_with_unknown(v, u) for v, u in zip(value, unknown)] + value[len(unknown):]
    return value


def _with_sensitive(value: Any, sensitive: Any) -> Any:
    """``value`` with each redacted leaf that ``sensitive`` marks as the ``SENSITIVE`` marker."""
    if sensitive is True:
        if isinstance(value, Mapping):
            return {k: _with_sensitive(v, True) for k, v in value.items()}
        if isinstance(value, list):
            return [_with_sensitive(v, True) for v in value]
        return SENSITIVE if type(value) is str and value == SENSITIVE_TEXT else value
    if isinstance(sensitive, Mapping) and sensitive and isinstance(value, Mapping):
        return {k: _with_sensitive(v, sensitive[k]) if k in sensitive else v for k, v in value.items()}
    if isinstance(sensitive, list) and sensitive and isinstance(value, list):
        return [_with_sensitive(v, s) for v, s in zip(value, sensitive)] + value[len(sensitive):]
    return value


def _config_references(module: Mapping[str, Any], prefix: str) -> dict[str, set[str]]:
    """block address (absolute) -> absolute addresses of the resources and data sources its
    expressions refer to (``var.``/``local.``/``each.`` and the like are dropped)."""
    found: dict[str, set[str]] = {}
    for block in module.get("resources", []):
        targets = {prefix + t for t in _resource_refs(block)}
        found[prefix + block["address"]] = targets
    for name, call in module.get("module_calls", {}).items():
        found.update(_config_references(call.get("module", {}), f"{prefix}module.{name}."))
    return found


def _resource_refs(block: Mapping[str, Any]) -> set[str]:
    refs: set[str] = set()
    for section in ("expressions", "count_expression", "for_each_expression"):
        for ref in _walk_references(block.get(section)):
            parts = ref.split(".")
            if parts[0] == "data" and len(parts) >= 3:
                refs.add(_INDEX.sub("", ".".join(parts[:3])))
            elif parts[0] not in _NOT_RESOURCES and len(parts) >= 2:
                refs.add(_INDEX.sub("", ".".join(parts[:2])))
    for dep in block.get("depends_on", []) or []:
        refs.add(_INDEX.sub("", dep))
    return refs


def _walk_references(node: Any) -> Iterator[str]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key == "references" and isinstance(value, list):
                yield from (v for v in value if isinstance(v, str))
            else:
                yield from _walk_references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk_references(item)


def _providers(plan: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    providers: dict[str, list[dict[str, Any]]] = {}
    for key, provider in plan.get("configuration", {}).get("provider_config", {}).items():
        if "module_address" in provider:
            continue
        variables = plan.get("variables", {})
        settings = {}
        for key, expression in (provider.get("expressions") or {}).items():
            if not isinstance(expression, Mapping) or key in _OVERRIDE_KEYS:
                continue
            if "constant_value" in expression:
                settings[key] = expression["constant_value"]
            elif len(expression.get("references") or ()) == 1 and expression["references"][0].startswith("var."):
                name = expression["references"][0][4:]  # region = var.region
                value = variables.get(name, {})
                if "value" in value:
                    declared = plan["configuration"].get("root_module", {}).get("variables", {}).get(name, {})
                    settings[key] = _with_sensitive(value["value"], declared.get("sensitive") is True)
        if provider.get("alias"):
            settings["alias"] = provider["alias"]
        providers.setdefault(provider.get("name") or key.split(".")[0], []).append(settings)
    return providers
