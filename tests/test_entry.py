"""The stack entry in each form, and one clear error for each way it can be wrong."""

from __future__ import annotations

import json

import pytest

USES_SYNTH = """
    def test_stacks(iac_synth):
        assert iac_synth.stack_names == {names!r}
"""

CORE_STACK = """
    from cdktf import App, TerraformOutput, TerraformResource, TerraformStack


    class BucketStack(TerraformStack):
        def __init__(self, scope, id, *, suffix="dev"):
            super().__init__(scope, id)
            bucket = TerraformResource(self, "bucket", terraform_resource_type="aws_s3_bucket")
            bucket.add_override("bucket", f"data-{suffix}")
            TerraformOutput(self, "bucket_name", value=f"data-{suffix}")


    def build(app, suffix="fn"):
        return BucketStack(app, "built", suffix=suffix)


    def build_app():
        app = App()
        BucketStack(app, "own-app")
        return app


    def two_stacks(app):
        BucketStack(app, "one")
        BucketStack(app, "two", suffix="two")
        return app


    def broken(app):
        return helper()


    def helper():
        raise ValueError("the VPC needs a CIDR")


    def returns_nothing(app):
        BucketStack(app, "ignored")
"""


def _run_with_entry(pytester: pytest.Pytester, entry: str, test: str, *args: str):
    pytester.makepyfile(test_it=test)
    return pytester.runpytest("--iac-app", entry, "-p", "no:cacheprovider", *args)


# -- already synthesized output: no cdktf needed ------------------------------------------------


def test_synthesized_dir_entry(pytester, synthesized_stack):
    result = _run_with_entry(pytester, "cdktf.out", USES_SYNTH.format(names=["payments"]))
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["iac: entry cdktf.out (synthesized)", "iac synth: cdktf.out -> 1 stack(s) (payments)",
                                 "iac synth: * resources in *"])


def test_cdk_tf_json_entry(pytester, synthesized_stack):
    result = _run_with_entry(
        pytester, "cdktf.out/stacks/payments/cdk.tf.json", USES_SYNTH.format(names=["payments"])
    )
    result.assert_outcomes(passed=1)


def test_stack_is_synthesized_once_per_session(pytester, synthesized_stack):
    for n in range(3):
        pytester.makepyfile(**{f"test_mod{n}": """
            import pytest
            @pytest.mark.parametrize("i", range(5))
            def test_many(iac_stack, iac_synth, i):
                assert iac_synth.stacks["payments"].resource_count == len(iac_stack.resources())
        """})
    pytester.makefile(".yaml", requirements=json.dumps({"version": 1, "requirements": [{"id": "R", "description": "d"}]}))
    result = pytester.runpytest("--iac-app", "cdktf.out", "--iac-requirements", "requirements.yaml",
                                "--iac-report-json", "r.json", "--iac-checks", "off")
    result.assert_outcomes(passed=15)
    assert json.loads((pytester.path / "r.json").read_text())["synth"]["count"] == 1
    assert len([line for line in result.outlines if line.startswith("iac synth:") and " stack(s) (" in line]) == 1


def test_empty_synthesized_dir_is_a_usage_error(pytester):
    (pytester.path / "cdktf.out").mkdir()
    result = _run_with_entry(pytester, "cdktf.out", USES_SYNTH.format(names=[]))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*stack entry 'cdktf.out' (from --iac-app): * holds no synthesized stack*Run 'cdktf synth' first*"])


def test_corrupt_cdk_tf_json_is_a_usage_error(pytester):
    (pytester.path / "cdk.tf.json").write_text('{"resource": ')
    result = _run_with_entry(pytester, "cdk.tf.json", USES_SYNTH.format(names=[]))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*stack entry 'cdk.tf.json' (from --iac-app): cannot read *cdk.tf.json: Expecting value*"])


