"""The synthesis cache: a hit only while nothing the synthesis read has changed."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.usefixtures("cdktf")

STACK = """
    import json
    import os
    from pathlib import Path

    from cdktf import AssetType, TerraformAsset, TerraformOutput, TerraformResource, TerraformStack

    HERE = Path(__file__).parent


    class CachedStack(TerraformStack):
        def __init__(self, scope, id, *, suffix="dev"):
            super().__init__(scope, id)
            names = json.loads((HERE / "names.json").read_text())
            bucket = TerraformResource(self, "bucket", terraform_resource_type="aws_s3_bucket")
            bucket.add_override("bucket", f"{names['bucket']}-{suffix}-{os.environ.get('TEAM', 'none')}")
            asset = TerraformAsset(self, "code", path=str(HERE / "src"), type=AssetType.ARCHIVE)
            TerraformOutput(self, "package", value=asset.asset_hash)
"""

TESTS = """
    import sys
    import pytest

    @pytest.mark.requirement("R-1")
    def test_bucket(iac_stack):
        iac_stack.has_resource_properties("aws_s3_bucket", {"bucket": pytest.importorskip("os").environ["EXPECT"]})

    def test_modules(iac_synth):
        if iac_synth.cache == "hit":
            assert "cdktf" not in sys.modules and "cachedstack" not in sys.modules
"""


@pytest.fixture
def project(pytester, monkeypatch):
    pytester.makepyfile(cachedstack=STACK)
    (pytester.path / "names.json").write_text('{"bucket": "data"}')
    (pytester.path / "src").mkdir()
    (pytester.path / "src" / "handler.py").write_text("def handler(event, context):\n    return 1\n")
    pytester.makepyfile(test_stack=TESTS)
    pytester.makefile(".yaml", requirements="version: 1\nrequirements:\n  - {id: R-1, description: bucket}\n"
                      "coverage:\n  source: [cachedstack]\n")
    pytester.makeini("[pytest]\npythonpath = .\niac_app = cachedstack:CachedStack\niac_stack_id = cached\n"
                     "iac_requirements = requirements.yaml\niac_checks = off\n")
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("EXPECT", "data-dev-none")
    return pytester


def _cache_state(pytester, *args):
    result = pytester.runpytest_subprocess(*args)
    result.assert_outcomes(passed=2)
    line = next(l for l in result.outlines if l.startswith("iac synth:"))
    return "hit" if line.endswith("cache hit") else "miss" if line.endswith("cache miss") else "off"


def test_second_run_is_a_hit_that_imports_no_cdktf_and_keeps_coverage(project):
    first = project.runpytest_subprocess("--iac-report-json", "cold.json")
    second = project.runpytest_subprocess("--iac-report-json", "warm.json")
    first.assert_outcomes(passed=2)
    second.assert_outcomes(passed=2)
    first.stdout.fnmatch_lines(["iac synth: *cache miss"])
    second.stdout.fnmatch_lines(["iac synth: *cache hit"])
    cold = json.loads((project.path / "cold.json").read_text())
    warm = json.loads((project.path / "warm.json").read_text())
    assert cold["coverage"]["percent"] == 100.0
    assert warm["coverage"] == cold["coverage"]
    assert warm["resources"] == cold["resources"]


@pytest.mark.parametrize("change", ["source", "data file", "asset tree", "env var", "arguments"])
def test_each_kind_of_input_change_is_a_miss(project, monkeypatch, change):
    assert _cache_state(project) == "miss"
    assert _cache_state(project) == "hit"
    if change == "source":
        stack = project.path / "cachedstack.py"
        stack.write_text(stack.read_text() + "\n# edited\n")
    elif change == "data file":
        (project.path / "names.json").write_text('{"bucket": "records"}')
        monkeypatch.setenv("EXPECT", "records-dev-none")
    elif change == "asset tree":
        (project.path / "src" / "handler.py").write_text("def handler(event, context):\n    return 2\n")
    elif change == "env var":
        monkeypatch.setenv("TEAM", "payments")
        monkeypatch.setenv("EXPECT", "data-dev-payments")
    else:
        ini = project.path / "tox.ini"
        ini.write_text(ini.read_text() + "\niac_app_kwargs =\n    suffix=prod\n")
        monkeypatch.setenv("EXPECT", "data-prod-none")
    assert _cache_state(project) == "miss"
    assert _cache_state(project) == "hit"


def test_versions_are_part_of_the_key(monkeypatch, tmp_path):
    from pytest_iac.synthesis import inputs
    from pytest_iac.synthesis.cache import SynthCache
    from pytest_iac.config.entry import EntrySpec

    spec = EntrySpec(entry="m:Stack", origin="test", base_dir=tmp_path)
    cache = SynthCache(tmp_path / "cache")
    before = cache.key(spec)
    monkeypatch.setattr(inputs, "versions", lambda: {"cdktf": "0.21.1"})
    assert cache.key(spec) != before


def test_corrupt_entry_is_ignored_and_rebuilt(project):
    assert _cache_state(project) == "miss"
    for record in (project.path / ".pytest_cache").rglob("record.json"):
        record.write_text("{not json")
    assert _cache_state(project) == "miss"
    assert _cache_state(project) == "hit"


def test_cache_off_clear_and_ci_default(project, monkeypatch):
    assert _cache_state(project) == "miss"
    assert _cache_state(project, "--iac-cache", "off") == "off"
    assert _cache_state(project, "--iac-cache-clear") == "miss"
    monkeypatch.setenv("CI", "true")
    assert _cache_state(project) == "off"
    assert _cache_state(project, "--iac-cache", "on") == "hit"


def test_concurrent_runs_do_not_corrupt_the_cache(project):
    command = [sys.executable, "-m", "pytest", "-q"]
    runs = [subprocess.Popen(command, cwd=project.path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for _ in range(3)]
    outputs = [run.communicate(timeout=600)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    assert sorted("cache miss" in out for out in outputs).count(True) >= 1
    assert _cache_state(project) == "hit"


def test_xdist_workers_synthesize_once_without_the_cache(project, xdist, run_with_report):
    project.makepyfile(test_more="""
        import pytest
        @pytest.mark.parametrize("n", range(20))
        def test_many(iac_stack, n):
            iac_stack.resource_count_is("aws_s3_bucket", 1)
    """)
    result, report = run_with_report("-n", "2", "--iac-cache", "off", subprocess=True)
    result.assert_outcomes(passed=22)
    syntheses = report["synth"]
    assert syntheses["count"] == 2, "each worker has its synthesis object"
    assert sorted(s["cache"] for s in syntheses["syntheses"]) == ["hit", "miss"]
