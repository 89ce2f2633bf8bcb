"""The deployment's working copy of a plain Terraform module (the entry is a module directory).

Like ``TerraformWorkspace`` (same commands, same streamed apply and destroy), but the copy is
the module's tree, and the deploy tier's override file is split in two when the module has no
``provider "aws"`` block (an override file only overrides blocks that exist): the provider
settings in a plain file, the local backend in the override file. Variables reach ``apply`` and
``destroy`` as ``*.auto.tfvars`` files sorted after the module's own, so they win as ``-var-file``
would.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pytest_iac.config.entry import EntrySpec
from pytest_iac.deploy.apply import OVERRIDE_FILE, TerraformWorkspace, _env
from pytest_iac.terraform.workdir import private_cli_config

__all__ = ["ModuleWorkspace"]

PROVIDER_FILE = "zz_pytest_iac_provider.tf.json"
_IGNORED = shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.tfstate", "*.tfstate.backup", ".git",
                                  "__pycache__", ".pytest_cache")


class ModuleWorkspace(TerraformWorkspace):
    def __init__(self, terraform: str, spec: EntrySpec, root: Path, override: Mapping[str, Any], *,
                 local: bool, region: str) -> None:
        """``region``: the deployment's, for a module whose provider block names none."""
        from pytest_iac.terraform.hcl_blocks import module_blocks

        assert spec.path is not None
        self.terraform = terraform
        self.root = root
        self.dir = root / "stack"
        shutil.copytree(spec.path, self.dir, ignore=_IGNORED)
        self.config_text = "{}"  # no cdk.tf.json: diagnostics name the module's file and line themselves
        override = dict(override)
        has_aws = any(b.kind == "provider" and b.type == "aws" for b in module_blocks(self.dir))
        if not has_aws and "provider" in override:
            _write(self.dir / PROVIDER_FILE, {"provider": override.pop("provider")})
        _write(self.dir / OVERRIDE_FILE, override)
        for index, var_file in enumerate(spec.var_files):
            source = Path(var_file)
            suffix = ".auto.tfvars.json" if source.name.endswith(".json") else ".auto.tfvars"
            shutil.copyfile(source, self.dir / f"zz-pytest-iac-{index:02d}{suffix}")
        if spec.tf_vars:
            _write(self.dir / "zz-pytest-iac-99.auto.tfvars.json", dict(spec.tf_vars))
        self.cli_config = private_cli_config(root / "terraform.tfrc")
        self.env = _env(self.cli_config, local=local)
        self.env.update(AWS_REGION=region, AWS_DEFAULT_REGION=region)


def _write(path: Path, data: Mapping[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
