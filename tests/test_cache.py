"""The synthesis cache: a hit only while nothing the synthesis read has changed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

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
    line = next(l for l in result.outlines if l.startswith("iac synth:") and " resources in " in l)
    return "hit" if ", cache hit (saved " in line else "miss" if line.endswith("cache miss") else "off"


def test_second_run_is_a_hit_that_imports_no_cdktf_and_keeps_coverage(project):
    first = project.runpytest_subprocess("--iac-report-json", "cold.json")
    second = project.runpytest_subprocess("--iac-report-json", "warm.json")
    first.assert_outcomes(passed=2)
    second.assert_outcomes(passed=2)
    first.stdout.fnmatch_lines(["iac synth: *cache miss"])
    second.stdout.fnmatch_lines(["iac synth: *cache hit (saved *s)"])
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


def _warned(result) -> bool:
    return any("CacheBypassWarning" in line for line in result.outlines)


def test_edited_cached_output_is_rebuilt_with_a_warning(project):
    assert _cache_state(project) == "miss"
    for cached in (project.path / ".pytest_cache").rglob("cdk.tf.json"):
        cached.write_text(cached.read_text().replace('"aws_s3_bucket"', '"aws_s3_buckex"'))
    result = project.runpytest_subprocess()
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*CacheBypassWarning*output was changed*", "iac synth: *cache miss"])
    assert _cache_state(project) == "hit"


@pytest.mark.parametrize("record", ['{"format": 2, "inputs": []}', '{"format": 2}', "[]",
                                    '{"format": 2, "output": "x", "env_read": [], "inputs": {"files": {}}}'])
def test_invalid_record_is_rebuilt_with_one_warning(project, record):
    assert _cache_state(project) == "miss"
    for path in (project.path / ".pytest_cache").rglob("record.json"):
        path.write_text(record)
    result = project.runpytest_subprocess()
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["iac synth: *cache miss"])
    assert sum("is not valid" in line for line in result.outlines) == 1
    assert _cache_state(project) == "hit"


@pytest.mark.parametrize("broken", ["file instead of the cache dir", "directory instead of the lock file",
                                    "unwritable"])
def test_unusable_cache_dir_falls_back_to_no_cache_with_one_warning(project, broken):
    cache = project.path / ".pytest_cache" / "d" / "pytest-iac"
    if broken == "file instead of the cache dir":
        cache.parent.mkdir(parents=True)
        cache.write_text("not a directory")
    elif broken == "directory instead of the lock file":
        assert _cache_state(project) == "miss"
        for lock in cache.rglob("*.lock"):
            lock.unlink()
            lock.mkdir()
    else:  # root writes anywhere, so the failure a read-only directory gives is injected
        project.makeconftest("""
            import pytest_iac.synthesis.cache as cache

            def unwritable(self, *args):
                raise PermissionError(13, "Permission denied", str(self.directory))

            cache.SynthCache._store = unwritable
        """)
    for _ in range(2):
        result = project.runpytest_subprocess()
        result.assert_outcomes(passed=2)
        assert "INTERNALERROR" not in result.stdout.str()
        assert sum("CacheBypassWarning" in line for line in result.outlines) == 1, result.stdout.str()
        result.stdout.fnmatch_lines(["*synthesi*without the cache*"])


def test_cache_stores_digests_of_env_vars_never_their_values(project, monkeypatch):
    secret = "PlantedSecretValue-4711"
    project.makepyfile(cachedstack=STACK.replace("os.environ.get('TEAM', 'none')",
                                                 "os.environ.get('TEAM', 'none')}{os.environ['AWS_SECRET_ACCESS_KEY'][:0]"))
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    assert _cache_state(project) == "miss"
    stored = [p for p in (project.path / ".pytest_cache").rglob("*") if p.is_file()]
    assert any(p.name == "record.json" for p in stored)
    assert not [p for p in stored if secret.encode() in p.read_bytes()]
    assert "AWS_SECRET_ACCESS_KEY" in next(p for p in stored if p.name == "record.json").read_text()
    assert _cache_state(project) == "hit"
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret + "x")
    assert _cache_state(project) == "miss"


READER = """
    import glob
    import importlib.resources
    import os
    import pkgutil
    from pathlib import Path

    from cdktf import TerraformResource, TerraformStack

    HERE = Path(__file__).parent


    class ReaderStack(TerraformStack):
        def __init__(self, scope, id):
            super().__init__(scope, id)
            parts = [
                pkgutil.get_data("readerpkg", "data.txt").decode().strip(),
                importlib.resources.files("readerpkg").joinpath("res.txt").read_text().strip(),
                str(len(os.listdir(HERE.parent / "plugins"))),
                str(len(glob.glob(str(HERE.parent / "more" / "*.txt")))),
            ]
            bucket = TerraformResource(self, "bucket", terraform_resource_type="aws_s3_bucket")
            bucket.add_override("bucket", "-".join(parts))
"""


@pytest.mark.parametrize("change", ["pkgutil.get_data", "importlib.resources", "file added to a listed dir",
                                    "file removed from a globbed dir", "same-size asset edit, mtime restored"])
def test_inputs_read_through_loaders_listings_and_assets_are_recorded(project, monkeypatch, change):
    package = project.path / "readerpkg"
    package.mkdir()
    (package / "__init__.py").write_text(textwrap.dedent(READER))
    (package / "data.txt").write_text("d1")
    (package / "res.txt").write_text("r1")
    (project.path / "plugins").mkdir()
    (project.path / "more").mkdir()
    (project.path / "more" / "a.txt").write_text("a")
    (project.path / "more" / "b.txt").write_text("b")
    ini = project.path / "tox.ini"
    ini.write_text(ini.read_text().replace("cachedstack:CachedStack", "readerpkg:ReaderStack"))
    project.makepyfile(test_stack="""
        import os

        def test_bucket(iac_stack):
            iac_stack.has_resource_properties("aws_s3_bucket", {"bucket": os.environ["EXPECT"]})

        def test_other():
            pass
    """)
    monkeypatch.setenv("EXPECT", "d1-r1-0-2")
    if change.startswith("same-size"):  # the asset stack of the main project
        ini.write_text(ini.read_text().replace("readerpkg:ReaderStack", "cachedstack:CachedStack"))
        monkeypatch.setenv("EXPECT", "data-dev-none")
    assert _cache_state(project) == "miss"
    assert _cache_state(project) == "hit"
    if change == "pkgutil.get_data":
        (package / "data.txt").write_text("d2")
        monkeypatch.setenv("EXPECT", "d2-r1-0-2")
    elif change == "importlib.resources":
        (package / "res.txt").write_text("r2")
        monkeypatch.setenv("EXPECT", "d1-r2-0-2")
    elif change == "file added to a listed dir":
        (project.path / "plugins" / "new.py").write_text("")
        monkeypatch.setenv("EXPECT", "d1-r1-1-2")
    elif change == "file removed from a globbed dir":
        (project.path / "more" / "b.txt").unlink()
        monkeypatch.setenv("EXPECT", "d1-r1-0-1")
    else:
        handler = project.path / "src" / "handler.py"
        before = handler.stat()
        handler.write_text(handler.read_text().replace("return 1", "return 2"))
        os.utime(handler, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert handler.stat().st_size == before.st_size
    assert _cache_state(project) == "miss"
    assert _cache_state(project) == "hit"
