"""A module's sensitive values (``sensitive`` variables and outputs, attributes such as a
password) are redacted to terraform's ``(sensitive value)`` as soon as the plan is read: never
in the plan cache, the private plan.json, a report or a failure; ``Match.sensitive()`` matches
them, and a warm run behaves as a cold one."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from pytest_iac import Match
from pytest_iac.assertions.plan_adapter import template_config
from pytest_iac.assertions.template import Template
from pytest_iac.synthesis.plan_cache import FORMAT, PlanCache
from pytest_iac.synthesis.plan_redact import redact_plan
from pytest_iac.terraform.sensitive import SENSITIVE, SENSITIVE_TEXT
from test_terraform_module import AWS_PROVIDER_TF

DB_SECRET = "Pw-for-the-DB-4242"
PARAM_SECRET = "Lit3ral-Api-Key-77"
TAG_SECRET = "T0ken-in-tags-99"
CHILD_SECRET = "Child-Default-5150"
SECRETS = (DB_SECRET, PARAM_SECRET, TAG_SECRET, CHILD_SECRET)

# the shape of `terraform show -json` (trimmed), with the secrets in plain text as terraform writes them
PLAN: dict[str, Any] = {
    "variables": {"db_password": {"value": DB_SECRET}, "note": {"value": SENSITIVE_TEXT}},
    "planned_values": {
        "outputs": {"db": {"sensitive": True, "value": {"user": "app", "password": DB_SECRET}},
                    "name": {"sensitive": False, "value": "orders"}},
        "root_module": {"resources": [
            {"address": "aws_db_instance.db", "mode": "managed", "type": "aws_db_instance", "name": "db",
             "values": {"username": "app", "password": DB_SECRET, "port": 5432, "tags": {"note": SENSITIVE_TEXT},
                        "password_wo": None},
             "sensitive_values": {"password": True, "password_wo": True, "tags": {}}},
            {"address": "aws_ssm_parameter.api", "mode": "managed", "type": "aws_ssm_parameter", "name": "api",
             "values": {"name": "/orders/api", "value": PARAM_SECRET},
             "sensitive_values": {"value": True}},
            {"address": "aws_sqs_queue.q", "mode": "managed", "type": "aws_sqs_queue", "name": "q",
             "values": {"tags": {"token": TAG_SECRET, "open": "fine"}, "tags_all": {"token": TAG_SECRET, "open": "fine"},
                        "redrive": [{"key": TAG_SECRET}]},
             "sensitive_values": {"tags": {"token": True}, "tags_all": {}, "redrive": [{}]}},
        ], "child_modules": [{"resources": [
            {"address": "module.m.aws_ssm_parameter.p", "mode": "managed", "type": "aws_ssm_parameter", "name": "p",
             "values": {"value": CHILD_SECRET}, "sensitive_values": {"value": True}},
        ]}]},
    },
    "resource_changes": [
        {"address": "aws_db_instance.db", "change": {
            "before": None, "after": {"username": "app", "password": DB_SECRET, "port": 5432},
            "after_unknown": {"arn": True}, "before_sensitive": False, "after_sensitive": {"password": True}}},
        {"address": "aws_ssm_parameter.api", "change": {
            "before": {"value": "old-" + PARAM_SECRET}, "after": {"value": PARAM_SECRET},
            "before_sensitive": {"value": True}, "after_sensitive": {"value": True}}},
        {"address": "aws_sqs_queue.q", "change": {
            "before": None, "after": {"tags": {"token": TAG_SECRET}, "tags_all": {"token": TAG_SECRET}},
            "after_sensitive": {"tags": {"token": True}, "tags_all": {}}}},
    ],
    "output_changes": {"db": {"before": None, "after": {"user": "app", "password": DB_SECRET},
                              "before_sensitive": True, "after_sensitive": True}},
    "prior_state": {"values": {"outputs": {"db": {"sensitive": True, "value": {"password": DB_SECRET}}},
                               "root_module": {"resources": [
                                   {"address": "data.aws_ssm_parameter.read", "mode": "data",
                                    "type": "aws_ssm_parameter", "name": "read",
                                    "values": {"value": DB_SECRET, "name": "/read"},
                                    "sensitive_values": {"value": True}}]}}},
    "configuration": {"root_module": {
        "variables": {"db_password": {"sensitive": True}, "note": {"default": SENSITIVE_TEXT}},
        "resources": [
            {"address": "aws_ssm_parameter.api", "expressions": {"name": {"constant_value": "/orders/api"},
                                                                 "value": {"constant_value": PARAM_SECRET}}},
        ],
        "module_calls": {"m": {"source": "./m", "expressions": {"secret": {"constant_value": CHILD_SECRET}},
                               "module": {"variables": {"secret": {"sensitive": True, "default": CHILD_SECRET}},
                                          "resources": [{"address": "aws_ssm_parameter.p", "expressions": {
                                              "value": {"references": ["var.secret"]}}}]}}},
    }},
}


def shape(value: Any) -> Any:
    """The keys and lengths of ``value`` with its leaves and terraform's sensitivity marks left out."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items() if not k.endswith(("sensitive_values", "_sensitive"))}
    if isinstance(value, list):
        return [shape(v) for v in value]
    return None


