"""The session's one synthesis, shared by the fixtures and the check items.

Made on first use (a fixture, or check collection), kept in the plugin state, and never
retried: a failed synthesis is remembered and reported the same way to every user of it.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pytest_iac.state import STATE

if TYPE_CHECKING:
    from pytest_iac.synth import Synthesis

NO_ENTRY = (
    "no stack entry is configured: pass --iac-app ENTRY, set iac_app in the ini file, "
    "or app.entry in the requirements YAML"
)


class SynthesisFailed(Exception):
    """The stack entry could not be synthesized; the message is ready for the user."""


def session_synthesis(config: pytest.Config) -> Synthesis:
    """The synthesis of the configured entry, made once per session (per xdist worker)."""
    from pytest_iac.entry import EntryError
    from pytest_iac.synth import synthesize

    state = config.stash[STATE]
    if state.syntheses:
        return state.syntheses[0]
    if state.synth_errors:
        raise SynthesisFailed(state.synth_errors[0])
    spec = state.settings.entry
    if spec is None:
        raise SynthesisFailed(NO_ENTRY)
    workdir = Path(tempfile.mkdtemp(prefix="pytest-iac-synth-"))
    state.cleanup.append(lambda: shutil.rmtree(workdir, ignore_errors=True))
    try:
        synthesis = synthesize(spec, workdir)
    except EntryError as exc:
        state.synth_errors.append(str(exc))
        raise SynthesisFailed(str(exc)) from None
    synthesis.on_examine = state.resources.record
    state.syntheses.append(synthesis)
    return synthesis
