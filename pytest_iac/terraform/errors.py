"""The two ways asking terraform can fail, apart from what it says about the stack."""

from __future__ import annotations

__all__ = ["TerraformError", "TerraformUnavailable"]


class TerraformUnavailable(Exception):
    """terraform, or a provider the stack needs, is not available offline here. The message is
    a skip reason: what is missing and where it was looked for."""


class TerraformError(Exception):
    """terraform ran but did not produce an answer about the stack (timeout, crash, bad output)."""
