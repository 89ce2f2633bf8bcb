"""Session fixtures: the stack is synthesized once per session and queried by every test.

Override any of them in a ``conftest.py`` (for example to synthesize with other arguments);
the gate then reports what the overriding fixture returned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from pytest_iac.state import STATE

if TYPE_CHECKING:
    from pytest_iac.synth import Synthesis
    from pytest_iac.template import Template


@pytest.fixture(scope="session")
def iac_synth(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Synthesis:
    """The synthesis of the configured stack entry (``--iac-app`` / ``iac_app``), made once per session.

    Gives ``.stacks`` (name -> SynthesizedStack), ``.stack(name)`` (a Template), ``.outdir``,
    ``.manifest``, ``.timings`` (seconds: import, synth, total) and ``.resource_count``.
    A wrong entry fails every test that uses it with one message naming the entry and the cause.
    """
    from pytest_iac.entry import EntryError
    from pytest_iac.synth import synthesize

    state = request.config.stash[STATE]
    spec = state.settings.entry
    if spec is None:
        pytest.fail(
            "no stack entry is configured: pass --iac-app ENTRY, set iac_app in the ini file, "
            "or app.entry in the requirements YAML",
            pytrace=False,
        )
    try:
        synthesis = synthesize(spec, tmp_path_factory.mktemp("iac-synth"))
    except EntryError as exc:
        state.synth_errors.append(str(exc))
    if state.synth_errors:  # failing outside the except block keeps the message unchained
        pytest.fail(state.synth_errors[-1], pytrace=False)
    synthesis.on_examine = state.resources.record
    state.syntheses.append(synthesis)
    return synthesis


@pytest.fixture(scope="session")
def iac_stack(iac_synth: Synthesis) -> Template:
    """The query object (``pytest_iac.Template``) of the app's only stack.

    Apps with several stacks: use ``iac_synth.stack(name)`` instead.
    """
    try:
        return iac_synth.single_stack()
    except LookupError as exc:
        message = str(exc)
    pytest.fail(message, pytrace=False)
