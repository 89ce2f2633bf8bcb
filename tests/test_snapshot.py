"""``iac_snapshot``: syrupy's snapshot with pytest-iac's extension. Written with
``--snapshot-update``, compared afterwards; volatile values normalized; a change reported by
resource address and key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_iac.assertions.normalize import ASSET_HASH, CDKTF_VERSION, normalize
from pytest_iac.assertions.snapshot_diff import describe_changes

SNAPSHOT_TEST = """
    def test_stack(iac_stack, iac_snapshot):
        assert iac_stack.to_json() == iac_snapshot
"""
SNAPSHOT = Path("__snapshots__/test_snap/test_stack.tf.json")


def edit_stack(outdir: Path, change) -> None:
    path = outdir / "stacks" / "payments" / "cdk.tf.json"
    config = json.loads(path.read_text())
    change(config)
    path.write_text(json.dumps(config))


def test_update_writes_the_snapshot_and_a_plain_run_compares_with_it(pytester, synthesized_stack):
    pytester.makepyfile(test_snap=SNAPSHOT_TEST)
    result = pytester.runpytest("--iac-app", "cdktf.out", "--snapshot-update")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*1 snapshot generated*"])
    written = pytester.path / SNAPSHOT
    text = written.read_text()
    stored = json.loads(text)
    assert stored["//"]["metadata"]["version"] == CDKTF_VERSION
    assert list(stored) == sorted(stored) and text.endswith("}\n")
    assert stored["resource"]["aws_vpc"]["vpc"]["cidr_block"] == "10.0.0.0/16"

    again = pytester.runpytest("--iac-app", "cdktf.out")
    again.assert_outcomes(passed=1)
    again.stdout.fnmatch_lines(["*1 snapshot passed*"])


def test_a_change_fails_naming_each_resource_and_key(pytester, synthesized_stack):
    pytester.makepyfile(test_snap=SNAPSHOT_TEST)
    pytester.runpytest("--iac-app", "cdktf.out", "--snapshot-update").assert_outcomes(passed=1)

    def change(config):
        resources = config["resource"]
        resources["aws_vpc"]["vpc"]["cidr_block"] = "10.1.0.0/16"
        resources["aws_vpc"]["vpc"]["tags"]["team"] = "payments"
        del resources["aws_kms_key"]
        resources["aws_sqs_queue"] = {"jobs": {"//": {"metadata": {"path": "payments/jobs"}}, "name": "jobs"}}

    edit_stack(synthesized_stack, change)
    result = pytester.runpytest("--iac-app", "cdktf.out")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*The stack differs from the snapshot (1 changed, 1 added, 1 removed); --snapshot-update accepts it:",
        "*- aws_kms_key.key (payments/key): removed (only in the snapshot)",
        "*~ aws_vpc.vpc (payments/vpc): 2 keys changed",
        '*    /cidr_block: "10.0.0.0/16" -> "10.1.0.0/16"',
        '*    /tags/team: added "payments"',
        "*+ aws_sqs_queue.jobs (payments/jobs): added (not in the snapshot)",
    ])
    updated = pytester.runpytest("--iac-app", "cdktf.out", "--snapshot-update")
    updated.assert_outcomes(passed=1)
    assert json.loads((pytester.path / SNAPSHOT).read_text())["resource"]["aws_vpc"]["vpc"]["cidr_block"] == "10.1.0.0/16"


def test_a_missing_snapshot_says_how_to_write_it(pytester, synthesized_stack):
    pytester.makepyfile(test_snap=SNAPSHOT_TEST)
    result = pytester.runpytest("--iac-app", "cdktf.out")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Snapshot 'test_stack' does not exist!*",
                                 "*Run pytest with --snapshot-update to write it, then review and commit it."])


def test_templates_views_and_json_strings_snapshot_alike(pytester, synthesized_stack):
    pytester.makepyfile(test_snap="""
        import json

        def test_stack(iac_stack, iac_snapshot):
            assert iac_stack == iac_snapshot
            assert json.dumps(iac_stack.to_json()) == iac_snapshot(name="text")
            assert iac_stack.find_resources("aws_s3_bucket") == iac_snapshot(name="buckets")
    """)
    pytester.runpytest("--iac-app", "cdktf.out", "--snapshot-update").assert_outcomes(passed=1)
    folder = pytester.path / SNAPSHOT.parent
    assert sorted(p.name for p in folder.iterdir()) == ["test_stack.tf.json", "test_stack[buckets].tf.json",
                                                        "test_stack[text].tf.json"]
    assert (folder / "test_stack.tf.json").read_text() == (folder / "test_stack[text].tf.json").read_text()
    buckets = json.loads((folder / "test_stack[buckets].tf.json").read_text())
    assert sorted(buckets) == ["aws_s3_bucket.storage_data_1C2D3E4F", "aws_s3_bucket.storage_logs_6F1A2B3C"]
    pytester.runpytest("--iac-app", "cdktf.out").assert_outcomes(passed=1)


def test_normalize_replaces_asset_hashes_temp_dirs_roots_and_the_cdktf_version():
    import tempfile

    digest = "71B12820236DAA9391A833CC71E2D6C4"
    project = Path("/srv/project")  # outside the temp dir, which is replaced on its own

    def config(digest: str, tmp: str, version: str) -> dict:
        return {"//": {"metadata": {"version": version, "stackName": "s"}},
                "resource": {"aws_lambda_function": {"f": {
                    "filename": f"assets/fn_ABC/{digest}/archive.zip", "source_code_hash": digest,
                    "layers": [f"{project}/layer.zip"], "description": f"built in {tmp}/out",
                    "tags": {"home": str(Path.home() / "x"), "rootfs": f"{project}fs"}}}}}

    one = normalize(config(digest, f"{tempfile.gettempdir()}/pytest-iac-synth-abc", "0.21.0"),
                    [(str(project), "<rootdir>")])
    two = normalize(config("0" * 32, f"{tempfile.gettempdir()}/pytest-iac-synth-xyz", "0.20.9"),
                    [(str(project), "<rootdir>")])
    assert one == two
    function = one["resource"]["aws_lambda_function"]["f"]
    assert function["filename"] == f"assets/fn_ABC/{ASSET_HASH}/archive.zip"
    assert function["source_code_hash"] == ASSET_HASH
    assert function["layers"] == ["<rootdir>/layer.zip"]
    assert function["description"] == "built in <tmp>/out"
    assert function["tags"]["home"] == "~/x"
    assert function["tags"]["rootfs"] == f"{project}fs"  # a longer name is not the project
    assert one["//"]["metadata"] == {"version": CDKTF_VERSION, "stackName": "s"}


def test_changes_mask_sensitive_values_and_stay_short():
    old = {"resource": {"aws_db_instance": {"db": {"password": "hunter2", "port": 5432}},
                        "aws_sqs_queue": {f"q{i}": {"name": f"q{i}"} for i in range(20)}},
           "output": {"url": {"value": "a"}}}
    new = json.loads(json.dumps(old))
    new["resource"]["aws_db_instance"]["db"]["password"] = "swordfish"
    new["output"]["url"]["value"] = "b"
    for i in range(20):
        new["resource"]["aws_sqs_queue"][f"q{i}"]["name"] = f"queue-{i}"
    lines = describe_changes(new, old)
    assert lines[0] == "The stack differs from the snapshot (22 changed); --snapshot-update accepts it:"
    assert lines[1:3] == ["~ aws_db_instance.db: 1 key changed", '    /password: "***" -> "***"']
    assert "hunter2" not in "\n".join(lines) and "swordfish" not in "\n".join(lines)
    assert lines[-1] == "... and 10 more (run with -vv for the full diff)"


def test_without_syrupy_the_fixture_says_how_to_install_it(pytester, synthesized_stack):
    pytester.makeconftest("import sys\nsys.modules['syrupy'] = None  # as if it were not installed\n")
    pytester.makepyfile(test_snap=SNAPSHOT_TEST)
    result = pytester.runpytest_subprocess("-p", "no:syrupy", "--iac-app", "cdktf.out")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*iac_snapshot needs syrupy, the snapshot plugin it builds on: "
                                 "pip install 'pytest-iac[[]snapshot]'*"])
