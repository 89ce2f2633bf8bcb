"""The requirement gate, driven through pytester the way a user meets it."""

from __future__ import annotations

import json

import pytest

REQS = {"R-1": "first thing", "R-2": "second thing"}

TWO_TESTS = """
    import pytest

    def double(value):
        return 2 * value

    @pytest.mark.requirement("R-1")
    def test_one():
        assert double(1) == 2

    @pytest.mark.requirement("R-2")
    def test_two():
        assert double("a") == "aa"
"""


def test_all_requirements_passing_passes_the_run(pytester, write_requirements):
    write_requirements(REQS)
    pytester.makepyfile(TWO_TESTS)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml")
    result.assert_outcomes(passed=2)
    assert result.ret == 0
    result.stdout.fnmatch_lines(["*= iac requirements =*", "R-1*passed*1/1 passing*first thing", "PASS all 2 requirements satisfied"])


def test_requirement_without_test_fails_the_run_and_is_named(pytester, write_requirements):
    write_requirements({**REQS, "R-3": "nobody tests me"})
    pytester.makepyfile(TWO_TESTS)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml")
    result.assert_outcomes(passed=2)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["R-3*untested*0/0 passing*", "FAIL 1 of 3 requirements not satisfied (untested: R-3)"])


def test_failing_linked_test_fails_its_requirement(pytester, write_requirements):
    write_requirements(REQS)
    pytester.makepyfile(TWO_TESTS.replace('double("a") == "aa"', 'double("a") == "b"'))
    result = pytester.runpytest("--iac-requirements", "requirements.yaml")
    assert result.ret == 1
    result.stdout.fnmatch_lines(["R-2*failed*0/1 passing*", "FAIL *(failed: R-2)"])


def test_one_passing_test_is_enough_when_another_fails(pytester, write_requirements):
    write_requirements({"R-1": "x"})
    pytester.makepyfile("""
        import pytest
        pytestmark = pytest.mark.requirement("R-1")
        def test_good():
            assert list(range(int("2"), len(__name__))) != []
        def test_bad():
            assert dict(__name__=__name__) == {"a": 1}
    """)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["R-1*passed*1/2 passing*"])


SKIP = """
    import pytest
    @pytest.mark.requirement("R-1")
    @pytest.mark.skip(reason="later")
    def test_it():
        assert 0
"""
XFAIL = """
    import pytest
    @pytest.mark.requirement("R-1")
    @pytest.mark.xfail(reason="known")
    def test_it():
        assert 0
"""
XPASS = """
    import pytest
    @pytest.mark.requirement("R-1")
    @pytest.mark.xfail(reason="lucky", strict=False)
    def test_it():
        assert 1
"""


@pytest.mark.parametrize(
    "source, status", [(SKIP, "skipped"), (XFAIL, "skipped"), (XPASS, "failed")], ids=["skip", "xfail", "xpass"]
)
def test_skipped_xfailed_and_xpassed_tests_do_not_satisfy(pytester, write_requirements, source, status):
    write_requirements({"R-1": "x"})
    pytester.makepyfile(source)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml")
    assert result.ret == 1
    result.stdout.fnmatch_lines([f"R-1*{status}*", f"FAIL *({status}: R-1)"])


def test_error_in_setup_does_not_satisfy(pytester, write_requirements):
    write_requirements({"R-1": "x"})
    pytester.makepyfile("""
        import pytest
        @pytest.fixture
        def broken():
            raise RuntimeError("no")
        @pytest.mark.requirement("R-1")
        def test_it(broken):
            assert broken == 1
    """)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["FAIL *(failed: R-1)"])


def test_markers_named_in_the_yaml_link_tests(pytester, write_requirements):
    write_requirements("""
        version: 1
        requirements:
          - id: NET-1
            description: network
            markers: [network]
    """)
    pytester.makeini("[pytest]\nmarkers =\n    network: network tests\n")
    pytester.makepyfile("""
        import pytest
        @pytest.mark.network
        class TestVpc:
            def test_cidr(self):
                assert self.cidr().endswith("/16")
            def cidr(self):
                return "10.0.0.0/16"
    """)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml", "--strict-markers")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["NET-1*passed*1/1 passing*"])


