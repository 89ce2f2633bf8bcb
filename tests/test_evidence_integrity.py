"""Evidence integrity: a caught query failure, a hollow test and a vacuous query never count
for a requirement, and each is named."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def project(pytester, write_requirements, synthesized_stack):
    write_requirements({"R-1": "network"}, app={"entry": "cdktf.out"})
    return pytester


def _run(pytester, *args, subprocess=False):
    run = pytester.runpytest_subprocess if subprocess else pytester.runpytest
    result = run("--iac-requirements", "requirements.yaml", "--iac-report-json=r.json", "-p", "no:cacheprovider",
                 "--iac-checks", "off", *args)
    return result, json.loads((pytester.path / "r.json").read_text(encoding="utf-8"))


CAUGHT = """
    import pytest

    @pytest.mark.requirement("R-1")
    def test_caught(iac_stack):
        try:
            iac_stack.has_resource_properties("aws_vpc", {"cidr_block": "10.9.0.0/16"})
        except AssertionError:
            pass

    @pytest.mark.requirement("R-1")
    def test_raises(iac_stack):
        with pytest.raises(AssertionError):
            iac_stack.resource_count_is("aws_vpc", 3)
"""


def test_a_test_that_catches_a_failed_query_does_not_count(project):
    project.makepyfile(test_caught=CAUGHT)
    result, data = _run(project)
    result.assert_outcomes(passed=2)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert data["requirements"][0]["status"] == "failed"
    assert {t["outcome"] for t in data["requirements"][0]["tests"]} == {"caught"}
    assert data["caught"] == [
        "test_caught.py::test_caught: Template.has_resource_properties: Template has 1 resource of type aws_vpc,"
        " but it does not match the expected properties.",
        "test_caught.py::test_raises: Template.resource_count_is: Expected 3 resources of type aws_vpc,"
        " found 1: aws_vpc.vpc",
    ]
    result.stdout.fnmatch_lines([
        "caught query failure (does not count): test_caught.py::test_caught:",
        "     Template.has_resource_properties: *",
        "FAIL 1 of 1 requirements not satisfied (failed: R-1)",
    ])


def test_a_caught_failure_counts_against_its_own_test_only(project):
    project.makepyfile(test_caught=CAUGHT + """
    @pytest.mark.requirement("R-1")
    def test_real(iac_stack):
        iac_stack.has_resource_properties("aws_vpc", {"cidr_block": "10.0.0.0/16"})
    """)
    result, data = _run(project)
    assert result.ret == 0
    outcomes = {t["nodeid"].split("::")[1]: t["outcome"] for t in data["requirements"][0]["tests"]}
    assert outcomes == {"test_caught": "caught", "test_raises": "caught", "test_real": "passed"}


def test_a_caught_failure_travels_from_an_xdist_worker(project, xdist):
    project.makepyfile(test_caught=CAUGHT)
    result, data = _run(project, "-n", "2", subprocess=True)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert len(data["caught"]) == 2
    assert data["requirements"][0]["status"] == "failed"


def test_the_issues_hollow_patterns_do_not_count(project):
    project.makepyfile(test_hollow="""
        import pytest

        @pytest.mark.requirement("R-1")
        def test_constants():
            assert 1 == 1
            assert 'a' == 'a'

        @pytest.mark.requirement("R-1")
        def test_itself(iac_stack):
            vpc = iac_stack.resource("aws_vpc.vpc")
            assert vpc == vpc

        @pytest.mark.requirement("R-1")
        def test_tuple(iac_stack):
            assert (iac_stack.resource("aws_vpc.vpc")["cidr_block"] == "10.9.0.0/16", "wrong cidr")

        @pytest.mark.requirement("R-1")
        def test_after_return(iac_stack):
            return
            assert iac_stack.resource("aws_vpc.vpc")["cidr_block"] == "10.9.0.0/16"

        @pytest.mark.requirement("R-1")
        def test_if_false(iac_stack):
            if False:
                assert iac_stack.resource("aws_vpc.vpc")["cidr_block"] == "10.9.0.0/16"

        @pytest.mark.requirement("R-1")
        def test_bare_raise():
            with pytest.raises(ValueError):
                raise ValueError("no")
    """)
    result, data = _run(project, "-W", "ignore::pytest.PytestAssertRewriteWarning")
    result.assert_outcomes(passed=6)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert data["requirements"][0]["status"] == "untested"
    assert len(data["hollow"]) == 6, data["hollow"]


def test_an_attribute_assert_is_not_hollow(project):
    project.makepyfile(test_attr="""
        import pytest
        from pytest_iac import Match

        @pytest.mark.requirement("R-1")
        def test_success(iac_stack):
            result = Match.evaluate({"cidr_block": "10.0.0.0/16"}, dict(iac_stack.resource("aws_vpc.vpc")))
            assert result.is_success
    """)
    result, data = _run(project, subprocess=True)
    assert result.ret == 0, result.stdout.str()
    assert data["hollow"] == []


@pytest.mark.parametrize("pattern", ["{}", "Match.any_value()", "Match.object_like({})"])
def test_a_vacuous_query_examines_no_resource(project, pattern):
    project.makepyfile(test_vacuous=f"""
        import pytest
        from pytest_iac import Match

        @pytest.mark.requirement("R-1")
        def test_vpc(iac_stack):
            iac_stack.has_resource_properties("aws_vpc", {pattern})
            iac_stack.all_resources_properties("aws_subnet", {pattern})
            iac_stack.resource_properties_count_is("aws_s3_bucket", {pattern}, 2)
    """)
    result, data = _run(project, subprocess=True)  # Match imported afresh: its own process
    assert result.ret == 0, result.stdout.str()
    assert data["resources"]["covered"] == 0


def test_a_real_query_examines_its_resources(project):
    project.makepyfile(test_real="""
        import pytest
        from pytest_iac import Match

        @pytest.mark.requirement("R-1")
        def test_vpc(iac_stack):
            iac_stack.has_resource_properties("aws_vpc", {"cidr_block": Match.any_value()})
            iac_stack.all_resources_properties("aws_subnet", {"cidr_block": Match.any_value()})
    """)
    result, data = _run(project, subprocess=True)
    assert result.ret == 0, result.stdout.str()
    assert data["resources"]["covered"] == 4
