"""Secrets never leave the run unmasked: planted literals are searched for in the terminal
output (``-l -vv``), JUnit XML and the JSON and Markdown reports."""

from __future__ import annotations

import json
import shutil

import pytest

from pytest_iac import masking
from pytest_iac.assertions.plan_check_view import Supplied
from pytest_iac.masking import MASK, is_secret_key, mask_data, mask_text, remember
from pytest_iac.terraform.sensitive import SENSITIVE, SENSITIVE_TEXT
from pytest_iac.terraform.unknown import UNKNOWN

PASSWORD = "PlantedPassw0rd!"
KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
URL_PASSWORD = "UrlPassw0rd"
PEM_BODY = "MIIEplantedKEYBODYxyz"
OUTPUT_SECRET = "OutputSecretValue123"
SENSITIVE_OUTPUT = "SensitiveOut456"
PLANTED = [PASSWORD, KEY_ID, SECRET_KEY, URL_PASSWORD, PEM_BODY, OUTPUT_SECRET, SENSITIVE_OUTPUT]
PEM = f"-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}\n-----END RSA PRIVATE KEY-----\n"


@pytest.mark.parametrize("key, secret", [
    ("password", True), ("db_pass", True), ("dbPassword", True), ("master_password", True), ("apiKey", True),
    ("client_secret", True), ("private_key", True), ("AWS_SECRET_ACCESS_KEY", True), ("auth_token", True),
    ("pwd", True), ("connection_string", True),
    ("bucket", False), ("passthrough_behavior", False), ("bypass", False), ("note", False), ("description", False),
    ("compass_heading", False), ("kms_key_id", False),
])
def test_secret_named_keys(key, secret):
    assert is_secret_key(key) is secret


@pytest.mark.parametrize("text, masked", [
    ("postgres://app:hunter2@db:5432/pay", "postgres://app:***@db:5432/pay"),
    ('{"url": "https://u:p4ss@example.com/x"}', '{"url": "https://u:***@example.com/x"}'),
    (f"note: {KEY_ID} here", "note: *** here"),
    ("ASIAY34FZKBOKMUTVV7A", MASK),
    (f"key={SECRET_KEY};", f"key={MASK};"),
    (f"before {PEM} after", f"before {MASK}\n after"),
    ("-----BEGIN PRIVATE KEY-----\\nMIIEcut", MASK),
    ("https://example.com/path", "https://example.com/path"),
    ("da39a3ee5e6b4b0d3255bfef95601890afd80709", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),  # a sha1, not a key
    ("AKIA is a prefix", "AKIA is a prefix"),
])
def test_secret_shapes_are_masked_in_any_text(text, masked):
    assert mask_text(text) == masked


def test_report_data_is_masked_by_key_and_by_shape():
    data = {"reasons": [f"bad {KEY_ID}"], "extra": {"db_password": "x1", "note": SECRET_KEY, "n": 3}}
    assert mask_data(data) == {"reasons": ["bad ***"], "extra": {"db_password": MASK, "note": MASK, "n": 3}}


