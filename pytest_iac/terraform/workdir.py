"""A private working copy of a stack and the environment terraform runs with in it: the user's
directory is never written to, and the user's terraform settings (plugin cache, CLI config,
workspace, ``TF_CLI_ARGS``) never reach the copy."""

from __future__ import annotations

import os
import re
from pathlib import Path

__all__ = ["CONFIG_FILE", "private_cli_config", "terraform_env", "working_copy"]

CONFIG_FILE = "cdk.tf.json"
# terraform's own files in a stack dir: never linked into the private copy
_NOT_LINKED = re.compile(r"^(\.terraform|\.terraform\.lock\.hcl|terraform\.tfstate.*|.*\.tfstate(\.backup)?"
                         r"|\.terraform\.tfstate\.lock\.info|.*\.tf|.*\.tf\.json|.*\.tfvars(\.json)?)$")
# settings of the user's terraform that must not reach a private working copy
_ENV_DROPPED = ("TF_DATA_DIR", "TF_WORKSPACE", "TF_PLUGIN_CACHE_DIR", "TF_CLI_CONFIG_FILE", "TF_REATTACH_PROVIDERS")


def working_copy(config_text: str, stack: Path, workdir: Path) -> None:
    """Write the stack's JSON into ``workdir`` and link the rest of its directory (assets), but
    none of terraform's own files: the user's directory is never written to."""
    (workdir / CONFIG_FILE).write_text(config_text, encoding="utf-8")
    for entry in stack.iterdir():
        if entry.name != CONFIG_FILE and not _NOT_LINKED.match(entry.name):
            (workdir / entry.name).symlink_to(entry.resolve(), target_is_directory=entry.is_dir())


def private_cli_config(path: Path) -> Path:
    path.write_text("# private, empty: no plugin cache, no user mirrors\n", encoding="utf-8")
    return path


def terraform_env(cli_config: Path | None, cache: str | None = None) -> dict[str, str]:
    """The environment for a terraform run in a private working copy."""
    env = {k: v for k, v in os.environ.items() if k not in _ENV_DROPPED and not k.startswith("TF_CLI_ARGS")}
    env.update(CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1", TF_INPUT="0")
    if cli_config is not None:
        env["TF_CLI_CONFIG_FILE"] = str(cli_config)
    if cache:
        env["TF_PLUGIN_CACHE_DIR"] = cache
    return env
