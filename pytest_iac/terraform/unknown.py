"""A value of a Terraform plan that terraform knows only after apply.

Lives in the terraform room because the rest of it must tell such a value from a literal: for
``expressions.is_expression`` it is, like ``${...}``, a value only terraform will know, so the
checks judge it as they judge an interpolation.
"""

from __future__ import annotations

__all__ = ["UNKNOWN", "Unknown"]


class Unknown(str):
    """A value terraform knows only after apply. A ``str`` so that it renders and serializes
    anywhere (as ``(known after apply)``); tell it apart with ``isinstance`` or ``Match.unknown()``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown("(known after apply)")
