"""``assets``: files the configuration reads exist, and Lambda packages contain their handler.

cdktf runs terraform in ``<project>/cdktf.out/stacks/<stack id>/``, so relative paths are
resolved from there (``CheckContext.resolve``, ``pytest_iac.synthesis.layout``), whatever
directory the plugin synthesized into: a path that works from the project root at synth time is
missing at plan time, and ``../../../lib/fn.zip`` names ``<project>/lib/fn.zip``. Values that are
references (``${aws_x.y.z}``) cannot be known here and are skipped; ``${path.module}`` (and
``path.root``, ``path.cwd``) stand for the stack directory.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pytest_iac._text import listing
from pytest_iac.checks._common import data_sources, literal, outputs, resources
from pytest_iac.checks.base import Check, CheckContext, Finding
from pytest_iac.terraform.expressions import interpolations, is_expression, unescape

# Arguments that name an input file, by resource type ("source" is a file only for S3 objects).
FILE_ARGUMENTS: dict[str, tuple[str, ...]] = {
    "aws_lambda_function": ("filename",),
    "aws_lambda_layer_version": ("filename",),
    "aws_s3_object": ("source",),
    "aws_s3_bucket_object": ("source",),
}
DATA_FILE_ARGUMENTS: dict[str, tuple[str, ...]] = {"archive_file": ("source_file", "source_dir")}
FILE_FUNCTIONS = ("file", "filebase64", "filebase64sha256", "filebase64sha512", "filemd5", "filesha1",
                  "filesha256", "filesha512", "templatefile")
_CALL = re.compile(r"\b(" + "|".join(FILE_FUNCTIONS) + r')\(\s*"((?:[^"\\]|\\.)*)"')
_PATH_VARIABLE = re.compile(r"\$\{\s*path\.(?:module|root|cwd)\s*\}")
_ASSET = "or use TerraformAsset so synth copies it into the output directory."


def _fix(path: str, directory: bool) -> str:
    if directory:
        return "Point it at an existing directory, " + _ASSET
    if path.lower().endswith((".zip", ".jar")):
        return "Build the package before synthesis, " + _ASSET
    return "Create the file before synthesis, " + _ASSET


def _path(text: str) -> str | None:
    """The path a literal names, with ``${path.module}`` as the stack directory; None if unknowable."""
    text = _PATH_VARIABLE.sub(".", text)
    return None if is_expression(text) or not text.strip() else unescape(text)


def _uses(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """(where, path) for every file-function call with a literal first argument, anywhere in ``value``."""
    if isinstance(value, Mapping):
        for k, v in value.items():
            yield from _uses(v, k)
    elif isinstance(value, list):
        for item in value:
            yield from _uses(item, key)
    elif isinstance(value, str):
        for function, argument in (call for inner in interpolations(value) for call in _CALL.findall(inner)):
            argument = argument.replace('\\"', '"').replace("\\\\", "\\")
            path = _path(argument)
            if path is not None:
                yield f'{function}("{argument}")' + (f" in {key}" if key else ""), path


def _shown(path: Path, ctx: CheckContext) -> str:
    """Relative to the project directory when inside it (synthesis may happen elsewhere)."""
    try:
        relative = os.path.relpath(path, ctx.project_dir)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else Path(relative).as_posix()


def _handler_problem(archive: Path, handler: str, shown: str) -> str | None:
    """Why a python handler cannot be imported from ``archive``, or None when it can."""
    module = handler.rsplit(".", 1)[0]
    if module == handler or not module:
        return (f"handler {handler!r} has no function part; write it as 'module.function', "
                "e.g. 'validation.handler'")
    module_path = module.replace(".", "/")
    try:
        with zipfile.ZipFile(archive) as zf:
            names = {n[2:] if n.startswith("./") else n for n in zf.namelist()}
    except (zipfile.BadZipFile, OSError) as exc:
        return f"{shown} is not a readable zip archive ({exc}). Rebuild the deployment package"
    wanted = (f"{module_path}.py", f"{module_path}.pyc", f"{module_path}/__init__.py")
    if any(w in names for w in wanted):
        return None
    base = module_path.rsplit("/", 1)[-1]
    found = sorted(n for n in names if n.rsplit("/", 1)[-1] in (f"{base}.py", f"{base}.pyc"))
    message = f"handler {handler!r} needs {module_path}.py in {shown}, but the archive does not contain it"
    if found:
        suggestion = found[0].rsplit(".", 1)[0] + "." + handler.rsplit(".", 1)[1]
        return (f"{message} (it has {listing(found)}). Set handler = {suggestion!r}, or move the module "
                f"to {module_path}.py in the package")
    modules = sorted(n for n in names if n.endswith(".py"))
    has = f"it has {listing(modules)}" if modules else "it contains no Python modules"
    return f"{message} ({has}). Add the module to the package, or fix the handler"


def referenced_paths(config: Mapping[str, Any]) -> list[str]:
    """Every literal path the stack reads files from (what ``run`` checks), for cache keys."""
    found: list[str] = []
    for section in ("resource", "data"):
        for rtype, named in sorted((config.get(section) or {}).items()):
            arguments = (FILE_ARGUMENTS if section == "resource" else DATA_FILE_ARGUMENTS).get(rtype, ())
            for body in (named or {}).values():
                if not isinstance(body, Mapping):
                    continue
                for argument in arguments:
                    value = literal(body.get(argument))
                    path = _path(value) if value is not None else None
                    found += [path] if path is not None else []
                found += [path for _, path in _uses(body)]
    found += [path for _, path in _uses({k: v for k, v in config.items() if k in ("output", "locals")})]
    return sorted(set(found))


def run(ctx: CheckContext) -> Iterator[Finding]:
    raw = ctx.template.raw
    archives = [*data_sources(ctx, raw), *resources(ctx, "archive_file")]
    generated = {os.path.normpath(p) for _, rtype, body in archives if rtype == "archive_file"
                 for p in [_path(body.get("output_path")) if isinstance(body.get("output_path"), str) else None] if p}
    seen: set[tuple[str, str]] = set()

    def missing(address: str, subject: str, path: str, directory: bool = False,
                consequence: str = "") -> Iterator[Finding]:
        full = ctx.resolve(path)
        key = (address, os.path.normpath(full))
        if key in seen or os.path.normpath(path) in generated:
            return
        seen.add(key)
        if full.is_dir() if directory else full.is_file():
            return
        if full.exists():
            state = f"is a {'file' if directory else 'directory'}, not a {'directory' if directory else 'file'}"
            consequence = ""
        else:
            state = "does not exist"
        where = "" if os.path.isabs(path) else (" Relative paths are resolved from "
                                                f"{_shown(ctx.paths.working_dir if ctx.paths else Path(ctx.stack_dir), ctx)}, "
                                                "where cdktf runs terraform.")
        yield Finding(address, f"{subject} {state} (looked in {_shown(full, ctx)}){consequence}.{where} "
                               + _fix(path, directory))

    locals_ = raw.get("locals", {})
    entries = [(a, t, b, FILE_ARGUMENTS.get(t, ())) for a, t, b in resources(ctx)]
    entries += [(a, t, b, DATA_FILE_ARGUMENTS.get(t, ())) for a, t, b in data_sources(ctx, raw)]
    entries += [(f"output.{n}", "output", o, ()) for n, o in outputs(ctx).items()]
    if isinstance(locals_, Mapping):
        entries += [(f"local.{n}", "local", {"value": v}, ()) for n, v in sorted(locals_.items())]
    for address, rtype, body, arguments in entries:
        for argument in arguments:
            value = literal(body.get(argument))
            path = _path(value) if value is not None else None
            if path is not None:
                yield from missing(address, f"{argument} {value!r}", path, directory=argument == "source_dir")
        for where, path in _uses({k: v for k, v in body.items() if k not in ("depends_on", "lifecycle")}):
            yield from missing(address, f"{where} reads a file that", path,
                               consequence="; Terraform fails on it with 'no such file or directory'")
        if rtype == "aws_lambda_function":
            yield from _handler(ctx, address, body)


def _handler(ctx: CheckContext, address: str, body: dict[str, Any]) -> Iterator[Finding]:
    filename, handler, runtime = (literal(body.get(k)) for k in ("filename", "handler", "runtime"))
    path = _path(filename) if filename else None
    if not (path and handler and runtime and runtime.startswith("python")):
        return
    archive = ctx.resolve(path)
    if archive.is_file():
        problem = _handler_problem(archive, handler, _shown(archive, ctx))
        if problem:
            yield Finding(address, problem + ".")


CHECKS = [Check("assets", "Files the configuration reads (Lambda packages, S3 object sources, file() calls) "
                "exist, and Python Lambda packages contain their handler module", run)]
