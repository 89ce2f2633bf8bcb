"""Checks that ask terraform itself: ``validate`` runs ``terraform validate`` offline with the
real provider schema; ``backend`` checks the backend block against the installed terraform's
version from a table (terraform only reports backend mistakes from an ``init`` with the backend,
which ``-backend=false`` skips, and a real one needs credentials and network).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from pytest_iac._text import closest
from pytest_iac.terraform.binary import Terraform, find_terraform
from pytest_iac.terraform.errors import TerraformUnavailable
from pytest_iac.terraform.expressions import is_expression
from pytest_iac.terraform.versions import Version, parse_version
from pytest_iac.terraform.validate import validate
from pytest_iac.checks.base import Check, CheckContext, CheckSkipped, Finding

__all__ = ["CHECKS", "S3_KEYS", "backend_findings", "s3_keys_accepted"]

VersionLike = Version | tuple[int, ...] | str
LATEST_KNOWN = Version("1.11.4")  # the newest terraform the table below was checked against


class Key(NamedTuple):
    """When terraform accepts an s3 backend argument. Compared as ``packaging`` versions, like
    provider constraints: a pre-release (``1.10.0-beta1``) comes before its release."""

    since: Version = Version("1.0.0")
    removed: Version | None = None  # first version that rejects it
    deprecated: Version | None = None
    instead: str | None = None  # what to use instead (deprecated or removed)


_V16, _V110 = Version("1.6.0"), Version("1.10.0")
_ROLE = Key(removed=_V110, deprecated=_V16)  # top-level assume-role settings -> assume_role { ... }

# The s3 backend's top-level arguments, from terraform's docs and changelogs: 1.6.0 rewrote the
# backend (aws-sdk-go-v2), moved assume-role and endpoint settings into nested objects and
# deprecated the old names; 1.6.3/1.6.4 added skip_s3_checksum, https_proxy and no_proxy; 1.10.0
# removed the top-level assume-role settings and added use_lockfile; 1.11.0 deprecated DynamoDB
# locking. tests/test_terraform.py proves the table against the installed terraform.
S3_KEYS: dict[str, Key] = {
    **{k: Key() for k in ("bucket", "key", "region", "access_key", "secret_key", "token", "profile", "acl",
                          "encrypt", "kms_key_id", "sse_customer_key", "workspace_key_prefix", "max_retries",
                          "skip_credentials_validation", "skip_region_validation", "skip_metadata_api_check")},
    "dynamodb_table": Key(deprecated=Version("1.11.0"), instead="use_lockfile = true"),
    "use_lockfile": Key(since=_V110),
    "shared_credentials_file": Key(deprecated=_V16, instead="shared_credentials_files"),
    "force_path_style": Key(deprecated=_V16, instead="use_path_style"),
    "endpoint": Key(deprecated=_V16, instead="endpoints.s3"),
    "dynamodb_endpoint": Key(deprecated=_V16, instead="endpoints.dynamodb"),
    "iam_endpoint": Key(deprecated=_V16, instead="endpoints.iam"),
    "sts_endpoint": Key(deprecated=_V16, instead="endpoints.sts"),
    "role_arn": _ROLE._replace(instead="assume_role.role_arn"),
    "session_name": _ROLE._replace(instead="assume_role.session_name"),
    "external_id": _ROLE._replace(instead="assume_role.external_id"),
    "assume_role_duration_seconds": _ROLE._replace(instead="assume_role.duration"),
    "assume_role_policy": _ROLE._replace(instead="assume_role.policy"),
    "assume_role_policy_arns": _ROLE._replace(instead="assume_role.policy_arns"),
    "assume_role_tags": _ROLE._replace(instead="assume_role.tags"),
    "assume_role_transitive_tag_keys": _ROLE._replace(instead="assume_role.transitive_tag_keys"),
    **{k: Key(since=_V16) for k in (
        "assume_role", "assume_role_with_web_identity", "endpoints", "allowed_account_ids", "forbidden_account_ids",
        "custom_ca_bundle", "ec2_metadata_service_endpoint", "ec2_metadata_service_endpoint_mode", "http_proxy",
        "insecure", "retry_mode", "shared_config_files", "shared_credentials_files", "skip_requesting_account_id",
        "sts_region", "use_dualstack_endpoint", "use_fips_endpoint", "use_path_style")},
    "skip_s3_checksum": Key(since=Version("1.6.3")),
    "https_proxy": Key(since=Version("1.6.4")),
    "no_proxy": Key(since=Version("1.6.4")),
}
LOCAL_KEYS = ("path", "workspace_dir")
KNOWN_BACKENDS = ("azurerm", "cloud", "consul", "cos", "gcs", "http", "kubernetes", "local", "oss", "pg", "remote",
                  "s3")
REMOVED_BACKENDS = ("artifactory", "etcd", "etcdv3", "manta", "swift")  # removed in terraform 1.3


def s3_keys_accepted(version: VersionLike) -> list[str]:
    """The s3 backend arguments terraform ``version`` accepts."""
    version = parse_version(version)
    return [k for k, spec in S3_KEYS.items()
            if spec.since <= version and not (spec.removed and spec.removed <= version)]


def _v(version: Version) -> str:
    return str(version)


def _closest(word: str, choices: list[str], cutoff: float = 0.6) -> str:
    near = closest(word, choices, cutoff=cutoff)
    return f'; did you mean "{near}"?' if near else ""


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def backend_findings(backend: tuple[str, Mapping[str, Any]] | None, version: VersionLike, *,
                     assumed: bool = False, env: Mapping[str, str] | None = None,
                     module: bool = False) -> list[Finding]:
    """Findings (address None: the backend is not a resource) for a backend against ``version``.
    ``assumed``: terraform was not found and ``version`` is the newest the table knows. ``env``:
    what ``terraform init`` would see of the environment (AWS_REGION); none when not given.
    ``module``: the backend is written in a Terraform module's files, where a partial
    configuration is normal (the rest comes from ``-backend-config`` at init), so an argument left
    out is not judged, but one written (``encrypt = false``, ``bucket = ""``) is."""
    env = {} if env is None else env
    version = parse_version(version)
    tf = f"terraform {_v(version)}" + (" (assumed: terraform not found)" if assumed else "")
    if backend is None:
        how = ('add terraform { backend "s3" { ... } } (its settings may come from -backend-config at init)'
               if module else "configure an S3Backend")
        return [Finding(None, "no backend configured: terraform keeps the state in a local terraform.tfstate "
                              f"that is lost with the checkout; {how}", severity="warning")]
    btype, settings = backend
    if btype == "s3":
        return _s3_arguments(settings, version, tf) + _s3_complete(settings, version, env, written_only=module)
    if btype == "local":
        return [Finding(None, f'local backend: unknown argument "{k}"{_closest(k, list(LOCAL_KEYS))} '
                              f'(init fails: No argument or block type is named "{k}")')
                for k in settings if k not in LOCAL_KEYS]
    if btype in REMOVED_BACKENDS:
        return [Finding(None, f'backend "{btype}" was removed in terraform 1.3; migrate the state to another backend')]
    if btype not in KNOWN_BACKENDS:
        return [Finding(None, f'unknown backend type "{btype}"{_closest(btype, list(KNOWN_BACKENDS), 0.5)}',
                        severity="warning")]
    return []


def _s3_arguments(settings: Mapping[str, Any], version: Version, tf: str) -> list[Finding]:
    """What is wrong with each argument written."""
    found: list[Finding] = []
    valid_now = s3_keys_accepted(version)
    for name, value in settings.items():
        spec = S3_KEYS.get(name)
        rejected = f'{tf} init fails: No argument or block type is named "{name}"'
        if spec is None:
            hint = _closest(name, valid_now)
            found.append(Finding(None, f's3 backend: unknown argument "{name}"{hint} ({rejected})'))
        elif version < spec.since:
            hint = "; lock with dynamodb_table instead" if name == "use_lockfile" else ""
            found.append(Finding(None, f's3 backend: "{name}" is not supported by {tf}; it is accepted from '
                                       f'terraform {_v(spec.since)} ({rejected}). Upgrade terraform{hint}'))
        elif spec.removed and spec.removed <= version:
            found.append(Finding(None, f's3 backend: "{name}" was removed in terraform {_v(spec.removed)} '
                                       f"({rejected}); use {spec.instead}"))
        elif spec.deprecated and spec.deprecated <= version:
            found.append(Finding(None, f's3 backend: "{name}" is deprecated since terraform {_v(spec.deprecated)}; '
                                       f"use {spec.instead}", severity="warning"))
        if is_expression(value):
            found.append(Finding(None, f's3 backend: "{name}" = {value!r} is taken literally: backend settings '
                                       "cannot use expressions or cdktf tokens; pass a plain value"))
    return found


def _s3_complete(settings: Mapping[str, Any], version: Version, env: Mapping[str, str], *,
                 written_only: bool = False) -> list[Finding]:
    """What a complete configuration lacks: required arguments, locking, encryption.
    ``written_only``: a partial configuration, judged only where one of the arguments concerned is
    written (a ``-backend-config`` at init gives what is left out)."""
    def judged(*names: str) -> bool:
        return not written_only or any(name in settings for name in names)

    found: list[Finding] = []
    for name in ("bucket", "key"):
        if judged(name) and not settings.get(name):
            found.append(Finding(None, f's3 backend: "{name}" is required'))
    region_from_env = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
    if judged("region") and not settings.get("region") and not region_from_env:
        found.append(Finding(None, 's3 backend: "region" is required (or AWS_REGION / AWS_DEFAULT_REGION at init)'))
    lockfile = _truthy(settings.get("use_lockfile")) and version >= _V110
    if judged("use_lockfile", "dynamodb_table") and not lockfile and not settings.get("dynamodb_table"):
        how = "use_lockfile = true" if version >= _V110 else 'dynamodb_table (use_lockfile needs terraform >= 1.10)'
        found.append(Finding(None, f"s3 backend: the state is not locked, so two runs can corrupt it; set {how}"))
    if judged("encrypt") and not _truthy(settings.get("encrypt")):
        found.append(Finding(None, "s3 backend: the state file is not encrypted at rest; set encrypt = true"))
    return found


def _find_terraform(ctx: CheckContext) -> Terraform:
    return find_terraform(ctx.terraform, origin="PYTEST_IAC_TERRAFORM")


def _run_backend(ctx: CheckContext) -> Iterator[Finding]:
    from pytest_iac.config.entry import is_terraform_module

    try:
        version, assumed = _find_terraform(ctx).version, False
    except TerraformUnavailable:
        version, assumed = LATEST_KNOWN, True
    env = {"AWS_REGION": ctx.aws_region} if ctx.aws_region else {}
    yield from backend_findings(ctx.template.backend, version, assumed=assumed, env=env,
                                module=is_terraform_module(ctx.stack_dir))


def _run_validate(ctx: CheckContext) -> Iterator[Finding]:
    from pytest_iac.config.entry import is_terraform_module

    if is_terraform_module(ctx.stack_dir):  # a plain module: validate the module itself
        from pytest_iac.checks.module_validate import validate_module

        try:
            terraform = _find_terraform(ctx).path
        except TerraformUnavailable as exc:
            raise CheckSkipped(str(exc)) from None
        yield from validate_module(ctx, terraform)
        return
    try:
        result = validate(ctx.stack_file or ctx.stack_dir, plugin_dir=ctx.terraform_plugin_dir, terraform=_find_terraform(ctx),
                          paths=ctx.paths)
    except TerraformUnavailable as exc:
        raise CheckSkipped(str(exc)) from None
    for diag in result.diagnostics:
        yield Finding(diag.address, diag.message, severity=diag.severity)


CHECKS: list[Check] = [
    Check("validate", "terraform validate with the real provider schema, offline (conflicting arguments, "
                      "missing files, unknown arguments, deprecations)", _run_validate, tags=("terraform",)),
    Check("backend", "backend block against the installed terraform: unknown, unsupported and deprecated "
                     "arguments, required settings, state locking and encryption", _run_backend, tags=("terraform",)),
]
