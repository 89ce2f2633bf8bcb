"""``docs``: the documentation a reviewer expects is present and not empty.

Paths come from ``checks.docs`` (default ``README.md``) and are relative to the project
directory, the one holding the requirements file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pytest_iac.checks._common import option
from pytest_iac.checks.base import Check, CheckContext, Finding
from pytest_iac.config.requirements import DEFAULT_DOCS


def run(ctx: CheckContext) -> Iterator[Finding]:
    for name in option(ctx, "docs", DEFAULT_DOCS):
        path = Path(ctx.project_dir) / name
        if not path.is_file():
            state = "is a directory, not a file" if path.is_dir() else "is missing"
            yield Finding(None, f"{name} {state} (looked in the project directory). Add {name}: what the stack "
                                "builds, how to deploy and test it, and what it needs; or remove it from "
                                "checks.docs.")
        elif not path.read_text(encoding="utf-8", errors="replace").strip():
            yield Finding(None, f"{name} is empty. Write what the stack builds, how to deploy and test it, and "
                                "what it needs.")


CHECKS = [Check("docs", "The documentation files in checks.docs (default README.md) exist and are not empty",
                run, scope="project")]
