"""Relative paths resolve as ``cdktf deploy`` resolves them: from
``<project>/<output of cdktf.json>/stacks/<stack id>/``, whatever directory the plugin
synthesized into; ``assets`` and ``validate`` agree, and nothing is written into the project."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from pytest_iac.config.entry import EntrySpec
from pytest_iac.synthesis.layout import StackPaths, entry_package_dir, project_layout
from pytest_iac.terraform import validate as tf_validate

PACKAGE = "../../../lib/lambda_functions/x.zip"
ROLE_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def make_zip(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return event\n")


def lambda_stack(filename: str = PACKAGE) -> dict:
    return {
        "terraform": {"required_providers": {"aws": {"source": "aws", "version": "5.100.0"}}},
        "provider": {"aws": [{"region": "us-east-1"}]},
        "resource": {
            "aws_iam_role": {"role": {"name": "fn-dev", "assume_role_policy": ROLE_POLICY}},
            "aws_lambda_function": {"fn": {
                "function_name": "fn-dev", "role": "${aws_iam_role.role.arn}", "handler": "index.handler",
                "runtime": "python3.12", "filename": filename,
                "source_code_hash": f'${{filebase64sha256("{filename}")}}'}},
        },
        "output": {"name": {"value": "${aws_lambda_function.fn.function_name}"}},
    }


def snapshot(directory: Path) -> dict[str, str]:
    """The project's files; those of pytester and the gate (HOME's .cache, output, .coverage) left out."""
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(directory.rglob("*"))
            if "__pycache__" not in p.parts
            and not p.relative_to(directory).parts[0].startswith(("runpytest", "std", ".cache", ".coverage"))}


# -- where the project is, and how a path resolves ---------------------------------------------


def test_project_is_the_directory_of_cdktf_json_with_its_output(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "lib").mkdir(parents=True)
    (project / "lib" / "__init__.py").write_text("raise RuntimeError('never imported')\n")
    (project / "lib" / "tap_stack.py").write_text("")
    (project / "cdktf.json").write_text(json.dumps({"app": "python main.py", "output": "build"}))
    (project / "tap.py").write_text("")
    spec = EntrySpec("tap.py", "--iac-app", project)
    layout = project_layout(spec)
    assert (layout.project_dir, layout.output) == (project, "build")
    assert layout.working_dir("tap") == project / "build" / "stacks" / "tap"
    script_dir_entry = EntrySpec("lib/tap_stack.py", "--iac-app", project)
    assert project_layout(script_dir_entry).project_dir == project, "cdktf.json is looked up upwards"


def test_without_cdktf_json_the_entry_directory_and_cdktf_out(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("raise RuntimeError('never imported')\n")
    (tmp_path / "pkg" / "stack.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    spec = EntrySpec("pkg.stack:Stack", "--iac-app", tmp_path)
    layout = project_layout(spec)
    assert (layout.project_dir, layout.output, layout.cdktf_json) == (tmp_path, "cdktf.out", None)
    assert entry_package_dir(spec) == tmp_path / "pkg"  # found without importing the package


def test_paths_resolve_from_the_working_dir_with_the_private_stack_dir_standing_in(tmp_path: Path) -> None:
    project, private = tmp_path / "project", tmp_path / "private" / "stacks" / "tap"
    make_zip(project / "lib" / "lambda_functions" / "x.zip")
    make_zip(private / "assets" / "fn" / "archive.zip")
    paths = StackPaths(private, project / "cdktf.out" / "stacks" / "tap", project)
    assert paths.resolve(PACKAGE) == project / "lib" / "lambda_functions" / "x.zip"
    assert paths.resolve("assets/fn/archive.zip") == private / "assets" / "fn" / "archive.zip"
    assert paths.resolve("missing.zip") == project / "cdktf.out" / "stacks" / "tap" / "missing.zip"


# -- validate runs terraform where the same paths resolve ---------------------------------------


@pytest.mark.parametrize("present", [True, False], ids=["present", "absent"])
def test_validate_resolves_relative_paths_from_the_project(tmp_path: Path, provider_mirror: str, present: bool) -> None:
    project, private = tmp_path / "project", tmp_path / "private" / "stacks" / "tap"
    (project / "lib").mkdir(parents=True)
    if present:
        make_zip(project / "lib" / "lambda_functions" / "x.zip")
    private.mkdir(parents=True)
    (private / "cdk.tf.json").write_text(json.dumps(lambda_stack(), indent=2))
    before = snapshot(project)
    paths = StackPaths(private, project / "cdktf.out" / "stacks" / "tap", project)
    result = tf_validate.validate(private, plugin_dir=provider_mirror, paths=paths)
    assert snapshot(project) == before, "nothing is written into the project"
    if present:
        assert (result.valid, result.diagnostics) == (True, ())
    else:
        [error] = result.errors
        assert error.address == "aws_lambda_function.fn"
        assert f"open {PACKAGE}: no such file" in error.detail
        assert f"resolves to {project / 'lib' / 'lambda_functions' / 'x.zip'}" in error.detail


# -- end to end: a module:callable entry synthesized privately, and a synthesized dir ------------

FN_STACK = f"""
    from cdktf import TerraformOutput, TerraformResource, TerraformStack

    PACKAGE = {PACKAGE!r}  # relative to cdktf.out/stacks/fn, where cdktf runs terraform


    class FnStack(TerraformStack):
        def __init__(self, scope, stack_id):
            super().__init__(scope, stack_id)
            self.add_override("terraform.required_providers.aws", {{"source": "aws", "version": "5.100.0"}})
            self.add_override("provider.aws", [{{"region": "us-east-1"}}])
            role = TerraformResource(self, "role", terraform_resource_type="aws_iam_role")
            role.add_override("name", "fn-dev")
            role.add_override("assume_role_policy", {ROLE_POLICY!r})
            fn = TerraformResource(self, "fn", terraform_resource_type="aws_lambda_function")
            for key, value in {{"function_name": "fn-dev", "role": role.get_string_attribute("arn"),
                               "handler": "index.handler", "runtime": "python3.12", "filename": PACKAGE,
                               "source_code_hash": '${{filebase64sha256("' + PACKAGE + '")}}'}}.items():
                fn.add_override(key, value)
            TerraformOutput(self, "name", value="fn-dev")
