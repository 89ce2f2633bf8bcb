"""The integration tier without deploying anything: the outputs-file target, refusals to deploy to
a real account, skips for missing tools, and the pieces the local target is built from."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

from pytest_iac.deploy.apply import OVERRIDE_FILE, override_config, state_outputs, state_resources
from pytest_iac.deploy.deployment import Deployment
from pytest_iac.deploy.endpoints import endpoint_services, service_for
from pytest_iac.deploy.diagnostics import describe_diagnostics
from pytest_iac.deploy.outputs_file import OutputsFileError, read_outputs

DATA = Path(__file__).parent / "data"

USES_OUTPUTS = """
    import pytest

    @pytest.mark.requirement("INT-1")
    def test_outputs(iac_deployment):
        assert iac_deployment.target == "outputs"
        assert iac_deployment.output("vpc_id") == "vpc-123"
        print("STACK", iac_deployment.stack)
"""


@pytest.fixture
def outputs_project(pytester, write_requirements):
    write_requirements({"INT-1": "deployed VPC"})
    pytester.makepyfile(test_integration=USES_OUTPUTS)
    return pytester


# -- outputs file ---------------------------------------------------------------------------------


def test_flat_outputs_file(outputs_project):
    (outputs_project.path / "cfn-outputs").mkdir()
    (outputs_project.path / "cfn-outputs" / "flat-outputs.json").write_text('{"vpc_id": "vpc-123", "n": 3}')
    result = outputs_project.runpytest("--iac-requirements", "requirements.yaml", "--iac-deploy", "outputs",
                                       "--iac-outputs-file", "cfn-outputs/flat-outputs.json", "-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*iac deploy: outputs of the stack from *flat-outputs.json (2 outputs; nothing deployed)*",
                                 "*STACK None*", "PASS*"])
    assert result.ret == 0


def test_nested_outputs_file_picks_the_stack_with_its_suffix(outputs_project, synthesized_stack):
    """The stack is "payments"; the pipeline named it with the environment suffix."""
    outputs_project.path.joinpath("outputs.json").write_text(json.dumps(
        {"paymentspr42": {"vpc_id": "vpc-123"}, "OtherStack": {"vpc_id": "vpc-999"}}))
    outputs_project.makeini("[pytest]\niac_deploy = outputs\niac_outputs_file = outputs.json\n")
    result = outputs_project.runpytest("--iac-requirements", "requirements.yaml", "--iac-app", "cdktf.out",
                                       "--iac-checks", "off", "-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*STACK paymentspr42*"])


def test_outputs_file_from_the_requirements_yaml_and_quiet_under_q(pytester, write_requirements):
    write_requirements({"INT-1": "deployed VPC"}, deployment={"target": "outputs", "outputs_file": "out.json"})
    pytester.makepyfile(test_integration=USES_OUTPUTS)
    pytester.path.joinpath("out.json").write_text('{"TapStackdev": {"vpc_id": "vpc-123"}}')
    result = pytester.runpytest("--iac-requirements", "requirements.yaml", "-q")
    result.assert_outcomes(passed=1)
    assert "iac deploy" not in result.stdout.str()


@pytest.mark.parametrize(("content", "expected"), [
    (None, "*outputs file *missing.json (from --iac-outputs-file) does not exist: integration tests need*"),
    ("", "*outputs file *missing.json (from --iac-outputs-file) is empty: the deployment that should have written*"),
    ("{}", "*is an empty object: the stack has no deployed outputs*"),
    ('{"vpc_id": ', "*is not JSON: Expecting value at line 1, column 12*"),
    ("[1, 2]", "*holds a JSON list; expected an object*"),
])
def test_missing_or_empty_outputs_file_fails_never_skips(outputs_project, content, expected):
    if content is not None:
        outputs_project.path.joinpath("missing.json").write_text(content)
    result = outputs_project.runpytest("--iac-requirements", "requirements.yaml", "--iac-deploy", "outputs",
                                       "--iac-outputs-file", "missing.json")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([expected])
    assert result.ret == 1


def test_outputs_target_without_a_file_names_the_three_places(outputs_project):
    result = outputs_project.runpytest("--iac-requirements", "requirements.yaml", "--iac-deploy", "outputs")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*--iac-deploy: target 'outputs' needs the outputs file: pass --iac-outputs-file "
                                 "PATH*, set iac_outputs_file in the ini file, or deployment.outputs_file in "
                                 "requirements.yaml*"])


def test_bad_target_names_the_choices(outputs_project):
    outputs_project.makeini("[pytest]\niac_deploy = staging\n")
    result = outputs_project.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*iac_deploy in tox.ini: 'staging' is not a deployment target; "
                                 "choose one of local, aws, outputs*"])


def test_read_outputs_shapes(tmp_path):
    path = tmp_path / "o.json"
    path.write_text(json.dumps({"lambda_function_names": {"a": "fn-a"}, "vpc_id": {"x": 1}}))
    # every value is a map, but the keys are the stack's outputs: flat
    assert read_outputs(path, stacks=["payments"], output_names=["vpc_id", "lambda_function_names"]) == (
        {"lambda_function_names": {"a": "fn-a"}, "vpc_id": {"x": 1}}, None)
    path.write_text(json.dumps({"payments": {"vpc_id": "v"}}))
    assert read_outputs(path, stacks=["payments"], output_names=["vpc_id"]) == ({"vpc_id": "v"}, "payments")
    assert read_outputs(path) == ({"vpc_id": "v"}, "payments")  # one stack, no synthesis to ask
    path.write_text(json.dumps({"A": {"x": 1}, "B": {"x": 2}}))
    with pytest.raises(OutputsFileError, match="nested by stack, with 2 entries: A, B; cannot tell which one"):
        read_outputs(path)


# -- refusals: a real account only when the command line confirms the YAML's account ------------


AWS_YAML = {"INT-1": "deployed VPC"}


def test_aws_target_from_the_yaml_alone_is_refused(pytester, write_requirements):
    write_requirements(AWS_YAML, deployment={"target": "aws", "account_id": "111111111111"})
    pytester.makepyfile(test_integration=USES_OUTPUTS)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([
        "*refusing to deploy to a real AWS account: the target 'aws' comes from deployment.target in "
        "requirements.yaml, but a real account is used only when the command line says so. Run with "
        "--iac-deploy aws --iac-aws-account 111111111111, or use --iac-deploy local*"])


def test_aws_target_from_the_ini_is_refused(pytester, write_requirements):
    write_requirements(AWS_YAML, deployment={"target": "aws", "account_id": "111111111111"})
    pytester.makeini("[pytest]\niac_deploy = aws\niac_aws_account = 111111111111\n")
    pytester.makepyfile(test_integration=USES_OUTPUTS)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*the target 'aws' comes from iac_deploy in tox.ini, but a real account*"])


@pytest.mark.parametrize(("yaml_deploy", "args", "expected"), [
    (None, [], "*requirements.yaml lists no deployment.account_id. Add the account*"),
    ({"target": "local", "account_id": "111111111111"}, [],
     "*confirm the account with --iac-aws-account 111111111111 (the deployment.account_id of requirements.yaml)*"),
    ({"target": "local", "account_id": "111111111111"}, ["--iac-aws-account", "222222222222"],
     "*the account 222222222222 (--iac-aws-account) is not the account listed in requirements.yaml "
     "(deployment.account_id: 111111111111)*"),
])
def test_aws_target_needs_the_listed_account(pytester, write_requirements, yaml_deploy, args, expected):
    write_requirements(AWS_YAML, **({"deployment": yaml_deploy} if yaml_deploy else {}))
    pytester.makepyfile(test_integration=USES_OUTPUTS)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml", "--iac-deploy", "aws", *args)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([expected])


def test_aws_target_is_refused_on_xdist_workers(pytester, write_requirements, xdist):
    write_requirements(AWS_YAML, deployment={"target": "local", "account_id": "111111111111"})
    pytester.makepyfile(test_integration=USES_OUTPUTS)
    result = pytester.runpytest_subprocess("--iac-requirements", "requirements.yaml", "-n", "1", "-p", "no:cov",
                                           "--iac-deploy", "aws", "--iac-aws-account", "111111111111")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*refusing to deploy to a real AWS account from an xdist worker*"])


def test_confirmed_account_still_checks_the_credentials(pytester, write_requirements, synthesized_stack,
                                                        monkeypatch, tmp_path):
    """Even confirmed, nothing is applied unless the environment's credentials are that account's."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("PYTEST_IAC_TERRAFORM", "no-such-terraform")  # the account is checked first
    write_requirements(AWS_YAML, deployment={"target": "aws", "account_id": "111111111111"})
    pytester.makepyfile(test_integration=USES_OUTPUTS)
    result = pytester.runpytest_subprocess("--iac-requirements", "requirements.yaml", "--iac-app", "cdktf.out",
                                           "--iac-checks", "off", "--iac-deploy", "aws",
                                           "--iac-aws-account", "111111111111")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*refusing to deploy to AWS account 111111111111: cannot tell which account the "
                                 "environment's credentials belong to (NoCredentialsError: *"])


