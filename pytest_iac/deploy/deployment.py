"""The deployed stack, as integration tests see it: outputs, state, and boto3 clients.

boto3 is imported only when a test asks for a client.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

__all__ = ["Deployment"]

LOCAL_ACCOUNT = "123456789012"  # moto's default account


@dataclass(frozen=True)
class Deployment:
    """One deployed stack.

    ``outputs``: the stack's outputs, name -> value. ``state``: every resource and data source of
    the Terraform state, address -> its real attributes (empty for the outputs-file target).
    ``client(service)``: a boto3 client pointed at the deployment's endpoint and region.
    """

    target: str  # local | aws | outputs
    stack: str | None
    outputs: Mapping[str, Any]
    region: str
    endpoint_url: str | None = None
    account_id: str | None = None
    state: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    construct_paths: Mapping[str, str] = field(default_factory=dict)  # construct path -> address
    workdir: Path | None = None
    timings: Mapping[str, float] = field(default_factory=dict)

    def __repr__(self) -> str:
        where = self.endpoint_url or (f"account {self.account_id}" if self.account_id else "outputs file")
        return (f"<Deployment {self.target} of {self.stack or 'the stack'} at {where}: "
                f"{len(self.outputs)} outputs, {len(self.resources())} resources>")

    def __post_init__(self) -> None:
        from pytest_iac.masking import is_secret_key, remember

        remember(value for name, value in self.outputs.items() if is_secret_key(name))  # masked in failures
        object.__setattr__(self, "outputs", MappingProxyType(dict(self.outputs)))
        object.__setattr__(self, "state", MappingProxyType({k: MappingProxyType(dict(v)) for k, v in self.state.items()}))

    # -- outputs and state -----------------------------------------------------------------------

    def output(self, name: str) -> Any:
        """The value of output ``name``; a missing one names the outputs there are."""
        if name not in self.outputs:
            raise LookupError(self._missing("output", name, self.outputs))
        return self.outputs[name]

    def resource(self, address: str) -> Mapping[str, Any]:
        """The deployed attributes of the resource at ``address`` (e.g. ``aws_s3_bucket.records``)."""
        if not self.state:
            raise LookupError(f"no Terraform state for the {self.target!r} target: it reads outputs only "
                              "(use .outputs, or --iac-deploy local for the state)")
        if address not in self.state:
            raise LookupError(self._missing("resource", address, self.state))
        return self.state[address]

    def resource_by_path(self, construct_path: str) -> Mapping[str, Any]:
        """The deployed attributes of the resource with this construct path (``payments/data/records``)."""
        if construct_path not in self.construct_paths:
            raise LookupError(self._missing("construct path", construct_path, self.construct_paths))
        return self.resource(self.construct_paths[construct_path])

    def resources(self, resource_type: str | None = None) -> dict[str, Mapping[str, Any]]:
        """Address -> attributes of every managed resource (of ``resource_type`` when given)."""
        return {a: v for a, v in self.state.items()
                if not a.startswith("data.") and (resource_type is None or _type_of(a) == resource_type)}

    def _missing(self, what: str, name: str, known: Mapping[str, Any]) -> str:
        from pytest_iac._text import closest

        hint = closest(name, known)
        listed = ", ".join(sorted(known)[:20]) + (", ..." if len(known) > 20 else "")
        return (f"no {what} {name!r} in the deployment of {self.stack or 'the stack'}"
                + (f"; did you mean {hint!r}?" if hint else "") + f" Known: {listed or '(none)'}")

    # -- AWS clients -----------------------------------------------------------------------------

    def session(self) -> Any:
        """A ``boto3.Session`` for the deployment: dummy keys for the local endpoint, the
        environment's credentials for a real account."""
        import boto3

        if self.target == "local":
            return boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                 region_name=self.region)
        return boto3.Session(region_name=self.region)

    def client(self, service: str, **kwargs: Any) -> Any:
        """``boto3`` client for ``service`` at the deployment's endpoint and region (path-style S3)."""
        if self.endpoint_url is not None:
            kwargs.setdefault("endpoint_url", self.endpoint_url)
            if service == "s3" and "config" not in kwargs:
                from botocore.config import Config

                kwargs["config"] = Config(s3={"addressing_style": "path"})
        return self.session().client(service, **kwargs)


def _type_of(address: str) -> str:
    """``module.m.aws_s3_bucket.b["k.x"]`` -> ``aws_s3_bucket``."""
    parts = re.sub(r"\[[^\]]*\]", "", address).split(".")
    return parts[-2] if len(parts) >= 2 else ""
