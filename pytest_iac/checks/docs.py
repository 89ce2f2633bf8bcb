"""``docs``: the documentation a reviewer expects is present and not empty.

Names come from ``checks.docs`` (default ``README.md``). Projects keep their README at the root
or next to the stack code (``lib/README.md`` beside ``lib/tap_stack.py``), so a bare name is
looked for in the project directory (the requirements file's, and the one holding cdktf.json)
and in the directory of the entry's module or script; a name with a directory part
(``docs/RUNBOOK.md``) is a path relative to the project directory, looked for there only. The
message says every place it looked.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from pytest_iac.checks._common import option
from pytest_iac.checks.base import Check, CheckContext, Finding
from pytest_iac.config.requirements import DEFAULT_DOCS


def _places(ctx: CheckContext, name: str) -> list[Path]:
    project = Path(ctx.project_dir)
    if "/" in name.replace(os.sep, "/"):
        return [project]
    places = [project]
    places += [d for d in (ctx.paths.anchor if ctx.paths else None, ctx.package_dir) if d is not None]
    return list(dict.fromkeys(Path(p) for p in places))


def _shown(directory: Path, project: Path) -> str:
    if directory == project:
        return "the project directory"
    try:
        return Path(os.path.relpath(directory, project)).as_posix() + "/"
    except ValueError:  # another drive on Windows
        return str(directory)


def run(ctx: CheckContext) -> Iterator[Finding]:
    project = Path(ctx.project_dir)
    for name in option(ctx, "docs", DEFAULT_DOCS):
        places = _places(ctx, name)
        files = [place / name for place in places]
        found = next((f for f in files if f.is_file()), None)
        if found is None:
            state = "is a directory, not a file" if any(f.is_dir() for f in files) else "is missing"
            where = " and ".join(_shown(p, project) for p in places)
            yield Finding(None, f"{name} {state} (looked in {where}). Add {name}: what the stack builds, how to "
                                "deploy and test it, and what it needs; or change checks.docs.")
        elif not found.read_text(encoding="utf-8", errors="replace").strip():
            shown = Path(os.path.relpath(found, project)).as_posix() if found.is_relative_to(project) else str(found)
            yield Finding(None, f"{shown} is empty. Write what the stack builds, how to deploy and test it, and "
                                "what it needs.")


CHECKS = [Check("docs", "The documentation files in checks.docs (default README.md) exist and are not empty, "
                "in the project directory or beside the stack code", run, scope="project")]