# -- missing tools: skip, or fail under --iac-strict ------------------------------------------------


LOCAL_TEST = """
    def test_deployed(iac_deployment):
        pass
"""


def test_missing_terraform_skips_with_the_reason(pytester, synthesized_stack, monkeypatch):
    monkeypatch.setenv("PYTEST_IAC_TERRAFORM", "no-such-terraform")
    pytester.makepyfile(LOCAL_TEST)
    result = pytester.runpytest("--iac-app", "cdktf.out", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*integration tests need terraform: terraform not found (PYTEST_IAC_TERRAFORM: "
                                 "'no-such-terraform'); install it or set PYTEST_IAC_TERRAFORM*"])


def test_missing_terraform_fails_under_strict(pytester, synthesized_stack, monkeypatch):
    monkeypatch.setenv("PYTEST_IAC_TERRAFORM", "no-such-terraform")
    pytester.makepyfile(LOCAL_TEST)
    result = pytester.runpytest("--iac-app", "cdktf.out", "--iac-strict")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*integration tests need terraform: terraform not found*(--iac-strict: fails "
                                 "instead of skipping)*"])


def test_missing_moto_skips_with_the_install_hint(pytester, synthesized_stack, tmp_path, monkeypatch):
    terraform = tmp_path / "bin" / "terraform"  # found and versioned, so moto is what is missing
    terraform.parent.mkdir()
    terraform.write_text('#!/bin/sh\necho \'{"terraform_version": "1.11.4", "platform": "linux_amd64"}\'\n')
    terraform.chmod(0o755)
    mirror = tmp_path / "mirror" / "registry.terraform.io" / "hashicorp" / "aws" / "5.100.0" / "linux_amd64"
    mirror.mkdir(parents=True)
    (mirror / "terraform-provider-aws_v5.100.0_x5").write_text("")
    monkeypatch.setenv("PYTEST_IAC_TERRAFORM", str(terraform))
    monkeypatch.setenv("PYTEST_IAC_TF_PLUGIN_DIR", str(tmp_path / "mirror"))
    pytester.makeconftest("""
        import pytest_iac.deploy.moto_server as moto_server
        moto_server.moto_missing = lambda: "moto server is not installed (moto missing); install it with: pip install 'moto[server]'"
    """)
    pytester.makepyfile(LOCAL_TEST)
    result = pytester.runpytest("--iac-app", "cdktf.out", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*integration tests need a local AWS endpoint: moto server is not installed*"
                                 "pip install 'moto?server?'*"])