def test_class_marker_links_every_method(pytester, write_requirements):
    write_requirements(REQS)
    pytester.makepyfile("""
        import pytest
        @pytest.mark.requirement("R-1", "R-2")
        class TestBoth:
            def test_a(self):
                assert __name__.startswith("test_")
    """)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml")
    assert result.ret == 0


def test_unknown_requirement_id_fails_collection_with_closest_id(pytester, write_requirements):
    write_requirements({"PAY-001": "x"})
    pytester.makepyfile("""
        import pytest
        @pytest.mark.requirement("PAY-01")
        def test_it():
            assert True is not False
    """)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines([
        "*test_unknown_requirement_id_fails_collection_with_closest_id.py::test_it: unknown requirement id 'PAY-01'*Did you mean 'PAY-001'?*",
        "*1 error during collection*",
    ])


@pytest.mark.parametrize(
    "args, message",
    [
        ("", "requirement() needs at least one requirement id*"),
        ("3", "requirement() ids must be non-empty strings, got 3"),
        ('"R-1", why="x"', "requirement() got an unexpected keyword argument 'why'"),
    ],
)
def test_bad_marker_arguments_fail_collection(pytester, write_requirements, args, message):
    write_requirements(REQS)
    pytester.makepyfile(f"""
        import pytest
        @pytest.mark.requirement({args})
        def test_it():
            assert 1 == 1
    """)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines([f"*::test_it: @pytest.mark.requirement: {message}"])


def test_deselected_requirements_are_not_run_and_do_not_fail(pytester, write_requirements):
    write_requirements(REQS)
    pytester.makepyfile(TWO_TESTS)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml", "-k", "one")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["R-1*passed*", "R-2*not run*", "partial run:*", "PASS*"])


def test_strict_makes_a_partial_run_fail(pytester, write_requirements):
    write_requirements(REQS)
    pytester.makepyfile(TWO_TESTS)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml", "-k", "one", "--iac-strict")
    assert result.ret == 1
    result.stdout.fnmatch_lines(["FAIL *(not run: R-2)"])


def test_strict_from_ini(pytester, write_requirements):
    write_requirements(REQS)
    pytester.makeini("[pytest]\niac_strict = true\niac_requirements = requirements.yaml\n")
    pytester.makepyfile(TWO_TESTS)
    result = pytester.runpytest("-k", "two")
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*strict*", "FAIL *(not run: R-1)"])


def test_node_id_run_is_partial(pytester, write_requirements):
    write_requirements(REQS)
    path = pytester.makepyfile(TWO_TESTS)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml", f"{path.name}::test_two")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["R-1*not run*", "R-2*passed*"])


def test_untested_requirement_fails_even_in_a_partial_run_only_with_strict(pytester, write_requirements):
    write_requirements({**REQS, "R-3": "never"})
    pytester.makepyfile(TWO_TESTS)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml", "-k", "one")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["R-3*not run*"])


def test_integration_requirement_needs_an_integration_test(pytester, write_requirements):
    write_requirements("""
        version: 1
        requirements:
          - {id: INT-1, description: deployed api answers, kind: integration}
          - {id: UNIT-1, description: synthesized api, kind: unit}
    """)
    pytester.makepyfile(test_unit="""
        import pytest
        @pytest.mark.requirement("INT-1", "UNIT-1")
        def test_api():
            assert __name__ in ["test_unit"]
    """)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml")
    assert result.ret == 1
    result.stdout.fnmatch_lines(["INT-1*untested*", "UNIT-1*passed*", "FAIL *(untested: INT-1)"])
    integration = pytester.mkpydir("integration")
    (integration / "test_live.py").write_text(
        "import pytest\n@pytest.mark.requirement('INT-1')\ndef test_live():\n    assert __name__.endswith('test_live')\n"
    )
    result = pytester.runpytest("--iac-requirements", "requirements.yaml")
    assert result.ret == 0


def test_exitfirst_leaves_linked_tests_without_result_and_fails_closed(pytester, write_requirements):
    write_requirements(REQS)
    pytester.makepyfile("""
        import pytest
        @pytest.mark.requirement("R-1")
        def test_one():
            assert 1 == 2
        @pytest.mark.requirement("R-2")
        def test_two():
            assert __name__ != "R-2"
    """)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml", "-x")
    assert result.ret == 1
    result.stdout.fnmatch_lines(["FAIL no result for 1 linked test(s)", "     (*::test_two):",
                                 "     the run stopped early or a worker crashed, so the gate cannot tell",
                                 "     2 of 2 requirements not satisfied (failed: R-1, R-2)"])


