"""A private working copy of a stack and the environment terraform runs with in it: the user's
directory is never written to, and the user's terraform settings (plugin cache, CLI config,
workspace, ``TF_CLI_ARGS``) never reach the copy.

Relative paths in a stack (``filename = "../../../lib/fn.zip"``, ``file("../x.json")``) are
written for the directory ``cdktf deploy`` runs terraform in, ``<project>/cdktf.out/stacks/<id>``
(``pytest_iac.synthesis.layout``). So that terraform resolves them the same way, the copy is a
symlink farm that mirrors the project: the private directory stands for ``<project>``, each level
down to the stack's directory is a real directory holding symlinks to the real entries of that
level, and the stack's directory holds ``cdk.tf.json`` and links to what synthesis wrote beside
it. ``..`` is resolved on the real directories of the farm, so ``../../../lib`` is the farm's
link to ``<project>/lib``. Rewriting the paths in the JSON instead would have to understand every
argument and function that takes a path (and modules', templates'), and would change the lines
diagnostics point at; the farm needs no such knowledge. Only paths that climb above the project
directory leave the farm.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_iac.synthesis.layout import StackPaths

__all__ = ["CONFIG_FILE", "private_cli_config", "terraform_env", "working_copy"]

CONFIG_FILE = "cdk.tf.json"
# terraform's own files in a stack dir: never linked into the private copy
_NOT_LINKED = re.compile(r"^(\.terraform|\.terraform\.lock\.hcl|terraform\.tfstate.*|.*\.tfstate(\.backup)?"
                         r"|\.terraform\.tfstate\.lock\.info|.*\.tf|.*\.tf\.json|.*\.tfvars(\.json)?)$")
# settings of the user's terraform that must not reach a private working copy
_ENV_DROPPED = ("TF_DATA_DIR", "TF_WORKSPACE", "TF_PLUGIN_CACHE_DIR", "TF_CLI_CONFIG_FILE", "TF_REATTACH_PROVIDERS")


def working_copy(config_text: str, stack: Path, workdir: Path, paths: StackPaths | None = None) -> Path:
    """Write the stack's JSON and link the rest of its directory (assets), but none of
    terraform's own files; with ``paths``, inside a farm that mirrors the project from
    ``paths.anchor`` down to ``paths.working_dir``. Returns the directory to run terraform in."""
    run_dir = workdir
    if paths is not None and paths.working_dir.is_relative_to(paths.anchor):
        real = paths.anchor
        for part in paths.working_dir.relative_to(paths.anchor).parts:
            _link_entries(real, run_dir, skip=part)
            real, run_dir = real / part, run_dir / part
            run_dir.mkdir()
        leaves = [stack, real]
    else:
        leaves = [stack]
    (run_dir / CONFIG_FILE).write_text(config_text, encoding="utf-8")
    for directory in leaves:  # what synthesis wrote first; it stands in for the real stack dir
        _link_entries(directory, run_dir, terraform_files=False)
    return run_dir


def _link_entries(real: Path, farm: Path, skip: str | None = None, terraform_files: bool = True) -> None:
    if not real.is_dir():
        return
    for entry in real.iterdir():
        name = entry.name
        if name == skip or os.path.lexists(farm / name) or (not terraform_files and _NOT_LINKED.match(name)):
            continue
        (farm / name).symlink_to(entry.resolve(), target_is_directory=entry.is_dir())


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
