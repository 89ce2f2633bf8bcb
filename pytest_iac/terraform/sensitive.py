"""A value of a Terraform plan that terraform marks sensitive, shown as terraform shows it.

``terraform show -json`` writes sensitive values in plain text; the plan is redacted as soon as
it is read (``synthesis/plan_redact``), so the secret never reaches the plan cache, the reports
or a failure message. What a test sees in its place is this marker. Lives in the terraform room
beside ``unknown``: for ``expressions.is_expression`` it is, like ``${...}``, a value the checks
must not judge as a literal written in the code.
"""

from __future__ import annotations

__all__ = ["SENSITIVE", "SENSITIVE_TEXT", "Sensitive", "explain_comparison"]

SENSITIVE_TEXT = "(sensitive value)"


class Sensitive(str):
    """A value terraform keeps secret. A ``str`` so that it renders and serializes anywhere (as
    ``(sensitive value)``, terraform's own words); tell it apart with ``isinstance`` or
    ``Match.sensitive()``. A plain string that reads the same is not equal to it."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sensitive)

    def __ne__(self, other: object) -> bool:
        return not isinstance(other, Sensitive)

    __hash__ = str.__hash__

    def __repr__(self) -> str:
        return "SENSITIVE"


SENSITIVE = Sensitive(SENSITIVE_TEXT)


def explain_comparison(op: str, left: object, right: object) -> list[str] | None:
    """What a failed ``assert value == "..."`` says when one side is the marker: that terraform
    hides the value, and how to assert on it (``pytest_assertrepr_compare``)."""
    if op not in ("==", "!=") or not (isinstance(left, Sensitive) or isinstance(right, Sensitive)):
        return None
    return [f"{left!r} {op} {right!r}",
            "a sensitive value: terraform hides it in the plan, so it cannot be compared;",
            "assert on it with Match.sensitive() (or Match.any_value()), e.g.",
            "iac_stack.has_resource_properties(TYPE, {ATTRIBUTE: Match.sensitive()})"]
