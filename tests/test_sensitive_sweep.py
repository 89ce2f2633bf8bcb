"""Where a sensitive text is hidden beyond the attribute terraform marks: a value given to the
module (a root variable's value) in every value of the plan, a literal of the module only where
terraform marks it; never in an address, an instance key, a name or a key of the plan itself.

The AWS provider marks ``aws_ssm_parameter.value`` sensitive even for a ``String`` parameter,
and storing a resource's name in one is common: the name must stay the resource's name."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_iac.assertions.plan_adapter import template_config
from pytest_iac.assertions.template import Template
from pytest_iac.synthesis.plan_redact import redact_plan
from pytest_iac.terraform.sensitive import SENSITIVE, SENSITIVE_TEXT
from test_terraform_module import AWS_PROVIDER_TF

QUEUES = ("billing-queue", "orders-queue")
BUCKET = "my-app-bucket-1"
GIVEN = "Given-Tenant-Key-31"


def _resource(address: str, index: str | None, values: dict[str, Any], marks: dict[str, Any]) -> dict[str, Any]:
    kind, name = address.split("[")[0].split(".")
    entry = {"address": address, "mode": "managed", "type": kind, "name": name,
             "provider_name": "registry.terraform.io/hashicorp/aws", "values": values, "sensitive_values": marks}
    return entry if index is None else {**entry, "index": index}


def _change(resource: dict[str, Any]) -> dict[str, Any]:
    fields = {k: v for k, v in resource.items() if k not in ("values", "sensitive_values")}
    return {**fields, "change": {"actions": ["create"], "before": None, "after": resource["values"],
                                 "before_sensitive": False, "after_sensitive": resource["sensitive_values"]}}


def _plan(resources: list[dict[str, Any]], variables: dict[str, Any] | None = None,
          configuration: dict[str, Any] | None = None) -> dict[str, Any]:
    """A plan as ``terraform show -json`` writes it (trimmed): values in plain text, marks beside."""
    return {"format_version": "1.2", "variables": variables or {},
            "planned_values": {"root_module": {"resources": resources}},
            "resource_changes": [_change(r) for r in resources],
            "configuration": {"root_module": configuration or {}},
            "relevant_attributes": [{"resource": "aws_sqs_queue.q", "attribute": []}]}


def _ssm(address: str, index: str | None, name: str, value: str) -> dict[str, Any]:
    return _resource(address, index, {"name": name, "type": "String", "value": value, "value_wo": None},
                     {"tags_all": {}, "value": True, "value_wo": True})


def _queues_plan() -> dict[str, Any]:
    """``aws_sqs_queue.q`` for_each the two names, each name in an SSM ``String`` parameter."""
    queues = [_resource(f'aws_sqs_queue.q["{q}"]', q, {"name": q, "tags": None}, {"tags_all": {}}) for q in QUEUES]
    params = [_ssm(f'aws_ssm_parameter.p["{q}"]', q, f"/app/queues/{q}", q) for q in QUEUES]
    configuration = {"resources": [
        {"address": "aws_sqs_queue.q", "mode": "managed", "type": "aws_sqs_queue", "name": "q",
         "provider_config_key": "aws", "expressions": {"name": {"references": ["each.key"]}},
         "for_each_expression": {"constant_value": list(QUEUES)}},
        {"address": "aws_ssm_parameter.p", "mode": "managed", "type": "aws_ssm_parameter", "name": "p",
         "provider_config_key": "aws", "expressions": {"type": {"constant_value": "String"},
                                                       "value": {"references": ["each.value.name", "each.value"]}},
         "for_each_expression": {"references": ["aws_sqs_queue.q"]}}]}
    return _plan(queues + params, configuration=configuration)


def test_queues_named_in_ssm_string_parameters_stay_two_queues_with_their_names():
    plan = _queues_plan()
    redacted = redact_plan(plan)
    resources = redacted["planned_values"]["root_module"]["resources"]
    assert [(r["address"], r.get("index")) for r in resources] == [
        (r["address"], r.get("index")) for r in plan["planned_values"]["root_module"]["resources"]]
    assert [c["address"] for c in redacted["resource_changes"]] == [c["address"] for c in plan["resource_changes"]]
    assert [r["values"]["name"] for r in resources] == [*QUEUES, *(f"/app/queues/{q}" for q in QUEUES)]
    assert [r["values"]["value"] for r in resources[2:]] == [SENSITIVE_TEXT] * 2  # where terraform marks it
    assert [r["sensitive_values"] for r in resources[:2]] == [{"tags_all": {}}] * 2
    assert redacted["configuration"] == plan["configuration"]  # the for_each literal is the module's own
    template = Template(template_config(redacted, "infra"), stack_name="infra")
    template.resource_count_is("aws_sqs_queue", 2)
    assert sorted(q["name"] for q in template.find_resources("aws_sqs_queue").values()) == sorted(QUEUES)
    assert template.find_resources("aws_ssm_parameter")['aws_ssm_parameter.p["orders-queue"]']["value"] == SENSITIVE


def test_a_bucket_name_stored_in_ssm_keeps_its_name_in_the_bucket():
    bucket_values = {"bucket": BUCKET, "tags_all": {"Name": BUCKET}}
    plan = _plan([_resource("aws_s3_bucket.b", None, bucket_values, {"tags_all": {}}),
                  _ssm("aws_ssm_parameter.bucket_name", None, "/app/bucket", BUCKET)],
                 configuration={"resources": [
                     {"address": "aws_s3_bucket.b", "expressions": {"bucket": {"constant_value": BUCKET}}},
                     {"address": "aws_ssm_parameter.bucket_name",
                      "expressions": {"value": {"constant_value": BUCKET}}}]})
    redacted = redact_plan(plan)
    bucket, parameter = redacted["planned_values"]["root_module"]["resources"]
    assert bucket == plan["planned_values"]["root_module"]["resources"][0]
    assert redacted["resource_changes"][0] == plan["resource_changes"][0]
    assert parameter["values"]["value"] == SENSITIVE_TEXT
    expressions = [r["expressions"] for r in redacted["configuration"]["root_module"]["resources"]]
    assert expressions == [{"bucket": {"constant_value": BUCKET}},
                           {"value": {"constant_value": SENSITIVE_TEXT}}]  # the marked constant only
    template = Template(template_config(redacted, "infra"), stack_name="infra")
    template.has_resource_properties("aws_s3_bucket", {"bucket": BUCKET})


def test_a_given_value_is_hidden_in_every_value_but_stays_in_addresses():
    """``var.tenants`` given by the caller, used as the queues' for_each keys and stored in an
    SSM parameter: terraform shows the addresses in plain text, so do the plan and the report."""
    address = f'aws_sqs_queue.q["{GIVEN}"]'
    plan = _plan([_resource(address, GIVEN, {"name": f"q-{GIVEN}", "tags": {GIVEN: "tenant"}}, {}),
                  _ssm("aws_ssm_parameter.t", None, "/app/tenant", GIVEN)],
                 variables={"tenants": {"value": [GIVEN]}, "region_name": {"value": "eu-west-1-main"}},
                 configuration={"variables": {"tenants": {}, "region_name": {"default": "eu-west-1-main"}},
                                "outputs": {"queue": {"expression": {"references": [address]}}}})
    plan["planned_values"]["outputs"] = {"queue": {"sensitive": False, "value": f"q-{GIVEN}",
                                                   "type": ["object", {GIVEN: "string"}]}}
    plan["relevant_attributes"].append({"resource": address, "attribute": ["tags", GIVEN]})
    redacted = redact_plan(plan)
    queue = redacted["planned_values"]["root_module"]["resources"][0]
    assert (queue["address"], queue["index"], redacted["resource_changes"][0]["address"]) == (address, GIVEN, address)
    assert queue["values"] == {"name": f"q-{SENSITIVE_TEXT}", "tags": {SENSITIVE_TEXT: "tenant"}}
    assert redacted["variables"] == {"tenants": {"value": [SENSITIVE_TEXT]}, "region_name": {"value": "eu-west-1-main"}}
    assert redacted["planned_values"]["outputs"]["queue"] == {
        "sensitive": False, "value": f"q-{SENSITIVE_TEXT}", "type": ["object", {SENSITIVE_TEXT: "string"}]}
    assert redacted["relevant_attributes"][1] == {"resource": address, "attribute": ["tags", SENSITIVE_TEXT]}
    assert redacted["configuration"] == plan["configuration"]  # references are expressions, not values
    assert redact_plan(redacted) == redacted


def test_a_default_is_the_module_s_literal_and_a_value_given_for_the_same_variable_is_not():
    def plan(value: str) -> dict[str, Any]:
        return _plan([_resource("aws_sqs_queue.q", None, {"name": value}, {}),
                      _ssm("aws_ssm_parameter.n", None, "/app/queue", value)],
                     variables={"queue_name": {"value": value}},
                     configuration={"variables": {"queue_name": {"default": "orders-queue"}}})

    default = redact_plan(plan("orders-queue"))
    assert default["planned_values"]["root_module"]["resources"][0]["values"] == {"name": "orders-queue"}
    assert default["variables"] == {"queue_name": {"value": "orders-queue"}}
    given = redact_plan(plan("orders-queue-given"))
    assert given["planned_values"]["root_module"]["resources"][0]["values"] == {"name": SENSITIVE_TEXT}
    assert given["variables"] == {"queue_name": {"value": SENSITIVE_TEXT}}
    assert "orders-queue-given" not in json.dumps(given)


def _transformed_plan(given: str, hidden: str, literal: str = "") -> dict[str, Any]:
    """``var.secret`` given as ``given``; terraform hides only its transformed copy ``hidden``
    (a database password); ``var.label`` keeps its default ``literal``."""
    database = _resource("aws_db_instance.d", None, {"identifier": "d", "password": hidden,
                                                     "tags": {"Secret": given, "Label": literal}},
                         {"password": True, "tags": {}})
    return _plan([database], variables={"secret": {"value": given}, "label": {"value": literal}},
                 configuration={"variables": {"secret": {}, "label": {"default": literal}}})


@pytest.mark.parametrize(("given", "hidden"), [
    ("Caller-Pw-Trim-4242\n", "Caller-Pw-Trim-4242"),  # trimspace(var.secret)
    ("Caller-Tok-5151", "Bearer Caller-Tok-5151"),  # "Bearer ${var.secret}"
    ("user:Caller-Split-6161", "Caller-Split-6161"),  # split(":", var.secret)[1]
    ("Caller-Substr-7171-tail", "Caller-Substr-7171"),  # substr(var.secret, 0, 18)
])
def test_a_given_value_hidden_transformed_is_hidden_where_it_was_given(given: str, hidden: str):
    plan = _transformed_plan(given, hidden)
    redacted = redact_plan(plan)
    assert redacted["variables"]["secret"] == {"value": SENSITIVE_TEXT}
    database = redacted["planned_values"]["root_module"]["resources"][0]
    assert database["values"]["password"] == SENSITIVE_TEXT
    assert database["values"]["tags"]["Secret"] == SENSITIVE_TEXT
    assert database["address"] == "aws_db_instance.d"
    assert given not in json.dumps(redacted) and json.dumps(given)[1:-1] not in json.dumps(redacted)
    assert redact_plan(redacted) == redacted


def test_a_short_given_value_and_a_literal_a_hidden_text_holds_are_not_swept():
    """``"Bearer ${var.secret}-${var.label}"``: the given ``app`` is too short to sweep and the
    label is the module's default, not given; both stay where terraform does not mark them."""
    plan = _transformed_plan("app", "Bearer app-orders-label", literal="orders-label")
    redacted = redact_plan(plan)
    assert redacted["variables"] == {"secret": {"value": "app"}, "label": {"value": "orders-label"}}
    database = redacted["planned_values"]["root_module"]["resources"][0]
    assert database["values"] == {"identifier": "d", "password": SENSITIVE_TEXT,
                                  "tags": {"Secret": "app", "Label": "orders-label"}}