def test_every_sensitive_value_is_redacted_and_the_shape_is_kept():
    original = json.dumps(PLAN)
    redacted = redact_plan(PLAN)
    text = json.dumps(redacted)
    assert [s for s in SECRETS if s in text] == []
    assert json.dumps(PLAN) == original  # a copy: the plan given is untouched
    assert shape(redacted) == shape(PLAN)
    assert redact_plan(redacted) == redacted
    db = redacted["planned_values"]["root_module"]["resources"][0]["values"]
    assert db == {"username": "app", "password": SENSITIVE_TEXT, "port": 5432, "tags": {"note": SENSITIVE_TEXT},
                  "password_wo": None}  # a null is no secret; a non-sensitive string is kept as written
    queue = redacted["planned_values"]["root_module"]["resources"][2]
    assert queue["values"]["tags_all"] == {"token": SENSITIVE_TEXT, "open": "fine"}  # the provider's unmarked copy
    assert queue["sensitive_values"]["tags_all"] == {"token": True}
    assert queue["values"]["redrive"] == [{"key": SENSITIVE_TEXT}]
    assert redacted["configuration"]["root_module"]["resources"][0]["expressions"]["value"] == {
        "constant_value": SENSITIVE_TEXT}  # that the code holds a literal stays visible
    assert redacted["variables"]["note"] == {"value": SENSITIVE_TEXT}  # not declared sensitive: as written


GIVEN_SECRET = 'Given-"api"<key>&-808'  # quotes and <>& so that its JSON-escaped forms differ


