"""The HTML report's content and its promises: self-contained, escaped, the construct tree with
examiners, findings with address and construct path, coverage.py's report linked. (What a
person sees in a browser is tested in ``test_html_browser.py``.)"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from pytest_iac.gate.construct_tree import NO_PATH, construct_tree

TESTS = """
    import pytest

    @pytest.mark.requirement("R-1")
    def test_network(iac_stack):
        iac_stack.has_resource_properties("aws_vpc", {"cidr_block": "10.0.0.0/16"})

    @pytest.mark.requirement("R-1")
    def test_hollow(iac_stack):
        iac_stack.find_resources("aws_vpc")

    def test_key(iac_stack):
        assert iac_stack.resource("aws_kms_key.key")["enable_key_rotation"] is True
        assert iac_stack.resource("aws_vpc.vpc")["cidr_block"] == "10.0.0.0/16"
"""

REQUIREMENTS = """
    version: 1
    requirements:
      - {id: R-1, description: "network <b>layout</b> & more"}
      - {id: R-2, description: no secrets in the code, checks: [plaintext-secrets]}
    checks:
      select: [plaintext-secrets, encryption-at-rest]
"""


class _Text(HTMLParser):
    """The page's visible text and every URL it refers to."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.urls: list[str] = []
        self.tags: set[str] = set()
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self._skip += tag in ("style", "title")
        self.urls += [v for k, v in attrs if k in ("href", "src") and v]

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "title")

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def _page(path):
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser, re.sub(r"\s+", " ", " ".join(parser.text))


@pytest.fixture
def html_project(pytester, synthesized_stack, write_requirements):
    pytester.makeini("[pytest]\niac_app = cdktf.out\n")
    pytester.makepyfile(test_stack=TESTS)
    write_requirements(REQUIREMENTS)
    return pytester


def test_page_shows_verdict_matrix_findings_and_construct_tree(html_project):
    result = html_project.runpytest("--iac-requirements=requirements.yaml", "--iac-report-html=out", "-p",
                                    "no:cacheprovider")
    assert result.ret == 1
    page = html_project.path / "out" / "index.html"
    parser, text = _page(page)
    assert "pytest-iac: FAIL" in text
    assert "1 of 2 requirements not satisfied (failed: R-2)" in text
    assert "network <b>layout</b> & more" in text, "the description is text, escaped, not markup"
    assert "network &lt;b&gt;layout&lt;/b&gt; &amp; more" in page.read_text()
    assert "hollow test_stack.py::test_hollow passed but asserts nothing real: does not count" in text
    assert "passed check iac::plaintext-secrets[payments]" not in text
    assert "failed check iac::plaintext-secrets[payments]" in text
    assert "error plaintext-secrets aws_db_instance.db payments/db password is a literal string" in text
    assert "warning encryption-at-rest aws_s3_bucket.storage_logs_6F1A2B3C payments/storage/logs" in text
    # the construct tree: storage holds data and logs; each resource says who examined it
    assert "storage 0/4 data uncovered aws_s3_bucket.storage_data_1C2D3E4F no test examined it" in text
    assert "vpc covered aws_vpc.vpc examined by 2 tests test_stack.py::test_key test_stack.py::test_network" in text, \
        "listing (test_hollow) is not examining"
    assert "key covered aws_kms_key.key examined by test_stack.py::test_key" in text
    assert not parser.urls or all(u.startswith("#") for u in parser.urls), "no request leaves the page"
    assert "script" not in parser.tags


def test_page_without_requirements_file(html_project):
    result = html_project.runpytest("--iac-report-html=out", "-p", "no:cacheprovider")
    assert result.ret == 0
    _, text = _page(html_project.path / "out" / "index.html")
    assert "pytest-iac: PASS no requirements file: nothing was gated" in text
    assert "Resources examined 2/13 15.4% asserted on, report only" in text
    assert "Line coverage is measured under the requirement gate only." in text


def test_html_option_from_ini(html_project):
    html_project.makeini("[pytest]\niac_app = cdktf.out\niac_report_html = reports/html\n")
    html_project.runpytest("-p", "no:cacheprovider")
    assert (html_project.path / "reports" / "html" / "index.html").is_file()


def test_line_coverage_is_rendered_by_coverage_py_and_linked(pytester, write_requirements):
    pkg = pytester.mkpydir("stackpkg")
    (pkg / "naming.py").write_text("def name(suffix):\n    if suffix:\n        return 'a-' + suffix\n    return 'a'\n")
    pytester.makeini("[pytest]\npythonpath = .\n")
    write_requirements("""
        version: 1
        requirements:
          - {id: R-1, description: names}
        coverage:
          source: [stackpkg]
    """)
    pytester.makepyfile("""
        import pytest
        from stackpkg.naming import name

        @pytest.mark.requirement("R-1")
        def test_name():
            assert name("dev") == "a-dev"
    """)
    result = pytester.runpytest_subprocess("--iac-requirements=requirements.yaml", "--iac-report-html=out",
                                           "-p", "no:cacheprovider", "--iac-checks=off")
    assert result.ret == 1, "line 4 never ran"
    parser, text = _page(pytester.path / "out" / "index.html")
    assert "75.00% of the stack code (required 100%)" in text
    assert "stackpkg/naming.py 4" in text
    assert parser.urls.count("coverage/index.html") == 1
    coverage_index = (pytester.path / "out" / "coverage" / "index.html").read_text()
    assert "naming.py" in coverage_index and "75%" in coverage_index


def test_construct_tree_nests_paths_and_keeps_pathless_resources_apart():
    tree = construct_tree([
        {"address": "aws_s3_bucket.logs", "path": "app/storage/logs", "examined_by": ["t::a"]},
        {"address": "aws_s3_bucket.data", "path": "app/storage/data", "examined_by": []},
        {"address": "aws_kms_key.key", "path": "app/storage", "examined_by": ["t::b"]},
        {"address": "aws_vpc.vpc", "path": None, "examined_by": []},
    ])
    assert [root.name for root in tree] == ["app", NO_PATH]
    storage = tree[0].children["storage"]
    assert [leaf.address for leaf in storage.resources] == ["aws_kms_key.key"]
    assert list(storage.children) == ["data", "logs"]
    assert storage.counts() == (2, 3)
    assert tree[1].resources[0].address == "aws_vpc.vpc"
