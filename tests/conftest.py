"""Shared fixtures of pytest-iac's own suite: most tests drive a throwaway project through
``pytester``; only a few synthesize with cdktf for real (marked ``synth``)."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


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
