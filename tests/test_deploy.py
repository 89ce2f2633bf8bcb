"""The local target for real: small hand-written stacks applied with terraform to a moto server.

Each test is one pytest session in a subprocess that deploys, runs tests against the deployment,
and tears it down; afterwards no moto process, temp dir or override file may be left. Skipped
(failed under CI) without terraform, an offline mirror of hashicorp/aws 5.100.0 or moto server.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from pytest_iac.deploy._process import pid_alive

@pytest.fixture
def local_target(terraform_mirror: str, moto: None) -> None:
    """terraform, the provider mirror and moto[server] (see tests/conftest.py)."""


def meta(path: str) -> dict:
    return {"//": {"metadata": {"path": path, "uniqueId": path.rsplit("/", 1)[-1]}}}


def write_stack(root: Path, resources: dict, outputs: dict | None = None) -> Path:
    """A cdktf.out/ with one stack "demo" (its S3 backend is replaced by the override's local one)."""
    config = {
        "//": {"metadata": {"backend": "s3", "stackName": "demo", "version": "0.21.0"}},
        "provider": {"aws": [{"region": "us-east-1"}]},
        "terraform": {"backend": {"s3": {"bucket": "state", "key": "demo.tfstate", "region": "us-east-1"}},
                      "required_providers": {"aws": {"source": "aws", "version": "5.100.0"}}},
        "resource": resources,
        **({"output": outputs} if outputs else {}),
    }
    stack_dir = root / "cdktf.out" / "stacks" / "demo"
    stack_dir.mkdir(parents=True)
    (stack_dir / "cdk.tf.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    manifest = {"version": "0.21.0", "stacks": {"demo": {
        "name": "demo", "synthesizedStackPath": "stacks/demo/cdk.tf.json", "workingDirectory": "stacks/demo"}}}
    (root / "cdktf.out" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return stack_dir


BUCKET_AND_TOPIC = {
    "aws_s3_bucket": {"bucket": {**meta("demo/bucket"), "bucket": "demo-bucket", "force_destroy": True}},
    "aws_sns_topic": {"topic": {**meta("demo/topic"), "name": "demo-topic"}},
}
OUTPUTS = {"bucket_name": {"value": "${aws_s3_bucket.bucket.bucket}"},
           "topic_arn": {"value": "${aws_sns_topic.topic.arn}"}}


def literal_brackets(patterns: list[str]) -> list[str]:
    """fnmatch patterns in which "[" is a literal bracket (progress lines start "iac deploy [  1.0s]")."""
    return [p.replace("[", "[[]") for p in patterns]


def moto_pid(output: str) -> int:
    match = re.search(r"-> moto \S+ at http://127\.0\.0\.1:\d+ \(pid (\d+)\)", output)
    assert match, output
    return int(match.group(1))


def assert_gone(pid: int, *paths: Path) -> None:
    deadline = time.monotonic() + 10
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not pid_alive(pid), f"moto (pid {pid}) is still running"
    for path in paths:
        assert not path.exists(), f"{path} was left behind"


def test_deploys_gives_outputs_state_and_clients_then_stops_moto_without_destroying(pytester, local_target):
    stack_dir = write_stack(pytester.path, BUCKET_AND_TOPIC, OUTPUTS)
    original = (stack_dir / "cdk.tf.json").read_bytes()
    pytester.makepyfile(test_integration="""
        import json, pathlib

        def test_outputs_and_state(iac_deployment):
            pathlib.Path("workdir.txt").write_text(str(iac_deployment.workdir))
            assert iac_deployment.target == "local" and iac_deployment.stack == "demo"
            assert iac_deployment.outputs["bucket_name"] == "demo-bucket"
            assert iac_deployment.output("topic_arn") == "arn:aws:sns:us-east-1:123456789012:demo-topic"
            assert iac_deployment.resource("aws_sns_topic.topic")["name"] == "demo-topic"
            assert iac_deployment.resource_by_path("demo/bucket")["arn"] == "arn:aws:s3:::demo-bucket"

        def test_boto3_sees_the_deployed_resources(iac_deployment):
            s3 = iac_deployment.client("s3")
            assert "demo-bucket" in [b["Name"] for b in s3.list_buckets()["Buckets"]]
            s3.put_object(Bucket="demo-bucket", Key="k", Body=b"x")  # force_destroy empties it again
            topics = iac_deployment.client("sns").list_topics()["Topics"]
            assert [t["TopicArn"] for t in topics] == [iac_deployment.outputs["topic_arn"]]

        def test_that_fails(iac_deployment):
            assert iac_deployment.outputs["bucket_name"] == "another-bucket"
    """)
    result = pytester.runpytest_subprocess("--iac-app", "cdktf.out")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(literal_brackets([
        "iac deploy: stack demo (2 resources) -> moto * at http://127.0.0.1:* (pid *)",
        "iac deploy [*s] Plan: 2 to add, 0 to change, 0 to destroy.",
        "iac deploy [*s] + aws_*.* (demo/*) created in *s",
        "iac deploy [*s] + aws_*.* (demo/*) created in *s",
        "iac deploy: applied demo: 2 created in *s (init *s), 2 outputs",
    ]))
    result.stdout.fnmatch_lines([
        "iac deploy: stopped moto * at http://127.0.0.1:* (pid *) without destroying demo: its state lived "
        "in moto's memory (--iac-destroy runs terraform destroy first)",
        "*test_that_fails*",
    ])
    assert "destroy" not in result.stdout.str().split("applied demo")[1].split("without destroying")[0]
    workdir = Path((pytester.path / "workdir.txt").read_text())
    assert_gone(moto_pid(result.stdout.str()), workdir.parent)
    assert (stack_dir / "cdk.tf.json").read_bytes() == original
    assert sorted(p.name for p in stack_dir.iterdir()) == ["cdk.tf.json"]  # no override, state or .terraform


@pytest.mark.parametrize("destroy", [False, True], ids=["default", "iac-destroy"])
def test_failed_apply_fails_dependent_tests_with_address_and_construct_path(pytester, local_target, destroy):
    bad_policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*"}]})
    write_stack(pytester.path, {
        "aws_sns_topic": {"topic": {**meta("demo/topic"), "name": "demo-topic"}},
        "aws_iam_policy": {"publish": {**meta("demo/publish-policy"), "name": "publish", "policy": bad_policy,
                                       "depends_on": ["aws_sns_topic.topic"]}},
    })
    pytester.makepyfile(test_integration="""
        def test_one(iac_deployment):
            pass

        def test_two(iac_deployment):
            pass

        def test_unit():
            pass
    """)
    result = pytester.runpytest_subprocess("--iac-app", "cdktf.out", *(["--iac-destroy"] if destroy else []))
    result.assert_outcomes(passed=1, errors=2)
    done = (["iac deploy [*s] - aws_sns_topic.topic (demo/topic) destroyed in *s",
             "iac deploy: destroyed demo: 1 resource in *s"] if destroy else
            ["iac deploy: stopped moto * without destroying demo: *"])
    result.stdout.fnmatch_lines(literal_brackets([
        "iac deploy [*s] + aws_sns_topic.topic (demo/topic) created in *s",
        "iac deploy [*s] ! aws_iam_policy.publish (demo/publish-policy) failed after *s",
        *done,
    ]))
    result.stdout.fnmatch_lines(literal_brackets([
        "terraform apply of stack demo failed against moto * at http://127.0.0.1:* (pid *):",
        "  aws_iam_policy.publish (demo/publish-policy), cdk.tf.json:*: creating IAM Policy (publish): "
        "operation error IAM: CreatePolicy, MalformedPolicyDocument: Policy statement must contain actions.",
        "1 resource created before the failure, " + ("destroyed again" if destroy else
                                                      "gone with the stopped local endpoint"),
    ]))
    # one deployment attempt, its error shown once per dependent test (the short summary at the
    # end repeats it or not depending on the terminal width, so it is left out of the count)
    output = result.stdout.str().split("short test summary info")[0]
    assert output.count("iac deploy: stack demo") == 1 and output.count("MalformedPolicyDocument") == 2
    assert_gone(moto_pid(result.stdout.str()))


def test_sigterm_stops_the_session_and_tears_down(pytester, local_target):
    write_stack(pytester.path, {"aws_sns_topic": {"topic": {**meta("demo/topic"), "name": "demo-topic"}}})
    pytester.makepyfile(test_integration="""
        import os, pathlib, signal

        def test_deployed_then_terminated(iac_deployment):
            pathlib.Path("workdir.txt").write_text(str(iac_deployment.workdir))
            os.kill(os.getpid(), signal.SIGTERM)

        def test_never_runs(iac_deployment):
            pass
    """)
    pytester.makeini("[pytest]\niac_destroy = true\n")  # the ini twin of --iac-destroy
    result = pytester.runpytest_subprocess("--iac-app", "cdktf.out")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    output = result.stdout.str()
    result.stdout.fnmatch_lines(["! pytest_iac.deploy.teardown.Terminated: SIGTERM: stopping the session, then "
                                 "tearing down the deployment of demo !"])
    result.stdout.fnmatch_lines(literal_brackets(["iac deploy [*s] - aws_sns_topic.topic (demo/topic) destroyed in *s",
                                 "iac deploy: destroyed demo: 1 resource in *s"]))
    workdir = Path((pytester.path / "workdir.txt").read_text())
    assert_gone(moto_pid(output), workdir.parent)


def test_sigterm_during_the_apply_stops_terraform_and_destroys_what_it_made(pytester, local_target):
    """SIGTERM the moment terraform starts creating the queue (an event terraform always sends, so
    nothing races a provider wait): terraform is interrupted (it saves its state), then everything
    it created is destroyed. Whether the queue itself got created before the interrupt is up to
    terraform's timing, so the counts accept both."""
    # the queue waits for the bucket and the topic, so both exist when it starts
    write_stack(pytester.path, {**BUCKET_AND_TOPIC, "aws_sqs_queue": {"queue": {
        **meta("demo/queue"), "name": "demo-queue", "depends_on": ["aws_s3_bucket.bucket", "aws_sns_topic.topic"]}}})
    pytester.makeconftest("""
        import os, signal
        from pytest_iac.deploy.lifecycle import DeploymentSession

        original = DeploymentSession._progress

        def _progress(self, began):
            report = original(self, began)
            def on_event(message):
                report(message)
                hook = message.get("hook") or {}
                if message.get("type") == "apply_start" and hook["resource"]["addr"] == "aws_sqs_queue.queue":
                    open("root.txt", "w").write(str(self.root))
                    os.kill(os.getpid(), signal.SIGTERM)
            return on_event

        DeploymentSession._progress = _progress
    """)
    pytester.makepyfile(test_integration="""
        def test_never_runs(iac_deployment):
            raise AssertionError("the deployment should not have been made")
    """)
    result = pytester.runpytest_subprocess("--iac-app", "cdktf.out", "--iac-destroy")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    output = result.stdout.str()
    assert "the deployment should not have been made" not in output
    planned = re.search(r"Plan: 0 to add, 0 to change, (\d+) to destroy\.", output)
    assert planned, output
    made = int(planned.group(1))
    assert made in (2, 3), output  # bucket and topic, and the queue if its create call got through
    result.stdout.fnmatch_lines([f"iac deploy: destroyed demo: {made} resources in *s",
                                 "! pytest_iac.deploy.teardown.Terminated: SIGTERM: *"])
    assert_gone(moto_pid(output), Path((pytester.path / "root.txt").read_text()))


def test_keep_deployment_leaves_it_up_and_says_how_to_destroy_it(pytester, local_target):
    write_stack(pytester.path, {"aws_sns_topic": {"topic": {**meta("demo/topic"), "name": "demo-topic"}}},
                {"topic_arn": {"value": "${aws_sns_topic.topic.arn}"}})
    pytester.makepyfile(test_integration="""
        def test_deployed(iac_deployment):
            assert iac_deployment.outputs["topic_arn"].endswith(":demo-topic")
    """)
    result = pytester.runpytest_subprocess("--iac-app", "cdktf.out", "--iac-keep-deployment")
    output = result.stdout.str()
    pid = moto_pid(output)
    kept = re.search(r"bash (\S+/destroy\.sh)", output)
    try:
        result.assert_outcomes(passed=1)
        result.stdout.fnmatch_lines([
            "iac deploy: kept stack demo deployed (--iac-keep-deployment) at moto * at http://127.0.0.1:* (pid *)",
            "  terraform work dir: */stack",
            "  destroy it and stop the endpoint: bash */destroy.sh",
        ])
        assert "destroyed demo" not in output
        assert pid_alive(pid), "the kept endpoint should outlive the session"
        endpoint = re.search(r"at (http://127\.0\.0\.1:\d+)", output).group(1)
        import boto3

        sns = boto3.client("sns", endpoint_url=endpoint, region_name="us-east-1",
                           aws_access_key_id="testing", aws_secret_access_key="testing")
        assert len(sns.list_topics()["Topics"]) == 1
        script = Path(kept.group(1))
        done = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Destroy complete! Resources: 1 destroyed." in done.stdout
        assert_gone(pid, script.parent)
    finally:  # whatever failed above, leave nothing behind
        if pid_alive(pid):
            os.killpg(pid, signal.SIGKILL)
        if kept:
            shutil.rmtree(Path(kept.group(1)).parent, ignore_errors=True)


def test_failed_destroy_is_loud_names_what_is_left_and_fails_the_run(pytester, local_target):
    """A bucket without force_destroy that a test filled cannot be destroyed (BucketNotEmpty)."""
    write_stack(pytester.path, {"aws_s3_bucket": {"bucket": {**meta("demo/bucket"), "bucket": "kept-bucket"}}})
    pytester.makepyfile(test_integration="""
        def test_fills_the_bucket(iac_deployment):
            iac_deployment.client("s3").put_object(Bucket="kept-bucket", Key="k", Body=b"x")
    """)
    result = pytester.runpytest_subprocess("--iac-app", "cdktf.out", "--iac-destroy")
    result.assert_outcomes(passed=1, errors=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(literal_brackets([
        "!!!* iac deploy: DESTROY FAILED !!!*",
        "stack demo at moto * at http://127.0.0.1:* (pid *): 1 resource left after terraform destroy",
        "  aws_s3_bucket.bucket (demo/bucket)",
        "  aws_s3_bucket.bucket (demo/bucket): deleting S3 Bucket (kept-bucket): operation error S3: DeleteBucket, "
        "api error BucketNotEmpty: The bucket you tried to delete is not empty",
        "The local endpoint is stopped now, and with it everything left in it.",
    ]))
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_fills_the_bucket*",
                                 "destroying stack demo failed; left: aws_s3_bucket.bucket"])
    assert_gone(moto_pid(result.stdout.str()))
