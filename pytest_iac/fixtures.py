"""Session fixtures: the stack is synthesized once per session and queried by every test.

Override any of them in a ``conftest.py`` (for example to synthesize with other arguments);
the gate then reports what the overriding fixture returned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from pytest_iac.session import SynthesisFailed, session_synthesis

if TYPE_CHECKING:
    from pytest_iac.synth import Synthesis
    from pytest_iac.template import Template


@pytest.fixture(scope="session")
def iac_synth(request: pytest.FixtureRequest) -> Synthesis:
    """The synthesis of the configured stack entry (``--iac-app`` / ``iac_app``), made once per session.

    Gives ``.stacks`` (name -> SynthesizedStack), ``.stack(name)`` (a Template), ``.outdir``,
    ``.manifest``, ``.timings`` (seconds: import, synth, total) and ``.resource_count``.
    A wrong entry fails every test that uses it with one message naming the entry and the cause.
    """
    try:
        return session_synthesis(request.config)
    except SynthesisFailed as exc:
        message = str(exc)
    pytest.fail(message, pytrace=False)  # outside the except block: the message stays unchained


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
