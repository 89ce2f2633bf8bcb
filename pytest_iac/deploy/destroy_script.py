"""The script a kept (or half-destroyed) deployment leaves behind, so the user can destroy it
later with one command: ``bash destroy.sh`` in the deployment's directory."""

from __future__ import annotations

import shlex
from pathlib import Path

__all__ = ["write_destroy_script"]


def write_destroy_script(root: Path, terraform: str, moto_pid: int | None) -> Path:
    """Write ``root/destroy.sh``: destroy the stack in ``root/stack``, stop the local endpoint
    (``moto_pid``, when there is one), and remove ``root`` once the destroy succeeded."""
    script = root / "destroy.sh"
    env = "CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=../terraform.tfrc"
    if moto_pid is not None:
        env += " AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing"
    stop = f"kill -- -{moto_pid} 2>/dev/null\n" if moto_pid is not None else ""
    script.write_text(
        "#!/usr/bin/env bash\n# written by pytest-iac: destroy the kept deployment"
        + (", stop its local endpoint" if moto_pid is not None else "") + ", remove this directory\n"
        f'cd "$(dirname "$0")/stack" || exit 1\n'
        f"{env} {shlex.quote(terraform)} destroy -auto-approve -input=false\n"
        "status=$?\n" + stop
        + 'if [ "$status" -eq 0 ]; then rm -rf "$(cd .. && pwd)"; fi\nexit "$status"\n',
        encoding="utf-8")
    script.chmod(0o755)
    return script
