"""The terminal says what happened, honestly and within the width: partial runs in the verdict
line, requirements passed beside a skipped linked item, the header's checks and thresholds, and
no summary line wider than the terminal (``-v`` shows descriptions whole)."""

from __future__ import annotations

import pytest

LONG = ("Every Lambda function runs python3.12 from a package that exists and contains each handler, "
        "in the private subnets, with encrypted log groups and no reserved environment variables")

TESTS = """
    import pytest

    def double(value):
        return 2 * value

    @pytest.mark.requirement("R-1")
    def test_one():
        assert double(1) == 2

    @pytest.mark.requirement("R-2")
    def test_two():
        assert double("a") == "aa"

    @pytest.mark.requirement("R-2")
    @pytest.mark.skip(reason="needs a tool that is missing here")
    def test_two_deeper():
        assert 0
"""


@pytest.fixture
def project(pytester, write_requirements):
    write_requirements({"R-1": "first thing", "R-2": LONG, "R-3": "third thing"})
    pytester.makepyfile(TESTS + """
    @pytest.mark.requirement("R-3")
    def test_three():
        assert double([1]) == [1, 1]
""")
    return pytester


def test_partial_run_says_so_in_the_verdict_line(project):
    result = project.runpytest("--iac-requirements=requirements.yaml", "-k", "one")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["PASS (partial run: 2 of 3 requirements not run)"])
    assert "PASS all" not in result.stdout.str()


def test_full_run_keeps_its_verdict_line(project):
    result = project.runpytest("--iac-requirements=requirements.yaml")
    result.stdout.fnmatch_lines(["PASS all 3 requirements satisfied"])


def test_requirement_passed_beside_a_skipped_item_says_so(project, run_with_report):
    result, data = run_with_report("--iac-requirements=requirements.yaml")
    result.stdout.fnmatch_lines(["R-2  passed     1/2 passing, 1 skipped  Every Lambda*"])
    by_id = {r["id"]: r for r in data["requirements"]}
    assert [t["outcome"] for t in by_id["R-2"]["tests"]] == ["passed", "skipped"]


def test_every_summary_line_fits_80_columns_and_verbose_shows_descriptions_whole(project, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    result = project.runpytest("--iac-requirements=requirements.yaml", "--iac-resource-fail-under=50")
    lines = result.stdout.lines
    section = lines[next(i for i, line in enumerate(lines) if "iac requirements" in line):]
    assert [line for line in section if len(line) > 80] == []
    r2 = next(line for line in section if line.startswith("R-2"))
    assert r2.endswith("…") and r2[:-1].rstrip() in "R-2  passed     1/2 passing, 1 skipped  " + LONG
    result.stdout.fnmatch_lines(["FAIL resource coverage not measured: no test used the synthesized stack"])

    verbose = project.runpytest("--iac-requirements=requirements.yaml", "-v")
    verbose.stdout.fnmatch_lines([f"R-2  passed     1/2 passing, 1 skipped  {LONG}"])


def test_long_reasons_wrap_one_a_line(pytester, write_requirements, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    write_requirements({f"REQ-{n}": "x" for n in range(12)})
    pytester.makepyfile("def test_nothing_linked():\n    assert 1 + 1 == 2\n")
    result = pytester.runpytest("--iac-requirements=requirements.yaml")
    section = result.stdout.lines[result.stdout.lines.index(next(x for x in result.stdout.lines if "iac requirements" in x)):]
    assert [line for line in section if len(line) > 60] == []
    result.stdout.fnmatch_lines(["FAIL 12 of 12 requirements not satisfied (untested: REQ-0,", "     REQ-1, REQ-2, *"])


def test_header_announces_the_checks_and_thresholds_in_force(pytester, synthesized_stack, write_requirements):
    write_requirements({"R-1": "x"}, app={"entry": "cdktf.out"}, checks={"select": ["outputs", "docs"]},
                       coverage={"resources_fail_under": 80})
    pytester.makepyfile("def test_x():\n    assert 1 + 1 == 2\n")
    result = pytester.runpytest("--iac-requirements=requirements.yaml", "--collect-only")
    result.stdout.fnmatch_lines([
        "iac: entry cdktf.out (synthesized), requirements requirements.yaml (1)",
        "iac: line coverage: nothing to measure, resource coverage (min 80%)",
        "iac: checks on: 2 of * (outputs, docs)",
    ])
    off = pytester.runpytest("--iac-requirements=requirements.yaml", "--iac-checks=off", "--collect-only")
    off.stdout.fnmatch_lines(["iac: checks off (--iac-checks on to run them)"])
