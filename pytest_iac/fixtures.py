"""Session fixtures: the stack is synthesized once per session and queried by every test.

Override any of them in a ``conftest.py`` (for example to synthesize with other arguments);
the gate then reports what the overriding fixture returned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from pytest_iac.synthesis.session import SynthesisFailed, session_synthesis

if TYPE_CHECKING:
    from pytest_iac.deploy import Deployment
    from pytest_iac.synthesis.synthesize import Synthesis
    from pytest_iac.assertions.template import Template


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


@pytest.fixture(scope="session")
def iac_deployment(request: pytest.FixtureRequest) -> Deployment:
    """The stack deployed for this session (``pytest_iac.deploy.Deployment``); tests using it are
    integration tests.

    Gives ``.outputs`` (name -> value), ``.state`` (address -> deployed attributes),
    ``.resource(address)``, ``.resource_by_path(construct_path)``, ``.client(service)`` (boto3,
    pointed at the endpoint and region) and ``.target``. Where it deploys (``--iac-deploy``):
    ``local`` (default) applies the synthesized stack to a moto server started for the session;
    ``aws`` a real account (only with ``--iac-deploy aws --iac-aws-account ID`` matching the YAML);
    ``outputs`` deploys nothing and reads ``--iac-outputs-file``. Destroyed at the end of the
    session, also after failures, Ctrl-C and SIGTERM, unless ``--iac-keep-deployment``.
    Without terraform, a provider mirror or moto, dependent tests skip (fail under ``--iac-strict``).
    """
    from pytest_iac.deploy.lifecycle import session_deployment

    return session_deployment(request)


SNAPSHOT_INSTALL = "iac_snapshot needs syrupy, the snapshot plugin it builds on: pip install 'pytest-iac[snapshot]'"


@pytest.fixture
def iac_snapshot(request: pytest.FixtureRequest) -> Any:
    """syrupy's ``snapshot`` with pytest-iac's extension: ``assert iac_stack.to_json() == iac_snapshot``.

    Stored as ``__snapshots__/<test file>/<test>.tf.json`` with asset hashes, temp dirs,
    absolute paths and cdktf's version normalized, so two fresh syntheses compare equal; a
    change fails naming each resource address and key that differ. ``--snapshot-update``
    writes (and, for tests that are gone, deletes) snapshots.
    """
    import importlib.util

    if importlib.util.find_spec("syrupy") is None:
        pytest.fail(SNAPSHOT_INSTALL, pytrace=False)
    try:
        snapshot = request.getfixturevalue("snapshot")
    except pytest.FixtureLookupError:
        message = "iac_snapshot needs syrupy's plugin, which is disabled here (-p no:syrupy?)"
    else:
        from pytest_iac.assertions.snapshot import extension_for

        return snapshot.use_extension(extension_for(str(request.config.rootpath)))
    pytest.fail(message, pytrace=False)