def test_verbose_lists_every_linked_test(pytester, write_requirements):
    write_requirements(REQS)
    pytester.makepyfile(TWO_TESTS)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml", "-v")
    result.stdout.fnmatch_lines(["R-1*passed*", "*passed*::test_one"])


def test_collect_only_gives_no_verdict(pytester, write_requirements):
    write_requirements({**REQS, "R-3": "never"})
    pytester.makepyfile(TWO_TESTS)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml", "--collect-only")
    assert result.ret == 0
    result.stdout.no_fnmatch_line("*iac requirements*")


def test_without_requirements_option_the_gate_is_off(pytester):
    pytester.makepyfile("def test_x():\n    assert 1\n")
    result = pytester.runpytest()
    assert result.ret == 0
    result.stdout.no_fnmatch_line("*iac requirements*")
    assert not any(line.startswith("iac:") for line in result.outlines)


def test_bad_yaml_is_a_usage_error_with_file_line_and_suggestion(pytester, write_requirements):
    write_requirements("version: 1\nrequirments:\n  - id: R-1\n    description: x\n")
    pytester.makepyfile(TWO_TESTS)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*requirements.yaml:2:1:*'requirments'*Did you mean 'requirements'*"])
    assert "Traceback" not in result.stderr.str()


def test_missing_requirements_file_is_a_usage_error(pytester):
    pytester.makepyfile(TWO_TESTS)
    result = pytester.runpytest("--iac-requirements", "nope.yaml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*nope.yaml*not found*"])


def test_junitxml_carries_requirement_properties(pytester, write_requirements):
    write_requirements(REQS)
    pytester.makepyfile(TWO_TESTS)
    pytester.runpytest("--iac-requirements", "requirements.yaml", "--junitxml=out.xml")
    xml = (pytester.path / "out.xml").read_text()
    assert '<property name="requirement" value="R-1" />' in xml
    assert '<property name="requirement" value="R-2" />' in xml


def test_json_and_markdown_reports(pytester, write_requirements, monkeypatch):
    write_requirements({**REQS, "R-3": "never"})
    pytester.makepyfile(TWO_TESTS)
    summary = pytester.path / "step_summary.md"
    summary.write_text("previous step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = pytester.runpytest(
        "--iac-requirements", "requirements.yaml", "--iac-report-json", "out/report.json", "--iac-report-md", "report.md"
    )
    assert result.ret == 1
    data = json.loads((pytester.path / "out" / "report.json").read_text())
    assert data["version"] == 1
    assert data["verdict"] == "fail"
    assert data["reasons"] == ["1 of 3 requirements not satisfied (untested: R-3)"]
    assert data["synth"] == {"count": 0, "seconds": 0, "stacks": [], "resources": 0, "syntheses": []}
    by_id = {r["id"]: r for r in data["requirements"]}
    assert by_id["R-1"]["status"] == "passed"
    assert by_id["R-1"]["tests"] == [{"nodeid": "test_json_and_markdown_reports.py::test_one", "outcome": "passed"}]
    assert by_id["R-3"] == {"id": "R-3", "description": "never", "kind": "any", "status": "untested", "tests": []}
    markdown = (pytester.path / "report.md").read_text()
    assert "| R-3 | untested | 0/0 passing | never |" in markdown
    assert summary.read_text() == "previous step\n" + markdown
    assert not list((pytester.path / "out").glob(".report.json.*")), "temporary files are cleaned up"


def test_markers_named_in_the_yaml_are_registered_for_strict_markers(pytester, write_requirements):
    write_requirements("""
        version: 1
        requirements:
          - {id: ENC-1, description: encryption, markers: [encryption]}
    """)
    pytester.makepyfile("""
        import pytest
        @pytest.mark.encryption
        def test_kms():
            assert __name__.startswith("test_")
    """)
    result = pytester.runpytest("--iac-requirements", "requirements.yaml", "--strict-markers")
    assert result.ret == 0
    result = pytester.runpytest("--iac-requirements", "requirements.yaml", "--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.encryption: counts for requirement(s) ENC-1 (pytest-iac)"])
