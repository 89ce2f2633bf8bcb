"""``plaintext-secrets``: no password, key or token is written into the configuration as a literal.

A literal in ``cdk.tf.json`` is in the repository, in every synth output and in the state. A
``${...}`` value (a reference such as ``${random_password.db.result}`` or a function) is fine:
the secret is then produced or read at deploy time. Strings that hold JSON (``json.dumps`` of a
secret's fields, an ECS container definition) are read too, with their ``${...}`` parts set
aside, so a literal password next to a referenced host is still caught. Outputs that carry a
secret must be ``sensitive``. Messages never show the value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from pytest_iac.assertions.plan_check_view import Supplied
from pytest_iac.checks._common import data_sources, is_true, literal, outputs, resources
from pytest_iac.checks.base import Check, CheckContext, Finding
from pytest_iac.checks.embedded_json import Computed, parse

SECRET_NAMES = frozenset({
    "password", "passwd", "secret", "token", "api_key", "apikey", "access_key", "secret_key",
    "secret_access_key", "auth_token", "access_token", "refresh_token", "client_secret", "private_key",
    "private_key_pem", "private_key_openssh", "secret_string", "secret_binary", "master_password",
    "connection_string", "webhook_secret", "signing_secret",
})
SECRET_SUFFIXES = ("password", "passwd", "_secret", "_token", "_api_key", "_apikey", "_access_key",
                   "_secret_key", "_private_key", "_secret_string")
NOT_SECRETS = frozenset({"creation_token", "client_token", "idempotency_token", "next_token"})
# Arguments whose name says nothing but whose value is the secret itself.
SECRET_VALUES = {"aws_api_gateway_api_key": "value"}
SKIPPED = frozenset({"tags", "tags_all", "default_tags", "depends_on", "lifecycle"})
_REFERENCE = re.compile(r"(?<![\w.])((?:data\.)?([A-Za-z][\w-]*)\.[A-Za-z_][\w-]*((?:\.[A-Za-z_]\w*|\[[^\]]*\])+))")
_ATTRIBUTE = re.compile(r"\.([A-Za-z_]\w*)")
_FIX = ("Generate it at deploy time (random_password, or manage_master_user_password=True for RDS) or "
        "read it from Secrets Manager / SSM, and pass the reference instead of a string.")


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def is_secret_name(name: str) -> bool:
    key = _CAMEL.sub("_", name).lower().replace("-", "_")
    return key not in NOT_SECRETS and (key in SECRET_NAMES or key.endswith(SECRET_SUFFIXES))


def _written(value: Any) -> str | None:
    """The literal written in the configuration; not a Terraform module's variable, which is given
    by the module's caller."""
    return None if isinstance(value, Supplied) else literal(value)


def _is_literal(value: Any, in_json: bool) -> bool:
    if isinstance(value, Supplied):
        return False
    text = (value if isinstance(value, str) and not isinstance(value, Computed) else None) if in_json else literal(value)
    return text is not None and bool(text.strip())


def _literals(value: Any, path: str, in_json: bool = False) -> Iterator[tuple[str, bool]]:
    """(dotted path, found inside a JSON string) of each secret-named value that is a non-empty literal."""
    if isinstance(value, Mapping):
        pair = _name_value(value) if in_json else None
        if pair is not None:
            yield f"{path}.value ({pair})", True
            return
        for key, child in value.items():
            if key in SKIPPED and not in_json:
                continue
            where = f"{path}.{key}" if path else str(key)
            if is_secret_name(str(key)) and _is_literal(child, in_json):
                yield where, in_json
            else:
                yield from _literals(child, where, in_json)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _literals(item, f"{path}[{index}]", in_json)
    elif isinstance(value, str) and not isinstance(value, Computed):
        document = parse(value)
        if document is not None:
            yield from _literals(document, path, True)


def _name_value(entry: Mapping[str, Any]) -> str | None:
    """The secret name of a ``{"name": "DB_PASSWORD", "value": "..."}`` pair with a literal value
    (how ECS and Batch container definitions list environment variables)."""
    keys = {str(k).lower(): v for k, v in entry.items()}
    name = keys.get("name")
    if set(keys) <= {"name", "value"} and isinstance(name, str) and is_secret_name(name) \
            and _is_literal(keys.get("value"), True):
        return name
    return None


def _leaked(value: Any) -> str | None:
    """The secret attribute an output value refers to, if any."""
    for text in value if isinstance(value, list) else [value]:
        if isinstance(text, Mapping):
            found = next(filter(None, (_leaked(v) for v in text.values())), None)
            if found:
                return found
        elif isinstance(text, str):
            for reference, rtype, traversal in _REFERENCE.findall(text):
                attribute = _ATTRIBUTE.findall(traversal)[-1:] or [""]
                if is_secret_name(attribute[0]) or (rtype, attribute[0]) == ("random_password", "result"):
                    return reference
    return None


def run(ctx: CheckContext) -> Iterator[Finding]:
    entries: list[tuple[str, str, Any]] = [*resources(ctx), *data_sources(ctx)]
    for name, configs in ctx.template.find_providers().items():
        for config in configs:
            alias = config.get("alias")
            entries.append((f"provider.{name}" + (f".{alias}" if alias else ""), "provider", config))
    backend = ctx.template.backend
    if backend:
        entries.append((f"terraform.backend.{backend[0]}", "backend", backend[1]))
    for address, rtype, body in entries:
        for where, in_json in _literals(body, ""):
            inside = " (inside a JSON string)" if in_json else ""
            yield Finding(address, f"{where} is a literal string in the configuration{inside} (value masked); "
                                   f"anyone who can read the code, cdk.tf.json or the state can read it. {_FIX}")
        special = SECRET_VALUES.get(rtype)
        if special and _written(body.get(special)):
            yield Finding(address, f"{special} of {rtype} is a literal string in the configuration "
                                   f"(value masked). {_FIX}")
        if rtype == "aws_ssm_parameter" and body.get("type") == "SecureString" and _written(body.get("value")):
            yield Finding(address, "value of this SecureString parameter is a literal string in the "
                                   "configuration (value masked): encrypting it in SSM does not help when the "
                                   f"plaintext is in the code. {_FIX}")
    for name, output in outputs(ctx).items():
        if is_true(output.get("sensitive")):
            continue
        value = output.get("value")
        source = _leaked(value)
        if source is None and not (is_secret_name(name) and value not in (None, "")):
            continue
        why = f"refers to {source}" if source else "its name says it holds a secret"
        yield Finding(f"output.{name}", f"output {name!r} is not marked sensitive but {why}: Terraform "
                                        "prints it in plan/apply logs and cdktf writes it to the outputs "
                                        "file. Pass sensitive=True to TerraformOutput, or drop the output.")


CHECKS = [Check("plaintext-secrets", "No password, key or token is a literal in the configuration, and outputs "
                "carrying secrets are sensitive", run)]
