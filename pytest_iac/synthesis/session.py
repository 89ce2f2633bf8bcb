"""The session's one synthesis, shared by the fixtures and the check items.

Made on first use (a fixture, or check collection), kept in the plugin state, and never
retried: a failed synthesis is remembered and reported the same way to every user of it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
import uuid
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pytest_iac import rundirs
from pytest_iac.role import Worker, role
from pytest_iac.state import STATE, State
from pytest_iac.synthesis.announce import announce_synthesis, estimate

if TYPE_CHECKING:
    from pytest_iac.synthesis.cache import SynthCache
    from pytest_iac.config.entry import EntrySpec
    from pytest_iac.synthesis.synthesize import Synthesis

NO_ENTRY = (
    "no stack entry is configured: pass --iac-app ENTRY, set iac_app in the ini file, "
    "or app.entry in the requirements YAML"
)


RUN_DIR_KEY = "pytest_iac_run_dir"  # in xdist's workerinput: the workers' shared cache directory


class SynthesisFailed(Exception):
    """The stack entry could not be synthesized; the message is ready for the user."""


def session_synthesis(config: pytest.Config) -> Synthesis:
    """The synthesis of the configured entry, made once per session (per xdist worker)."""
    from pytest_iac.config.entry import EntryError
    from pytest_iac.synthesis.synthesize import synthesize

    state = config.stash[STATE]
    if state.syntheses:
        return state.syntheses[0]
    if state.synth_errors:
        raise SynthesisFailed(state.synth_errors[0])
    spec = state.settings.entry
    if spec is None:
        raise SynthesisFailed(NO_ENTRY)
    workdir = rundirs.make("synth")
    state.cleanup.append(lambda: shutil.rmtree(workdir, ignore_errors=True))
    cache = synth_cache(config) if spec.kind not in ("synthesized", "module") else None
    try:
        if spec.kind == "module":
            synthesis = _plan(config, spec, workdir)
        elif cache is None:
            if spec.kind != "synthesized":
                announce_synthesis(config, spec.entry, estimate("off", None))
            synthesis = synthesize(spec, workdir, state.settings.synth_timeout)
        else:
            synthesis = _through_cache(cache, spec, workdir, state, config)
    except EntryError as exc:
        state.synth_errors.append(str(exc))
        raise SynthesisFailed(str(exc)) from None
    synthesis.on_examine = state.resources.record
    state.syntheses.append(synthesis)
    return synthesis


def synth_cache(config: pytest.Config) -> SynthCache | None:
    """The cache to use: pytest's cache directory when caching is on; under xdist without it,
    a directory private to this run, so that workers still synthesize only once."""
    from pytest_iac.synthesis.cache import SynthCache

    state = config.stash[STATE]
    if state.settings.cache and getattr(config, "cache", None) is not None:
        try:
            return SynthCache(cache_dir(config))
        except OSError as exc:
            _warn(f"the cache directory can't be used ({exc}); this run synthesizes without the cache")
            return None
    process_role = role(config)
    run_dir = process_role.given(RUN_DIR_KEY) if isinstance(process_role, Worker) else None
    return SynthCache(Path(run_dir)) if run_dir else None


def run_cache_dir(config: pytest.Config) -> Path:
    """xdist controller: the workers' shared cache directory when pytest's cache is off, named
    by this process and removed when it ends (or swept by a later run if it was killed)."""
    state = config.stash[STATE]
    if state.run_dir is None:
        state.run_dir = rundirs.named("run", os.getpid(), uuid.uuid4().hex[:12])
        state.cleanup.append(lambda: shutil.rmtree(state.run_dir, ignore_errors=True))  # type: ignore[arg-type]
    return state.run_dir


def _plan(config: pytest.Config, spec: EntrySpec, workdir: Path) -> Synthesis:
    """A Terraform module's plan, through the plan cache when the synthesis cache would be used."""
    from pytest_iac.synthesis.plan_cache import session_plan

    settings = config.stash[STATE].settings
    use_cache = settings.cache and getattr(config, "cache", None) is not None
    process_role = role(config)
    run_dir = process_role.given(RUN_DIR_KEY) if isinstance(process_role, Worker) else None
    directory = (Path(config.cache.mkdir("pytest-iac")) / "plan" if use_cache
                 else Path(run_dir) / "plan" if run_dir else None)
    return session_plan(spec, workdir, terraform=settings.terraform, plugin_dir=settings.terraform_plugin_dir,
                        cache_dir=directory, env_vars=settings.env.tf_vars)


def cache_dir(config: pytest.Config) -> Path:
    return Path(config.cache.mkdir("pytest-iac")) / "synth"


def _through_cache(cache: SynthCache, spec: EntrySpec, workdir: Path, state: State,
                   config: pytest.Config) -> Synthesis:
    from pytest_iac.synthesis.cache import CacheUnavailable
    from pytest_iac.synthesis.synthesize import synthesize

    made: list[Synthesis] = []
    try:
        return _cached(cache, spec, workdir, state, made, config)
    except CacheUnavailable as exc:
        _warn(f"{exc}; this run synthesizes without the cache")
        if made:
            return made[0]
        return synthesize(spec, workdir, state.settings.synth_timeout)
    finally:
        for problem in cache.problems:
            _warn(problem)


def _cached(cache: SynthCache, spec: EntrySpec, workdir: Path, state: State, made: list[Synthesis],
            config: pytest.Config) -> Synthesis:
    from pytest_iac.synthesis.cache import record_inputs
    from pytest_iac.synthesis.inputs import recording
    from pytest_iac.synthesis.synthesize import read_output, stack_env, synthesize

    recorder = state.synthesis_recorder()
    scope = recorder.scope() if recorder else None
    key = cache.key(spec)
    with cache.locked(key):
        started = time.perf_counter()
        hit = cache.lookup(key)
        usable = hit is not None and (recorder is None or hit.record.get("scope") == scope)
        if usable:
            assert hit is not None
            local = workdir / "cached"
            shutil.copytree(hit.outdir, local, symlinks=True)  # a later run may replace the entry
            synthesis = read_output(spec, local, {"import": 0.0, "synth": 0.0})
            synthesis.env_read = stack_env(hit.record["env_read"])
            synthesis.notes = tuple(hit.record.get("notes", ()))
            synthesis.cache = "hit"
            cold = (hit.record.get("timings") or {}).get("total")
            if isinstance(cold, (int, float)):
                synthesis.saved_seconds = max(0.0, cold - (time.perf_counter() - started))
            if hit.record.get("coverage") is not None:
                state.coverage_replay.append(hit.record["coverage"])
            return synthesis
        announce_synthesis(config, spec.entry, estimate("miss", cache.last_seconds(key)))
        with contextlib.ExitStack() as stack:
            seen = stack.enter_context(recording())
            covered = stack.enter_context(recorder.synthesis_context()) if recorder else None
            synthesis = synthesize(spec, workdir, state.settings.synth_timeout)
        if recorder is not None and recorder.records_apart:
            state.coverage_replay.append(covered)
        made.append(synthesis)
        record = {
            "inputs": record_inputs(seen, synthesis.env_read, synthesis.asset_paths, workdir),
            "env_read": list(synthesis.env_read),
            "notes": list(synthesis.notes),
            "timings": synthesis.timings,
            "coverage": covered,
            "scope": scope,
        }
        cache.store(key, synthesis.outdir, record)
        synthesis.cache = "miss"
        return synthesis


def _warn(message: str) -> None:
    from pytest_iac.warnings import CacheBypassWarning

    warnings.warn(CacheBypassWarning(f"pytest-iac synthesis cache: {message}"), stacklevel=2)
