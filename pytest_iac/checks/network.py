"""``public-ingress``: no security group admits the whole internet except on HTTP(S).

Rules come from ``aws_security_group``/``aws_default_security_group`` ``ingress`` blocks,
``aws_security_group_rule`` (``type = "ingress"``) and ``aws_vpc_security_group_ingress_rule``.
Open to the world means ``0.0.0.0/0`` or ``::/0``; allowed only on ports 80 and 443. ICMP rules
have no ports and are not reported; rules whose ports are references are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pytest_iac.checks._common import blocks, resources
from pytest_iac.checks.base import Check, CheckContext, Finding

WORLD = ("0.0.0.0/0", "::/0")
ALLOWED_PORTS = frozenset({80, 443})
_ICMP = frozenset({"icmp", "icmpv6", "1", "58"})
_ALL = frozenset({"-1", "all"})


def _port(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _problem(rule: Mapping[str, Any], protocol_key: str, cidr_keys: tuple[str, ...]) -> str | None:
    sources = []
    for key in cidr_keys:
        value = rule.get(key)
        sources += [c for c in (value if isinstance(value, list) else [value]) if c in WORLD]
    if not sources:
        return None
    protocol = str(rule.get(protocol_key, "")).lower()
    if protocol in _ICMP:
        return None
    low, high = _port(rule.get("from_port")), _port(rule.get("to_port"))
    if protocol in _ALL:
        ports = "all protocols and ports"
    elif (low, high) == (0, 65535):
        ports = f"{protocol} (all ports)"
    elif low is None or high is None:
        return None  # ports are references: cannot know
    elif low == high and low in ALLOWED_PORTS:
        return None
    else:
        ports = f"{protocol or 'tcp'} port {low}" if low == high else f"{protocol or 'tcp'} ports {low}-{high}"
    return (f"allows inbound traffic from {' and '.join(dict.fromkeys(sources))} on {ports}. "
            "Only 80 and 443 may be open to the internet: restrict the source to known CIDR ranges or a "
            "security group (e.g. the load balancer's), or reach the host through SSM Session Manager")


def run(ctx: CheckContext) -> Iterator[Finding]:
    for address, rtype, body in resources(ctx, "aws_security_group", "aws_default_security_group",
                                          "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"):
        if rtype == "aws_vpc_security_group_ingress_rule":
            problems = [_problem(body, "ip_protocol", ("cidr_ipv4", "cidr_ipv6"))]
        elif rtype == "aws_security_group_rule":
            problems = [_problem(body, "protocol", ("cidr_blocks", "ipv6_cidr_blocks"))
                        if body.get("type") == "ingress" else None]
        else:
            rules = blocks(body.get("ingress"))
            problems = [(f"ingress[{i}] " if len(rules) > 1 else "its ingress block ") + p if p else None
                        for i, p in enumerate(_problem(r, "protocol", ("cidr_blocks", "ipv6_cidr_blocks"))
                                              for r in rules)]
        for problem in filter(None, problems):
            yield Finding(address, problem[0].upper() + problem[1:] + ".")


CHECKS = [Check("public-ingress", "Security groups admit 0.0.0.0/0 or ::/0 only on ports 80 and 443", run)]
