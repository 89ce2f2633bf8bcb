"""``encryption-at-rest``: data stores are encrypted, with a customer KMS key where required.

Services AWS always encrypts (S3 since 2023, DynamoDB, SQS queues created since 2022, CloudWatch
Logs) are only *warned* about when the configuration does not say how; services that are
plaintext by default (RDS, SNS, EBS) are errors. For the types in ``checks.kms_required`` a
customer-managed key must be named: AES256, SSE-SQS and ``alias/aws/...`` keys do not count.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

from pytest_iac.checks._common import blocks, is_false, is_true, literal, option, resources
from pytest_iac.checks.base import Check, CheckContext, Finding

_AWS_MANAGED = re.compile(r"(^|[:/])alias/aws/")
# ${aws_s3_bucket.b.id}; in a module's plan also module.m[0].aws_s3_bucket.b[1]
_BUCKET_REFERENCE = re.compile(r"(?<![\w.])((?:module\.[\w-]+(?:\[[^\]]*\])?\.)*aws_s3_bucket\.[A-Za-z_][\w-]*"
                               r"(?:\[[^\]]*\])?)(?=[.}])")
KEY_ARGUMENTS = ("kms_key_id", "kms_key_arn", "kms_master_key_id")
# For kms_required types without a reader below: the argument naming their key, when it is not kms_key_id.
KEY_ARGUMENT_BY_TYPE = {"aws_lambda_function": "kms_key_arn"}


class State(NamedTuple):
    encrypted: bool
    customer_key: bool
    how: str  # what to set, for the message


Reader = Callable[[dict[str, Any]], State]


def _customer_key(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip()) and not _AWS_MANAGED.search(value)


def _s3_rules(config: Any) -> list[Mapping[str, Any]]:
    return [d for block in blocks(config) for rule in blocks(block.get("rule"))
            for d in blocks(rule.get("apply_server_side_encryption_by_default"))]


def _s3(body: dict[str, Any], address: str, configs: dict[str, list[Mapping[str, Any]]]) -> State:
    rules = _s3_rules(body.get("server_side_encryption_configuration")) + configs.get(address, [])
    customer = any(r.get("sse_algorithm") in ("aws:kms", "aws:kms:dsse") and _customer_key(r.get("kms_master_key_id"))
                   for r in rules)
    return State(bool(rules), customer, "add an aws_s3_bucket_server_side_encryption_configuration for this "
                 "bucket with sse_algorithm='aws:kms' and kms_master_key_id=<your key's ARN>")


def _dynamodb(body: dict[str, Any]) -> State:
    sse = blocks(body.get("server_side_encryption"))
    enabled = any(is_true(b.get("enabled")) for b in sse)
    customer = any(is_true(b.get("enabled")) and _customer_key(b.get("kms_key_arn")) for b in sse)
    return State(enabled, customer, "set server_side_encryption={'enabled': True, 'kms_key_arn': <your key's ARN>}")


def _flag(flag: str, key: str = "kms_key_id") -> Reader:
    def read(body: dict[str, Any]) -> State:
        return State(is_true(body.get(flag)), is_true(body.get(flag)) and _customer_key(body.get(key)),
                     f"set {flag}=True and {key}=<your key's ARN>")
    return read


def _key(key: str) -> Reader:
    def read(body: dict[str, Any]) -> State:
        value = body.get(key)
        return State(isinstance(value, str) and bool(value.strip()), _customer_key(value),
                     f"set {key}=<your KMS key's ARN>")
    return read


def _sqs(body: dict[str, Any]) -> State:
    key = body.get("kms_master_key_id")
    return State(bool(key) or is_true(body.get("sqs_managed_sse_enabled")), _customer_key(key),
                 "set kms_master_key_id=<your KMS key's ARN>")


def _rds_cluster(body: dict[str, Any]) -> State:
    state = _flag("storage_encrypted")(body)
    return state._replace(encrypted=state.encrypted or body.get("engine_mode") == "serverless")


# type -> (reader, encrypted by AWS even when the configuration says nothing)
READERS: dict[str, tuple[Reader, bool]] = {
    "aws_dynamodb_table": (_dynamodb, True),
    "aws_db_instance": (_flag("storage_encrypted"), False),
    "aws_rds_cluster": (_rds_cluster, False),
    "aws_sns_topic": (_key("kms_master_key_id"), False),
    "aws_sqs_queue": (_sqs, True),
    "aws_ebs_volume": (_flag("encrypted"), False),
    "aws_cloudwatch_log_group": (_key("kms_key_id"), True),
}


def _bucket_configs(ctx: CheckContext) -> dict[str, list[Mapping[str, Any]]]:
    """Bucket address -> default-encryption rules of the separate configuration resources."""
    by_name = {literal(b.get("bucket")): a for a, _, b in resources(ctx, "aws_s3_bucket") if literal(b.get("bucket"))}
    found: dict[str, list[Mapping[str, Any]]] = {}
    for _, _, body in resources(ctx, "aws_s3_bucket_server_side_encryption_configuration"):
        target = body.get("bucket")
        names = _BUCKET_REFERENCE.findall(target) if isinstance(target, str) else []
        if target in by_name:
            names.append(by_name[target])
        for name in names:
            found.setdefault(name, []).extend(_s3_rules(body))
    return found


def run(ctx: CheckContext) -> Iterator[Finding]:
    kms_required = set(option(ctx, "kms_required", ()))
    configs = _bucket_configs(ctx)
    for address, rtype, body in resources(ctx):
        if rtype == "aws_s3_bucket":
            state, by_default = _s3(body, address, configs), True
        elif rtype in READERS:
            reader, by_default = READERS[rtype]
            state = reader(body)
        elif rtype in kms_required:
            key = next((k for k in KEY_ARGUMENTS if k in body), KEY_ARGUMENT_BY_TYPE.get(rtype, "kms_key_id"))
            state, by_default = _key(key)(body), True
        else:
            continue
        if rtype == "aws_db_instance" and body.get("replicate_source_db"):
            continue  # a replica inherits its source's encryption
        fix = state.how[0].upper() + state.how[1:] + "."
        if rtype in kms_required and not state.customer_key:
            yield Finding(address, f"is not encrypted with a customer-managed KMS key, which checks.kms_required "
                                   f"asks for every {rtype}. {fix}")
        elif rtype == "aws_sqs_queue" and not state.encrypted and is_false(body.get("sqs_managed_sse_enabled")):
            yield Finding(address, f"turns encryption at rest off (sqs_managed_sse_enabled=False, no KMS key). {fix}")
        elif not state.encrypted and by_default:
            yield Finding(address, f"does not configure encryption at rest: AWS encrypts {rtype} with a key it "
                                   f"owns unless told otherwise. To state it and control the key: {state.how}.",
                          severity="warning")
        elif not state.encrypted:
            yield Finding(address, f"is not encrypted at rest ({rtype} is stored in plaintext unless "
                                   f"configured). {fix}")


CHECKS = [Check("encryption-at-rest", "S3, DynamoDB, RDS, SNS, SQS, EBS and log groups are encrypted at rest, "
                "with a customer-managed KMS key for the types in checks.kms_required", run)]
