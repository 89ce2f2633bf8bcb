"""The requirements YAML's format (version 1): every key, how it is read, an example value.

``_SPEC`` is the format the loader walks; requirements.schema.json (next to this module) is the
same format for editors, and tests keep the two equal.
"""

from __future__ import annotations

import types
from importlib import resources
from typing import Any, Mapping

from pytest_iac.config.requirements import KINDS, TARGETS, WHEN_MISSING

__all__ = ["KEYS", "REQUIRED", "json_schema"]

SUPPORTED_VERSIONS = (1,)
ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_.-]*$"
NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"  # markers and kwargs: Python identifiers
RESOURCE_TYPE_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]*$"
ACCOUNT_ID_PATTERN = r"^[0-9]{12}$"
DOC_PATH_PATTERN = r"^(?![/\\]|[A-Za-z]:)\S(.*\S)?$"  # relative: no leading slash or drive letter
POLICY_PATTERN = r"^[A-Za-z][A-Za-z0-9_]*$"  # checkov ids: CKV_AWS_18, CKV2_AWS_62
POLICY_GLOB_PATTERN = r"^[A-Za-z0-9_*?]+$"
REASON_MIN_LENGTH = 10  # as cdk-nag: a suppression must say why
# level -> key -> (how to read it, example value); "?" allows null, "[x]" is a list of x.
# KEYS and REQUIRED derive from it; tests check both against requirements.schema.json.
_SPEC: dict[str, dict[str, tuple[str, str]]] = {
    "": {"version": ("version", "1"), "project": ("text?", "payment-stack"),
         "app": ("app?", "{entry: 'my_pkg.stack:MyStack'}"),
         "requirements": ("requirements[]", "[{id: PAY-001, description: ...}]"),
         "coverage": ("coverage?", "{fail_under: 100}"), "checks": ("checks?", "{ignore: [plaintext-secrets]}"),
         "deployment": ("deployment?", "{target: local}")},
    "app": {"entry": ("text?", "my_pkg.stack:MyStack"), "stack_id": ("text?", "payments"),
            "kwargs": ("kwargs", "{aws_region: us-east-1}"), "vars": ("tfvars", "{environment: test}"),
            "var_files": ("[text]", "test.tfvars")},
    "requirements[]": {"id": ("id", "PAY-001"), "description": ("text", "VPC spans 3 AZs"),
                       "kind": ("kind", "unit"), "markers": ("[marker]", "vpc"), "checks": ("[check]", "validate")},
    "coverage": {"fail_under": ("percent", "90"), "source": ("[text]", "my_package"),
                 "branch": ("bool", "true"), "resources_fail_under": ("percent?", "90")},
    "checks": {"select": ("[check]", "validate"), "ignore": ("[check]", "plaintext-secrets"),
               "kms_required": ("[type]", "aws_s3_bucket"),
               "suppress": ("checks.suppress[]", "[{check: ..., resource: ..., reason: ...}]"),
               "severity": ("severities", "{plaintext-secrets: warning}"), "ephemeral": ("bool", "true"),
               "env_suffix": ("text?", "dev"), "docs": ("[doc]", "README.md"),
               "checkov": ("checks.checkov?", "{enabled: true}")},
    "checks.checkov": {"enabled": ("bool", "true"), "checks": ("[policy]", "CKV_AWS_18"),
                       "skip_checks": ("[policy]", "CKV_AWS_144"), "missing": ("missing", "fail")},
    "checks.suppress[]": {"check": ("check", "plaintext-secrets"), "resource": ("text", "aws_db_instance.legacy"),
                          "reason": ("reason", '"rotated by ops, ticket OPS-12"'),
                          "policy": ("policy_glob?", "CKV_AWS_18")},
    "deployment": {"target": ("target", "local"), "account_id": ("account?", '"123456789012"'),
                   "outputs_file": ("text?", "cfn-outputs/flat-outputs.json")},
}
KEYS: Mapping[str, tuple[str, ...]] = types.MappingProxyType({k: tuple(v) for k, v in _SPEC.items()})
REQUIRED: Mapping[str, tuple[str, ...]] = types.MappingProxyType({
    "": ("version", "requirements"), "requirements[]": ("id", "description"),
    "checks.suppress[]": ("check", "resource", "reason")})
_STRINGS = {  # kind -> (rule for the message, pattern)
    "text": ("a non-empty string", None),
    "id": ("a string that starts with a letter and has only letters, digits, '_', '.' and '-'", ID_PATTERN),
    "check": ("a check id (letters, digits, '_', '.', '-')", ID_PATTERN),
    "marker": ("a marker name (letters, digits, '_'; not starting with a digit)", NAME_PATTERN),
    "type": ("a Terraform resource type such as aws_s3_bucket", RESOURCE_TYPE_PATTERN),
    "account": ("a string of 12 digits", ACCOUNT_ID_PATTERN),
    "doc": ("a relative path such as README.md or docs/RUNBOOK.md", DOC_PATH_PATTERN),
    "policy": ("a checkov policy id such as CKV_AWS_18", POLICY_PATTERN),
    "policy_glob": ("a checkov policy id such as CKV_AWS_18 (glob patterns allowed)", POLICY_GLOB_PATTERN),
}
_CHOICES = {"kind": KINDS, "target": TARGETS, "missing": WHEN_MISSING}


def json_schema() -> dict[str, Any]:
    """The JSON Schema shipped next to this module, the one editors validate the file with."""
    import json
    text = resources.files("pytest_iac.config").joinpath("requirements.schema.json").read_text("utf-8")
    return dict(json.loads(text))
