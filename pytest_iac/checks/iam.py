"""``iam-wildcards``: Allow statements grant no wildcard actions, no changes on every resource where
AWS lets them be scoped, and nothing to anyone; every action named exists.

Policies are read from identity policies (``aws_iam_policy``, ``aws_iam_{role,user,group}_policy``,
``aws_iam_role.inline_policy``), ``aws_iam_policy_document`` data sources, S3/SQS/SNS
resource policies and KMS key policies. A policy that is itself a reference (``${data....json}``)
is skipped: its document is checked where it is defined. Trust policies (``assume_role_policy``)
are not checked. In a key policy (``aws_kms_key.policy``, ``aws_kms_key_policy``, or a document
used only there) ``Resource: "*"`` means the key itself and the account's administrators are
given ``kms:*``, so only the other judgements apply: a key that any principal may use is public.

Actions are judged with AWS's own action data (:mod:`pytest_iac.checks.iam_actions`), not by their
names: ``logs:CreateLogDelivery`` or ``xray:PutTraceSegments`` on ``Resource: "*"`` is fine because
AWS offers no narrower resource for them, while ``s3:DeleteObject`` on ``"*"`` is a finding because
it can name the objects. Patterns such as ``s3:Put*`` are expanded with the same data. An action the
data does not know is a warning: a typo grants nothing (the code meets AccessDenied at run time, or
a Deny does not apply), but an action newer than the pinned data is not the user's mistake.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from pytest_iac._text import listing
from pytest_iac.checks._common import blocks, data_sources, is_expression, parse_json, resources
from pytest_iac.checks.base import Check, CheckContext, Finding, Severity
from pytest_iac.checks.iam_actions import Action, ActionData, IamDataMissing

KEY_TYPES = ("aws_kms_key", "aws_kms_replica_key", "aws_kms_external_key", "aws_kms_replica_external_key",
             "aws_kms_key_policy")
POLICY_ARGUMENTS: dict[str, str] = {
    "aws_iam_policy": "policy", "aws_iam_role_policy": "policy", "aws_iam_user_policy": "policy",
    "aws_iam_group_policy": "policy", "aws_s3_bucket_policy": "policy", "aws_s3_bucket": "policy",
    "aws_sqs_queue_policy": "policy", "aws_sqs_queue": "policy", "aws_sns_topic_policy": "policy",
    "aws_sns_topic": "policy",
}
# The data says these can name a resource, but AWS's own guidance grants them on "*": Lambda's
# managed policy AWSLambdaVPCAccessExecutionRole gives a VPC function its ENI actions on "*", and
# PutMetricData is limited by the cloudwatch:namespace condition key, not by Resource.
NEEDS_ANY_RESOURCE = frozenset({
    "ec2:createnetworkinterface", "ec2:deletenetworkinterface", "ec2:assignprivateipaddresses",
    "ec2:unassignprivateipaddresses", "cloudwatch:putmetricdata",
})
_ANY_ARN = re.compile(r"arn:[^:]*:[^:]*:[^:]*:[^:]*:\*")
_WILD = re.compile(r"\*|[^:]*[*?][^:]*:.*|[\w-]+:\*")  # every action, or every action of a service


class Statement(NamedTuple):
    label: str
    allow: bool
    actions: list[str]
    not_actions: list[str]
    resources: list[str]
    not_resources: bool
    public: bool  # Principal "*" (or AWS "*")
    conditional: bool
    key_policy: bool = False  # Resource "*" is the key itself; kms:* is how its admins are named


def _strings(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value] if value is not None else []
    return [i for i in items if isinstance(i, str) and not is_expression(i)]


def _label(index: int, total: int, sid: Any, where: str) -> str:
    label = f"statement {index}" if total > 1 or sid else "the statement"
    return label + (f" ({sid!r})" if isinstance(sid, str) and sid else "") + (f" in {where}" if where else "")


def _from_json(document: Any, where: str = "", key_policy: bool = False) -> list[Statement]:
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
                             "NotResource" in s, public, bool(s.get("Condition")), key_policy))
    return out


def _from_document(body: Mapping[str, Any], key_policy: bool = False) -> list[Statement]:
    items = blocks(body.get("statement"))
    out = []
    for index, s in enumerate(items, 1):
        public = any(p.get("type") in ("*", "AWS") and "*" in _strings(p.get("identifiers"))
                     for p in blocks(s.get("principals")))
        out.append(Statement(_label(index, len(items), s.get("sid"), ""), s.get("effect", "Allow") == "Allow",
                             _strings(s.get("actions")), _strings(s.get("not_actions")),
                             _strings(s.get("resources")), bool(s.get("not_resources")), public,
                             bool(blocks(s.get("condition"))), key_policy))
    return out


def _unknown(s: Statement, data: ActionData) -> Iterator[str]:
    unknown = [a for a in (*s.actions, *s.not_actions) if not _WILD.fullmatch(a) and not data.expand(a)]
    if not unknown:
        return
    hints = [f"{a!r} (did you mean {near!r}?)" if (near := data.closest(a)) else repr(a) for a in unknown]
    effect = "the code meets AccessDenied at run time" if s.allow else "the Deny does not apply"
    yield (f"{s.label} names {listing(hints)}, which AWS's action data ({data.version}) does not know: a "
           f"misspelt action grants and denies nothing, so {effect}. Correct the name; if the action is newer "
           "than the data, suppress this finding with that reason")


def _scopable_changes(action: str, data: ActionData) -> str | None:
    """How ``action`` (a name or a pattern) changes resources that Resource could have named."""
    matched = data.expand(action)
    changes = [a for a in matched if a.changes and a.scopable and a.name.lower() not in NEEDS_ANY_RESOURCE]
    if not changes:
        return None
    if len(matched) == 1 and matched[0].name.lower() == action.lower():
        return f"{matched[0].name!r} ({_describe(matched[0])})"
    examples = ", ".join(a.name for a in changes[:3]) + (", ..." if len(changes) > 3 else "")
    return f"{action!r} ({len(changes)} of the {len(matched)} actions it matches: {examples})"


def _describe(action: Action) -> str:
    return f"{action.level}; can name {listing(list(action.resource_types), 3)}"


def _problems(s: Statement, data: ActionData) -> Iterator[tuple[str, Severity | None]]:
    for problem in _unknown(s, data):
        yield problem, "warning"
    if not s.allow:
        return
    if not s.key_policy:
        yield from _scope_problems(s, data)
    if s.public and not s.conditional:
        what = listing([repr(a) for a in s.actions]) if s.actions else "the listed actions"
        principal, condition = (("{'AWS': 'arn:aws:iam::111122223333:root'}", "kms:CallerAccount") if s.key_policy
                                else ("{'Service': 'sns.amazonaws.com'}", "aws:SourceArn"))
        yield (f"{s.label} lets any principal ('*') use {what}, with no Condition. Name the principal (e.g. "
               f"{principal}) or add a Condition such as {condition}"), None


def _scope_problems(s: Statement, data: ActionData) -> Iterator[tuple[str, Severity | None]]:
    """What an Allow grants beyond the actions and resources named (not judged in a key policy)."""
    if s.not_actions:
        yield (f"{s.label} allows every action except {listing(s.not_actions)} (Allow with NotAction). "
               "List the actions the code needs under Action instead"), None
    wild = [a for a in s.actions if _WILD.fullmatch(a)]
    if wild:
        services = sorted({a.partition(":")[0] for a in wild if a != "*" and not re.search(r"[*?]", a.partition(":")[0])})
        scope = f"the {', '.join(services)} actions" if services else "the actions"
        yield (f"{s.label} allows {listing([repr(a) for a in wild])}: a wildcard grants every current and "
               f"future action, deletes included. List only {scope} the code calls"), None
    if "*" in s.resources or any(_ANY_ARN.fullmatch(r) for r in s.resources) or s.not_resources:
        changes = [c for a in s.actions if a not in wild and (c := _scopable_changes(a, data))]
        if changes:
            where = "every resource (NotResource)" if s.not_resources else "Resource '*'"
            yield (f"{s.label} allows write actions {listing(changes)} on {where}, though AWS lets them be "
                   "limited to the resources they act on. Scope Resource to those ARNs (e.g. "
                   "'${aws_sqs_queue.jobs.arn}'); '*' is for reads and for actions AWS cannot scope "
                   "(e.g. logs:CreateLogDelivery, xray:PutTraceSegments)"), None


def _statements(ctx: CheckContext) -> Iterator[tuple[str, Statement]]:
    for address, rtype, body in resources(ctx):
        if rtype in POLICY_ARGUMENTS:
            for s in _from_json(parse_json(body.get(POLICY_ARGUMENTS[rtype]))):
                yield address, s
        if rtype in KEY_TYPES:
            for s in _from_json(parse_json(body.get("policy")), key_policy=True):
                yield address, s
        if rtype == "aws_iam_role":
            for index, inline in enumerate(blocks(body.get("inline_policy"))):
                for s in _from_json(parse_json(inline.get("policy")), f"inline_policy[{index}]"):
                    yield address, s
    key_policies = _key_policy_documents(ctx)
    for address, dtype, body in data_sources(ctx):
        if dtype == "aws_iam_policy_document":
            for s in _from_document(body, key_policy=address in key_policies):
                yield address, s


def _key_policy_documents(ctx: CheckContext) -> set[str]:
    """Policy documents used only as KMS key policies, where ``Resource: "*"`` is the key itself."""
    keys = {address for address, _, _ in resources(ctx, *KEY_TYPES)}
    if not keys:
        return set()
    found = set()
    for address, dtype, _ in data_sources(ctx):
        if dtype == "aws_iam_policy_document":
            users = set(ctx.template.references_to(address))
            if users and users <= keys:
                found.add(address)
    return found


def run(ctx: CheckContext) -> Iterator[Finding]:
    statements = list(_statements(ctx))
    if not statements:
        return
    try:
        data = ActionData()
    except IamDataMissing as exc:
        yield Finding(None, f"cannot judge the stack's {len(statements)} policy statement(s): {exc}")
        return
    for address, statement in statements:
        for problem, severity in _problems(statement, data):
            yield Finding(address, problem[0].upper() + problem[1:] + ".", severity=severity)


CHECKS = [Check("iam-wildcards", "IAM and resource policies grant no wildcard actions, no writes on Resource '*' "
                "where AWS lets them be scoped, nothing to Principal '*' without a condition, and name no unknown "
                "action", run)]
