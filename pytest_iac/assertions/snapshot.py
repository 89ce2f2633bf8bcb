"""Snapshot tests of a synthesized stack, on syrupy: ``assert iac_stack.to_json() == iac_snapshot``.

The extension writes one ``<test>.tf.json`` per assertion under ``__snapshots__/<test file>/``:
the configuration with its volatile values normalized (``normalize.py``), keys sorted, so two
fresh syntheses of the same code compare equal and a review diff shows only real changes. A
mismatch is reported per resource (``snapshot_diff.py``). syrupy is imported when the fixture
is used, never when the plugin loads.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterator
from typing import Any

from syrupy.extensions.json import JSONSnapshotExtension

from pytest_iac.assertions.normalize import normalize
from pytest_iac.assertions.snapshot_diff import describe_changes

__all__ = ["IacSnapshotExtension", "extension_for"]


class IacSnapshotExtension(JSONSnapshotExtension):
    """syrupy's JSON extension for Terraform JSON: accepts a ``Template``, a dict, a list, a
    ``SynthesizedStack`` or a JSON string; normalizes, sorts, and diffs by resource."""

    file_extension = "tf.json"
    roots: tuple[tuple[str, str], ...] = ()  # (absolute path, placeholder), e.g. the rootdir

    def serialize(self, data: Any, *, exclude: Any = None, include: Any = None, matcher: Any = None) -> str:
        __tracebackhide__ = True
        plain = normalize(_as_json(data), self.roots)
        filtered = self._filter(data=plain, depth=0, path=(), exclude=exclude, include=include, matcher=matcher)
        return json.dumps(filtered, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def diff_lines(self, serialized_data: Any, snapshot_data: Any) -> Iterator[str]:
        if not snapshot_data:
            yield "Run pytest with --snapshot-update to write it, then review and commit it."
            return
        try:
            received, recorded = json.loads(str(serialized_data)), json.loads(str(snapshot_data))
        except ValueError:  # a file edited by hand: syrupy's line diff says where
            yield from super().diff_lines(serialized_data, snapshot_data)
            return
        yield from describe_changes(received, recorded)


@functools.lru_cache(maxsize=None)
def extension_for(rootdir: str) -> type[IacSnapshotExtension]:
    """The extension that writes paths below ``rootdir`` as ``<rootdir>`` (one class per root)."""
    roots = ((os.path.abspath(rootdir), "<rootdir>"), (os.path.realpath(rootdir), "<rootdir>"))
    return type("IacSnapshotExtension", (IacSnapshotExtension,), {"roots": roots})


def _as_json(data: Any) -> Any:
    """What the snapshot holds of ``data``: a template's (or synthesized stack's) configuration,
    a JSON string decoded, anything else as it is."""
    __tracebackhide__ = True
    to_json = getattr(data, "to_json", None)
    if callable(to_json):
        return to_json()
    config = getattr(data, "config", None)
    if isinstance(config, dict):
        return config
    if isinstance(data, (str, bytes)):
        try:
            return json.loads(data)
        except ValueError:
            return data
    return data