def test_missing_provider_mirror_skips_naming_where_it_looked(pytester, synthesized_stack, tmp_path, monkeypatch,
                                                             terraform_bin):
    monkeypatch.setenv("PYTEST_IAC_TF_PLUGIN_DIR", str(tmp_path / "empty"))
    pytester.makepyfile(LOCAL_TEST)
    result = pytester.runpytest("--iac-app", "cdktf.out", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*integration tests need terraform: no offline provider source for "
                                 "registry.terraform.io/hashicorp/aws*empty (given plugin dir)*"])


# -- the pieces of the local target -------------------------------------------------------------------


def test_override_points_every_aws_provider_at_the_endpoint():
    config = json.loads((DATA / "small_stack.tf.json").read_text())  # aws, and aws.replica in us-west-2
    override = override_config(config, endpoint="http://127.0.0.1:5000")
    assert override["terraform"] == {"backend": {"local": {"path": "terraform.tfstate"}}}
    main, replica = override["provider"]["aws"]
    assert "alias" not in main and replica["alias"] == "replica" and replica["endpoints"] == main["endpoints"]
    assert main["endpoints"] == [{s: "http://127.0.0.1:5000" for s in endpoint_services(config)[0]}]
    assert {"s3", "ec2", "sts", "rds"} <= set(main["endpoints"][0])
    assert main["skip_credentials_validation"] and main["skip_requesting_account_id"] and main["s3_use_path_style"]
    assert (main["access_key"], main["secret_key"]) == ("testing", "testing")
    assert OVERRIDE_FILE.startswith("zz_") and OVERRIDE_FILE.endswith("_override.tf.json")


