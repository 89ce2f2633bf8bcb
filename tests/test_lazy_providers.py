"""Lazy provider packages: only the submodules a stack uses are imported."""

from __future__ import annotations

import json

import pytest

FAKE_INIT = 'raise RuntimeError("the eager __init__ ran")\n'


@pytest.fixture
def fake_provider(pytester):
    pkg = pytester.mkpydir("cdktf_cdktf_provider_fake")
    (pkg / "__init__.py").write_text(FAKE_INIT)
    for sub in ("vpc", "s3_bucket"):
        (pkg / sub).mkdir()
        (pkg / sub / "__init__.py").write_text(f"class {sub.title().replace('_', '')}:\n    pass\n")
    pytester.makepyfile(stack="def build():\n    raise NotImplementedError\n")
    return pytester


def test_submodules_import_without_the_eager_init(fake_provider):
    fake_provider.makepyfile(test_it="""
        import sys

        def test_imports():
            from cdktf_cdktf_provider_fake.vpc import Vpc
            import cdktf_cdktf_provider_fake
            assert Vpc.__name__ == "Vpc"
            assert cdktf_cdktf_provider_fake.s3_bucket.S3Bucket.__name__ == "S3Bucket"
            assert "cdktf_cdktf_provider_fake.s3_bucket" in sys.modules
            assert "s3_bucket" in cdktf_cdktf_provider_fake.__all__
    """)
    result = fake_provider.runpytest_subprocess("--iac-app", "stack:build", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_opt_out_imports_the_real_package(fake_provider):
    fake_provider.makepyfile(test_it="""
        import pytest

        def test_eager():
            with pytest.raises(RuntimeError, match="the eager __init__ ran"):
                import cdktf_cdktf_provider_fake  # noqa: F401
    """)
    result = fake_provider.runpytest_subprocess("--iac-app", "stack:build", "--iac-no-lazy-providers", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_unknown_attribute_is_an_attribute_error(fake_provider):
    fake_provider.makepyfile(test_it="""
        import pytest
        import cdktf_cdktf_provider_fake

        def test_missing():
            with pytest.raises(AttributeError, match="has no attribute 'nope'"):
                cdktf_cdktf_provider_fake.nope
    """)
    result = fake_provider.runpytest_subprocess("--iac-app", "stack:build", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


AWS_STACK = """
    from cdktf import TerraformStack
    from cdktf_cdktf_provider_aws.provider import AwsProvider
    from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
    import cdktf_cdktf_provider_aws


    class Stack(TerraformStack):
        def __init__(self, scope, id):
            super().__init__(scope, id)
            AwsProvider(self, "aws", region="eu-west-1")
            bucket = S3Bucket(self, "bucket", bucket="lazy-test")
            cdktf_cdktf_provider_aws.s3_bucket_versioning.S3BucketVersioningA(
                self, "versioning", bucket=bucket.id, versioning_configuration={"status": "Enabled"}
            )
"""


def test_synthesized_json_is_identical_with_and_without(pytester, monkeypatch, aws_provider):
    pytester.makepyfile(awsstack=AWS_STACK)
    pytester.makepyfile(test_dump="""
        import json, os

        def test_dump(iac_synth):
            config = iac_synth.stacks["stack"].config
            with open(os.environ["DUMP_TO"], "w") as handle:
                json.dump(config, handle, sort_keys=True)
            assert config["resource"]["aws_s3_bucket"]["bucket"]["bucket"] == "lazy-test"
    """)
    dumps = {}
    for variant, extra in (("lazy", []), ("eager", ["--iac-no-lazy-providers"])):
        target = pytester.path / f"{variant}.json"
        monkeypatch.setenv("DUMP_TO", str(target))
        result = pytester.runpytest_subprocess("--iac-app", "awsstack:Stack", "--iac-stack-id", "stack",
                                               "-p", "no:cacheprovider", f"--rootdir={pytester.path}", *extra)
        result.assert_outcomes(passed=1)
        dumps[variant] = json.loads(target.read_text())
    assert dumps["lazy"] == dumps["eager"]