LEAK_TF = AWS_PROVIDER_TF + """
variable "pw" { type = string }
variable "tok" { type = string }

resource "aws_db_instance" "d" {
  identifier          = "d"
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  username            = "app"
  password            = trimspace(var.pw)
  skip_final_snapshot = true
}

resource "aws_ssm_parameter" "t" {
  name  = "/app/t"
  type  = "SecureString"
  value = "Bearer ${var.tok}"
}
"""


def test_values_given_and_hidden_transformed_never_reach_the_plan_cache(
        pytester: pytest.Pytester, terraform_mirror: str, run_with_report):
    (pytester.path / "infra").mkdir()
    (pytester.path / "infra" / "main.tf").write_text(LEAK_TF, encoding="utf-8")
    (pytester.path / "requirements.yaml").write_text(
        'version: 1\napp: {entry: infra, vars: {pw: "Caller-Pw-Trim-4242\\n", tok: "Caller-Tok-5151"}}\n'
        "requirements: [{id: R-1, description: secrets, checks: [plaintext-secrets]}]\n"
        "checks: {select: [plaintext-secrets]}\ncoverage: {fail_under: 0}\n", encoding="utf-8")
    result, report = run_with_report("--iac-requirements", "requirements.yaml", "--iac-cache", "on")  # CI: off
    result.assert_outcomes(passed=1)
    cached = [p for p in (pytester.path / ".pytest_cache").rglob("*") if p.is_file()]
    assert any("plan" in p.parts for p in cached)
    for secret in ("Caller-Pw-Trim-4242", "Caller-Tok-5151"):
        assert [p for p in cached if secret in p.read_text(encoding="utf-8", errors="replace")] == []
        assert secret not in json.dumps(report)