def test_override_for_a_real_account_pins_it():
    override = override_config({"provider": {"aws": [{"region": "eu-west-1"}]}}, endpoint=None,
                               allowed_account="111111111111")
    assert override["provider"] == {"aws": [{"allowed_account_ids": ["111111111111"]}]}


@pytest.mark.parametrize(("rtype", "service"), [
    ("aws_s3_bucket_versioning", "s3"), ("aws_cloudwatch_log_group", "logs"), ("aws_cloudwatch_event_rule", "events"),
    ("aws_cloudwatch_metric_alarm", "cloudwatch"), ("aws_vpc_security_group_ingress_rule", "ec2"),
    ("aws_db_instance", "rds"), ("aws_apigatewayv2_route", "apigatewayv2"), ("aws_lb_listener", "elbv2"),
    ("aws_lb_cookie_stickiness_policy", "elb"), ("aws_caller_identity", "sts"), ("aws_glacier_vault", "glacier"),
    ("aws_iam_policy_document", None), ("aws_region", None), ("aws_made_up_thing", None),
])
def test_service_of_a_type(rtype, service):
    assert service_for(rtype) == service


def test_state_file_and_show_json_give_the_same_resources():
    state = {"version": 4, "outputs": {"b": {"value": "bkt", "type": "string"}}, "resources": [
        {"mode": "managed", "type": "aws_s3_bucket", "name": "b", "instances": [{"attributes": {"bucket": "bkt"}}]},
        {"mode": "managed", "type": "aws_sqs_queue", "name": "q", "module": "module.m",
         "instances": [{"index_key": "a.b", "attributes": {"name": "qa"}}, {"index_key": 1, "attributes": {}}]},
        {"mode": "data", "type": "aws_caller_identity", "name": "me", "instances": [{"attributes": {"id": "1"}}]}]}
    assert list(state_resources(state)) == ["aws_s3_bucket.b", 'module.m.aws_sqs_queue.q["a.b"]',
                                            "module.m.aws_sqs_queue.q[1]", "data.aws_caller_identity.me"]
    assert list(state_resources(state, managed_only=True))[-1] == "module.m.aws_sqs_queue.q[1]"
    assert state_outputs(state) == {"b": "bkt"}
    show = {"show": {"values": {"outputs": {"b": {"value": "bkt"}}, "root_module": {
        "resources": [{"address": "aws_s3_bucket.b", "mode": "managed", "values": {"bucket": "bkt"}}]}}}}
    assert state_resources(show) == {"aws_s3_bucket.b": {"bucket": "bkt"}} and state_outputs(show) == {"b": "bkt"}


