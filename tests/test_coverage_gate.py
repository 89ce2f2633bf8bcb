"""Line coverage of the stack code, resource coverage and hollow tests, through pytester."""

from __future__ import annotations

import json

import pytest

NAMING = """\
PREFIX = "pay"


def bucket_name(suffix):
    if suffix:
        return f"{PREFIX}-data-{suffix}"
    return f"{PREFIX}-data"
"""

REQUIREMENTS = """
    version: 1
    requirements:
      - {id: R-1, description: names carry the suffix}
    coverage:
      source: [stackpkg]
"""

BOTH_BRANCHES = """
    import pytest
    from stackpkg.naming import bucket_name

    @pytest.mark.requirement("R-1")
    def test_with_suffix():
        assert bucket_name("dev") == "pay-data-dev"

    def test_without_suffix():
        assert bucket_name("") == "pay-data"
"""


@pytest.fixture
def stack_project(pytester, write_requirements):
    pkg = pytester.mkpydir("stackpkg")
    (pkg / "naming.py").write_text(NAMING)
    pytester.makeini("[pytest]\npythonpath = .\n")
    write_requirements(REQUIREMENTS)
    return pytester


def _run(pytester, *args, subprocess=True):
    run = pytester.runpytest_subprocess if subprocess else pytester.runpytest
    result = run("--iac-requirements", "requirements.yaml", "--iac-report-json", "r.json", "-p", "no:cacheprovider",
                 "--iac-checks", "off", *args)
    report = pytester.path / "r.json"
    return result, (json.loads(report.read_text()) if report.exists() else None)


def test_full_line_coverage_passes(stack_project):
    stack_project.makepyfile(test_naming=BOTH_BRANCHES)
    result, data = _run(stack_project)
    assert result.ret == 0, result.stdout.str()
    assert data["coverage"] == {"percent": 100.0, "fail_under": 100, "missing": {}}
    result.stdout.fnmatch_lines(["iac: *line coverage of stackpkg (min 100%)*", "line coverage: 100.00% (required 100%)"])


def test_removing_the_test_of_a_branch_fails_with_file_and_line(stack_project):
    stack_project.makepyfile(test_naming=BOTH_BRANCHES.split("    def test_without_suffix")[0])
    result, data = _run(stack_project)
    assert result.ret == 1
    assert data["coverage"]["missing"] == {"stackpkg/naming.py": [7]}
    assert data["coverage"]["percent"] < 100
    result.stdout.fnmatch_lines([
        "line coverage: *% (required 100%)",
        "  stackpkg/naming.py: missing 7",
        "FAIL Required line coverage of 100% not reached. Total coverage: *%",
    ])


def test_import_time_lines_count_when_conftest_imports_the_stack(stack_project):
    stack_project.makeconftest("import stackpkg.naming  # imported before any test module\n")
    stack_project.makepyfile(test_naming=BOTH_BRANCHES)
    result, data = _run(stack_project)
    assert result.ret == 0, result.stdout.str()
    assert data["coverage"]["percent"] == 100.0


def test_threshold_from_yaml_and_its_override_on_the_command_line(stack_project, write_requirements):
    write_requirements(REQUIREMENTS + "      fail_under: 50\n")
    stack_project.makepyfile(test_naming=BOTH_BRANCHES.split("    def test_without_suffix")[0])
    result, data = _run(stack_project)
    assert result.ret == 0
    assert data["coverage"]["fail_under"] == 50
    result, data = _run(stack_project, "--iac-cov-fail-under", "90")
    assert result.ret == 1
    assert data["coverage"]["fail_under"] == 90


def test_bad_threshold_is_a_usage_error(stack_project):
    stack_project.makepyfile(test_naming=BOTH_BRANCHES)
    result, _ = _run(stack_project, "--iac-cov-fail-under", "lots")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--iac-cov-fail-under: 'lots' is not a percentage; give a number from 0 to 100"])


def test_partial_run_reports_coverage_but_fails_only_when_strict(stack_project):
    stack_project.makepyfile(test_naming=BOTH_BRANCHES)
    result, data = _run(stack_project, "-k", "with_suffix and not without")
    assert result.ret == 0
    assert data["coverage"]["missing"] == {"stackpkg/naming.py": [7]}
    result, _ = _run(stack_project, "-k", "with_suffix and not without", "--iac-strict")
    assert result.ret == 1
    result.stdout.fnmatch_lines(["FAIL Required line coverage of 100% not reached*"])


def test_pytest_cov_measurement_is_reused_with_the_same_figure(stack_project, with_pytest_cov):
    stack_project.makepyfile(test_naming=BOTH_BRANCHES.split("    def test_without_suffix")[0])
    _, own = _run(stack_project)
    result, reused = _run(stack_project, "--cov=stackpkg", "--cov=tests_elsewhere")
    result.stdout.fnmatch_lines(["iac: *line coverage (min 100%) reusing pytest-cov's measurement*"])
    assert reused["coverage"] == own["coverage"]