QUEUES_TF = AWS_PROVIDER_TF + """
resource "aws_sqs_queue" "q" {
  for_each = toset(["orders-queue", "billing-queue"])
  name     = each.key
}

resource "aws_ssm_parameter" "p" {
  for_each = aws_sqs_queue.q
  name     = "/app/queues/${each.key}"
  type     = "String"
  value    = each.value.name
}

resource "aws_s3_bucket" "b" {
  bucket = "my-app-bucket-1"
}

resource "aws_ssm_parameter" "bucket_name" {
  name  = "/app/bucket"
  type  = "String"
  value = aws_s3_bucket.b.bucket
}
"""

QUEUES_TESTS = """
    import pytest
    from pytest_iac import Match

    @pytest.mark.requirement("R-1")
    def test_names(iac_stack):
        iac_stack.resource_count_is("aws_sqs_queue", 2)
        assert sorted(iac_stack.find_resources("aws_sqs_queue")) == [
            'aws_sqs_queue.q["billing-queue"]', 'aws_sqs_queue.q["orders-queue"]']
        iac_stack.has_resource_properties("aws_sqs_queue", {"name": "orders-queue"})
        iac_stack.has_resource_properties("aws_s3_bucket", {"bucket": "my-app-bucket-1"})
        iac_stack.has_resource_properties("aws_ssm_parameter", {"name": "/app/queues/billing-queue",
                                                                "value": Match.sensitive()})
"""


def test_names_stored_in_ssm_string_parameters_stay_the_resources_names(
        pytester: pytest.Pytester, terraform_mirror: str, run_with_report):
    (pytester.path / "infra").mkdir()
    (pytester.path / "infra" / "main.tf").write_text(QUEUES_TF, encoding="utf-8")
    (pytester.path / "requirements.yaml").write_text(
        "version: 1\napp: {entry: infra}\nrequirements: [{id: R-1, description: names, checks: [name-length]}]\n"
        "checks: {select: [name-length]}\ncoverage: {fail_under: 0}\n", encoding="utf-8")
    pytester.makepyfile(QUEUES_TESTS)
    result, report = run_with_report("--iac-requirements", "requirements.yaml", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)  # the test and the name-length check: the bucket's name is its own
    assert [(c["id"], c["findings"]) for c in report["checks"]] == [("name-length", [])]
