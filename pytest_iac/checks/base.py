"""What a check is: a function of one stack's query object that returns findings.

Built-in checks live one family per module in this package; third-party checks come in
through the ``pytest_iac_checks`` hook (see ``pytest_iac.hookspecs``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from pytest_iac.assertions.template import Template
    from pytest_iac.synthesis.layout import StackPaths

Severity = Literal["error", "warning"]


class CheckSkipped(Exception):
    """Raised by a check that cannot run here (e.g. no terraform); the item is skipped with
    this reason, or fails under --iac-strict."""


@dataclass(frozen=True)
class Finding:
    """One problem: where (resource address, or None for the stack/project), what is wrong and
    what to change. ``path`` (the construct path) is filled in from the template when None."""

    address: str | None
    message: str
    path: str | None = None
    severity: Severity | None = None  # None: the check's severity
    policy: str | None = None  # the outside rule that found it (checkov's CKV_AWS_18); suppressions can name it


@dataclass(frozen=True)
class CheckContext:
    """What a check may look at."""

    template: Template  # the stack's query object; checks' reads never count as test assertions
    stack: str  # stack name
    stack_dir: Path  # directory holding the stack's cdk.tf.json
    project_dir: Path  # directory of the requirements YAML (or rootdir): docs live here
    options: Any  # the YAML's `checks` section (pytest_iac.config.requirements.CheckSettings)
    strict: bool = False
    # What only the command line, the ini file or the environment says (pytest_iac.config.settings):
    terraform_plugin_dir: Path | None = None  # provider mirror for checks that run terraform
    terraform: str | None = None  # $PYTEST_IAC_TERRAFORM; None: terraform on PATH
    aws_region: str | None = None  # AWS_REGION / AWS_DEFAULT_REGION of the environment
    stack_file: Path | None = None  # the stack's JSON itself (an entry may name it other than cdk.tf.json)
    paths: StackPaths | None = None  # where relative paths resolve (as under cdktf deploy); None: stack_dir
    package_dir: Path | None = None  # directory of the entry's module or script (docs are looked for there too)
    # A Terraform module entry's plan (terraform show -json), for checks that judge it whole (checkov);
    # None for a synthesized stack. Never write it into stack_dir: that is the user's module.
    plan: Mapping[str, Any] | None = field(default=None, repr=False)

    def resolve(self, path: str) -> Path:
        """The file a relative path of the stack names, as ``cdktf deploy`` would open it."""
        return self.paths.resolve(path) if self.paths is not None else Path(self.stack_dir) / path


@dataclass(frozen=True)
class Check:
    id: str  # kebab-case, e.g. "cloudwatch-statistic"
    description: str  # one line: what it catches
    run: Callable[[CheckContext], Iterable[Finding]]
    severity: Severity = "error"
    scope: Literal["stack", "project"] = "stack"  # project checks run once, not per stack
    tags: tuple[str, ...] = field(default_factory=tuple)
