"""The HTML report opened in a real browser (headless Chromium, offline): what a person sees.

Chromium runs with every background service off and every host name unresolvable, so a page
that needed the network would show it. ``test_example_report_in_a_browser`` makes the README's
screenshot (``scripts/docs-screenshot.sh`` copies it to ``docs/html-report.png``).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).parent.parent / "examples" / "payment_stack"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SCREENSHOT_SIZE = "1280,900"


def _chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", "--host-resolver-rules=MAP * ~NOTFOUND", *args]
    # stderr always carries harmless D-Bus complaints; success is the output itself
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


class _Visible(HTMLParser):
    """Text a person sees: everything but styles, the title and folded <details> bodies."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden)

    def _hidden(self) -> bool:
        return any(hidden for _, hidden in self.stack)

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "col", "meta"):
            return
        hidden = tag in ("style", "title", "script")
        if tag == "details" and "open" not in dict(attrs):
            hidden = False
            self.stack.append(("details-closed", False))
            return
        self.stack.append((tag, hidden))

    def handle_endtag(self, tag):
        if tag == "summary" and self.stack and self.stack[-1][0] == "summary":
            self.stack.pop()
            if self.stack and self.stack[-1][0] == "details-closed":
                self.stack[-1] = ("details-closed", True)  # the body after the summary is folded
            return
        while self.stack:
            name, _ = self.stack.pop()
            if name == tag or (tag == "details" and name == "details-closed"):
                break

    def handle_data(self, data):
        if not self._hidden():
            self.parts.append(data)


def seen_in_browser(chromium: str, page: Path, tmp_path: Path, screenshot: Path) -> str:
    """Load ``page``; return the visible text of the DOM Chromium built, and save a screenshot."""
    dom = _chromium(chromium, tmp_path / "profile-dom", "--dump-dom", page.resolve().as_uri())
    assert dom.returncode == 0 and "<html" in dom.stdout, dom.stderr[-2000:]
    shot = _chromium(chromium, tmp_path / "profile-shot", f"--screenshot={screenshot}",
                     f"--window-size={SCREENSHOT_SIZE}", page.resolve().as_uri())
    assert shot.returncode == 0, shot.stderr[-2000:]
    assert screenshot.read_bytes()[:8] == PNG_SIGNATURE
    parser = _Visible()
    parser.feed(dom.stdout)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def test_report_in_a_browser(pytester, synthesized_stack, write_requirements, chromium, tmp_path):
    pytester.makeini("[pytest]\niac_app = cdktf.out\n")
    write_requirements("""
        version: 1
        requirements:
          - {id: NET-1, description: the VPC is 10.0.0.0/16}
          - {id: SEC-1, description: no plaintext secrets, checks: [plaintext-secrets]}
        checks:
          select: [plaintext-secrets]
    """)
    pytester.makepyfile(test_stack="""
        import pytest

        @pytest.mark.requirement("NET-1")
        def test_vpc(iac_stack):
            iac_stack.has_resource_properties("aws_vpc", {"cidr_block": "10.0.0.0/16"})
    """)
    pytester.runpytest("--iac-requirements=requirements.yaml", "--iac-report-html=html", "-p", "no:cacheprovider")
    text = seen_in_browser(chromium, pytester.path / "html" / "index.html", tmp_path, tmp_path / "report.png")
    assert "pytest-iac: FAIL" in text
    assert "NET-1 passed the VPC is 10.0.0.0/16" in text
    assert "SEC-1 failed no plaintext secrets" in text
    assert "error plaintext-secrets aws_db_instance.db payments/db password is a literal string" in text
    assert "storage 0/4 data uncovered aws_s3_bucket.storage_data_1C2D3E4F" in text, "the construct tree"
    assert "vpc covered aws_vpc.vpc examined by test_stack.py::test_vpc" in text
    assert (tmp_path / "report.png").stat().st_size > 20_000, "a rendered page, not a blank one"


def test_example_report_in_a_browser(aws_provider, chromium, tmp_path):
    """The example's unit tier writes the report; this makes the README's screenshot."""
    html_dir = tmp_path / "html"
    started = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/unit",
         f"--iac-report-html={html_dir}"],
        cwd=EXAMPLE, capture_output=True, text=True, timeout=600, check=False,
    )
    seconds = time.perf_counter() - started
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    page = html_dir / "index.html"
    text = seen_in_browser(chromium, page, tmp_path, tmp_path / "example-report.png")
    assert re.search(r"pytest-iac: PASS partial run: \d+ of \d+ requirements not run", text), text[:300]
    assert "PAY-001 passed" in text and "PAY-101 not run" in text
    assert "vpc covered aws_vpc.network_vpc" in text
    assert (html_dir / "coverage" / "index.html").is_file()
    print(f"example report: {page.stat().st_size} bytes, run of the unit tier {seconds:.1f}s")