def test_a_given_value_terraform_marks_anywhere_is_hidden_everywhere_in_the_plan():
    """``var.api_key`` is not declared sensitive: terraform marks its value only in the
    attribute it feeds, and writes it in plain text everywhere else."""
    escaped = json.dumps(GIVEN_SECRET)[1:-1]
    plan = {
        "variables": {"api_key": {"value": GIVEN_SECRET}, "name": {"value": "orders"}},
        "planned_values": {
            "outputs": {"url": {"sensitive": False, "value": f"https://app:{GIVEN_SECRET}@api"}},
            "root_module": {"resources": [
                {"address": "aws_ssm_parameter.api", "mode": "managed", "type": "aws_ssm_parameter", "name": "api",
                 "values": {"name": "orders", "value": GIVEN_SECRET}, "sensitive_values": {"value": True}},
                {"address": "aws_iam_policy.p", "mode": "managed", "type": "aws_iam_policy", "name": "p",
                 "values": {"policy": json.dumps({"Sid": GIVEN_SECRET}).replace("<", "\\u003c")
                            .replace(">", "\\u003e").replace("&", "\\u0026"),
                            "tags": {GIVEN_SECRET: "key"}}, "sensitive_values": {"tags": {}}}]}},
        "resource_changes": [{"address": "aws_ssm_parameter.api", "change": {
            "before": None, "after": {"name": "orders", "value": GIVEN_SECRET}, "after_sensitive": {"value": True}}}],
        "output_changes": {"url": {"before": None, "after": f"https://app:{GIVEN_SECRET}@api",
                                   "before_sensitive": False, "after_sensitive": False}},
        "prior_state": {"values": {"root_module": {"resources": [
            {"address": "aws_ssm_parameter.old", "values": {"description": f"was {escaped}"},
             "sensitive_values": {}}]}}},
        "configuration": {"root_module": {
            "variables": {"api_key": {}, "name": {"default": "orders"}},
            "resources": [{"address": "aws_ssm_parameter.api",
                           "expressions": {"value": {"references": ["var.api_key"]}}}],
            "module_calls": {"m": {"source": "./m", "expressions": {"key": {"constant_value": GIVEN_SECRET}},
                                   "module": {"variables": {"key": {}}}}}}},
        "relevant_attributes": [{"resource": "aws_ssm_parameter.api", "attribute": ["value"]}],
    }
    redacted = redact_plan(plan)
    text = json.dumps(redacted)
    assert GIVEN_SECRET not in text and escaped not in text and "Given-" not in text
    assert redacted["variables"] == {"api_key": {"value": SENSITIVE_TEXT}, "name": {"value": "orders"}}
    assert redacted["planned_values"]["outputs"]["url"]["value"] == f"https://app:{SENSITIVE_TEXT}@api"
    policy = redacted["planned_values"]["root_module"]["resources"][1]["values"]
    assert json.loads(policy["policy"]) == {"Sid": SENSITIVE_TEXT}
    assert policy["tags"] == {SENSITIVE_TEXT: "key"}
    assert redacted["configuration"]["root_module"]["module_calls"]["m"]["expressions"]["key"] == {
        "constant_value": SENSITIVE_TEXT}
    assert redacted["configuration"]["root_module"]["variables"] == plan["configuration"]["root_module"]["variables"]
    renamed = copy.deepcopy(plan)
    renamed["planned_values"]["root_module"]["resources"][1]["values"]["tags"] = {SENSITIVE_TEXT: "key"}
    assert shape(redacted) == shape(renamed)  # strings stay strings, keys stay keys
    assert redact_plan(redacted) == redacted


def test_a_short_given_value_is_not_swept():
    plan = {"variables": {"pin": {"value": "1234567"}, "port_name": {"value": "1234567"}},
            "planned_values": {"root_module": {"resources": [
                {"address": "aws_ssm_parameter.pin", "values": {"value": "1234567"},
                 "sensitive_values": {"value": True}}]}}}
    redacted = redact_plan(plan)
    assert redacted["planned_values"]["root_module"]["resources"][0]["values"] == {"value": SENSITIVE_TEXT}
    assert redacted["variables"] == plan["variables"]  # seven characters: too common to hide elsewhere


def test_the_template_holds_sensitive_markers_that_match_sensitive():
    template = Template(template_config(redact_plan(PLAN), "infra"), stack_name="infra")
    db = template.resource("aws_db_instance.db")
    assert db["password"] == SENSITIVE
    assert db["tags"]["note"] != SENSITIVE  # a string of the module that merely reads the same
    template.has_resource_properties("aws_db_instance", {"password": Match.sensitive(), "port": 5432,
                                                         "tags": {"note": Match.not_(Match.sensitive())}})
    template.has_resource_properties("aws_db_instance", {"tags": {"note": SENSITIVE_TEXT}})
    template.has_resource_properties("aws_ssm_parameter", {"value": Match.any_value()})
    template.has_resource_properties("aws_sqs_queue", {"tags_all": {"token": Match.sensitive(), "open": "fine"}})
    template.has_output("db", {"value": {"user": Match.sensitive(), "password": Match.sensitive()}})
    template.has_output("name", {"value": "orders"})
    assert template.find_data_sources("aws_ssm_parameter")["data.aws_ssm_parameter.read"]["value"] == SENSITIVE
    with pytest.raises(AssertionError) as failed:
        template.has_resource_properties("aws_ssm_parameter", {"value": "a-guess-of-the-key"})
    message = str(failed.value)
    assert ('at /value: expected "a-guess-of-the-key", got a sensitive value: terraform hides it in the plan, so it '
            "cannot be compared; assert on it with Match.sensitive() (or Match.any_value())") in message
    with pytest.raises(AssertionError, match="expected a sensitive value, got 5432"):
        template.has_resource_properties("aws_db_instance", {"port": Match.sensitive()})
    with pytest.raises(AssertionError, match="got a sensitive value"):
        template.has_resource_properties("aws_ssm_parameter", {"value": SENSITIVE_TEXT})
    with pytest.raises(AssertionError, match="got a sensitive value"):
        template.has_resource_properties("aws_ssm_parameter", {"value": Match.string_like_regexp("sensitive")})