def test_a_supplied_value_is_remembered_and_the_markers_are_not(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(masking, "_remembered", set())
    remember([Supplied("Given-Via-Tfvars-31"), {"nested": [Supplied("Nested-Supplied-62")]}, SENSITIVE, UNKNOWN])
    assert mask_text("set to Given-Via-Tfvars-31 and Nested-Supplied-62") == f"set to {MASK} and {MASK}"
    assert mask_text(f"{SENSITIVE_TEXT} {UNKNOWN}") == f"{SENSITIVE_TEXT} (known after apply)"
    assert masking._remembered == {"Given-Via-Tfvars-31", "Nested-Supplied-62"}


@pytest.fixture
def secret_stack(pytester, write_requirements):
    """A synthesized stack with a secret under each disguise, and a requirement for it."""
    from conftest import DATA

    outdir = pytester.path / "cdktf.out"
    stack_dir = outdir / "stacks" / "payments"
    stack_dir.mkdir(parents=True)
    config = json.loads((DATA / "small_stack.tf.json").read_text(encoding="utf-8"))
    config["resource"]["aws_db_instance"]["db"]["password"] = PASSWORD
    bucket = config["resource"]["aws_s3_bucket"]["storage_logs_6F1A2B3C"]
    bucket["tags"].update({"note": KEY_ID, "other": SECRET_KEY,
                           "conn": f"postgres://app:{URL_PASSWORD}@db.example:5432/pay", "cert": PEM})
    config["output"]["db_pass"] = {"value": OUTPUT_SECRET}
    config["output"]["api_out"] = {"value": SENSITIVE_OUTPUT, "sensitive": True}
    (stack_dir / "cdk.tf.json").write_text(json.dumps(config), encoding="utf-8")
    manifest = {"version": "0.21.0", "stacks": {"payments": {
        "name": "payments", "synthesizedStackPath": "stacks/payments/cdk.tf.json",
        "workingDirectory": "stacks/payments", "annotations": [], "dependencies": []}}}
    (outdir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    write_requirements({"R-1": "storage"}, app={"entry": "cdktf.out"})
    return pytester


FAILING_QUERIES = """
    import pytest

    @pytest.mark.requirement("R-1")
    def test_bucket_tags(iac_stack):
        iac_stack.has_resource_properties("aws_s3_bucket", {"bucket": "payments-logs-dev", "tags": {"note": "x", "other": "y", "conn": "z", "cert": "c"}})

    @pytest.mark.requirement("R-1")
    def test_database(iac_stack):
        iac_stack.has_resource_properties("aws_db_instance", {"password": "not it", "allocated_storage": 30})

    @pytest.mark.requirement("R-1")
    def test_output_not_marked_sensitive(iac_stack):
        iac_stack.has_output("db_pass", {"value": "something else"})

    @pytest.mark.requirement("R-1")
    def test_sensitive_output(iac_stack):
        iac_stack.has_output("api_out", {"value": "something else"})

    @pytest.mark.requirement("R-1")
    def test_own_assert_with_secret_locals(iac_stack):
        tags = iac_stack.resource("aws_s3_bucket.storage_logs_6F1A2B3C")["tags"]
        note, password = tags["note"], iac_stack.resource("aws_db_instance.db")["password"]
        print("captured:", note, password)
        assert note == password

    @pytest.mark.requirement("R-1")
    def test_capture(iac_stack):
        from pytest_iac import Capture
        cap = Capture()
        iac_stack.has_resource_properties("aws_db_instance", {"password": cap})
        cap.as_number()
"""


def test_planted_secrets_never_show_up(secret_stack):
    secret_stack.makepyfile(test_secrets=FAILING_QUERIES)
    result = secret_stack.runpytest_subprocess(
        "--iac-requirements", "requirements.yaml", "--iac-checks", "off", "-p", "no:cacheprovider",
        "-l", "-vv", "--junitxml=junit.xml", "--iac-report-json=r.json", "--iac-report-md=r.md", "-rA")
    result.assert_outcomes(failed=6)
    artefacts = {
        "terminal": result.stdout.str() + result.stderr.str(),
        "junit": (secret_stack.path / "junit.xml").read_text(encoding="utf-8"),
        "json": (secret_stack.path / "r.json").read_text(encoding="utf-8"),
        "markdown": (secret_stack.path / "r.md").read_text(encoding="utf-8"),
    }
    leaks = {(name, literal) for name, text in artefacts.items() for literal in PLANTED if literal in text}
    assert leaks == set()
    terminal = artefacts["terminal"]
    assert "postgres://app:***@db.example:5432/pay" in terminal, "the rest of a URL stays readable"
    assert "at /tags/note: expected \"x\", got \"***\"" in terminal
    assert "note       = '***'" in terminal or "note = '***'" in terminal.replace("  ", " "), "-l shows the local masked"
    assert "test failed: test_secrets.py::test_own_assert_with_secret_locals" in artefacts["json"]


def test_check_findings_are_masked(secret_stack):
    secret_stack.makepyfile(test_ok="""
        import pytest

        @pytest.mark.requirement("R-1")
        def test_vpc(iac_stack):
            iac_stack.has_resource_properties("aws_vpc", {"cidr_block": "10.0.0.0/16"})
    """)
    secret_stack.makeconftest(f"""
        from pytest_iac.checks.base import Check, Finding

        def leaky(ctx):
            yield Finding("aws_s3_bucket.x", "found {KEY_ID} and postgres://a:{URL_PASSWORD}@h in tags")

        def pytest_iac_checks(config):
            return [Check(id="leaky", description="reports what it saw", run=leaky)]
    """)
    result = secret_stack.runpytest_subprocess(
        "--iac-requirements", "requirements.yaml", "--iac-checks", "on", "-p", "no:cacheprovider",
        "-k", "leaky or vpc", "--junitxml=junit.xml", "--iac-report-json=r.json")
    text = result.stdout.str() + (secret_stack.path / "junit.xml").read_text() + (secret_stack.path / "r.json").read_text()
    assert "found *** and postgres://a:***@h in tags" in text
    assert KEY_ID not in text and URL_PASSWORD not in text


def test_the_plan_markers_text_is_never_remembered_as_a_secret():
    from pytest_iac.masking import mask_text, remember
    from pytest_iac.terraform.sensitive import SENSITIVE_TEXT

    remember([str(SENSITIVE_TEXT), "(known after apply)"])  # plain strings, as the checks' view may hold them
    assert mask_text(f"got {SENSITIVE_TEXT} and (known after apply)") == \
        f"got {SENSITIVE_TEXT} and (known after apply)"
