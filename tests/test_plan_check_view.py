"""The checks read a module's plan as cdktf would have written it: references where the plan has
values known only after apply (so a bucket linked to its encryption resource is encrypted), unset
attributes left out; the backend written in the module's files; paths relative to the module."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from pytest_iac.assertions.plan_adapter import UNKNOWN, template_config
from pytest_iac.assertions.plan_check_view import check_config
from pytest_iac.terraform.hcl_blocks import backend

from test_terraform_module import write_module

# What terraform show -json gives for: buckets b (count = 2) with an encryption resource each by
# aws_s3_bucket.b[count.index].id; buckets e (for_each) versioned by each.value.id; a child module
# instance m[0] whose queue's policy names its sibling queue.
PLAN = {
    "planned_values": {"root_module": {
        "resources": [
            {"address": "aws_s3_bucket.b[0]", "mode": "managed", "type": "aws_s3_bucket", "name": "b", "index": 0,
             "values": {"bucket_prefix": "b0", "force_destroy": False, "tags": None}},
            {"address": "aws_s3_bucket_server_side_encryption_configuration.b[0]", "mode": "managed",
             "type": "aws_s3_bucket_server_side_encryption_configuration", "name": "b", "index": 0,
             "values": {"expected_bucket_owner": None, "rule": [
                 {"apply_server_side_encryption_by_default": [{"sse_algorithm": "aws:kms"}],
                  "bucket_key_enabled": None}]}},
            {"address": 'aws_s3_bucket_versioning.e["x"]', "mode": "managed", "type": "aws_s3_bucket_versioning",
             "name": "e", "index": "x", "values": {"versioning_configuration": [{"status": "Enabled"}]}},
        ],
        "child_modules": [{"address": "module.m[0]", "resources": [
            {"address": "module.m[0].aws_sqs_queue.dlq", "mode": "managed", "type": "aws_sqs_queue",
             "name": "dlq", "values": {"name_prefix": "d"}},
        ]}],
    }},
    "resource_changes": [
        {"address": "aws_s3_bucket.b[0]", "change": {"after_unknown": {"arn": True, "id": True}}},
        {"address": "aws_s3_bucket_server_side_encryption_configuration.b[0]", "change": {"after_unknown": {
            "bucket": True, "id": True,
            "rule": [{"apply_server_side_encryption_by_default": [{"kms_master_key_id": True}]}]}}},
        {"address": 'aws_s3_bucket_versioning.e["x"]', "change": {"after_unknown": {"bucket": True}}},
        {"address": "module.m[0].aws_sqs_queue.dlq", "change": {"after_unknown": {"redrive_allow_policy": True,
                                                                                  "arn": True}}},
    ],
    "configuration": {"root_module": {
        "resources": [
            {"address": "aws_s3_bucket.b", "expressions": {"bucket_prefix": {"references": ["count.index"]}}},
            {"address": "aws_s3_bucket_server_side_encryption_configuration.b", "expressions": {
                "bucket": {"references": ["aws_s3_bucket.b", "count.index"]},
                "rule": [{"apply_server_side_encryption_by_default": [{
                    "sse_algorithm": {"constant_value": "aws:kms"},
                    "kms_master_key_id": {"references": ["aws_kms_key.k.arn", "aws_kms_key.k"]}}]}]},
             "count_expression": {"constant_value": 2}},
            {"address": "aws_s3_bucket_versioning.e", "expressions": {
                "bucket": {"references": ["each.value.id", "each.value"]}},
             "for_each_expression": {"references": ["aws_s3_bucket.e"]}},
        ],
        "module_calls": {"m": {"source": "./m", "module": {"resources": [
            {"address": "aws_sqs_queue.dlq", "expressions": {
                "redrive_allow_policy": {"references": ["aws_sqs_queue.q.arn", "aws_sqs_queue.q", "var.mode"]}}},
        ]}}},
    }},
}


def _check_report(write_requirements, run_with_report, *checks: str) -> dict:
    """The JSON report of a run of only ``checks`` on the module in ``infra/``."""
    ids = ", ".join(checks)
    write_requirements(f"""\
        version: 1
        app: {{entry: infra}}
        requirements: [{{id: R-1, description: checked, checks: [{ids}]}}]
        checks: {{select: [{ids}]}}
    """)
    return run_with_report("--iac-requirements", "requirements.yaml", "-p", "no:cacheprovider")[1]


def _view() -> dict:
    return check_config(PLAN, template_config(PLAN, "infra"))


def test_an_unknown_value_set_from_a_reference_becomes_the_instance_it_names():
    view = _view()
    sse = view["resource"]["aws_s3_bucket_server_side_encryption_configuration"][
        "aws_s3_bucket_server_side_encryption_configuration.b[0]"]
    assert sse["bucket"] == "${aws_s3_bucket.b[0]}"  # count.index resolved to the instance's own key
    assert sse["rule"][0]["apply_server_side_encryption_by_default"][0] == {
        "sse_algorithm": "aws:kms", "kms_master_key_id": "${aws_kms_key.k.arn}"}
    versioning = view["resource"]["aws_s3_bucket_versioning"]['aws_s3_bucket_versioning.e["x"]']
    assert versioning["bucket"] == '${aws_s3_bucket.e["x"].id}'  # each.value of a for_each over a resource
    dlq = view["resource"]["aws_sqs_queue"]["module.m[0].aws_sqs_queue.dlq"]
    assert dlq["redrive_allow_policy"] == "${module.m[0].aws_sqs_queue.q.arn}${var.mode}"  # inside its module


def test_unset_and_unconfigured_unknown_attributes_are_left_out_for_the_checks_only():
    bucket_config = template_config(PLAN, "infra")["resource"]["aws_s3_bucket"]["aws_s3_bucket.b[0]"]
    assert bucket_config["arn"] is UNKNOWN and bucket_config["tags"] is None  # what tests query
    bucket = _view()["resource"]["aws_s3_bucket"]["aws_s3_bucket.b[0]"]
    assert {k: v for k, v in bucket.items() if k != "//"} == {"bucket_prefix": "b0", "force_destroy": False}
    assert bucket["//"]["metadata"]["address"] == "aws_s3_bucket.b[0]"


MODULE = {
    "main.tf": """\
        terraform {
          backend "s3" {}
        }

        resource "aws_kms_key" "k" {}

        resource "aws_s3_bucket" "b" {
          count         = 2
          bucket_prefix = "data-${count.index}-"
        }

        resource "aws_s3_bucket_server_side_encryption_configuration" "b" {
          count  = 2
          bucket = aws_s3_bucket.b[count.index].id
          rule {
            apply_server_side_encryption_by_default {
              sse_algorithm     = "aws:kms"
              kms_master_key_id = aws_kms_key.k.arn
            }
          }
        }

        resource "aws_s3_bucket" "plain" {
          bucket_prefix = "plain-"
        }

        resource "aws_s3_bucket" "fe" {
          for_each      = toset(["a", "b"])
          bucket_prefix = "fe-${each.key}-"
        }

        resource "aws_s3_bucket_server_side_encryption_configuration" "fe" {
          for_each = toset(["a", "b"])
          bucket   = aws_s3_bucket.fe[each.key].id
          rule {
            apply_server_side_encryption_by_default {
              sse_algorithm = "AES256"
            }
          }
        }

        module "archive" {
          source = "./modules/archive"
          key    = aws_kms_key.k.arn
        }
    """,
    "modules/archive/main.tf": """\
        variable "key" {
          type = string
        }

        resource "aws_s3_bucket" "a" {
          bucket_prefix = "archive-"
        }

        resource "aws_s3_bucket_server_side_encryption_configuration" "a" {
          bucket = aws_s3_bucket.a.id
          rule {
            apply_server_side_encryption_by_default {
              sse_algorithm     = "aws:kms"
              kms_master_key_id = var.key
            }
          }
        }
    """,
}


def test_a_module_whose_buckets_are_linked_to_their_encryption_has_no_finding_but_the_plain_one(
        pytester: pytest.Pytester, terraform_mirror: str, write_requirements, run_with_report):
    write_module(pytester.path / "infra", MODULE)
    report = _check_report(write_requirements, run_with_report, "encryption-at-rest", "backend")
    checks = {c["id"]: c for c in report["checks"]}
    assert [f["address"] for f in checks["encryption-at-rest"]["findings"]] == ["aws_s3_bucket.plain"]
    assert checks["backend"]["findings"] == []  # a partial s3 configuration: the rest comes at init


def test_a_module_without_backend_is_told_how_to_write_one(pytester: pytest.Pytester, terraform_mirror: str,
                                                            write_requirements, run_with_report):
    write_module(pytester.path / "infra", {"main.tf": 'resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n'})
    report = _check_report(write_requirements, run_with_report, "backend")
    [finding] = report["checks"][0]["findings"]
    assert finding["severity"] == "warning"
    assert 'add terraform { backend "s3" { ... } }' in finding["message"]


def test_the_backend_written_in_a_module_reaches_the_template(pytester: pytest.Pytester):
    write_module(pytester.path / "infra", {"versions.tf": """\
        terraform {
          backend "s3" {
            bucket  = "state"
            encrypt = true
          }
        }
    """})
    assert backend(pytester.path / "infra") == ("s3", {"bucket": "state", "encrypt": True})
    assert backend(write_module(pytester.path / "none", {"main.tf": "locals {\n  a = 1\n}\n"})) is None
    cloud = write_module(pytester.path / "cloud", {"main.tf": 'terraform {\n  cloud {\n    organization = "o"\n  }\n}\n'})
    assert backend(cloud) == ("cloud", {"organization": "o"})


JSON_BACKEND = {"terraform": {"backend": {"s3": {"bucket": "state", "key": "infra.tfstate", "region": "eu-west-1",
                                                 "encrypt": True, "use_lockfile": True}}},
                "resource": {"aws_sqs_queue": {"q": {"name": "q"}}}}


def test_a_backend_written_as_a_json_object_is_found_with_its_settings(pytester: pytest.Pytester):
    write_module(pytester.path / "infra", {"main.tf.json": json.dumps(JSON_BACKEND)})
    assert backend(pytester.path / "infra") == ("s3", JSON_BACKEND["terraform"]["backend"]["s3"])
    cloud = write_module(pytester.path / "cloud", {"main.tf.json": '{"terraform": {"cloud": {"organization": "o"}}}'})
    assert backend(cloud) == ("cloud", {"organization": "o"})
    listed = write_module(pytester.path / "listed", {"main.tf.json": '{"terraform": [{"backend": [{"gcs": {}}]}]}'})
    assert backend(listed) == ("gcs", {})


def test_a_json_module_with_a_backend_plans_and_passes_the_backend_check(
        pytester: pytest.Pytester, terraform_mirror: str, write_requirements, run_with_report):
    write_module(pytester.path / "infra", {"main.tf.json": json.dumps(JSON_BACKEND)})
    pytester.makepyfile("""
        def test_backend(iac_stack):
            iac_stack.has_backend("s3", {"bucket": "state", "encrypt": True})
            iac_stack.resource_count_is("aws_sqs_queue", 1)
    """)
    write_requirements("""\
        version: 1
        app: {entry: infra}
        requirements: [{id: R-1, description: checked, checks: [backend]}]
        checks: {select: [backend]}
    """)
    result, report = run_with_report("--iac-requirements", "requirements.yaml", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)  # the test and the backend check
    assert report["checks"][0]["findings"] == []


def _zip(path: Path, handler: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{handler}.py", "def handler(event, context):\n    return event\n")


def test_assets_resolve_relative_to_the_module_and_its_child_modules(pytester: pytest.Pytester,
                                                                     terraform_mirror: str, write_requirements,
                                                                     run_with_report):
    function = """\
        resource "aws_lambda_function" "%s" {
          function_name = "%s"
          role          = "arn:aws:iam::123456789012:role/fn"
          runtime       = "python3.12"
          handler       = "app.handler"
          filename      = "${path.module}/build/%s.zip"
        }
    """
    infra = write_module(pytester.path / "infra", {
        "main.tf": function % ("root", "root", "root") + '\nmodule "worker" {\n  source = "./modules/worker"\n}\n',
        "modules/worker/main.tf": function % ("worker", "worker", "worker") + function % ("gone", "gone", "gone"),
    })
    _zip(infra / "build" / "root.zip", "app")
    _zip(infra / "modules" / "worker" / "build" / "worker.zip", "app")
    report = _check_report(write_requirements, run_with_report, "assets")
    [finding] = report["checks"][0]["findings"]
    assert finding["address"] == "module.worker.aws_lambda_function.gone"
    assert "infra/modules/worker/build/gone.zip" in finding["message"]


def test_the_checks_name_a_plan_data_source_by_its_address(tmp_path: Path):
    from pytest_iac.assertions.template import Template
    from pytest_iac.checks._common import data_sources
    from pytest_iac.checks.base import CheckContext
    from pytest_iac.config.requirements import CheckSettings

    from test_terraform_module import PLAN as MODULE_PLAN

    template = Template(check_config(MODULE_PLAN, template_config(MODULE_PLAN, "infra")), stack_name="infra")
    ctx = CheckContext(template, "infra", tmp_path, tmp_path, CheckSettings())
    assert [(a, t) for a, t, _ in data_sources(ctx)] == [('module.m["a"].data.aws_region.r', "aws_region")]


def test_plaintext_secrets_judges_what_the_module_writes_not_what_its_caller_gives(
        pytester: pytest.Pytester, terraform_mirror: str, write_requirements, run_with_report):
    function = """\
        resource "aws_lambda_function" "%s" {
          function_name = "%s"
          role          = "arn:aws:iam::123456789012:role/fn"
          runtime       = "python3.12"
          handler       = "app.handler"
          filename      = "fn.zip"
          environment {
            variables = %s
          }
        }
    """
    parameter = """\
        variable "password" {
          type = string
        }

        resource "aws_ssm_parameter" "p" {
          name  = "/db/password"
          type  = "SecureString"
          value = var.password
        }
    """
    write_module(pytester.path / "infra", {
        "main.tf": """\
            variable "db_password" {
              type = string
            }
            variable "region" {
              default = "eu-west-1"
            }
            variable "api_token" {
              default = "Default-Token-123456"
            }
            module "given" {
              source   = "./modules/parameter"
              password = var.db_password
            }
            module "constant" {
              source   = "./modules/parameter"
              password = "Child-Literal-Pw-000"
            }
            locals {
              literal_pw = "Local-Secret-Pw-333"
              given_pw   = var.db_password
            }
            resource "aws_ssm_parameter" "local_literal" {
              name  = "/local/literal"
              type  = "SecureString"
              value = local.literal_pw
            }
            resource "aws_ssm_parameter" "local_given" {
              name  = "/local/given"
              type  = "SecureString"
              value = local.given_pw
            }
        """
        + function % ("given", "given", "{ DB_PASSWORD = var.db_password, REGION = var.region }")
        + function % ("literal_beside", "literal_beside", '{ DB_PASSWORD = "Literal-Secret-Pw-456", REGION = var.region }')
        + function % ("default", "default", "{ API_TOKEN = var.api_token }")
        + function % ("encoded", "encoded", '{ CONFIG = jsonencode({ password = var.db_password, region = "x" }) }'),
        "modules/parameter/main.tf": parameter,
    })
    write_requirements("""\
        version: 1
        app: {entry: infra, vars: {db_password: Given-By-The-Caller-789}}
        requirements: [{id: R-1, description: checked, checks: [plaintext-secrets]}]
        checks: {select: [plaintext-secrets]}
    """)
    _, report = run_with_report("--iac-requirements", "requirements.yaml", "-p", "no:cacheprovider")
    flagged = sorted({f["address"] for f in report["checks"][0]["findings"]})
    # written in the module: a literal beside a variable, a default, a constant a parent passes, a local
    assert flagged == ["aws_lambda_function.default", "aws_lambda_function.literal_beside",
                       "aws_ssm_parameter.local_literal", "module.constant.aws_ssm_parameter.p"]


DOCUMENT_AND_ITS_USER = """
data "aws_iam_policy_document" "wide" {
  statement {
    actions   = ["s3:*"]
    resources = ["arn:aws:s3:::exports/*"]
  }
}