"""

REQUIREMENTS = """
    version: 1
    app: {entry: "ENTRY"}
    requirements:
      - {id: R-1, description: the package exists and the stack is valid, checks: [assets, validate]}
    checks:
      select: [assets, validate, docs]
"""


def _project(pytester: pytest.Pytester, write_requirements, entry: str, present: bool) -> Path:
    (pytester.path / "cdktf.json").write_text(json.dumps({"language": "python", "app": "python main.py"}))
    (pytester.path / "lib").mkdir()
    (pytester.path / "lib" / "README.md").write_text("# fn\n\nBuild lib/lambda_functions/x.zip, then deploy.\n")
    if present:
        make_zip(pytester.path / "lib" / "lambda_functions" / "x.zip")
    write_requirements(REQUIREMENTS.replace("ENTRY", entry))
    return pytester.path


def _check_run(pytester: pytest.Pytester, present: bool) -> None:
    before = snapshot(pytester.path)
    # a subprocess: the gate measures line coverage, which can start only once per process
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--iac-requirements=requirements.yaml", "-rA")
    assert snapshot(pytester.path) == before, "nothing is written into the project"
    docs_passed = 1 if "lib.fn_stack" in (pytester.path / "requirements.yaml").read_text() else 0
    docs_failed = 1 - docs_passed  # lib/README.md is beside the stack code only for the module entry
    if present:
        result.assert_outcomes(passed=2 + docs_passed, failed=docs_failed)
        return
    result.assert_outcomes(passed=docs_passed, failed=2 + docs_failed)
    text = result.stdout.str()
    result.stdout.fnmatch_lines([
        f"*aws_lambda_function.fn (*fn): filename '{PACKAGE}' does not exist (looked in "
        "lib/lambda_functions/x.zip)*Relative paths are resolved from cdktf.out/stacks/*, where cdktf runs terraform.*",
    ])
    assert f"resolves to {pytester.path / 'lib' / 'lambda_functions' / 'x.zip'}" in text  # validate's finding


@pytest.mark.parametrize("present", [True, False], ids=["present", "absent"])
def test_callable_entry_resolves_paths_from_where_cdktf_runs_terraform(
        pytester: pytest.Pytester, write_requirements, cdktf: None, terraform_mirror: str, present: bool) -> None:
    _project(pytester, write_requirements, "lib.fn_stack:FnStack", present)
    (pytester.path / "lib" / "__init__.py").write_text("")
    pytester.makepyfile(**{"lib/fn_stack": FN_STACK})
    pytester.makeini("[pytest]\npythonpath = .\n")
    _check_run(pytester, present)


@pytest.mark.parametrize("present", [True, False], ids=["present", "absent"])
def test_synthesized_dir_entry_resolves_the_same_paths(
        pytester: pytest.Pytester, write_requirements, terraform_mirror: str, present: bool) -> None:
    _project(pytester, write_requirements, "cdktf.out", present)
    stack = pytester.path / "cdktf.out" / "stacks" / "fn"
    stack.mkdir(parents=True)
    config = lambda_stack()
    config["resource"]["aws_lambda_function"]["fn"]["//"] = {"metadata": {"path": "fn/fn"}}
    (stack / "cdk.tf.json").write_text(json.dumps(config, indent=2))
    _check_run(pytester, present)