@pytest.mark.parametrize(
    "entry, message",
    [
        ("missing/tap.py", "*stack entry 'missing/tap.py' (from --iac-app): no such file or directory: *missing/tap.py*"),
        ("just words", "*stack entry 'just words' (from --iac-app) is not understood. Use 'package.module:callable'*"),
    ],
)
def test_entry_of_unknown_form_is_a_usage_error(pytester, entry, message):
    result = _run_with_entry(pytester, entry, USES_SYNTH.format(names=[]))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_entry_from_ini_is_relative_to_the_ini_file(pytester, synthesized_stack):
    pytester.makeini("[pytest]\niac_app = cdktf.out\n")
    pytester.makepyfile(test_it=USES_SYNTH.format(names=["payments"]))
    sub = pytester.mkdir("sub")
    result = pytester.runpytest(str(pytester.path), f"--rootdir={pytester.path}", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert sub.is_dir()


def test_iac_stack_with_several_stacks_names_the_way_out(pytester, synthesized_stack):
    second = synthesized_stack / "stacks" / "audit"
    second.mkdir()
    (second / "cdk.tf.json").write_text('{"resource": {}}')
    (synthesized_stack / "manifest.json").unlink()
    result = _run_with_entry(pytester, "cdktf.out", "def test_it(iac_stack):\n    assert iac_stack.resources()\n")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*the app has 2 stacks (audit, payments); iac_stack needs exactly one. Use iac_synth.stack(name) to choose."])


def test_no_entry_configured(pytester):
    pytester.makepyfile("def test_it(iac_synth):\n    assert iac_synth\n")
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*no stack entry is configured: pass --iac-app ENTRY*"])


# -- entries that synthesize with cdktf for real (core constructs only: no provider import) ------


@pytest.fixture
def core_stack(pytester: pytest.Pytester, cdktf: None) -> None:
    pytester.makepyfile(mystack=CORE_STACK)
    pytester.syspathinsert()


def test_stack_class_with_kwargs_from_ini(core_stack, pytester):
    pytester.makeini("[pytest]\niac_app = mystack:BucketStack\niac_stack_id = payments\niac_app_kwargs =\n    suffix=test\n")
    pytester.makepyfile(test_it="""
        def test_bucket(iac_stack):
            iac_stack.has_resource_properties("aws_s3_bucket", {"bucket": "data-test"})
            iac_stack.has_output("bucket_name", {"value": "data-test"})
    """)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert not (pytester.path / "cdktf.out").exists(), "synthesis never writes into the user's tree"


@pytest.mark.parametrize(
    "entry, stacks",
    [("mystack:build", ["built"]), ("mystack:build_app", ["own-app"]), ("mystack:two_stacks", ["one", "two"])],
)
def test_callables_that_take_an_app_or_make_their_own(core_stack, pytester, entry, stacks):
    result = _run_with_entry(pytester, entry, USES_SYNTH.format(names=stacks))
    result.assert_outcomes(passed=1)


def test_entry_script_is_run_and_its_env_reads_recorded(core_stack, pytester, monkeypatch):
    monkeypatch.setenv("ENVIRONMENT_SUFFIX", "pr42")
    pytester.makepyfile(tap="""
        import os
        from cdktf import App
        from mystack import BucketStack

        app = App(outdir="should-not-be-used")
        BucketStack(app, "tap", suffix=os.environ.get("ENVIRONMENT_SUFFIX", "dev"))
        app.synth()
    """)
    result = _run_with_entry(pytester, "tap.py", """
        def test_it(iac_stack, iac_synth):
            iac_stack.has_resource_properties("aws_s3_bucket", {"bucket": "data-pr42"})
            assert "ENVIRONMENT_SUFFIX" in iac_synth.env_read
    """)
    result.assert_outcomes(passed=1)
    assert not (pytester.path / "should-not-be-used").exists()


@pytest.mark.parametrize(
    "script, message",
    [
        ("x = 1\n", "*stack entry 'tap.py' (from --iac-app) synthesized nothing: it created no App.*"),
        ("from cdktf import App\napp = App()\n", "*synthesized nothing: it created an App but never called app.synth().*"),
        ("import sys\nsys.exit(2)\n", "*stack entry 'tap.py' (from --iac-app) exited with status 2"),
    ],
    ids=["no-app", "no-synth", "exit"],
)
def test_script_that_synthesizes_nothing(core_stack, pytester, script, message):
    pytester.makepyfile(tap=script)
    result = _run_with_entry(pytester, "tap.py", USES_SYNTH.format(names=[]))
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([message])


@pytest.mark.parametrize(
    "entry, message",
    [
        ("nomodule:Stack", "*stack entry 'nomodule:Stack' (from --iac-app): no module named 'nomodule'. Check the spelling*"),
        ("mystack:BucketStak", "*module 'mystack' has no attribute 'BucketStak'. Did you mean 'BucketStack'?"),
        ("mystack:returns_nothing", "*stack entry 'mystack:returns_nothing' (from --iac-app) returned NoneType; it must return a cdktf.TerraformStack or cdktf.App."),
    ],
)
def test_wrong_callable_entries(core_stack, pytester, entry, message):
    result = _run_with_entry(pytester, entry, USES_SYNTH.format(names=[]))
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([message])


def test_raising_callable_shows_only_the_users_frames(core_stack, pytester):
    result = _run_with_entry(pytester, "mystack:broken", USES_SYNTH.format(names=[]))
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([
        "stack entry 'mystack:broken' (from --iac-app) raised while running it:",
        '  File "*mystack.py", line *, in broken',
        "    return helper()",
        '  File "*mystack.py", line *, in helper',
        "ValueError: the VPC needs a CIDR",
    ])
    text = result.stdout.str()
    assert "site-packages" not in text and "pytest_iac" not in text


def test_apps_made_while_importing_the_entry_are_ignored_and_named(core_stack, pytester):
    """A package whose __init__ imports an entry module that synthesizes at import time: only the
    App the plugin made counts for a module:callable entry, and one note names the other."""
    pytester.makepyfile(**{
        "lib/__init__": "from lib import main  # noqa: F401\n",
        "lib/main": """
            from cdktf import App
            from mystack import BucketStack

            app = App()
            BucketStack(app, "TapStackdev", suffix="dev")
            app.synth()
        """,
        "lib/tap_stack": "from mystack import BucketStack\n\n\nclass TapStack(BucketStack):\n    pass\n",
    })
    result = _run_with_entry(pytester, "lib.tap_stack:TapStack", """
        def test_one_stack(iac_stack, iac_synth):
            assert iac_synth.stack_names == ["TapStack"]
            iac_stack.has_resource_properties("aws_s3_bucket", {"bucket": "data-dev"})
    """)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["iac synth: lib.tap_stack:TapStack -> 1 stack(s) (TapStack)*",
                                 "iac synth: ignored 1 App created while importing lib.main"])


def test_a_script_entry_counts_every_app_it_creates(core_stack, pytester):
    pytester.makepyfile(tap="""
        from cdktf import App
        from mystack import BucketStack

        for name in ("first", "second"):
            app = App()
            BucketStack(app, name)
            app.synth()
    """)
    result = _run_with_entry(pytester, "tap.py", USES_SYNTH.format(names=["first", "second"]))
    result.assert_outcomes(passed=1)
    assert "ignored" not in result.stdout.str()
