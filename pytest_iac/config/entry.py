"""What the user named as the stack entry, and the errors that naming can produce.

The entry is one string in one of four forms (``module:callable``, a script such as
``tap.py``, an already synthesized ``cdktf.out/`` / ``cdk.tf.json``, or a plain Terraform
module: a directory of ``*.tf`` / ``*.tf.json`` files); this module decides which, without
importing anything of the user's.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Mapping

EntryKind = Literal["callable", "script", "synthesized", "module"]

_NAME = r"[A-Za-z_]\w*"
_MODULE_CALLABLE = re.compile(rf"^{_NAME}(?:\.{_NAME})*:{_NAME}(?:\.{_NAME})*$")


class EntryError(Exception):
    """The stack entry cannot give a synthesis; the message is ready for the user."""


@dataclass(frozen=True)
class EntrySpec:
    """A resolved stack entry: the raw string, where it came from, and how to call it."""

    entry: str
    origin: str  # e.g. "--iac-app", "iac_app in pytest.ini", "app.entry in requirements.yaml"
    base_dir: Path  # relative paths in ``entry`` are resolved from here
    stack_id: str | None = None
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    tf_vars: Mapping[str, Any] = field(default_factory=dict)  # a module's input variables
    var_files: tuple[str, ...] = ()  # a module's .tfvars files, relative to base_dir

    @property
    def kind(self) -> EntryKind:
        try:
            path = self.path
            exists = path is not None and path.exists()
            regular = exists and path.is_file()  # type: ignore[union-attr]
            directory = exists and path.is_dir()  # type: ignore[union-attr]
        except (OSError, ValueError) as exc:  # a NUL byte, a name too long
            raise EntryError(f"stack entry {self.describe()} is not a usable path: {exc}") from None
        if exists and not (regular or directory):
            raise EntryError(f"stack entry {self.describe()}: {path} is not a regular file or directory "
                             "(a device, a pipe or a socket); name the entry script or the synthesized output")
        if exists:
            json_named = self.entry.endswith(".json") or path.suffix == ".json"  # type: ignore[union-attr]
            if directory and is_terraform_module(path):  # type: ignore[arg-type]
                return "module"
            return "synthesized" if directory or json_named else "script"
        if _MODULE_CALLABLE.match(self.entry):
            return "callable"
        raise EntryError(self._unknown_form_message(path))

    @property
    def path(self) -> Path | None:
        if _MODULE_CALLABLE.match(self.entry) and not self.entry.endswith((".py", ".json")):
            return None
        return (self.base_dir / self.entry).resolve()

    def describe(self) -> str:
        return f"{self.entry!r} (from {self.origin})"

    def _unknown_form_message(self, path: Path | None) -> str:
        if path is not None and (self.entry.endswith((".py", ".json")) or os.sep in self.entry):
            return (
                f"stack entry {self.describe()}: no such file or directory: {path}. "
                "Give a path relative to the directory of the setting that names it."
            )
        return (
            f"stack entry {self.describe()} is not understood. Use 'package.module:callable', "
            "a path to an entry script such as tap.py, a synthesized cdktf.out/ or cdk.tf.json, "
            "or a Terraform module directory (*.tf files)."
        )


def is_terraform_module(directory: Path) -> bool:
    """A directory of ``*.tf`` / ``*.tf.json`` files that is not cdktf output (no manifest.json
    and no cdk.tf.json)."""
    if (directory / "manifest.json").exists() or (directory / "cdk.tf.json").exists():
        return False
    return any(directory.glob("*.tf")) or any(directory.glob("*.tf.json"))


def user_traceback(exc: BaseException) -> str:
    """Format ``exc`` keeping only the user's frames (not pytest-iac, the stdlib, or site-packages).

    jsii errors carry the JavaScript stack in their message; those ``at ...`` lines are dropped
    because they never point at the user's code.
    """
    library_roots = {os.path.dirname(os.__file__), os.path.dirname(os.path.dirname(__file__))}  # stdlib, pytest_iac
    library_roots.update(p for p in sys.path if p.endswith(("site-packages", "dist-packages")))
    frames = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if not frame.filename.startswith("<")
        and not any(frame.filename.startswith(root) for root in library_roots)
    ]
    lines = traceback.StackSummary.from_list(frames).format() if frames else []  # repeats collapsed
    message = "\n".join(
        line for line in str(exc).splitlines() if not line.lstrip().startswith("at ")
    ).strip()
    lines.append(f"{type(exc).__name__}: {message}\n" if message else f"{type(exc).__name__}\n")
    return "".join(lines).rstrip()
