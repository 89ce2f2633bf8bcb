"""Names: ``name-length`` (AWS limits on literal names), ``env-suffix`` (every literal name carries
the environment suffix), ``outputs`` (the stack exports something).

Only literal strings are checked; a name built by Terraform (``${...}``) cannot be known here,
nor one holding a given value that the plan hides (``(sensitive value)-data``: the AWS provider
marks an SSM ``String`` parameter's value sensitive, and the name was stored in one).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pytest_iac.checks._common import literal, option, outputs, resources
from pytest_iac.checks.base import Check, CheckContext, Finding
from pytest_iac.terraform.sensitive import SENSITIVE_TEXT

_LB = (r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?", "only letters, digits and hyphens, not at either end")
_LB_PREFIX = (r"[A-Za-z0-9][A-Za-z0-9-]*", "only letters, digits and hyphens, starting with a letter or digit")
_IAM = (r"[\w+=,.@-]+", "only letters, digits and + = , . @ _ -")
_LAMBDA = (r"[A-Za-z0-9_-]+", "only letters, digits, hyphens and underscores")
# (type, argument) -> (maximum length, pattern, rule in words)
LIMITS: dict[tuple[str, str], tuple[int, tuple[str, str]]] = {
    **{(t, "name"): (32, _LB) for t in ("aws_lb", "aws_alb", "aws_lb_target_group", "aws_alb_target_group")},
    **{(t, "name_prefix"): (6, _LB_PREFIX)
       for t in ("aws_lb", "aws_alb", "aws_lb_target_group", "aws_alb_target_group")},
    ("aws_iam_role", "name"): (64, _IAM), ("aws_iam_role", "name_prefix"): (38, _IAM),
    ("aws_iam_user", "name"): (64, _IAM),
    **{(t, "name"): (128, _IAM) for t in ("aws_iam_policy", "aws_iam_role_policy", "aws_iam_instance_profile")},
    **{(t, "name_prefix"): (102, _IAM) for t in ("aws_iam_policy", "aws_iam_role_policy")},
    ("aws_lambda_function", "function_name"): (64, _LAMBDA),
}
_S3_CHARS = re.compile(r"[a-z0-9.-]+")
_S3_BAD_START = ("xn--", "sthree-", "amzn-s3-demo-")
_S3_BAD_END = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def _s3_problem(value: str, prefix: bool) -> str | None:
    limit = 37 if prefix else 63
    if len(value) > limit or (not prefix and len(value) < 3):
        return f"is {len(value)} characters; S3 allows {'at most 37 for a prefix' if prefix else '3 to 63'}"
    if not _S3_CHARS.fullmatch(value):
        return "may contain only lowercase letters, digits, dots and hyphens"
    if not value[0].isalnum() or (not prefix and not value[-1].isalnum()):
        return "must start" + ("" if prefix else " and end") + " with a letter or digit"
    if ".." in value:
        return "must not contain two adjacent dots"
    if not prefix and re.fullmatch(r"\d+\.\d+\.\d+\.\d+", value):
        return "must not look like an IP address"
    bad = next((p for p in _S3_BAD_START if value.startswith(p)), None) or (
        None if prefix else next((s for s in _S3_BAD_END if value.endswith(s)), None))
    return f"must not {'start' if bad in _S3_BAD_START else 'end'} with {bad!r} (reserved by S3)" if bad else None


def _name(value: object) -> str | None:
    """The literal name, or None when terraform builds it or part of it is hidden."""
    name = literal(value)
    return None if name is None or SENSITIVE_TEXT in name else name


def run_length(ctx: CheckContext) -> Iterator[Finding]:
    for address, rtype, body in resources(ctx):
        for argument in ("name", "name_prefix", "function_name", "bucket", "bucket_prefix"):
            value = _name(body.get(argument))
            if value is None:
                continue
            if rtype == "aws_s3_bucket" and argument in ("bucket", "bucket_prefix"):
                problem = _s3_problem(value, argument == "bucket_prefix")
                if problem:
                    yield Finding(address, f"{argument} {value!r} {problem}. Use lowercase letters, digits and "
                                           "hyphens, and keep the environment suffix.")
                continue
            limit = LIMITS.get((rtype, argument))
            if limit is None:
                continue
            maximum, (pattern, rule) = limit
            if len(value) > maximum:
                yield Finding(address, f"{argument} {value!r} is {len(value)} characters; {rtype} allows at most "
                                       f"{maximum}. Shorten the fixed part (abbreviate words) and keep the "
                                       "environment suffix.")
            elif not re.fullmatch(pattern, value):
                yield Finding(address, f"{argument} {value!r} is not a valid {rtype} {argument}: {rule}.")


NAMING_ARGUMENTS = ("name", "name_prefix", "bucket", "bucket_prefix", "function_name", "table_name", "alarm_name",
                    "identifier", "identifier_prefix", "cluster_identifier", "replication_group_id")
OWNER_ONLY = {"bucket": "aws_s3_bucket", "function_name": "aws_lambda_function"}  # elsewhere they point at others
# Names scoped to a parent resource, which cannot collide between environments.
SCOPED_NAMES = frozenset({"aws_apigatewayv2_stage", "aws_api_gateway_stage", "aws_lambda_alias",
                          "aws_route53_record", "aws_route53_zone"})


def run_suffix(ctx: CheckContext) -> Iterator[Finding]:
    suffix = option(ctx, "env_suffix", None)
    if not suffix:
        return
    for address, rtype, body in resources(ctx):
        if rtype in SCOPED_NAMES:
            continue
        for argument in NAMING_ARGUMENTS:
            value = body.get(argument)
            if OWNER_ONLY.get(argument, rtype) != rtype or not isinstance(value, str) or suffix in value:
                continue
            if _name(value) is None or value.startswith("$"):  # built by Terraform, or $default-like
                continue
            yield Finding(address, f"{argument} {value!r} does not contain the environment suffix {suffix!r}, so "
                                   "two environments would collide on it. Build it from the suffix, e.g. "
                                   f"f\"{value}-{{environment_suffix}}\".")


def run_outputs(ctx: CheckContext) -> Iterator[Finding]:
    if not outputs(ctx):
        yield Finding(None, f"Stack {ctx.stack!r} defines no outputs, so deployments and integration tests "
                            "have nothing to read. Add TerraformOutput(self, 'vpc_id', value=vpc.id) for the ids, "
                            "ARNs, names and endpoints they need.")


CHECKS = [
    Check("name-length", "Literal names respect AWS limits: load balancers and target groups 32, IAM roles 64, "
          "Lambda functions 64, S3 bucket naming rules", run_length),
    Check("env-suffix", "Every literal resource name contains checks.env_suffix (when set)", run_suffix),
    Check("outputs", "The stack defines at least one output", run_outputs),
]