resource "aws_iam_policy" "wide" {
  name   = "wide"
  policy = data.aws_iam_policy_document.wide.json
}
"""


def test_a_jsonencode_policy_around_a_value_known_after_apply_is_still_judged(
        pytester: pytest.Pytester, terraform_mirror: str, write_requirements, run_with_report):
    policy = """\
        resource "aws_iam_role_policy" "%s" {
          role = "jobs"
          policy = jsonencode({
            Version = "2012-10-17"
            Statement = [{
              Effect   = "Allow"
              Action   = %s
              Resource = [aws_s3_bucket.exports.arn, "${aws_s3_bucket.exports.arn}/*"]
            }]
          })
        }
    """
    write_module(pytester.path / "infra", {"main.tf": 'resource "aws_s3_bucket" "exports" {\n  bucket_prefix = "x"\n}\n'
                                           + policy % ("wild", '"s3:*"') + policy % ("scoped", '["s3:GetObject"]')
                                           + DOCUMENT_AND_ITS_USER})
    report = _check_report(write_requirements, run_with_report, "iam-wildcards")
    findings = report["checks"][0]["findings"]
    # the document is judged where it is defined, not again in the policy that uses its json
    assert sorted(f["address"] for f in findings) == ["aws_iam_role_policy.wild", "data.aws_iam_policy_document.wide"]
    assert all("'s3:*'" in f["message"] for f in findings)


def test_a_member_of_a_given_variable_is_the_callers_unless_the_caller_left_it_out():
    from pytest_iac.assertions.plan_check_view import _Callers

    declared = {"variables": {"db": {}, "tokens": {}, "region": {"default": "eu-west-1"}}}
    given = {"db": {"value": {"user": "app", "password": None}}, "tokens": {"value": ["a-long-token-1"]},
             "region": {"value": "eu-west-1"}}
    callers = _Callers(declared, given, {})
    assert callers.written([], "${var.db.user}") is False  # given by the tests
    assert callers.written([], "${var.db.password}") is True  # left to an optional() default of the module
    assert callers.written([], '${var.tokens[0]}') is False
    assert callers.written([], "${var.region}") is True  # the default: written in the module
    assert callers.written([], "${aws_s3_bucket.b.id}") is None