def test_sensitive_values_count_as_expressions_for_the_checks():
    from pytest_iac.checks._common import literal
    from pytest_iac.terraform.expressions import is_expression

    assert is_expression(SENSITIVE) and literal(SENSITIVE) is None
    assert not is_expression(SENSITIVE_TEXT)


def test_a_plain_assert_on_a_sensitive_value_says_how_to_assert(pytester: pytest.Pytester):
    pytester.makepyfile("""
        from pytest_iac.terraform.sensitive import SENSITIVE

        def test_it():
            password = SENSITIVE
            assert password == "a-guess"
    """)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*assert SENSITIVE == 'a-guess'*", "*a sensitive value: terraform hides it in the plan*",
                                 "*assert on it with Match.sensitive() (or Match.any_value())*"])


def test_an_entry_of_the_old_format_is_deleted_when_the_cache_is_read(tmp_path: Path):
    cache = PlanCache(tmp_path)
    old = tmp_path / "0123abcd.json"
    old.write_text(json.dumps({"format": FORMAT - 1, "outside": {}, "plan": PLAN}), encoding="utf-8")
    cache.store("current", redact_plan(PLAN), {})
    assert cache.lookup("0123abcd") is None
    assert not old.exists()
    assert cache.lookup("current") == redact_plan(PLAN)


MODULE_TF = f"""\
terraform {{
  required_providers {{
    aws = {{ source = "hashicorp/aws", version = ">= 5.0" }}
  }}
}}

provider "aws" {{
  region = "eu-west-1"
}}

variable "db_password" {{
  type      = string
  sensitive = true
}}

variable "note" {{
  default = "{SENSITIVE_TEXT}"
}}

resource "aws_db_instance" "db" {{
  identifier          = "orders"
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  allocated_storage   = 10
  username            = "app"
  password            = var.db_password
  skip_final_snapshot = true
  tags                = {{ note = var.note }}
}}

resource "aws_ssm_parameter" "api" {{
  name  = "/orders/api"
  type  = "SecureString"
  value = "{PARAM_SECRET}"
}}

resource "aws_sqs_queue" "q" {{
  name = "orders"
  tags = {{ token = sensitive("{TAG_SECRET}"), open = "fine" }}
}}

output "db_password" {{
  value     = var.db_password
  sensitive = true
}}
"""

TESTS = """
    import pytest
    from pytest_iac import Match

    @pytest.mark.requirement("R-1")
    def test_sensitive_values_are_markers(iac_stack):
        iac_stack.has_resource_properties("aws_db_instance", {
            "password": Match.sensitive(), "username": "app", "tags": {"note": Match.not_(Match.sensitive())}})
        iac_stack.has_resource_properties("aws_ssm_parameter", {"value": Match.sensitive()})
        iac_stack.has_resource_properties("aws_ssm_parameter", {"value": Match.any_value()})
        iac_stack.has_resource_properties("aws_sqs_queue", {"tags": {"token": Match.sensitive(), "open": "fine"},
                                                            "tags_all": {"token": Match.sensitive()}})
        iac_stack.has_output("db_password", {"value": Match.sensitive()})

    @pytest.mark.requirement("R-1")
    def test_a_literal_against_a_sensitive_value(iac_stack):
        iac_stack.has_resource_properties("aws_ssm_parameter", {"value": "a-guess-of-the-key"})

    @pytest.mark.requirement("R-1")
    def test_a_plain_assert_on_a_sensitive_value(iac_stack):
        db = iac_stack.resource("aws_db_instance.db")
        assert db["password"] == "another-guess"
"""


