"""A plain Terraform module as the entry: planned offline in a private copy, queried through the
same Template, its bad setups reported as one usage error each."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pytest_iac import Match
from pytest_iac.assertions.plan_adapter import UNKNOWN, template_config
from pytest_iac.assertions.template import Template
from pytest_iac.terraform.hcl_blocks import module_blocks

AWS_PROVIDER_TF = """\
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = ">= 5.0" }
  }
}

provider "aws" {
  region = "eu-west-1"
}
"""

ROOT_TF = AWS_PROVIDER_TF + """
variable "queues" {
  type    = number
  default = 2
}

resource "aws_sqs_queue" "dlq" {
  name = "jobs-dlq"
}

resource "aws_sqs_queue" "q" {
  count          = var.queues
  name           = "jobs-${count.index}"
  redrive_policy = jsonencode({ deadLetterTargetArn = aws_sqs_queue.dlq.arn, maxReceiveCount = 3 })
}

module "alerts" {
  source = "./modules/alerts"
  name   = "jobs-alerts"
}

output "dlq_arn" {
  value = aws_sqs_queue.dlq.arn
}

output "first_queue" {
  value = aws_sqs_queue.q[0].name
}
"""

CHILD_TF = """\
variable "name" {
  type = string
}

resource "aws_sns_topic" "t" {
  name = var.name
}
"""


def write_module(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def module(pytester: pytest.Pytester) -> Path:
    return write_module(pytester.path / "infra", {"main.tf": ROOT_TF, "modules/alerts/main.tf": CHILD_TF})


PLAN = {
    "planned_values": {
        "outputs": {"arn": {"sensitive": False}, "name": {"sensitive": False, "value": "q-0"}},
        "root_module": {
            "resources": [
                {"address": "aws_sqs_queue.dlq", "mode": "managed", "type": "aws_sqs_queue", "name": "dlq",
                 "values": {"name": "dlq", "tags": None}},
                {"address": "aws_sqs_queue.q[0]", "mode": "managed", "type": "aws_sqs_queue", "name": "q",
                 "index": 0, "values": {"name": "q-0", "tags": None}},
            ],
            "child_modules": [{"resources": [
                {"address": 'module.m["a"].aws_sns_topic.t', "mode": "managed", "type": "aws_sns_topic",
                 "name": "t", "values": {"name": "t"}},
                {"address": "module.m[\"a\"].data.aws_region.r", "mode": "data", "type": "aws_region",
                 "name": "r", "values": {"name": "eu-west-1"}},
            ]}],
        },
    },
    "resource_changes": [
        {"address": "aws_sqs_queue.q[0]", "change": {"after_unknown": {"arn": True, "redrive_policy": True,
                                                                      "tags_all": {}}}},
        {"address": "aws_sqs_queue.dlq", "change": {"after_unknown": {"arn": True}}},
    ],
    "output_changes": {"arn": {"after_unknown": True}, "name": {"after_unknown": False}},
    "configuration": {
        "provider_config": {"aws": {"name": "aws", "expressions": {
            "region": {"constant_value": "eu-west-1"}, "access_key": {"constant_value": "testing"}}}},
        "root_module": {
            "resources": [
                {"address": "aws_sqs_queue.dlq", "expressions": {"name": {"constant_value": "dlq"}}},
                {"address": "aws_sqs_queue.q", "expressions": {
                    "redrive_policy": {"references": ["aws_sqs_queue.dlq.arn", "aws_sqs_queue.dlq"]},
                    "name": {"references": ["count.index"]}}, "count_expression": {"references": ["var.n"]}},
            ],
            "module_calls": {"m": {"source": "./m", "module": {"resources": [
                {"address": "aws_sns_topic.t", "expressions": {"name": {"references": ["var.name"]}}},
            ]}}},
        },
    },
}


def test_the_plan_reads_as_a_template_with_instance_addresses_unknowns_and_references():
    template = Template(template_config(PLAN, "infra"), stack_name="infra")
    assert template.resource_addresses == ['module.m["a"].aws_sns_topic.t', "aws_sqs_queue.dlq", "aws_sqs_queue.q[0]"]
    queue = template.resource("aws_sqs_queue.q[0]")
    assert (queue.name, queue.type) == ("q[0]", "aws_sqs_queue")
    assert queue["arn"] is not None and isinstance(queue["arn"], type(UNKNOWN))
    assert "tags_all" not in queue  # {} in after_unknown: nothing unknown, and nothing planned either
    template.has_resource_properties("aws_sqs_queue", {"name": "q-0", "arn": Match.unknown()})
    template.has_resource_properties("aws_sqs_queue", {"name": "q-0", "arn": Match.any_value()})
    with pytest.raises(AssertionError, match="expected a value known only after apply, got null"):
        template.has_resource_properties("aws_sqs_queue", {"tags": Match.unknown()})
    assert template.references_from("aws_sqs_queue.q[0]") == ["aws_sqs_queue.dlq"]
    assert template.references_to("aws_sqs_queue.dlq") == ["aws_sqs_queue.q[0]"]
    assert template.find_data_sources("aws_region")['module.m["a"].data.aws_region.r']["name"] == "eu-west-1"
    assert template.resource_by_path('module.m["a"].aws_sns_topic.t').address == 'module.m["a"].aws_sns_topic.t'
    template.has_output("arn", {"value": Match.unknown()})
    template.has_output("name", {"value": "q-0"})
    assert template.find_providers() == {"aws": [{"region": "eu-west-1"}]}  # the override's keys are not the module's


def test_blocks_map_to_their_files_and_first_lines(module: Path):
    blocks = {b.address: (b.file.name, b.line) for b in module_blocks(module)}
    assert blocks["aws_sqs_queue.q"] == ("main.tf", 20)
    assert blocks["module.alerts"] == ("main.tf", 26)
    assert blocks["output.first_queue"] == ("main.tf", 35)
    assert blocks["var.queues"] == ("main.tf", 11)
    child = {b.address: (b.line, b.required) for b in module_blocks(module / "modules" / "alerts")}
    assert child == {"var.name": (1, True), "aws_sns_topic.t": (5, False)}


def test_a_required_variable_without_value_is_a_usage_error(pytester: pytest.Pytester, monkeypatch):
    monkeypatch.delenv("PYTEST_IAC_TF_PLUGIN_DIR", raising=False)
    write_module(pytester.path / "alerts", {"main.tf": CHILD_TF})
    pytester.makepyfile("def test_x(iac_stack): pass")
    result = pytester.runpytest("--iac-app", "alerts")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*stack entry 'alerts' (from --iac-app): the module's required variable 'name' "
                                 "has no value (alerts/main.tf:1). Pass it with app.vars in the requirements YAML "
                                 "(name: VALUE), --iac-tf-var name=VALUE*TF_VAR_name."])


def test_a_variable_given_in_the_yaml_or_a_var_file_is_not_missing(pytester: pytest.Pytester, monkeypatch,
                                                                    write_requirements):
    monkeypatch.delenv("PYTEST_IAC_TF_PLUGIN_DIR", raising=False)
    write_module(pytester.path / "alerts", {"main.tf": CHILD_TF + 'variable "team" {}\n'})
    pytester.path.joinpath("team.tfvars").write_text('team = "ops"\n')
    write_requirements("""\
        version: 1
        app: {entry: alerts, vars: {name: jobs}, var_files: [team.tfvars]}
        requirements: [{id: R-1, description: d}]
    """)
    pytester.makepyfile("def test_x(): pass")
    result = pytester.runpytest("--iac-requirements", "requirements.yaml", "--iac-checks", "off",
                                "-p", "no:cacheprovider")
    assert result.ret != pytest.ExitCode.USAGE_ERROR, result.stderr.str()


def test_a_tf_file_linked_to_nothing_is_a_usage_error_naming_it(pytester: pytest.Pytester, monkeypatch):
    monkeypatch.delenv("PYTEST_IAC_TF_PLUGIN_DIR", raising=False)
    write_module(pytester.path / "infra", {"main.tf": 'resource "aws_sqs_queue" "q" {}\n'})
    (pytester.path / "infra" / "broken.tf").symlink_to(pytester.path / "gone.tf")
    pytester.makepyfile("def test_x(iac_stack): pass")
    result = pytester.runpytest("--iac-app", "infra")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*stack entry 'infra' (from --iac-app): the module's file infra/broken.tf is a "
                                 f"symbolic link to {pytester.path / 'gone.tf'}, which does not exist; fix or "
                                 "remove the link"])


def test_the_copy_names_a_child_modules_dangling_tf_file_and_leaves_out_other_dangling_links(tmp_path: Path):
    from pytest_iac.config.entry import EntryError
    from pytest_iac.synthesis.plan import module_copy

    module = write_module(tmp_path / "infra", {"main.tf": ROOT_TF, "modules/alerts/main.tf": CHILD_TF})
    (module / "notes.md").symlink_to(tmp_path / "gone.md")
    (module / "examples").mkdir()
    (module / "examples" / "old.tf").symlink_to(tmp_path / "gone.tf")  # no module of the root's
    copy = module_copy(module, tmp_path / "work")
    assert (copy / "main.tf").is_file() and not (copy / "notes.md").exists()
    (module / "modules" / "alerts" / "extra.tf").symlink_to(tmp_path / "gone.tf")
    with pytest.raises(EntryError, match=r"the module's file .*modules/alerts/extra\.tf is a symbolic link to "
                                         r".*gone\.tf, which does not exist"):
        module_copy(module, tmp_path / "work2")


def test_a_provider_missing_from_the_mirror_is_a_usage_error_naming_the_mirror(pytester: pytest.Pytester,
                                                                               monkeypatch):
    mirror = pytester.mkdir("mirror")
    monkeypatch.setenv("PYTEST_IAC_TF_PLUGIN_DIR", str(mirror))
    write_module(pytester.path / "infra", {"main.tf": 'resource "aws_sqs_queue" "q" {}\n'})
    pytester.makepyfile("def test_x(iac_stack): pass")
    result = pytester.runpytest("--iac-app", "infra")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*stack entry 'infra' (from --iac-app): no offline provider source for "
                                 f"registry.terraform.io/hashicorp/aws (any version)*looked in: {mirror}*"])


def test_a_directory_without_tf_files_names_both_forms(pytester: pytest.Pytester):
    pytester.mkdir("empty")
    pytester.makepyfile("def test_x(iac_stack): pass")
    result = pytester.runpytest("--iac-app", "empty")
    assert result.ret == pytest.ExitCode.USAGE_ERROR  # an empty directory is read at startup
    result.stderr.fnmatch_lines(["*holds no synthesized stack*is no Terraform module (no *.tf or *.tf.json files)*"])


def test_the_module_is_planned_once_queried_and_cached(pytester: pytest.Pytester, module: Path,
                                                       terraform_mirror: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("CI", raising=False)  # the plan cache is what is tested; CI turns it off by default
    pytester.makepyfile("""
        from pytest_iac import Match

        def test_queries(iac_stack, iac_synth):
            assert iac_synth.stack_names == ["infra"]
            assert sorted(iac_stack.resource_addresses) == [
                "aws_sqs_queue.dlq", "aws_sqs_queue.q[0]", "aws_sqs_queue.q[1]", "module.alerts.aws_sns_topic.t"]
            iac_stack.has_resource_properties("aws_sqs_queue", {"name": "jobs-1", "arn": Match.unknown()})
            assert iac_stack.resource("module.alerts.aws_sns_topic.t")["name"] == "jobs-alerts"
            assert iac_stack.references_to("aws_sqs_queue.dlq") == ["aws_sqs_queue.q[0]", "aws_sqs_queue.q[1]"]
            iac_stack.has_output("first_queue", {"value": "jobs-0"})
            iac_stack.has_output("dlq_arn", {"value": Match.unknown()})
            iac_stack.has_provider("aws", {"region": "eu-west-1"})

        def test_vars_reach_the_plan(iac_stack):
            iac_stack.resource_count_is("aws_sqs_queue", 4)
    """)
    before = sorted(p.relative_to(module) for p in module.rglob("*"))
    cold = pytester.runpytest("--iac-app", "infra", "--iac-tf-var", "queues=3", "-k", "vars")
    cold.assert_outcomes(passed=1)
    cold.stdout.fnmatch_lines(["iac plan: Terraform module infra -> 5 resource instances",
                               "iac plan: planned in *s (terraform init, plan, show), cache miss"])
    other_vars = pytester.runpytest("--iac-app", "infra", "-k", "queries")  # other variables: planned again
    other_vars.assert_outcomes(passed=1)
    other_vars.stdout.fnmatch_lines(["*cache miss*"])
    def no_terraform(*args, **kwargs):
        raise AssertionError(f"a warm run started {args[0]}")

    monkeypatch.setattr("pytest_iac.terraform.process.run", no_terraform)
    monkeypatch.setattr("pytest_iac.synthesis.plan_cache.plan_module", no_terraform)
    warm = pytester.runpytest("--iac-app", "infra", "-k", "queries")
    warm.assert_outcomes(passed=1)
    warm.stdout.fnmatch_lines(["*cache hit*"])
    assert sorted(p.relative_to(module) for p in module.rglob("*")) == before  # the user's tree is untouched


def test_an_hcl_syntax_error_is_one_error_with_file_and_line(pytester: pytest.Pytester, terraform_mirror: str):
    write_module(pytester.path / "infra", {"main.tf": 'resource "aws_sqs_queue" "q" {\n  name = \n}\n'})
    pytester.makepyfile("def test_x(iac_stack): pass")
    result = pytester.runpytest("--iac-app", "infra", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*terraform init of the module failed:*", "*infra/main.tf:2: *"])


def test_values_known_after_apply_count_as_expressions_for_the_checks():
    from pytest_iac.checks._common import literal
    from pytest_iac.terraform.expressions import is_expression

    assert is_expression(UNKNOWN) and literal(UNKNOWN) is None
    assert not is_expression("(known after apply)")  # a plain string that only looks the same


def test_checks_run_on_the_plan_and_validate_the_module_itself(pytester: pytest.Pytester, terraform_mirror: str,
                                                              write_requirements, run_with_report):
    write_module(pytester.path / "infra", {"main.tf": """\
        resource "aws_s3_bucket" "logs" {
          bucket_prefix = "logs-"
          versioning {
            enabled = true
          }
        }
    """})
    write_requirements("""\
        version: 1
        app: {entry: infra}
        requirements: [{id: R-1, description: valid, checks: [validate, name-length, encryption-at-rest]}]
        checks: {select: [validate, name-length, encryption-at-rest]}
    """)
    result, report = run_with_report("--iac-requirements", "requirements.yaml", "-p", "no:cacheprovider")
    checks = {c["id"]: c for c in report["checks"]}
    assert checks["name-length"]["status"] == "passed"  # bucket is known only after apply: not judged
    validate = checks["validate"]
    assert validate["status"] == "passed"
    assert [(f["address"], f["severity"]) for f in validate["findings"]] == [("aws_s3_bucket.logs", "warning")]
    assert "versioning is deprecated" in validate["findings"][0]["message"]
    assert "(infra/main.tf:1)" in validate["findings"][0]["message"]
    assert [f["address"] for f in checks["encryption-at-rest"]["findings"]] == ["aws_s3_bucket.logs"]


def test_the_terraform_module_example_passes_its_gate_with_full_block_coverage(pytester: pytest.Pytester,
                                                                              terraform_mirror: str):
    import shutil

    example = Path(__file__).parent.parent / "examples" / "terraform_module"
    shutil.copytree(example, pytester.path, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(".pytest_cache", "__pycache__", ".terraform"))
    result = pytester.runpytest_subprocess("--iac-strict", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines([
        "line coverage: 100.00% (required 100%) - block coverage of the module's .tf",
        "  files (23 blocks)",
        "resource coverage: 14/14 asserted on (100.00%) (required 100%)",
        "PASS all 7 requirements satisfied",
    ])
    assert result.ret == pytest.ExitCode.OK


def test_iac_deployment_applies_the_module_to_moto(pytester: pytest.Pytester, terraform_mirror: str, moto: None):
    write_module(pytester.path / "infra", {
        "main.tf": """\
            variable "names" {
              type = list(string)
            }
            resource "aws_sns_topic" "t" {
              count = length(var.names)
              name  = var.names[count.index]
            }
            module "alerts" {
              source = "./modules/alerts"
              name   = "alerts"
            }
            output "first_topic" {
              value = aws_sns_topic.t[0].arn
            }
        """,
        "modules/alerts/main.tf": CHILD_TF + 'output "arn" {\n  value = aws_sns_topic.t.arn\n}\n',
    })
    pytester.path.joinpath("names.tfvars").write_text('names = ["orders", "refunds"]\n')
    pytester.makefile(".yaml", requirements="""\
        version: 1
        app: {entry: infra, var_files: [names.tfvars]}
        requirements: [{id: R-1, description: topics exist, kind: integration}]
    """.replace("        ", ""))
    pytester.makepyfile("""
        import pytest

        @pytest.mark.requirement("R-1")
        def test_topics_exist(iac_deployment):
            arns = sorted(t["TopicArn"] for t in iac_deployment.client("sns").list_topics()["Topics"])
            assert [a.rsplit(":", 1)[1] for a in arns] == ["alerts", "orders", "refunds"]
            assert iac_deployment.outputs["first_topic"].endswith(":orders")
            assert iac_deployment.state["aws_sns_topic.t[1]"]["name"] == "refunds"
            assert iac_deployment.resource("module.alerts.aws_sns_topic.t")["name"] == "alerts"
    """)
    result = pytester.runpytest_subprocess("--iac-requirements", "requirements.yaml", "--iac-checks", "off",
                                           "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*iac deploy: applied infra: 3 created*"])


def test_data_sources_that_call_aws_are_planned_against_moto(pytester: pytest.Pytester, terraform_mirror: str,
                                                             moto: None):
    write_module(pytester.path / "infra", {"main.tf": """\
        data "aws_availability_zones" "here" {
          state = "available"
        }
        data "aws_caller_identity" "me" {}
        resource "aws_sns_topic" "t" {
          name = "alerts-${data.aws_caller_identity.me.account_id}"
        }
        output "zones" {
          value = data.aws_availability_zones.here.names
        }
    """})
    pytester.makepyfile("""
        def test_read_from_moto(iac_stack):
            zones = iac_stack.find_data_sources("aws_availability_zones")["data.aws_availability_zones.here"]
            assert "us-east-1a" in zones["names"]
            iac_stack.has_resource_properties("aws_sns_topic", {"name": "alerts-123456789012"})
            assert iac_stack.references_from("aws_sns_topic.t") == ["data.aws_caller_identity.me"]
    """)
    result = pytester.runpytest_subprocess("--iac-app", "infra", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_under_xdist_one_worker_plans_and_the_other_reuses_the_plan(pytester: pytest.Pytester, module: Path,
                                                                    terraform_mirror: str, xdist: None,
                                                                    write_requirements):
    write_requirements({"R-1": "queues"}, app={"entry": "infra"}, coverage={"fail_under": 0})
    pytester.makepyfile(**{f"test_{i}": f"""
        import pytest

        @pytest.mark.requirement("R-1")
        def test_queue_{i}(iac_stack):
            iac_stack.has_resource_properties("aws_sqs_queue", {{"name": "jobs-{i}"}})
    """ for i in range(2)})
    result = pytester.runpytest_subprocess("--iac-requirements", "requirements.yaml", "--iac-checks", "off",
                                           "-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    lines = [line for line in result.stdout.lines if line.startswith("iac plan:") and ", cache " in line]
    assert sorted(line.rsplit(", cache ", 1)[1] for line in lines) == ["hit", "miss"], lines


def test_terraform_bin_names_the_cli_and_a_missing_one_is_one_error(pytester: pytest.Pytester, monkeypatch):
    monkeypatch.delenv("PYTEST_IAC_TF_PLUGIN_DIR", raising=False)
    write_module(pytester.path / "infra", {"main.tf": 'resource "aws_sns_topic" "t" {\n  name = "t"\n}\n'})
    pytester.makeini("[pytest]\niac_terraform_bin = no-such-tofu\n")
    pytester.makepyfile("def test_x(iac_stack): pass")
    result = pytester.runpytest("--iac-app", "infra", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*stack entry 'infra' (from --iac-app) is a Terraform module, and 'no-such-tofu' "
                                 "was not found: install terraform (or tofu) or pass --iac-terraform-bin PATH*"])
    again = pytester.runpytest("--iac-app", "infra", "--iac-terraform-bin", "other-tofu", "-p", "no:cacheprovider")
    again.stdout.fnmatch_lines(["*'other-tofu' was not found*"])  # the option wins over the ini file


def test_a_compatible_cli_plans_the_module(pytester: pytest.Pytester, terraform_mirror: str, terraform_bin: str):
    wrapper = pytester.path / "mytf"
    wrapper.write_text(f'#!/bin/sh\necho "$1" >> "{pytester.path}/calls.log"\nexec "{terraform_bin}" "$@"\n')
    wrapper.chmod(0o755)
    write_module(pytester.path / "infra", {"main.tf": 'resource "aws_sns_topic" "t" {\n  name = "t"\n}\n'})
    pytester.makepyfile("""
        def test_t(iac_stack):
            iac_stack.has_resource_properties("aws_sns_topic", {"name": "t"})
    """)
    result = pytester.runpytest("--iac-app", "infra", f"--iac-terraform-bin={wrapper}", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert (pytester.path / "calls.log").read_text().split() == ["init", "plan", "show"]
