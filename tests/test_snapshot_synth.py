"""Snapshots of a real cdktf synthesis: a fresh synthesis after the asset's source changed still
equals the snapshot (asset hash and absolute paths normalized); ``Template.from_stack``."""

from __future__ import annotations

import json

from pytest_iac import Template

STACK = """
    import os

    from cdktf import AssetType, TerraformAsset, TerraformOutput, TerraformStack

    HERE = os.path.dirname(os.path.abspath(__file__))


    class AppStack(TerraformStack):
        def __init__(self, scope, id):
            super().__init__(scope, id)
            asset = TerraformAsset(self, "package", path=os.path.join(HERE, "src"), type=AssetType.ARCHIVE)
            TerraformOutput(self, "package_path", value=asset.path)
            TerraformOutput(self, "source_dir", value=os.path.join(HERE, "src"))
"""


def test_two_fresh_syntheses_compare_equal_although_the_asset_hash_changed(pytester, cdktf):
    pytester.makepyfile(app_stack=STACK, test_snap="""
        def test_stack(iac_stack, iac_snapshot):
            with open("asset-paths.txt", "a") as out:  # the raw path, hash included
                out.write(iac_stack.to_json()["output"]["package_path"]["value"] + "\\n")
            assert iac_stack.to_json() == iac_snapshot
    """)
    (pytester.path / "src").mkdir()
    (pytester.path / "src" / "handler.py").write_text("def handler(event, context):\n    return 1\n")
    args = ("--iac-app", "app_stack:AppStack", "--iac-cache", "off", "-p", "no:cacheprovider")
    pytester.runpytest_subprocess(*args, "--snapshot-update").assert_outcomes(passed=1)
    stored = json.loads((pytester.path / "__snapshots__/test_snap/test_stack.tf.json").read_text())
    assert stored["output"]["package_path"]["value"] == "assets/package/<asset-hash>/archive.zip"
    assert stored["output"]["source_dir"]["value"] == "<rootdir>/src"

    (pytester.path / "src" / "handler.py").write_text("def handler(event, context):\n    return 2\n")
    result = pytester.runpytest_subprocess(*args)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*1 snapshot passed*"])
    first, second = (pytester.path / "asset-paths.txt").read_text().splitlines()
    assert first != second  # the hash did change; the snapshot did not see it


def test_from_stack_synthesizes_one_stack_object(cdktf):
    from cdktf import App, TerraformOutput, TerraformStack

    app = App()
    stack = TerraformStack(app, "demo")
    TerraformOutput(stack, "greeting", value="hello")
    template = Template.from_stack(stack)
    assert template.stack_name == "demo"
    template.has_output("greeting", {"value": "hello"})
    template.template_matches({"output": {"greeting": {"value": "hello"}}})