def _leaks(paths: list[Path], *texts: str) -> list[str]:
    """``path: secret`` for every secret found in these files (or the files under these directories)."""
    found = []
    for path in paths:
        for file in [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]:
            data = file.read_bytes()
            found += [f"{file}: {s}" for s in SECRETS if s.encode() in data]
    found += [f"output: {s}" for text in texts for s in SECRETS if s in text]
    return found


def test_no_secret_reaches_the_cache_or_the_reports_and_a_warm_run_is_the_cold_one(
        pytester: pytest.Pytester, terraform_mirror: str, write_requirements, run_with_report):
    (pytester.path / "infra").mkdir()
    (pytester.path / "infra" / "main.tf").write_text(MODULE_TF, encoding="utf-8")
    write_requirements(f"""\
        version: 1
        app: {{entry: infra, vars: {{db_password: {DB_SECRET}}}}}
        requirements: [{{id: R-1, description: sensitive values, checks: [plaintext-secrets]}}]
        checks: {{select: [plaintext-secrets]}}
        coverage: {{fail_under: 0}}
    """)
    pytester.makepyfile(TESTS)
    args = ("--iac-requirements", "requirements.yaml", "--iac-cache", "on", "-vv", "-l")
    cold, cold_report = run_with_report(*args, "--junitxml=cold.xml", name="cold.json")
    warm, warm_report = run_with_report(*args, "--junitxml=warm.xml", name="warm.json")
    cold.stdout.fnmatch_lines(["*cache miss*"])
    warm.stdout.fnmatch_lines(["*cache hit*"])
    for result in (cold, warm):
        # the module writes the SSM value as a literal: redacted, and still reported as one (value masked)
        result.assert_outcomes(passed=1, failed=3)
        result.stdout.fnmatch_lines(["*[[]error] aws_ssm_parameter.api *: value of this SecureString parameter "
                                     "is a literal string in the configuration (value masked)*"])
        result.stdout.fnmatch_lines([
            '*at /value: expected "a-guess-of-the-key", got a sensitive value: terraform hides it in the plan*',
            "*assert SENSITIVE == 'another-guess'*", "*a sensitive value: terraform hides it in the plan*"])
    assert _outcomes(cold_report) == _outcomes(warm_report)
    assert [line for line in cold.stdout.lines if " at /" in line] == [
        line for line in warm.stdout.lines if " at /" in line]
    cache = pytester.path / ".pytest_cache"
    assert list((cache / "d" / "pytest-iac" / "plan").glob("*.json")), "the plan was not cached"
    reports = [pytester.path / n for n in ("cold.json", "warm.json", "cold.xml", "warm.xml")]
    assert _leaks([cache, *reports], cold.stdout.str(), cold.stderr.str(), warm.stdout.str(),
                  warm.stderr.str()) == []


def _outcomes(report: dict[str, Any]) -> Any:
    return sorted(json.dumps(t, sort_keys=True) for t in report.get("tests", []))


def test_the_private_plan_holds_no_secret(tmp_path: Path, terraform_mirror: str, terraform_bin: str):
    from pytest_iac.config.entry import EntrySpec
    from pytest_iac.synthesis.plan import PLAN_FILE, plan_module

    module = tmp_path / "infra"
    module.mkdir()
    (module / "main.tf").write_text(MODULE_TF, encoding="utf-8")
    spec = EntrySpec(entry="infra", origin="test", base_dir=tmp_path, tf_vars={"db_password": DB_SECRET})
    workdir = tmp_path / "run"
    workdir.mkdir()
    synthesis = plan_module(spec, workdir, terraform=terraform_bin, plugin_dirs=[Path(terraform_mirror)])
    assert json.loads((workdir / PLAN_FILE).read_text(encoding="utf-8")) == synthesis.plan
    assert synthesis.plan["variables"]["db_password"] == {"value": SENSITIVE_TEXT}
    copy = workdir / "module"
    assert (copy / "main.tf").read_bytes() == (module / "main.tf").read_bytes()  # the module's own code, copied
    private = [p for p in workdir.rglob("*") if p.is_file() and ".terraform" not in p.relative_to(workdir).parts
               and p != copy / "main.tf"]
    assert _leaks(private) == []