def test_deployment_lookups_name_what_exists():
    deployment = Deployment("local", "demo", {"bucket_name": "bkt"}, "us-east-1", endpoint_url="http://x",
                            state={"aws_s3_bucket.b": {"bucket": "bkt"}, 'aws_sqs_queue.q["k.v"]': {},
                                   "data.aws_caller_identity.me": {}},
                            construct_paths={"demo/bucket": "aws_s3_bucket.b"})
    assert deployment.resource_by_path("demo/bucket")["bucket"] == "bkt"
    assert list(deployment.resources("aws_sqs_queue")) == ['aws_sqs_queue.q["k.v"]']
    with pytest.raises(LookupError, match=r"no output 'bucket' in the deployment of demo; did you mean 'bucket_name'\?"):
        deployment.output("bucket")
    with pytest.raises(LookupError, match=r"no resource 'aws_s3_bucket.c'.*did you mean 'aws_s3_bucket.b'"):
        deployment.resource("aws_s3_bucket.c")
    assert repr(deployment) == "<Deployment local of demo at http://x: 1 outputs, 2 resources>"
    outputs_only = Deployment("outputs", None, {"x": 1}, "us-east-1")
    with pytest.raises(LookupError, match="no Terraform state for the 'outputs' target"):
        outputs_only.resource("aws_s3_bucket.b")


def test_apply_diagnostics_name_address_construct_path_and_line():
    config_text = textwrap.dedent("""\
        {
          "resource": {
            "aws_iam_policy": {
              "bad": {
                "//": {"metadata": {"path": "demo/bad-policy"}},
                "name": "bad"
              }
            }
          }
        }
    """)
    diagnostic = {"severity": "error", "address": "aws_iam_policy.bad", "detail": "",
                  "summary": "creating IAM Policy (bad): operation error IAM: CreatePolicy, https response error "
                             "StatusCode: 400, RequestID: c8TeV1KPF, MalformedPolicyDocument: Policy statement "
                             "must contain actions.",
                  "range": {"filename": "cdk.tf.json", "start": {"line": 8, "column": 4}}}
    assert describe_diagnostics([diagnostic], config_text, {"aws_iam_policy.bad": "demo/bad-policy"}) == [
        "aws_iam_policy.bad (demo/bad-policy), cdk.tf.json:8: creating IAM Policy (bad): operation error IAM: "
        "CreatePolicy, MalformedPolicyDocument: Policy statement must contain actions."]


def test_the_integration_tier_costs_nothing_until_asked(pytester):
    pytester.makepyfile("""
        import sys

        def test_nothing_deploy_related_loaded(pytestconfig):
            assert pytestconfig.getoption("iac_deploy") is None
            assert [m for m in ("boto3", "botocore", "moto", "pytest_iac.deploy.lifecycle") if m in sys.modules] == []
    """)
    result = pytester.runpytest_subprocess("-p", "no:cov")
    result.assert_outcomes(passed=1)


def test_moto_server_ends_when_pytest_is_killed(tmp_path, moto):
    """kill -9 of the process that started moto (no teardown at all) still leaves no moto behind."""
    import signal
    import subprocess
    import sys
    import time

    from pytest_iac.deploy._process import pid_alive

    starter = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import pathlib, time
        from pytest_iac.deploy.moto_server import MotoServer
        server = MotoServer.start(pathlib.Path({str(tmp_path)!r}))
        print(server.pid, flush=True)
        time.sleep(120)
    """)], stdout=subprocess.PIPE, text=True)
    moto = int(starter.stdout.readline())
    try:
        assert pid_alive(moto)
        starter.send_signal(signal.SIGKILL)
        starter.wait()
        deadline = time.monotonic() + 10
        while pid_alive(moto) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not pid_alive(moto)
    finally:
        starter.stdout.close()
        if pid_alive(moto):
            os.killpg(moto, signal.SIGKILL)
