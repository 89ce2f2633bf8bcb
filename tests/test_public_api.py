"""The public API: every name of ``pytest_iac.__all__`` resolves, lazily, and the warnings share
one base class so a suite can filter them all, or one, like any pytest warning."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import pytest_iac

WARNINGS = ("CacheBypassWarning", "HollowTestWarning", "OptionPathWarning", "ReportOnlyCoverageWarning")


def test_every_public_name_resolves_to_the_object_of_its_module() -> None:
    for name in pytest_iac.__all__:
        value = getattr(pytest_iac, name)
        home = importlib.import_module(pytest_iac._LAZY[name])
        assert value is getattr(home, name), name
        assert name in dir(pytest_iac)
    assert sorted(pytest_iac.__all__) == sorted(pytest_iac._LAZY)


def test_importing_the_package_imports_no_other_module_of_it() -> None:
    code = "import sys, pytest_iac; print(sorted(m for m in sys.modules if m.startswith('pytest_iac')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent)
    assert out.stdout.strip() == "['pytest_iac']"


def test_warnings_share_one_pytest_warning_base() -> None:
    assert issubclass(pytest_iac.PytestIacWarning, pytest.PytestWarning)
    for name in WARNINGS:
        category = getattr(pytest_iac, name)
        assert issubclass(category, pytest_iac.PytestIacWarning), name
        assert f"{category.__module__}.{category.__qualname__}" == f"pytest_iac.{name}"


@pytest.fixture
def warning_test(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile("""
        import warnings
        import pytest_iac

        def test_hollow():
            warnings.warn(pytest_iac.HollowTestWarning("test_hollow asserts nothing about the stack"))

        def test_cache():
            warnings.warn(pytest_iac.CacheBypassWarning("the synthesis cache was bypassed"))
    """)
    return pytester


def test_warnings_are_reported_without_failing_by_default(warning_test: pytest.Pytester) -> None:
    # a subprocess: in-process, this suite's own ``filterwarnings = error`` would still apply
    result = warning_test.runpytest_subprocess("-p", "no:cov")
    result.assert_outcomes(passed=2, warnings=2)
    result.stdout.fnmatch_lines(["*: HollowTestWarning: test_hollow asserts nothing about the stack",
                                 "*: CacheBypassWarning: the synthesis cache was bypassed"])


def test_the_base_class_turns_every_warning_into_an_error(warning_test: pytest.Pytester) -> None:
    result = warning_test.runpytest("-W", "error::pytest_iac.PytestIacWarning")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*pytest_iac.HollowTestWarning: test_hollow asserts nothing about the stack"])


def test_one_warning_can_be_filtered_alone_from_the_ini_file(warning_test: pytest.Pytester) -> None:
    warning_test.makeini("""
        [pytest]
        filterwarnings =
            error::pytest_iac.PytestIacWarning
            ignore::pytest_iac.CacheBypassWarning
    """)
    result = warning_test.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*pytest_iac.HollowTestWarning: test_hollow asserts nothing*",
                                 "FAILED *::test_hollow*"])


def test_a_path_option_written_with_a_space_that_moves_the_rootdir_is_named_with_the_fix(
        pytester: pytest.Pytester) -> None:
    project = pytester.mkdir("project")
    (project / "test_x.py").write_text("def test_x():\n    pass\n")
    outside = pytester.path / "reports"
    outside.mkdir()
    (outside / "old.json").write_text("{}")
    pytester.chdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(project)
        moved = pytester.runpytest("-p", "no:cacheprovider", "--iac-report-json", "../reports/old.json", "test_x.py")
        kept = pytester.runpytest("-p", "no:cacheprovider", "--iac-report-json=../reports/old.json", "test_x.py")
    moved.stdout.fnmatch_lines([f"rootdir: {pytester.path}",  # what the warning explains
                                "*OptionPathWarning: --iac-report-json ../reports/old.json: pytest took this path*"
                                "write --iac-report-json=../reports/old.json instead"])
    kept.stdout.fnmatch_lines([f"rootdir: {project}"])
    assert "OptionPathWarning" not in kept.stdout.str()