GIVEN_KEY = "Given-Api-Key-2718"

GIVEN_TF = AWS_PROVIDER_TF + """
variable "api_key" {
  type = string
}

resource "aws_ssm_parameter" "given" {
  name  = "/orders/given"
  type  = "SecureString"
  value = var.api_key
}

output "url" {
  value = "https://app:${var.api_key}@api.example.com"
}
"""

GIVEN_TESTS = """
    import pytest
    from pytest_iac import Match

    @pytest.mark.requirement("R-1")
    def test_the_parameter_is_sensitive(iac_stack):
        iac_stack.has_resource_properties("aws_ssm_parameter", {"value": Match.sensitive()})

    @pytest.mark.requirement("R-1")
    def test_the_url_as_a_literal(iac_stack):
        iac_stack.has_output("url", {"value": "a-guess"})
"""


@pytest.mark.parametrize("given", ["app.vars", "TF_VAR", "--iac-tf-var"])
def test_a_value_given_to_the_module_that_terraform_marks_sensitive_is_nowhere_in_plain_text(
        pytester: pytest.Pytester, terraform_mirror: str, run_with_report, monkeypatch: pytest.MonkeyPatch,
        given: str):
    (pytester.path / "infra").mkdir()
    (pytester.path / "infra" / "main.tf").write_text(GIVEN_TF, encoding="utf-8")
    app_vars = f", vars: {{api_key: {GIVEN_KEY}}}" if given == "app.vars" else ""
    (pytester.path / "requirements.yaml").write_text(
        f"version: 1\napp: {{entry: infra{app_vars}}}\nrequirements: [{{id: R-1, description: given values}}]\n"
        "checks: {select: [plaintext-secrets]}\ncoverage: {fail_under: 0}\n", encoding="utf-8")
    if given == "TF_VAR":
        monkeypatch.setenv("TF_VAR_api_key", GIVEN_KEY)
    option = ("--iac-tf-var", f"api_key={GIVEN_KEY}") if given == "--iac-tf-var" else ()
    pytester.makepyfile(GIVEN_TESTS)
    result, _ = run_with_report("--iac-requirements", "requirements.yaml", "--iac-cache", "on", "-vv", "-l",
                                *option, "--junitxml=r.xml")
    result.assert_outcomes(passed=2, failed=1)  # with the plaintext-secrets check
    result.stdout.fnmatch_lines([f"*https://app:{SENSITIVE_TEXT}@api.example.com*"])
    plans = list((pytester.path / ".pytest_cache" / "d" / "pytest-iac" / "plan").glob("*.json"))
    assert plans, "the plan was not cached"
    assert json.loads(plans[0].read_text(encoding="utf-8"))["plan"]["variables"]["api_key"] == {
        "value": SENSITIVE_TEXT}
    files = [p for p in pytester.path.rglob("*") if p.is_file() and p.name != "requirements.yaml"]
    assert [f"{p}" for p in files if GIVEN_KEY.encode() in p.read_bytes()] == []
    assert GIVEN_KEY not in result.stdout.str() + result.stderr.str()


def test_the_private_plan_holds_no_value_given_to_the_module(tmp_path: Path, terraform_mirror: str,
                                                             terraform_bin: str):
    from pytest_iac.config.entry import EntrySpec
    from pytest_iac.synthesis.plan import plan_module

    module = tmp_path / "infra"
    module.mkdir()
    (module / "main.tf").write_text(GIVEN_TF, encoding="utf-8")
    spec = EntrySpec(entry="infra", origin="test", base_dir=tmp_path, tf_vars={"api_key": GIVEN_KEY})
    workdir = tmp_path / "run"
    workdir.mkdir()
    synthesis = plan_module(spec, workdir, terraform=terraform_bin, plugin_dirs=[Path(terraform_mirror)])
    assert synthesis.plan["variables"]["api_key"] == {"value": SENSITIVE_TEXT}
    assert [p for p in workdir.rglob("*") if p.is_file() and ".terraform" not in p.relative_to(workdir).parts
            and GIVEN_KEY.encode() in p.read_bytes()] == []
