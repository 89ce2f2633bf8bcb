"""The requirements YAML loader: round trips, every error with its position, and schema drift."""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import subprocess
import sys
import textwrap
import types
from pathlib import Path
from typing import Any

import pytest

from pytest_iac._text import closest
from pytest_iac.config import yaml_format as req, yaml_loader
from pytest_iac.config.requirements import (
    AppSpec,
    DEFAULT_DOCS,
    SEVERITIES,
    CheckSettings,
    CoverageSettings,
    DeploymentSettings,
    Requirement,
    RequirementsError,
    RequirementsFile,
    Suppression,
)
from pytest_iac.config.yaml_loader import load_requirements

DATA = Path(__file__).parent / "data" / "requirements"
SCHEMA_PATH = Path(req.__file__).with_name("requirements.schema.json")
# Four lines; additions in the error tables below start on line 5.
BASE = "version: 1\nrequirements:\n  - id: PAY-001\n    description: VPC\n"


def write(tmp_path: Path, text: str, name: str = "requirements.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load(tmp_path: Path, text: str) -> RequirementsFile:
    return load_requirements(write(tmp_path, text), display_path="requirements.yaml")


def error(tmp_path: Path, text: str) -> RequirementsError:
    with pytest.raises(RequirementsError) as info:
        load(tmp_path, text)
    return info.value


# --- valid files ---------------------------------------------------------------------------


def test_full_file_round_trips_into_dataclasses() -> None:
    loaded = load_requirements(DATA / "full.yaml", display_path="full.yaml")
    assert loaded == RequirementsFile(
        path=str(DATA / "full.yaml"),
        version=1,
        project="payment-stack",
        app=AppSpec(
            entry="payment_stack.stack:PaymentStack",
            stack_id="payments",
            kwargs=types.MappingProxyType({"environment_suffix": "test", "aws_region": "us-east-1"}),
        ),
        requirements=(
            Requirement("PAY-001", "VPC with 9 subnets across 3 AZs", "unit", ("vpc",), ("validate",), line=11),
            Requirement("PAY-002", "Database reachable from the private subnets only", "integration",
                        ("database", "network"), (), line=16),
            Requirement("PAY-003", "Buckets are encrypted with a customer KMS key", "any", (), (), line=20),
        ),
        coverage=CoverageSettings(fail_under=95.5, source=("payment_stack",), branch=True, resources_fail_under=None),
        checks=CheckSettings(
            select=(),
            ignore=("tagging",),
            kms_required=("aws_s3_bucket",),
            suppress=(
                Suppression("plaintext-secrets", "aws_db_instance.legacy", "rotated by ops, ticket OPS-12", line=32),
                Suppression("encryption-at-rest", "payments/logs/*", "access logs hold no customer data", line=35),
            ),
            severity=types.MappingProxyType({"name-length": "warning", "iam-wildcards": "error"}),
            ephemeral=True,
            env_suffix="pr-123",
            docs=("README.md", "docs/RUNBOOK.md"),
        ),
        deployment=DeploymentSettings(target="outputs", account_id="123456789012",
                                      outputs_file="cfn-outputs/flat-outputs.json"),
        coverage_given=frozenset({"fail_under", "source", "branch", "resources_fail_under"}),
        display_path="full.yaml",
    )
    assert isinstance(loaded.coverage.fail_under, float)


def test_minimal_file_gets_defaults() -> None:
    loaded = load_requirements(DATA / "minimal.yaml")
    assert loaded.display_path == loaded.path == str(DATA / "minimal.yaml")
    assert loaded.project is None and loaded.app is None
    assert loaded.requirements == (Requirement("NET-1", "The stack synthesizes", "any", (), (), line=3),)
    assert loaded.coverage == CoverageSettings(100.0, (), False, None)
    assert loaded.checks == CheckSettings((), (), (), (), types.MappingProxyType({}), False, None, ("README.md",))
    assert loaded.deployment == DeploymentSettings("local", None, None)
    assert loaded.coverage_given == frozenset()


def test_anchors_aliases_and_merge_keys_are_resolved() -> None:
    loaded = load_requirements(DATA / "anchors.yaml")
    net1, net2, net3 = loaded.requirements
    assert (net1.kind, net1.markers) == ("unit", ("vpc", "subnets"))
    assert (net2.id, net2.kind, net2.markers, net2.line) == ("NET-2", "unit", ("vpc", "subnets"), 9)
    assert net2.description == "Route tables send private traffic through NAT"
    assert (net3.kind, net3.markers) == ("any", ("vpc", "subnets"))
    assert loaded.coverage == CoverageSettings() and loaded.coverage_given == frozenset()


def test_coverage_given_names_only_the_keys_the_file_sets(tmp_path: Path) -> None:
    loaded = load(tmp_path, BASE + "coverage:\n  branch: true\n  resources_fail_under: null\n")
    assert loaded.coverage_given == frozenset({"branch", "resources_fail_under"})
    assert loaded.coverage == CoverageSettings(fail_under=100.0, branch=True)


@pytest.mark.parametrize("section", ["app", "coverage", "checks", "deployment"])
def test_empty_optional_sections_mean_defaults(tmp_path: Path, section: str) -> None:
    loaded = load(tmp_path, BASE + f"{section}:\nproject: ~\n")
    assert loaded.app is None and loaded.project is None
    assert (loaded.coverage, loaded.checks, loaded.deployment) == (
        CoverageSettings(), CheckSettings(), DeploymentSettings())


def test_values_are_normalized_and_frozen(tmp_path: Path) -> None:
    loaded = load(tmp_path, BASE + textwrap.dedent("""\
        app:
          kwargs:
            count: 3
            zones: [a, b]
            tags: {team: payments}
        coverage:
          fail_under: 80
        deployment:
          target: aws
          account_id: !!str 012345678901
        """))
    assert loaded.app is not None and (loaded.app.entry, loaded.app.stack_id) == (None, None)
    assert dict(loaded.app.kwargs) == {"count": 3, "zones": ["a", "b"], "tags": {"team": "payments"}}
    with pytest.raises(TypeError):
        loaded.app.kwargs["count"] = 4  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        loaded.project = "x"  # type: ignore[misc]
    assert loaded.coverage.fail_under == 80.0 and isinstance(loaded.coverage.fail_under, float)
    assert loaded.deployment == DeploymentSettings("aws", "012345678901", None)


def test_strings_are_stripped_and_block_scalars_accepted(tmp_path: Path) -> None:
    loaded = load(tmp_path, "version: 1\nrequirements:\n  - id: A\n    description: >\n      spans\n      lines\n")
    assert loaded.requirements[0].description == "spans lines"


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "requirements.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE.encode())
    assert load_requirements(path).requirements[0].id == "PAY-001"


def test_lookup_helpers(tmp_path: Path) -> None:
    loaded = load(tmp_path, """\
        version: 1
        requirements:
          - {id: PAY-001, description: a, markers: [vpc, network]}
          - {id: PAY-002, description: b, markers: [database]}
          - {id: DB-1, description: c, markers: [database, network]}
        """)
    assert loaded.get("PAY-002") == loaded.requirements[1]
    assert loaded.get("pay-002") is None
    assert loaded.closest_id("PAY-01") == "PAY-001"
    assert loaded.closest_id("pay-002") == "PAY-002"
    assert loaded.closest_id("something else") is None
    assert loaded.requirements_for_markers(["network"]) == ("PAY-001", "DB-1")
    assert loaded.requirements_for_markers(iter(["database", "vpc"])) == ("PAY-001", "PAY-002", "DB-1")
    assert loaded.requirements_for_markers([]) == ()


def test_closest() -> None:
    assert closest("requirments", ["version", "requirements"]) == "requirements"
    assert closest("UNTI", ["unit", "any"]) == "unit"
    assert closest("xyz", ["unit", "any"]) is None
    assert closest("a", []) is None


def test_importing_the_modules_does_not_import_yaml() -> None:
    code = "import sys, pytest_iac.config.requirements, pytest_iac.config.yaml_loader; sys.exit('yaml' in sys.modules)"
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    assert subprocess.run([sys.executable, "-c", code], env=env, cwd=root).returncode == 0


# --- errors: files -------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RequirementsError) as info:
        load_requirements(tmp_path / "nope.yaml", display_path="nope.yaml")
    assert str(info.value) == "nope.yaml: file not found. Create it or fix --iac-requirements."
    assert (info.value.path, info.value.line, info.value.column) == ("nope.yaml", None, None)


def test_missing_file_shows_the_path_as_given(tmp_path: Path) -> None:
    with pytest.raises(RequirementsError, match="^.*nope.yaml: file not found"):
        load_requirements(tmp_path / "nope.yaml")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(RequirementsError) as info:
        load_requirements(tmp_path, display_path="reqs")
    assert str(info.value) == (
        "reqs: is a directory, not a YAML file. Point --iac-requirements at the requirements YAML file itself.")


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, BASE)

    def denied(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(yaml_loader, "open", denied, raising=False)
    with pytest.raises(RequirementsError) as info:
        load_requirements(path, display_path="requirements.yaml")
    assert str(info.value) == (
        "requirements.yaml: cannot read file (Permission denied). Check that the file exists and is readable.")


def test_not_utf8_points_at_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "requirements.yaml"
    path.write_bytes("version: 1\nproject: Zürich ".encode() + b"\xff\n")
    with pytest.raises(RequirementsError) as info:
        load_requirements(path, display_path="requirements.yaml")
    assert str(info.value) == "requirements.yaml:2:17: file is not valid UTF-8 (byte 0xff). Save the file as UTF-8."


def test_error_pickles_and_keeps_its_parts() -> None:
    err = RequirementsError("f.yaml", "bad thing", "Fix it.", 3, 7)
    copy = pickle.loads(pickle.dumps(err))
    assert str(copy) == str(err) == "f.yaml:3:7: bad thing. Fix it."
    assert (copy.path, copy.problem, copy.hint, copy.line, copy.column) == ("f.yaml", "bad thing", "Fix it.", 3, 7)


# --- errors: every bad input, with its exact position and hint ------------------------------

SYNTAX = "Fix the YAML syntax here (indentation, ':' after keys, closing quotes/brackets)."
TOP_KEYS = "version, project, app, requirements, coverage, checks, deployment"
ID_RULE = "a string that starts with a letter and has only letters, digits, '_', '.' and '-'"

CASES = [
    # the document
    pytest.param("", "1:1: file is empty. Start it with 'version: 1' and a 'requirements:' list.", id="empty"),
    pytest.param("# only\n# comments\n", "1:1: file is empty. Start it with 'version: 1' and a 'requirements:' list.",
                 id="only-comments"),
    pytest.param("---\n", "1:1: file is empty. Start it with 'version: 1' and a 'requirements:' list.", id="bare-document"),
    pytest.param("- version: 1\n", "1:1: the top level must be a mapping, got a list. "
                 "Write e.g. 'version: 1' followed by a 'requirements:' list.", id="top-list"),
    pytest.param("hello\n", "1:1: the top level must be a mapping, got 'hello' (str). "
                 "Write e.g. 'version: 1' followed by a 'requirements:' list.", id="top-scalar"),
    # YAML syntax
    pytest.param("version: 1\nrequirements: [\n", "3:1: invalid YAML: while parsing a flow node; "
                 f"expected the node content, but found '<stream end>'. {SYNTAX}", id="unclosed-bracket"),
    pytest.param("version: 1\nproject: 'open\n", "3:1: invalid YAML: while scanning a quoted scalar on line 2; "
                 f"found unexpected end of stream. {SYNTAX}", id="unclosed-quote"),
    pytest.param("version: 1\nproject: a\n  b: c\n", "3:4: invalid YAML: mapping values are not allowed here. "
                 f"{SYNTAX}", id="bad-indent"),
    pytest.param("version: 1\n\trequirements: []\n", "2:1: invalid YAML: while scanning for the next token; "
                 "found character '\\t' that cannot start any token. YAML does not allow tabs; indent with spaces.",
                 id="tab"),
    pytest.param(BASE + "---\nversion: 1\n", "5:1: invalid YAML: expected a single document in the stream on line 1; "
                 "but found another document. Keep a single YAML document: remove the second '---'.", id="two-documents"),
    pytest.param("version: 1\nproject: a\x07b\n", "2:11: invalid YAML: unacceptable character #x0007. "
                 "Remove the control character.", id="control-character"),
    pytest.param(BASE + "project: *nothing\n", "5:10: invalid YAML: found undefined alias 'nothing'. " + SYNTAX,
                 id="undefined-alias"),
    # duplicate and non-string keys
    pytest.param(BASE + "coverage: {}\ncoverage: {}\n", "6:1: duplicate key 'coverage' (first on line 5). "
                 "Remove one of them; YAML would silently keep only the last.", id="duplicate-top-key"),
    pytest.param(BASE + "coverage:\n  branch: true\n  'branch': false\n", "7:3: duplicate key 'branch' (first on "
                 "line 6). Remove one of them; YAML would silently keep only the last.", id="duplicate-nested-key"),
    pytest.param("version: 1\nrequirements:\n  - {id: A, description: x, id: B}\n", "3:29: duplicate key 'id' "
                 "(first on line 3). Remove one of them; YAML would silently keep only the last.",
                 id="duplicate-key-in-requirement"),
    pytest.param(BASE + "app:\n  kwargs:\n    tags: {a: 1, a: 2}\n", "7:18: duplicate key 'a' (first on line 7). "
                 "Remove one of them; YAML would silently keep only the last.", id="duplicate-key-in-kwargs-value"),
    pytest.param(BASE + "app:\n  kwargs:\n    on: 1\n", "7:5: keys must be strings, got on (bool). "
                 'Quote it as "on".', id="bool-key"),
    pytest.param(BASE + "1: x\n", "5:1: keys must be strings, got 1 (int). Quote it as \"1\".", id="int-key"),
    pytest.param(BASE + "? [a]\n: x\n", "5:3: keys must be strings, got a list. Use a plain name.", id="list-key"),
    # unknown keys
    pytest.param("version: 1\nrequirments: []\n", "2:1: unknown key 'requirments'. Did you mean 'requirements'?",
                 id="unknown-top-key-close"),
    pytest.param(BASE + "owner: me\n", f"5:1: unknown key 'owner'. Valid keys: {TOP_KEYS}.", id="unknown-top-key"),
    pytest.param(BASE + "coverage:\n  fail_undr: 90\n", "6:3: unknown key 'fail_undr' in 'coverage'. "
                 "Did you mean 'fail_under'?", id="unknown-coverage-key"),
    pytest.param(BASE + "coverage:\n  zzz: 1\n", "6:3: unknown key 'zzz' in 'coverage'. "
                 "Valid keys: fail_under, source, branch, resources_fail_under.", id="unknown-coverage-key-far"),
    pytest.param(BASE + "    marker: [vpc]\n", "5:5: unknown key 'marker' in requirement 'PAY-001'. "
                 "Did you mean 'markers'?", id="unknown-requirement-key"),
    pytest.param(BASE + "app:\n  entrypoint: x\n", "6:3: unknown key 'entrypoint' in 'app'. Did you mean 'entry'?",
                 id="unknown-app-key"),
    pytest.param(BASE + "checks:\n  suppress:\n    - {check: a, resource: b, reason: c, until: 2025}\n",
                 "7:42: unknown key 'until' in suppress item 1. Valid keys: check, resource, reason, policy.",
                 id="unknown-suppress-key"),
    pytest.param(BASE + "checks:\n  suppress:\n    - {check: a, address: b, reason: ticket OPS-12}\n",
                 "7:18: unknown key 'address' in suppress item 1. Valid keys: check, resource, reason, policy.",
                 id="suppress-address-is-now-resource"),
    pytest.param(BASE + "deployment:\n  region: us-east-1\n", "6:3: unknown key 'region' in 'deployment'. "
                 "Valid keys: target, account_id, outputs_file.", id="unknown-deployment-key"),
    # version
    pytest.param("requirements: []\n", "1:1: missing required key 'version'. Add 'version: 1' at the top of the file.",
                 id="version-missing"),
    pytest.param("version: 2\nrequirments: []\n", "1:10: unsupported version 2. Supported versions: 1. "
                 "Write 'version: 1' or upgrade pytest-iac.", id="version-2-reported-before-unknown-keys"),
    pytest.param("version: '1'\n", "1:10: 'version' must be the number 1, got '1' (str). "
                 "Write 'version: 1' (supported versions: 1).", id="version-string"),
    pytest.param("version: yes\n", "1:10: 'version' must be the number 1, got yes (bool). "
                 "Write 'version: 1' (supported versions: 1).", id="version-bool"),
    # requirements list
    pytest.param("version: 1\n", "1:1: the top level is missing required key 'requirements'. "
                 "Add e.g. 'requirements: [{id: PAY-001, description: ...}]'.", id="requirements-missing"),
    pytest.param("version: 1\nrequirements: []\n", "2:15: 'requirements' is empty. "
                 "Write e.g. requirements: [{id: PAY-001, description: ...}].", id="requirements-empty"),
    pytest.param("version: 1\nrequirements:\n", "2:14: 'requirements' must be a list, got an empty value. "
                 "Write e.g. requirements: [{id: PAY-001, description: ...}].", id="requirements-null"),
    pytest.param("version: 1\nrequirements: {id: A}\n", "2:15: 'requirements' must be a list, got a mapping. "
                 "Write e.g. requirements: [{id: PAY-001, description: ...}].", id="requirements-mapping"),
    pytest.param("version: 1\nrequirements:\n  - PAY-001\n", "3:5: requirements item 1 must be a mapping, "
                 "got 'PAY-001' (str). Write e.g. requirements: [{id: PAY-001, description: ...}].",
                 id="requirement-scalar"),
    # a requirement
    pytest.param("version: 1\nrequirements:\n  - description: x\n", "3:5: requirements item 1 is missing required "
                 "key 'id'. Add e.g. 'id: PAY-001'.", id="id-missing"),
    pytest.param("version: 1\nrequirements:\n  - id: A\n", "3:5: requirement 'A' is missing required key "
                 "'description'. Add e.g. 'description: VPC spans 3 AZs'.", id="description-missing"),
    pytest.param("version: 1\nrequirements:\n  - id: PAY 001\n    description: x\n",
                 f"3:9: 'id' must be {ID_RULE}, got 'PAY 001' (str). Write e.g. id: PAY-001.", id="id-pattern"),
    pytest.param('version: 1\nrequirements:\n  - id: "A\\n"\n    description: x\n',
                 f"3:9: 'id' must be {ID_RULE}, got 'A\\n' (str). Write e.g. id: PAY-001.", id="id-trailing-newline"),
    pytest.param("version: 1\nrequirements:\n  - id: 42\n    description: x\n",
                 f"3:9: 'id' must be {ID_RULE}, got 42 (int). Write e.g. id: PAY-001.", id="id-int"),
    pytest.param("version: 1\nrequirements:\n  - id: A\n    description: '  '\n",
                 "4:18: 'description' must not be empty. Write e.g. description: VPC spans 3 AZs.",
                 id="description-blank"),
    pytest.param("version: 1\nrequirements:\n  - id: A\n    description:\n",
                 "4:17: 'description' must be a non-empty string, got an empty value. "
                 "Write e.g. description: VPC spans 3 AZs.", id="description-null"),
    pytest.param("version: 1\nrequirements:\n  - id: A\n    description: [x]\n",
                 "4:18: 'description' must be a non-empty string, got a list. "
                 "Write e.g. description: VPC spans 3 AZs.", id="description-list"),
    pytest.param(BASE + "    kind: unti\n", "5:11: 'kind' must be one of unit, integration, any, got 'unti' (str). "
                 "Did you mean 'unit'?", id="kind-typo"),
    pytest.param(BASE + "    kind: e2e\n", "5:11: 'kind' must be one of unit, integration, any, got 'e2e' (str). "
                 "Write e.g. kind: unit.", id="kind-invalid"),
    pytest.param(BASE + "    markers: vpc\n", "5:14: 'markers' must be a list, got 'vpc' (str). "
                 "Write e.g. markers: [vpc].", id="markers-not-list"),
    pytest.param(BASE + "    markers: [vpc, my-marker]\n", "5:20: each entry of 'markers' must be a marker name "
                 "(letters, digits, '_'; not starting with a digit), got 'my-marker' (str). Write e.g. markers: [vpc].",
                 id="marker-name"),
    pytest.param(BASE + "    markers: [vpc, network, vpc]\n", "5:29: duplicate 'vpc' in 'markers' (first on line 5). "
                 "Remove one of them.", id="marker-duplicate"),
    pytest.param(BASE + "    checks: [validate, 7]\n", "5:24: each entry of 'checks' must be a check id (letters, "
                 "digits, '_', '.', '-'), got 7 (int). Write e.g. checks: [validate].", id="check-id"),
    pytest.param(BASE + "  - id: PAY-001\n    description: again\n", "5:9: duplicate requirement id 'PAY-001' "
                 "(first defined on line 3). Give each requirement a unique id.", id="duplicate-id"),
    # project and app
    pytest.param(BASE + "project: yes\n", "5:10: 'project' must be a non-empty string, got yes (bool). "
                 'Quote it: "yes".', id="project-bool"),
    pytest.param(BASE + "app: payment_stack:Stack\n", "5:6: 'app' must be a mapping, got 'payment_stack:Stack' (str). "
                 "Write e.g. app: {entry: 'my_pkg.stack:MyStack'}.", id="app-scalar"),
    pytest.param(BASE + "app:\n  entry: ''\n", "6:10: 'entry' must not be empty. "
                 "Write e.g. entry: my_pkg.stack:MyStack.", id="entry-empty"),
    pytest.param(BASE + "app:\n  kwargs: [a]\n", "6:11: 'kwargs' must be a mapping, got a list. "
                 "Write e.g. kwargs: {aws_region: us-east-1}.", id="kwargs-list"),
    pytest.param(BASE + "app:\n  kwargs:\n    aws-region: x\n", "7:5: 'kwargs' key 'aws-region' is not a Python "
                 "keyword argument name. Use the constructor's parameter name, e.g. 'aws_region'.", id="kwargs-key"),
    # coverage
    pytest.param(BASE + "coverage:\n  fail_under: high\n", "6:15: 'fail_under' must be a number between 0 and 100, "
                 "got 'high' (str). Write e.g. fail_under: 90.", id="fail-under-str"),
    pytest.param(BASE + "coverage:\n  fail_under: yes\n", "6:15: 'fail_under' must be a number between 0 and 100, "
                 "got yes (bool). Write e.g. fail_under: 90.", id="fail-under-bool"),
    pytest.param(BASE + "coverage:\n  fail_under: 150\n", "6:15: 'fail_under' must be a number between 0 and 100, "
                 "got 150 (int). Write e.g. fail_under: 90.", id="fail-under-range"),
    pytest.param(BASE + "coverage:\n  fail_under: -0.5\n", "6:15: 'fail_under' must be a number between 0 and 100, "
                 "got -0.5 (float). Write e.g. fail_under: 90.", id="fail-under-negative"),
    pytest.param(BASE + "coverage:\n  fail_under: .nan\n", "6:15: 'fail_under' must be a number between 0 and 100, "
                 "got .nan (float). Write e.g. fail_under: 90.", id="fail-under-nan"),
    pytest.param(BASE + "coverage:\n  fail_under: 90%\n", "6:15: 'fail_under' must be a number between 0 and 100, "
                 "got '90%' (str). Drop the '%': fail_under: 90.", id="fail-under-percent-sign"),
    pytest.param(BASE + "coverage:\n  fail_under:\n", "6:14: 'fail_under' must be a number between 0 and 100, "
                 "got an empty value. Write e.g. fail_under: 90.", id="fail-under-null"),
    pytest.param(BASE + "coverage:\n  resources_fail_under: true\n", "6:25: 'resources_fail_under' must be a number "
                 "between 0 and 100, got true (bool). Write e.g. resources_fail_under: 90.", id="resources-bool"),
    pytest.param(BASE + "coverage:\n  branch: 'yes'\n", "6:11: 'branch' must be true or false, got 'yes' (str). "
                 "Write branch: true or branch: false.", id="branch-str"),
    pytest.param(BASE + "coverage:\n  source: my_pkg\n", "6:11: 'source' must be a list, got 'my_pkg' (str). "
                 "Write e.g. source: [my_package].", id="source-scalar"),
    pytest.param(BASE + "coverage:\n  source: [my_pkg, '']\n", "6:20: each entry of 'source' must not be empty. "
                 "Write e.g. source: [my_package].", id="source-empty-entry"),
    pytest.param(BASE + "coverage: 100\n", "5:11: 'coverage' must be a mapping, got 100 (int). "
                 "Write e.g. coverage: {fail_under: 100}.", id="coverage-scalar"),
    # checks
    pytest.param(BASE + "checks:\n  select: [a, b]\n  ignore: [c, b]\n", "7:15: check 'b' is both selected and "
                 "ignored. Remove it from 'select' or from 'ignore'.", id="select-and-ignore"),
    pytest.param(BASE + "checks:\n  kms_required: [aws s3 bucket]\n", "6:18: each entry of 'kms_required' must be a "
                 "Terraform resource type such as aws_s3_bucket, got 'aws s3 bucket' (str). "
                 "Write e.g. kms_required: [aws_s3_bucket].", id="kms-type"),
    pytest.param(BASE + "checks:\n  suppress: {check: a}\n", "6:13: 'suppress' must be a list, got a mapping. "
                 "Write e.g. suppress: [{check: ..., resource: ..., reason: ...}].", id="suppress-mapping"),
    pytest.param(BASE + "checks:\n  suppress:\n    - check: plaintext-secrets\n      resource: aws_db_instance.x\n",
                 "7:7: suppress item 1 is missing required key 'reason'. "
                 "Add e.g. 'reason: \"rotated by ops, ticket OPS-12\"'.", id="suppress-reason-missing"),
    pytest.param(BASE + "checks:\n  suppress:\n    - {check: a, resource: b, reason: ' '}\n",
                 "7:39: 'reason' must not be empty. Write e.g. reason: \"rotated by ops, ticket OPS-12\".",
                 id="suppress-reason-blank"),
    pytest.param(BASE + "checks:\n  suppress:\n    - {check: a, resource: b, reason: '  too short '}\n",
                 "7:39: 'reason' is too short (8 visible characters, at least 10). Say why the finding is acceptable, "
                 "e.g. reason: \"rotated by ops, ticket OPS-12\".", id="suppress-reason-short"),
    pytest.param(BASE + "checks:\n  severity:\n    iam-wildcards: fatal\n", "7:20: severity of 'iam-wildcards' "
                 "must be one of error, warning, got 'fatal' (str). Write e.g. iam-wildcards: warning.",
                 id="severity-value"),
    pytest.param(BASE + "checks:\n  severity: {docs: warn}\n", "6:20: severity of 'docs' must be one of error, "
                 "warning, got 'warn' (str). Did you mean 'warning'?", id="severity-typo"),
    pytest.param(BASE + "checks:\n  severity:\n    'no such': error\n", "7:5: 'severity' key 'no such' is not a "
                 "check id. Write e.g. severity: {plaintext-secrets: warning}.", id="severity-key"),
    pytest.param(BASE + "checks:\n  severity: [docs]\n", "6:13: 'severity' must be a mapping, got a list. "
                 "Write e.g. severity: {plaintext-secrets: warning}.", id="severity-list"),
    pytest.param(BASE + "checks:\n  ephemeral: 'yes'\n", "6:14: 'ephemeral' must be true or false, got 'yes' "
                 "(str). Write ephemeral: true or ephemeral: false.", id="ephemeral-str"),
    pytest.param(BASE + "checks:\n  env_suffix: ''\n", "6:15: 'env_suffix' must not be empty. "
                 "Write e.g. env_suffix: dev.", id="env-suffix-empty"),
    pytest.param(BASE + "checks:\n  docs: README.md\n", "6:9: 'docs' must be a list, got 'README.md' (str). "
                 "Write e.g. docs: [README.md].", id="docs-scalar"),
    pytest.param(BASE + "checks:\n  docs: [README.md, /etc/motd]\n", "6:21: each entry of 'docs' must be a "
                 "relative path such as README.md or docs/RUNBOOK.md, got '/etc/motd' (str). "
                 "Write e.g. docs: [README.md].", id="docs-absolute"),
    # deployment
    pytest.param(BASE + "deployment:\n  target: cloud\n", "6:11: 'target' must be one of local, aws, outputs, "
                 "got 'cloud' (str). Write e.g. target: local.", id="target-invalid"),
    pytest.param(BASE + "deployment:\n  target: aws\n", "6:11: deploying to aws needs 'account_id'. "
                 "Add e.g. account_id: \"123456789012\" under 'deployment'.", id="aws-without-account"),
    pytest.param(BASE + "deployment:\n  target: aws\n  account_id: 123456789012\n", "7:15: 'account_id' must be a "
                 "string of 12 digits, got 123456789012 (int). Quote it: \"123456789012\".", id="account-unquoted"),
    pytest.param(BASE + "deployment:\n  account_id: '1234'\n", "6:15: 'account_id' must be a string of 12 digits, "
                 "got '1234' (str). Write e.g. account_id: \"123456789012\".", id="account-short"),
    # tags
    pytest.param(BASE + "project: !vault abc\n", "5:10: unsupported tag '!vault'. "
                 "Remove it; only standard YAML types are allowed.", id="custom-tag"),
    pytest.param(BASE + "project: !!python/object:os.system {}\n", "5:10: unsupported tag '!!python/object:os.system'. "
                 "Remove it; only standard YAML types are allowed.", id="python-tag"),
    pytest.param(BASE + "coverage:\n  fail_under: !!int ninety\n", "6:15: cannot read 'ninety' as int. "
                 "Fix the value or remove its '!!' tag.", id="bad-standard-tag-value"),
    pytest.param(BASE + "app:\n  kwargs: &k {me: *k}\n", "6:11: an alias refers to its own anchor (a cycle). "
                 "Remove the self-reference.",
                 id="recursive-alias"),
    pytest.param("version: 1\nrequirements: &r [*r]\n", "2:15: an alias refers to its own anchor (a cycle). "
                 "Remove the self-reference.", id="recursive-list"),
    pytest.param(BASE + "app:\n  <<: [1]\n", "6:8: invalid merge: expected a mapping for merging, but found scalar. "
                 "Merge ('<<') only mappings.", id="bad-merge"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_errors_name_position_problem_and_fix(tmp_path: Path, text: str, expected: str) -> None:
    err = error(tmp_path, text)
    assert str(err) == f"requirements.yaml:{expected}"
    line, column = expected.split(":")[:2]
    assert (err.path, err.line, err.column) == ("requirements.yaml", int(line), int(column))


def test_the_earliest_structural_problem_wins(tmp_path: Path) -> None:
    text = BASE + "coverage:\n  branch: !secret x\n  branch: true\nproject: a\nproject: b\n"
    assert str(error(tmp_path, text)).startswith("requirements.yaml:6:11: unsupported tag '!secret'")


def test_every_message_has_a_problem_and_a_fix(tmp_path: Path) -> None:
    for param in CASES:
        text, _ = param.values
        err = error(tmp_path, str(text))
        assert err.problem and not err.problem.endswith(".")
        assert err.hint[:1].isupper() and err.hint[-1] in ".?"


# --- the JSON Schema -----------------------------------------------------------------------


def schema() -> dict[str, Any]:
    loaded = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        assert node["$ref"].startswith("#/$defs/"), node["$ref"]
        node = {**root["$defs"][node["$ref"].removeprefix("#/$defs/")],
                **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def branches(node: dict[str, Any], root: dict[str, Any]) -> list[dict[str, Any]]:
    """The schema and its anyOf/oneOf alternatives, with $refs resolved."""
    node = resolve(node, root)
    out = [node]
    for alternative in node.get("anyOf", []) + node.get("oneOf", []):
        out += branches(alternative, root)
    return out


def schema_levels(root: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every object in the schema that declares properties, by the loader's level name."""
    levels: dict[str, dict[str, Any]] = {}

    def walk(node: dict[str, Any], level: str) -> None:
        for branch in branches(node, root):
            if "properties" in branch:
                assert level not in levels, f"two object schemas for level {level!r}"
                levels[level] = branch
                for key, child in branch["properties"].items():
                    walk(child, f"{level}.{key}" if level else key)
            if "items" in branch:
                walk(branch["items"], level + "[]")

    walk(root, "")
    return levels


def test_schema_keys_match_the_loader_at_every_level() -> None:
    levels = schema_levels(schema())
    assert set(levels) == set(req.KEYS)
    for level, node in levels.items():
        assert set(node["properties"]) == set(req.KEYS[level]), level
        assert set(node.get("required", ())) == set(req.REQUIRED.get(level, ())), level
        assert node.get("additionalProperties") is False, level


def test_schema_choices_and_patterns_match_the_loader() -> None:
    root = schema()
    levels = schema_levels(root)

    def prop(level: str, key: str) -> list[dict[str, Any]]:
        return branches(levels[level]["properties"][key], root)

    def items(level: str, key: str) -> dict[str, Any]:
        (branch,) = [b for b in prop(level, key) if "items" in b]
        return resolve(branch["items"], root)

    def patterns(level: str, key: str) -> set[str]:
        return {b["pattern"] for b in prop(level, key) if "pattern" in b}

    assert [b["const"] for b in prop("", "version") if "const" in b] == list(req.SUPPORTED_VERSIONS)
    assert prop("requirements[]", "kind")[0]["enum"] == list(req.KINDS)
    assert prop("deployment", "target")[0]["enum"] == list(req.TARGETS)
    assert patterns("requirements[]", "id") == {req.ID_PATTERN}
    assert patterns("checks.suppress[]", "check") == {req.ID_PATTERN}
    assert patterns("deployment", "account_id") == {req.ACCOUNT_ID_PATTERN}
    assert items("requirements[]", "markers")["pattern"] == req.NAME_PATTERN
    assert items("requirements[]", "checks")["pattern"] == req.ID_PATTERN
    assert items("checks", "select")["pattern"] == items("checks", "ignore")["pattern"] == req.ID_PATTERN
    assert items("checks", "kms_required")["pattern"] == req.RESOURCE_TYPE_PATTERN
    (kwargs,) = prop("app", "kwargs")
    assert kwargs["propertyNames"]["pattern"] == req.NAME_PATTERN
    (severity,) = prop("checks", "severity")
    assert severity["propertyNames"]["pattern"] == req.ID_PATTERN
    assert severity["additionalProperties"]["enum"] == list(SEVERITIES)
    (reason,) = prop("checks.suppress[]", "reason")
    assert reason["minLength"] == req.REASON_MIN_LENGTH
    assert f"{{{req.REASON_MIN_LENGTH - 2},}}" in reason["pattern"]  # two non-space ends around the rest
    assert items("checks", "docs")["pattern"] == req.DOC_PATH_PATTERN
    assert levels["checks"]["properties"]["docs"]["default"] == list(DEFAULT_DOCS) == list(CheckSettings().docs)
    assert [b["type"] for b in prop("checks", "ephemeral")] == ["boolean"]
    for level, key in [("", "requirements"), ("requirements[]", "markers"), ("requirements[]", "checks"),
                       ("coverage", "source"), ("checks", "select"), ("checks", "ignore"),
                       ("checks", "kms_required"), ("checks", "suppress"), ("checks", "docs")]:
        assert any(b.get("type") == "array" for b in prop(level, key)), (level, key)


def test_schema_is_published_and_documented() -> None:
    root = schema()
    assert req.json_schema() == root
    assert root["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert root["$id"] and root["title"] and root["description"]
    for level, node in schema_levels(root).items():
        for key, child in node["properties"].items():
            assert resolve(child, root).get("description"), f"{level}.{key} has no description"


def test_schema_is_valid_and_accepts_the_shipped_examples() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    yaml = pytest.importorskip("yaml")
    validator = jsonschema.Draft202012Validator
    validator.check_schema(schema())
    examples = sorted(DATA.glob("*.yaml"))
    assert examples
    for example in examples:
        load_requirements(example)
        validator(schema()).validate(yaml.safe_load(example.read_text(encoding="utf-8")))


@pytest.mark.parametrize("text", [
    "version: 2\nrequirements: [{id: A, description: x}]\n",
    "version: 1\nrequirements: []\n",
    "version: 1\nrequirments: [{id: A, description: x}]\n",
    BASE + "coverage: {fail_under: yes}\n",
    BASE + "coverage: {fail_under: 101}\n",
    BASE + "coverage: {branch: 'no'}\n",
    BASE + "    kind: e2e\n",
    BASE + "    markers: [a-b]\n",
    BASE + "    markers: [a, a]\n",
    "version: 1\nrequirements: [{id: 1A, description: x}]\n",
    BASE + "checks: {suppress: [{check: a, resource: b}]}\n",
    BASE + "checks: {suppress: [{check: a, resource: b, reason: ' '}]}\n",
    BASE + "checks: {suppress: [{check: a, resource: b, reason: '  too short '}]}\n",
    BASE + "checks: {suppress: [{check: a, address: b, reason: ticket OPS-12}]}\n",
    BASE + "checks: {severity: {docs: fatal}}\n",
    BASE + "checks: {severity: {'no such': error}}\n",
    BASE + "checks: {severity: [docs]}\n",
    BASE + "checks: {ephemeral: 'yes'}\n",
    BASE + "checks: {env_suffix: ''}\n",
    BASE + "checks: {docs: [/etc/motd]}\n",
    BASE + "checks: {docs: README.md}\n",
    BASE + "checks: {docs: [a.md, a.md]}\n",
    BASE + "deployment: {target: aws}\n",
    BASE + "deployment: {target: local, account_id: 123456789012}\n",
    BASE + "app: {kwargs: {aws-region: x}}\n",
])
def test_schema_rejects_what_the_loader_rejects(tmp_path: Path, text: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    yaml = pytest.importorskip("yaml")
    error(tmp_path, text)
    assert not jsonschema.Draft202012Validator(schema()).is_valid(yaml.safe_load(text))


@pytest.mark.parametrize("text", [
    BASE + "checks: {suppress: [{check: a, resource: 'payments/*', reason: ' ten chars!! '}]}\n",
    BASE + "checks: {severity: ~, env_suffix: ~, docs: [], ephemeral: false}\n",
    BASE + "checks: {severity: {docs: warning, iam-wildcards: error}, docs: [../README.md, docs/RUN BOOK.md]}\n",
])
def test_schema_accepts_what_the_loader_accepts(tmp_path: Path, text: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    yaml = pytest.importorskip("yaml")
    load(tmp_path, text)
    jsonschema.Draft202012Validator(schema()).validate(yaml.safe_load(text))


def test_check_settings_defaults_and_new_keys(tmp_path: Path) -> None:
    loaded = load(tmp_path, BASE + "checks:\n  severity: ~\n  docs: []\n")
    assert loaded.checks == CheckSettings(docs=())
    assert CheckSettings().docs == ("README.md",) and CheckSettings().ephemeral is False
    assert CheckSettings().env_suffix is None and dict(CheckSettings().severity) == {}
    loaded = load(tmp_path, BASE + "checks:\n  severity: {docs: warning}\n  env_suffix: ' pr-7 '\n")
    assert dict(loaded.checks.severity) == {"docs": "warning"} and loaded.checks.env_suffix == "pr-7"
    with pytest.raises(TypeError):
        loaded.checks.severity["docs"] = "error"  # type: ignore[index]
    hash(loaded.checks)
