"""One stack object synthesized on its own, for ``Template.from_stack(stack)`` (as AWS CDK's
``Template.fromStack``): through the framework's ``Testing.full_synth``, so aspects run and the
construct metadata stays, into a temp directory removed afterwards."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

__all__ = ["stack_config"]


def stack_config(stack: Any) -> tuple[dict[str, Any], str]:
    """The Terraform JSON of ``stack`` (a cdktf or cdktn ``TerraformStack``) and its name."""
    __tracebackhide__ = True
    framework = _framework_of(stack)
    outdir = Path(framework.Testing.full_synth(stack))
    try:
        manifest = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))
        stacks = manifest.get("stacks") or {}
        name, entry = next(iter(stacks.items()))
        config = json.loads((outdir / entry["synthesizedStackPath"]).read_text(encoding="utf-8"))
    finally:
        shutil.rmtree(outdir, ignore_errors=True)
    return config, str(entry.get("name") or name)


def _framework_of(stack: Any) -> Any:
    for cls in type(stack).__mro__:
        root = cls.__module__.split(".")[0]
        if cls.__name__ == "TerraformStack" and root in ("cdktf", "cdktn"):
            return sys.modules[root]
    raise TypeError(f"Template.from_stack needs a cdktf (or cdktn) TerraformStack, got {type(stack).__name__}; "
                    "for synthesized output use Template.from_file or Template.from_json")
