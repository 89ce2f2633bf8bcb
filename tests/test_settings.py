"""The one settings resolver: the environment is read in one place, and precedence holds there."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import pytest_iac
from pytest_iac.config.options import OPTIONS
from pytest_iac.config.settings import DeployRefused, Environment, Settings
from pytest_iac.config.deploy_settings import DeploySettings
from pytest_iac.state import STATE

PACKAGE = Path(pytest_iac.__file__).parent

# Functions outside pytest_iac/config that may touch os.environ, and why: none of them reads a
# setting of pytest-iac.
ALLOWED_ENVIRON = {
    "recording_environ": "records which variables the user's stack code reads during synthesis",
    "env_digests": "keyed digests of the variables the stack code read, for the synthesis cache (never values)",
    "terraform_env": "copies the environment for a terraform child process",
    "plugin_dir_candidates": "looks where terraform itself looks (HOME, TF_PLUGIN_CACHE_DIR, its CLI config)",
    "MotoServer.start": "copies the environment for the moto server child process",
    "_offline_and_quiet": "sets BC_SKIP_MAPPING around checkov's import and run (and restores it): checkov offline",
}


def environ_readers(path: Path) -> set[str]:
    """Qualified names of the functions of ``path`` that mention ``os.environ``, ``os.getenv`` or
    ``environ`` imported from os; ``<module>`` for module-level code."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                and node.module == "os" for alias in node.names if alias.name in ("environ", "getenv", "environb")}
    found: set[str] = set()

    def visit(node: ast.AST, scope: list[str]) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                visit(child, [*scope, child.name])
                continue
            reads = (isinstance(child, ast.Attribute) and isinstance(child.value, ast.Name)
                     and child.value.id == "os" and child.attr in ("environ", "getenv", "environb", "putenv")) \
                or (isinstance(child, ast.Name) and child.id in imported)
            if reads:
                found.add(".".join(scope) or "<module>")
            visit(child, scope)

    visit(tree, [])
    return found


def test_only_the_config_room_reads_the_environment():
    readers = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "config":
            continue
        for name in environ_readers(path):
            readers[name] = str(relative)
    unexpected = {name: where for name, where in readers.items() if name not in ALLOWED_ENVIRON}
    assert unexpected == {}, "read settings from config.stash[STATE].settings (its env), not os.environ"
    assert {"recording_environ", "terraform_env"} <= set(readers), "the scan found none of the known readers"


def test_the_scan_sees_every_form_of_reading(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("import os\nfrom os import environ as E\nX = os.getenv('A')\n"
                      "class C:\n    def f(self):\n        return os.environ['B']\n"
                      "def g():\n    return E.get('C')\n")
    assert environ_readers(source) == {"<module>", "C.f", "g"}


def test_the_environment_is_read_once_into_the_settings():
    env = Environment.read({"CI": "true", "PYTEST_IAC_TERRAFORM": "/bin/tf", "PYTEST_IAC_TF_PLUGIN_DIR": "m",
                            "GITHUB_STEP_SUMMARY": "s.md", "AWS_DEFAULT_REGION": "eu-west-1"})
    assert env == Environment(ci=True, terraform="/bin/tf", terraform_plugin_dir="m", github_step_summary="s.md",
                              aws_region="eu-west-1")
    assert Environment.read({"AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "eu-west-1", "CI": ""}) == \
        Environment(aws_region="us-west-2")


def test_every_option_has_one_ini_twin_and_help(pytester):
    names = [o.name for o in OPTIONS]
    assert len(names) == len(set(names)) and all(o.help for o in OPTIONS)
    assert {"iac_deploy", "iac_outputs_file", "iac_keep_deployment", "iac_aws_account"} <= set(names)
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines([f"*{o.flag}*" for o in OPTIONS[:1]] + ["*--iac-aws-account*"])
    assert result.stdout.str().count("--iac-deploy=") == 1


def settings_of(pytester: pytest.Pytester, *args: str) -> Settings:
    config = pytester.parseconfigure(*args)
    return config.stash[STATE].settings


def test_plugin_dir_option_beats_ini_beats_environment(pytester, monkeypatch):
    monkeypatch.setenv("PYTEST_IAC_TF_PLUGIN_DIR", "/from/env")
    assert settings_of(pytester).terraform_plugin_dir == Path("/from/env")
    pytester.makeini("[pytest]\niac_terraform_plugin_dir = ini-mirror\n")
    assert settings_of(pytester).terraform_plugin_dir == (pytester.path / "ini-mirror").resolve()
    given = settings_of(pytester, "--iac-terraform-plugin-dir", "/from/cli")
    assert (given.terraform_plugin_dir, given.sources["terraform_plugin_dir"]) == (Path("/from/cli"),
                                                                                    "--iac-terraform-plugin-dir")
    assert given.deployment().plugin_dir == "/from/cli"


def test_ci_turns_the_cache_off_unless_asked(pytester, monkeypatch):
    monkeypatch.setenv("CI", "1")
    assert settings_of(pytester).cache is False
    assert settings_of(pytester, "--iac-cache", "on").cache is True
    monkeypatch.delenv("CI")
    assert settings_of(pytester).cache is True


def test_a_deploy_refusal_waits_until_the_deployment_is_asked_for(pytester):
    settings = settings_of(pytester, "--iac-deploy", "nowhere")  # configuring succeeds
    with pytest.raises(DeployRefused, match="--iac-deploy: 'nowhere' is not a deployment target"):
        settings.deployment()
    assert settings_of(pytester).deployment().target == "local"


def test_the_local_target_destroys_only_when_asked_and_a_real_account_always(pytester):
    assert settings_of(pytester).deployment().destroys is False
    assert settings_of(pytester, "--iac-destroy").deployment().destroys is True
    pytester.makeini("[pytest]\niac_destroy = true\n")
    assert settings_of(pytester).deployment().destroy is True
    aws = DeploySettings(target="aws", origin="--iac-deploy", outputs_file=None, outputs_origin="", keep=False,
                         account_id="123456789012", strict=False, plugin_dir=None)
    assert aws.destroy is False and aws.destroys is True
