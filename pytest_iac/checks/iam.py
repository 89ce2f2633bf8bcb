"""``iam-wildcards``: Allow statements do not grant wildcard actions, writes on every resource, or
access to anyone.

Policies are read from identity policies (``aws_iam_policy``, ``aws_iam_{role,user,group}_policy``,
``aws_iam_role.inline_policy``), ``aws_iam_policy_document`` data sources and S3/SQS/SNS
resource policies. A policy that is itself a reference (``${data....json}``) is skipped: its
document is checked where it is defined. Trust policies (``assume_role_policy``) and KMS key
policies are not checked: in a key policy ``Resource: "*"`` means the key itself.

Allowed on ``Resource: "*"``: read-only actions (``Describe*``, ``Get*``, ``List*``,
``BatchGet*``, ``Query``, ``Scan``) and :data:`ALLOWED_ON_ANY_RESOURCE`, actions AWS does not let
you scope (X-Ray segments, the ENI actions a VPC Lambda needs, ``cloudwatch:PutMetricData``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from pytest_iac._text import listing
from pytest_iac.checks._common import blocks, data_sources, is_expression, parse_json, resources
from pytest_iac.checks.base import Check, CheckContext, Finding

POLICY_ARGUMENTS: dict[str, str] = {
    "aws_iam_policy": "policy", "aws_iam_role_policy": "policy", "aws_iam_user_policy": "policy",
    "aws_iam_group_policy": "policy", "aws_s3_bucket_policy": "policy", "aws_s3_bucket": "policy",
    "aws_sqs_queue_policy": "policy", "aws_sqs_queue": "policy", "aws_sns_topic_policy": "policy",
    "aws_sns_topic": "policy",
}
READ_PREFIXES = ("describe", "get", "list", "batchget", "query", "scan")
ALLOWED_ON_ANY_RESOURCE = frozenset({
    "xray:puttracesegments", "xray:puttelemetryrecords", "cloudwatch:putmetricdata",
    "ec2:createnetworkinterface", "ec2:deletenetworkinterface", "ec2:assignprivateipaddresses",
    "ec2:unassignprivateipaddresses", "ec2:*networkinterface*",
})
_ANY_ARN = re.compile(r"arn:[^:]*:[^:]*:[^:]*:[^:]*:\*")


class Statement(NamedTuple):
    label: str
    allow: bool
    actions: list[str]
    not_actions: list[str]
    resources: list[str]
    not_resources: bool
    public: bool  # Principal "*" (or AWS "*")
    conditional: bool


def _strings(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value] if value is not None else []
    return [i for i in items if isinstance(i, str) and not is_expression(i)]


def _label(index: int, total: int, sid: Any, where: str) -> str:
    label = f"statement {index}" if total > 1 or sid else "the statement"
    return label + (f" ({sid!r})" if isinstance(sid, str) and sid else "") + (f" in {where}" if where else "")


def _from_json(document: Any, where: str = "") -> list[Statement]:
    if not isinstance(document, Mapping):
        return []
    raw = document.get("Statement")
    items = [s for s in (raw if isinstance(raw, list) else [raw]) if isinstance(s, Mapping)]
    out = []
    for index, s in enumerate(items, 1):
        principal = s.get("Principal")
        aws = principal.get("AWS") if isinstance(principal, Mapping) else None
        public = principal == "*" or "*" in _strings(aws)
        out.append(Statement(_label(index, len(items), s.get("Sid"), where), s.get("Effect") == "Allow",
                             _strings(s.get("Action")), _strings(s.get("NotAction")), _strings(s.get("Resource")),
                             "NotResource" in s, public, bool(s.get("Condition"))))
    return out


def _from_document(body: Mapping[str, Any]) -> list[Statement]:
    items = blocks(body.get("statement"))
    out = []
    for index, s in enumerate(items, 1):
        public = any(p.get("type") in ("*", "AWS") and "*" in _strings(p.get("identifiers"))
                     for p in blocks(s.get("principals")))
        out.append(Statement(_label(index, len(items), s.get("sid"), ""), s.get("effect", "Allow") == "Allow",
                             _strings(s.get("actions")), _strings(s.get("not_actions")),
                             _strings(s.get("resources")), bool(s.get("not_resources")), public,
                             bool(blocks(s.get("condition")))))
    return out


def _is_read(action: str) -> bool:
    name = action.partition(":")[2].lower()
    return name.startswith(READ_PREFIXES)


def _problems(s: Statement) -> Iterator[str]:
    if not s.allow:
        return
    if s.not_actions:
        yield (f"{s.label} allows every action except {listing(s.not_actions)} (Allow with NotAction). "
               "List the actions the code needs under Action instead")
    wild = [a for a in s.actions if a == "*" or re.fullmatch(r"[\w-]+:\*", a)]
    if wild:
        services = sorted({a.partition(":")[0] for a in wild if a != "*"})
        scope = f"the {', '.join(services)} actions" if services else "the actions"
        yield (f"{s.label} allows {listing([repr(a) for a in wild])}: a wildcard grants every current and "
               f"future action, deletes included. List only {scope} the code calls")
    if "*" in s.resources or any(_ANY_ARN.fullmatch(r) for r in s.resources) or s.not_resources:
        writes = [a for a in s.actions if a not in wild and not _is_read(a)
                  and a.lower() not in ALLOWED_ON_ANY_RESOURCE]
        if writes:
            where = "every resource (NotResource)" if s.not_resources else "Resource '*'"
            yield (f"{s.label} allows write actions {listing([repr(a) for a in writes])} on {where}. Scope "
                   "Resource to the ARNs they act on (e.g. '${aws_sqs_queue.jobs.arn}'); only read-only "
                   "actions and actions AWS cannot scope may use '*'")
    if s.public and not s.conditional:
        what = listing([repr(a) for a in s.actions]) if s.actions else "the listed actions"
        yield (f"{s.label} lets any principal ('*') use {what}, with no Condition. Name the principal (e.g. "
               "{'Service': 'sns.amazonaws.com'}) or add a Condition such as aws:SourceArn")


def run(ctx: CheckContext) -> Iterator[Finding]:
    for address, rtype, body in resources(ctx):
        statements: list[Statement] = []
        if rtype in POLICY_ARGUMENTS:
            statements += _from_json(parse_json(body.get(POLICY_ARGUMENTS[rtype])))
        if rtype == "aws_iam_role":
            for index, inline in enumerate(blocks(body.get("inline_policy"))):
                statements += _from_json(parse_json(inline.get("policy")), f"inline_policy[{index}]")
        for problem in (p for s in statements for p in _problems(s)):
            yield Finding(address, problem[0].upper() + problem[1:] + ".")
    for address, dtype, body in data_sources(ctx):
        if dtype == "aws_iam_policy_document":
            for problem in (p for s in _from_document(body) for p in _problems(s)):
                yield Finding(address, problem[0].upper() + problem[1:] + ".")


CHECKS = [Check("iam-wildcards", "IAM and resource policies grant no wildcard actions, no writes on Resource '*', "
                "and nothing to Principal '*' without a condition", run)]