def test_xdist_gives_the_same_figures_as_serial(stack_project, xdist):
    stack_project.makepyfile(test_naming=BOTH_BRANCHES.split("    def test_without_suffix")[0])
    _, serial = _run(stack_project)
    result, dist = _run(stack_project, "-n", "2")
    result.stdout.fnmatch_lines(["iac: *(min 100%, from workers)*"])
    assert dist["coverage"] == serial["coverage"]
    assert dist["verdict"] == serial["verdict"] == "fail"


# -- resource coverage: works from synthesized JSON --------------------------------------------

EXAMINING = """
    import pytest

    @pytest.mark.requirement("R-1")
    def test_network(iac_stack):
        iac_stack.has_resource_properties("aws_vpc", {"cidr_block": "10.0.0.0/16"})
        iac_stack.all_resources_properties("aws_subnet", {"vpc_id": iac_stack.resource("aws_vpc.vpc").ref("id")})

    def test_reading_a_value_counts(iac_stack):
        key = iac_stack.resource("aws_kms_key.key")
        assert key["enable_key_rotation"] is True

    def test_listing_and_counting_do_not_count(iac_stack):
        assert len(iac_stack.find_resources("aws_s3_bucket")) == 2
        iac_stack.resource_count_is("aws_iam_role", 1)
"""


@pytest.fixture
def resource_project(pytester, write_requirements, synthesized_stack):
    write_requirements({"R-1": "network"}, app={"entry": "cdktf.out"})
    return pytester


def test_resource_coverage_names_what_nobody_asserted_on(resource_project):
    resource_project.makepyfile(test_stack=EXAMINING)
    result, data = _run(resource_project, subprocess=False)
    assert result.ret == 0, "without a threshold resource coverage is reported only"
    resources = data["resources"]
    assert (resources["total"], resources["covered"], resources["fail_under"]) == (13, 5, None)
    assert resources["uncovered"]["aws_s3_bucket"] == ["aws_s3_bucket.storage_data_1C2D3E4F", "aws_s3_bucket.storage_logs_6F1A2B3C"]
    assert resources["uncovered"]["aws_iam_role"] == ["aws_iam_role.task-role"]
    assert "aws_vpc" not in resources["uncovered"] and "aws_kms_key" not in resources["uncovered"]
    result.stdout.fnmatch_lines([
        "line coverage: not measured (required 100%) - no Python source to measure*",
        "resource coverage: 5/13 asserted on (38.46%) (report only)",
        "  aws_iam_role: aws_iam_role.task-role",
    ])


def test_resource_threshold_fails_the_run(resource_project):
    resource_project.makepyfile(test_stack=EXAMINING)
    result, data = _run(resource_project, "--iac-resource-fail-under", "100", subprocess=False)
    assert result.ret == 1
    assert data["resources"]["fail_under"] == 100
    result.stdout.fnmatch_lines(["FAIL Required resource coverage of 100% not reached: 5 of 13 resources asserted",
                                 "     on (38.46%)"])


def test_resource_threshold_without_any_synthesis_fails_closed(resource_project):
    resource_project.makepyfile(test_x="""
        import pytest
        @pytest.mark.requirement("R-1")
        def test_x():
            assert __name__ > "a"
    """)
    result, data = _run(resource_project, "--iac-resource-fail-under", "50", subprocess=False)
    assert result.ret == 1
    assert data["reasons"] == ["resource coverage not measured: no test used the synthesized stack"]


# -- hollow tests -------------------------------------------------------------------------------

HOLLOW = """
    import pytest

    @pytest.mark.requirement("R-1")
    def test_exists(iac_stack):
        stack = iac_stack.find_resources("aws_vpc")
        assert stack is not None
        assert isinstance(stack, dict)

    @pytest.mark.requirement("R-1")
    def test_nothing(iac_stack):
        iac_stack.find_resources("aws_vpc")
"""


def test_hollow_tests_are_named_and_do_not_satisfy(resource_project):
    resource_project.makepyfile(test_hollow=HOLLOW)
    result, data = _run(resource_project, subprocess=False)
    result.assert_outcomes(passed=2)
    assert result.ret == 1
    assert data["hollow"] == [
        "test_hollow.py:3: only trivial assertions (line 6: checks only that a value is not None)",
        "test_hollow.py:9: no assertion",
    ]
    assert data["requirements"][0]["status"] == "untested"
    assert {t["outcome"] for t in data["requirements"][0]["tests"]} == {"hollow"}
    result.stdout.fnmatch_lines(["hollow test (does not count): test_hollow.py:3: only trivial assertions (line",
                                 "     6: *)", "FAIL *(untested: R-1)"])


def test_assertion_in_a_module_helper_is_not_hollow(resource_project):
    resource_project.makepyfile(test_helper="""
        import pytest

        def check_vpc(stack):
            stack.has_resource_properties("aws_vpc", {"cidr_block": "10.0.0.0/16"})

        @pytest.mark.requirement("R-1")
        def test_vpc(iac_stack):
            check_vpc(iac_stack)
    """)
    result, data = _run(resource_project, subprocess=False)
    assert result.ret == 0, result.stdout.str()
    assert data["hollow"] == []
