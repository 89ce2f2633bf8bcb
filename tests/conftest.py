"""Shared fixtures of pytest-iac's own suite: most tests drive a throwaway project through
``pytester`` from synthesized JSON; the slow tiers ask for a tool fixture and are marked by it.

Tiers: ``synth`` (real cdktf synthesis), ``terraform`` (the terraform CLI and its provider
mirror), ``deploy`` (a moto server), ``xdist`` (pytest-xdist in a subprocess), ``checkov``
(checkov's policies), ``browser`` (headless Chromium). The fast tier is
``-m "not (synth or terraform or deploy or xdist or checkov or browser)"``. A tier's tool missing
skips the test locally and fails it under ``CI``: CI must have installed everything (the plugin's own
``--iac-strict`` rule, applied to itself).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
AWS_PROVIDER = "registry.terraform.io/hashicorp/aws"
AWS_PROVIDER_VERSION = "5.100.0"

TIERS = {
    "synth": "synthesizes with the real cdktf (needs the cdktf extra and node)",
    "terraform": "runs the real terraform CLI with a provider mirror",
    "deploy": "deploys to a moto server (needs moto[server] and terraform)",
    "xdist": "runs pytest-xdist in a subprocess",
    "checkov": "runs checkov's policies (needs the checkov extra, part of dev)",
    "browser": "opens the HTML report in headless Chromium",
}
# a test asking for one of these fixtures belongs to that tier
TIER_OF_FIXTURE = {"cdktf": "synth", "aws_provider": "synth", "terraform_bin": "terraform", "terraform_mirror": "terraform",
                   "moto": "deploy", "xdist": "xdist", "checkov": "checkov", "chromium": "browser"}


def pytest_configure(config: pytest.Config) -> None:
    for name, help_text in TIERS.items():
        config.addinivalue_line("markers", f"{name}: slow tier, {help_text}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for fixture, tier in TIER_OF_FIXTURE.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(tier)


def require(available: object, what: str, how: str) -> None:
    """Skip when a tool of a slow tier is missing here; under CI, fail: CI installs them all."""
    if available:
        return
    message = f"{what} is not available ({how})"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must provide it (.ci/run installs it)", pytrace=False)
    pytest.skip(message)


def _module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


@pytest.fixture
def cdktf() -> None:
    require(_module("cdktf"), "cdktf", "pip install -e '.[cdktf]'")


@pytest.fixture
def aws_provider(cdktf: None) -> None:
    require(_module("cdktf_cdktf_provider_aws"), "the cdktf AWS provider bindings", "pip install -e '.[cdktf]'")


@pytest.fixture
def xdist() -> None:
    require(_module("xdist"), "pytest-xdist", "pip install -e '.[dev]'")


CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


@pytest.fixture(scope="session")
def chromium() -> str:
    """Headless Chromium (Debian's ``chromium``), to open the HTML report as a person would."""
    found = next((path for path in map(shutil.which, CHROMIUM_NAMES) if path), None)
    require(found, "chromium", "apt-get install -y chromium")
    return str(found)


@pytest.fixture
def checkov() -> None:
    require(_module("checkov"), "checkov", "pip install -e '.[checkov]'")


@pytest.fixture
def no_network(pytester: pytest.Pytester) -> None:
    """The pytester project's conftest makes every socket connection (and name lookup) raise, and
    prints ``network attempts: N [...]`` at the end of the run."""
    pytester.makeconftest("""
        import socket

        ATTEMPTS = []

        def refuse(name):
            def blocked(*args, **kwargs):
                ATTEMPTS.append((name, args[1:] if name != "getaddrinfo" else args[:2]))
                raise OSError(f"network disabled in this test ({name})")
            return blocked

        socket.socket.connect = refuse("connect")
        socket.socket.connect_ex = refuse("connect_ex")
        socket.create_connection = refuse("create_connection")
        socket.getaddrinfo = refuse("getaddrinfo")

        def pytest_sessionfinish(session):
            print(f"network attempts: {len(ATTEMPTS)} {ATTEMPTS}")
    """)


@pytest.fixture
def with_pytest_cov() -> None:
    require(_module("pytest_cov"), "pytest-cov", "pip install -e '.[dev]'")


def discover_plugin_dir() -> str | None:
    """A mirror holding hashicorp/aws 5.100.0: PYTEST_IAC_TF_PLUGIN_DIR, terraform's usual places,
    then any /opt/*/ filesystem mirror (where this machine kind keeps it)."""
    from pytest_iac.terraform import binary, errors, mirror

    if os.environ.get("PYTEST_IAC_TF_PLUGIN_DIR"):
        return os.environ["PYTEST_IAC_TF_PLUGIN_DIR"]
    try:
        platform = binary.find_terraform(os.environ.get("PYTEST_IAC_TERRAFORM")).platform
    except (errors.TerraformUnavailable, errors.TerraformError):
        return None
    for place in [p for p, _ in mirror.plugin_dir_candidates()] + sorted(Path("/opt").glob("*")):
        if mirror.available_versions(place, AWS_PROVIDER, platform).get(AWS_PROVIDER_VERSION) is False:
            return str(place)
    return None


@pytest.fixture(scope="session")
def terraform_bin() -> str:
    """The real terraform CLI (PYTEST_IAC_TERRAFORM or PATH)."""
    found = shutil.which(os.environ.get("PYTEST_IAC_TERRAFORM") or "terraform")
    require(found, "terraform", "put it on PATH or set PYTEST_IAC_TERRAFORM")
    return str(found)


@pytest.fixture(scope="session")
def provider_mirror(terraform_bin: str) -> str:
    """A provider mirror with hashicorp/aws 5.100.0."""
    plugin_dir = discover_plugin_dir()
    require(plugin_dir, f"a provider mirror with hashicorp/aws {AWS_PROVIDER_VERSION}",
            "set PYTEST_IAC_TF_PLUGIN_DIR")
    return str(plugin_dir)


@pytest.fixture
def terraform_mirror(provider_mirror: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The real terraform and a provider mirror with hashicorp/aws 5.100.0, exported as
    PYTEST_IAC_TF_PLUGIN_DIR for the runs the test makes."""
    monkeypatch.setenv("PYTEST_IAC_TF_PLUGIN_DIR", provider_mirror)
    return provider_mirror


@pytest.fixture
def moto() -> None:
    require(_module("moto") and _module("flask"), "moto[server]", "pip install -e '.[deploy]'")


@pytest.fixture
def run_with_report(pytester: pytest.Pytester):
    """Run pytest in the pytester project with ``--iac-report-json``; return (result, report)."""

    def run(*args: str, subprocess: bool = False, name: str = "r.json") -> tuple[pytest.RunResult, dict]:
        runner = pytester.runpytest_subprocess if subprocess else pytester.runpytest
        result = runner(f"--iac-report-json={name}", *args)
        path = pytester.path / name
        assert path.exists(), f"no JSON report written:\n{result.stdout.str()[-2000:]}"
        return result, json.loads(path.read_text(encoding="utf-8"))

    return run


@pytest.fixture
def coverage_cli_total(pytester: pytest.Pytester):
    """The total that ``coverage report`` prints in the pytester project after a run, read from
    the data file coverage.py finds there (``.coverage`` or ``$COVERAGE_FILE``)."""

    def total(*args: str) -> float:
        done = subprocess.run([sys.executable, "-m", "coverage", "report", "--format=total", "--precision=2", *args],
                              cwd=pytester.path, capture_output=True, text=True, check=True)
        return float(done.stdout.strip())

    return total


@pytest.fixture(autouse=True)
def _terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    # the runs a test makes see an 80-column terminal whatever the developer's is
    monkeypatch.setenv("COLUMNS", "80")


@pytest.fixture(autouse=True)
def _quiet_jsii(monkeypatch: pytest.MonkeyPatch) -> None:
    # node 20 makes jsii print an end-of-life banner on every import of cdktf
    monkeypatch.setenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


@pytest.fixture
def write_requirements(pytester: pytest.Pytester):
    """Write a requirements YAML into the pytester project: ids -> description (kind any)."""

    def write(requirements: dict[str, str] | str, name: str = "requirements.yaml", **sections: object) -> Path:
        if isinstance(requirements, str):
            text = textwrap.dedent(requirements)
        else:
            body = {"version": 1, "requirements": [{"id": i, "description": d} for i, d in requirements.items()]}
            body.update(sections)
            text = json.dumps(body)  # JSON is YAML
        path = pytester.path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def synthesized_stack(pytester: pytest.Pytester) -> Path:
    """A cdktf.out/ directory holding the small stack of tests/data, as `cdktf synth` leaves it."""
    outdir = pytester.path / "cdktf.out"
    stack_dir = outdir / "stacks" / "payments"
    stack_dir.mkdir(parents=True)
    shutil.copy(DATA / "small_stack.tf.json", stack_dir / "cdk.tf.json")
    manifest = {
        "version": "0.21.0",
        "stacks": {"payments": {"name": "payments", "synthesizedStackPath": "stacks/payments/cdk.tf.json",
                                "workingDirectory": "stacks/payments", "annotations": [], "dependencies": []}},
    }
    (outdir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return outdir
