"""Load and validate the requirements YAML file (format version 1) into the frozen model.

The file is written by hand, so every mistake must come back as one line a user
can act on: ``FILE:LINE:COL: what is wrong (value). how to fix``. PyYAML's
``safe_load`` loses positions and silently keeps the last of two duplicate keys,
so the loader composes the node tree and walks it itself. ``yaml`` is imported
only inside :func:`load_requirements` to keep importing this module cheap.
The format itself (``_SPEC``) is in yaml_format.py.
"""

from __future__ import annotations

import codecs
import os
import re
import types
from typing import TYPE_CHECKING, Any, Mapping, NoReturn, cast

from pytest_iac._text import closest
from pytest_iac.config.yaml_format import (_CHOICES, _SPEC, _STRINGS, ID_PATTERN, KEYS, NAME_PATTERN, REASON_MIN_LENGTH,
                                           REQUIRED, SUPPORTED_VERSIONS, json_schema)
from pytest_iac.config.yaml_limits import check_depth, check_expansion
from pytest_iac.config.requirements import (SEVERITIES, AppSpec, CheckovSettings, CheckSettings, CoverageSettings,
                                            DeploymentSettings, Requirement, RequirementsError, RequirementsFile,
                                            Suppression)

if TYPE_CHECKING:
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    Node = ScalarNode | SequenceNode | MappingNode

__all__ = ["KEYS", "REQUIRED", "json_schema", "load_requirements"]

_TAG = "tag:yaml.org,2002:"
_MERGE, _VALUE = _TAG + "merge", _TAG + "value"
_STANDARD_TAGS = frozenset(_TAG + t for t in (
    "binary bool float int map null omap pairs seq set str timestamp value".split()))


def load_requirements(path: str | os.PathLike[str], *, display_path: str | None = None) -> RequirementsFile:
    """Read, validate and freeze a requirements file; raise RequirementsError on any problem."""
    import yaml

    real = os.fspath(path)
    shown = display_path or real
    text = _read_text(real, shown)
    try:
        check_depth(text, shown, yaml)  # before composing: PyYAML composes recursively
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        context = exc.context or ""
        if context and exc.context_mark and mark is not exc.context_mark:
            context += f" on line {exc.context_mark.line + 1}"
        problem = "; ".join(p for p in (context, exc.problem) if p)
        hint = ("YAML does not allow tabs; indent with spaces." if "'\\t'" in (exc.problem or "")
                else "Keep a single YAML document: remove the second '---'." if "single document" in context
                else "Fix the YAML syntax here (indentation, ':' after keys, closing quotes/brackets).")
        raise RequirementsError(shown, f"invalid YAML: {problem}", hint,
                                *((mark.line + 1, mark.column + 1) if mark else (None, None))) from None
    except yaml.reader.ReaderError as exc:
        before = text[:exc.position]
        raise RequirementsError(
            shown, f"invalid YAML: unacceptable character #x{exc.character:04x}",
            "Remove the control character.", before.count("\n") + 1,
            len(before) - before.rfind("\n")) from None
    except yaml.YAMLError as exc:
        raise RequirementsError(shown, f"invalid YAML: {exc}".replace("\n", " "), "Fix the YAML syntax.") from None
    if root is None or (root.tag == _TAG + "null" and not root.value):
        raise RequirementsError(shown, "file is empty",
                                "Start it with 'version: 1' and a 'requirements:' list.", 1, 1)
    check_expansion(root, shown)
    return _Parser(shown, yaml).file(cast("Node", root), real)


def _read_text(real: str, shown: str) -> str:
    if os.path.isdir(real):
        raise RequirementsError(shown, "is a directory, not a YAML file",
                                "Point --iac-requirements at the requirements YAML file itself.")
    try:
        with open(real, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise RequirementsError(shown, "file not found", "Create it or fix --iac-requirements.") from None
    except OSError as exc:
        raise RequirementsError(shown, f"cannot read file ({exc.strerror or exc})",
                                "Check that the file exists and is readable.") from None
    data = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[:exc.start]
        line_start = before.rfind(b"\n") + 1
        column = len(before[line_start:].decode("utf-8", "replace")) + 1
        raise RequirementsError(shown, f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                                "Save the file as UTF-8.", before.count(b"\n") + 1, column) from None



_BUILD: dict[str, Any] = {"app": AppSpec, "requirements[]": Requirement, "coverage": CoverageSettings,
                          "checks": CheckSettings, "checks.checkov": CheckovSettings, "checks.suppress[]": Suppression, "deployment": DeploymentSettings}


def visible_length(text: str) -> int:
    """Characters that show: not spaces, and not format or control characters (zero-width spaces,
    joiners, bidi marks), which would let an empty-looking reason pass the length rule."""
    import unicodedata

    return sum(1 for ch in text if not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Cc", "Zs", "Mn", "Me"))


class _Parser:
    """Walks the composed node tree against ``_SPEC``, keeping every node's mark for errors."""

    def __init__(self, path: str, yaml: Any) -> None:
        self.path, self.yaml = path, yaml
        self.constructor = yaml.constructor.SafeConstructor()
        self.coverage_given: frozenset[str] = frozenset()

    def fail(self, at: Any, problem: str, hint: str) -> NoReturn:
        mark = getattr(at, "start_mark", at)
        raise RequirementsError(self.path, problem, hint, mark.line + 1, mark.column + 1)

    def value(self, node: Node) -> Any:
        if node.tag == _VALUE:
            return node.value
        try:
            return self.constructor.construct_object(node, deep=True)
        except Exception as exc:  # PyYAML raises ValueError/TypeError/... on junk under explicit tags
            if node.id != "scalar":  # a self-referencing alias, or a '!!omap'/'!!set' of the wrong shape
                self.fail(node, f"cannot read this value ({getattr(exc, 'problem', exc)})",
                          "Remove aliases that refer to their own anchor and check any '!!' tag.")
            self.fail(node, f"cannot read {node.value!r} as {node.tag.rsplit(':', 1)[-1]}",
                      "Fix the value or remove its '!!' tag.")

    def describe(self, node: Node) -> str:
        if node.id != "scalar":
            return "a mapping" if node.id == "mapping" else "a list"
        value = self.value(node)
        if value is None:
            return "null" if node.value else "an empty value"
        shown = repr(value) if isinstance(value, str) else node.value
        return f"{shown if len(shown) <= 60 else shown[:57] + '...'} ({type(value).__name__})"

    def check_tree(self, root: Node) -> None:
        """Reject what a schema walk would miss: custom tags, non-string and duplicate keys."""
        problems: list[tuple[Node, str, str]] = []
        seen: set[int] = set()
        stack = [root]
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if node.tag not in _STANDARD_TAGS:
                tag = node.tag.replace(_TAG, "!!")
                problems.append((node, f"unsupported tag {tag!r}",
                                 "Remove it; only standard YAML types are allowed."))
            elif node.id == "sequence":
                stack.extend(node.value)
            elif node.id == "mapping":
                first: dict[str, int] = {}
                for key, value in node.value:
                    stack.append(value)
                    if key.tag == _MERGE:
                        continue
                    name = self.value(key) if key.id == "scalar" and key.tag in _STANDARD_TAGS else None
                    if not isinstance(name, str):
                        fix = f'Quote it as "{key.value}".' if key.id == "scalar" else "Use a plain name."
                        problems.append((key, f"keys must be strings, got {self.describe(key)}", fix))
                    elif name in first:
                        problems.append((key, f"duplicate key {name!r} (first on line {first[name]})",
                                         "Remove one of them; YAML would silently keep only the last."))
                    else:
                        first[name] = key.start_mark.line + 1
        if problems:
            self.fail(*min(problems, key=lambda p: (p[0].start_mark.line, p[0].start_mark.column)))

    def pairs(self, node: Node, what: str, example: str) -> dict[str, tuple[Node, Node]]:
        if node.id != "mapping":
            self.fail(node, f"{what} must be a mapping, got {self.describe(node)}", f"Write e.g. {example}.")
        try:
            self.constructor.flatten_mapping(node)  # applies '<<' merge keys; explicit keys win
        except self.yaml.MarkedYAMLError as exc:
            self.fail(exc.problem_mark, f"invalid merge: {exc.problem}", "Merge ('<<') only mappings.")
        return {self.value(key): (key, value) for key, value in node.value}

    def section(self, node: Node, level: str, what: str, example: str) -> Any:
        """Check a mapping's keys at ``level``, read each value, check across fields, build the dataclass."""
        pairs = self.pairs(node, what, example)
        allowed = KEYS[level]
        for name, (key, _) in pairs.items():
            if name not in allowed:
                guess = closest(name, allowed)
                hint = f"Did you mean {guess!r}?" if guess else f"Valid keys: {', '.join(allowed)}."
                self.fail(key, f"unknown key {name!r}" + (f" in {what}" if level else ""), hint)
        for name in REQUIRED.get(level, ()):
            if name not in pairs:
                self.fail(node, f"{what} is missing required key {name!r}",
                          f"Add e.g. '{name}: {_SPEC[level][name][1]}'.")
        nodes = {name: value for name, (_, value) in pairs.items()}
        values = {name: self.field(level, name, value) for name, value in nodes.items()}
        if level.endswith("[]"):
            values["line"] = node.start_mark.line + 1
        elif level == "app" and "entry" in nodes:
            mark = nodes["entry"].start_mark
            values["entry_at"] = (mark.line + 1, mark.column + 1)
        elif level == "coverage":
            self.coverage_given = frozenset(values)
        elif level == "checks.checkov":
            values["line"] = node.start_mark.line + 1
            values["lines"] = types.MappingProxyType({
                self.value(item): item.start_mark.line + 1
                for key in ("checks", "skip_checks") if key in nodes for item in nodes[key].value})
            for item in nodes["skip_checks"].value if "skip_checks" in nodes else ():
                if self.value(item) in values.get("checks", ()):
                    self.fail(item, f"policy {self.value(item)!r} is both in 'checks' and in 'skip_checks'",
                              "Remove it from one of them.")
        elif level == "checks":
            if "checkov" in values and values["checkov"] is None:
                del values["checkov"]  # 'checkov:' with nothing under it: the defaults
            for item in nodes["ignore"].value if "ignore" in nodes else ():
                if self.value(item) in values.get("select", ()):
                    self.fail(item, f"check {self.value(item)!r} is both selected and ignored",
                              "Remove it from 'select' or from 'ignore'.")
        elif level == "deployment" and values.get("target") == "aws" and values.get("account_id") is None:
            self.fail(nodes["target"], "deploying to aws needs 'account_id'",
                      "Add e.g. account_id: \"123456789012\" under 'deployment'.")
        return _BUILD[level](**values) if level else values

    def field(self, level: str, key: str, node: Node) -> Any:
        kind, example = _SPEC[level][key]
        if kind.endswith("?"):
            if node.id == "scalar" and self.value(node) is None:
                return None  # includes an optional section whose keys are all commented out
            kind = kind[:-1]
        if kind.endswith("[]"):
            return self.items(node, key, kind, f"{key}: {example}")
        if kind in _BUILD:
            return self.section(node, kind, f"{key!r}", f"{key}: {example}")
        if kind.startswith("["):
            return self.strings(node, key, example, kind[1:-1])
        if kind in _STRINGS:
            return self.text(node, f"{key!r}", f"{key}: {example}", *_STRINGS[kind])
        if kind in _CHOICES:
            return self.choice(node, key, _CHOICES[kind])
        return getattr(self, "read_" + kind)(node, key, example)

    def items(self, node: Node, key: str, level: str, example: str) -> tuple[Any, ...]:
        if node.id != "sequence" or (key == "requirements" and not node.value):
            problem = "is empty" if node.id == "sequence" else f"must be a list, got {self.describe(node)}"
            self.fail(node, f"{key!r} {problem}", f"Write e.g. {example}.")
        first: dict[str, int] = {}
        out = []
        for index, item in enumerate(node.value, 1):
            id_node = self.pairs(item, f"{key} item {index}", example).get("id", (None, None))[1]
            rid = self.value(id_node) if id_node is not None and key == "requirements" else None
            what = f"requirement {rid!r}" if isinstance(rid, str) else f"{key} item {index}"
            out.append(self.section(item, level, what, example))
            if rid in first:
                self.fail(id_node, f"duplicate requirement id {rid!r} (first defined on line {first[rid]})",
                          "Give each requirement a unique id.")
            if rid is not None:
                first[rid] = item.start_mark.line + 1
        return tuple(out)

    def text(self, node: Node, label: str, example: str, rule: str, pattern: str | None) -> str:
        value = self.value(node)
        fix = f"Write e.g. {example}."
        if not isinstance(value, str):
            if value is not None and node.id == "scalar" and (not pattern or re.fullmatch(pattern, node.value)):
                fix = f'Quote it: "{node.value}".'
            self.fail(node, f"{label} must be {rule}, got {self.describe(node)}", fix)
        if not value.strip():
            self.fail(node, f"{label} must not be empty", fix)
        if pattern and not re.fullmatch(pattern, value):  # fullmatch: '$' must not allow a final newline
            self.fail(node, f"{label} must be {rule}, got {self.describe(node)}", fix)
        return value.strip() if pattern is None else value

    def strings(self, node: Node, key: str, example: str, kind: str) -> tuple[str, ...]:
        if node.id != "sequence":
            self.fail(node, f"{key!r} must be a list, got {self.describe(node)}", f"Write e.g. {key}: [{example}].")
        first: dict[str, int] = {}
        for item in node.value:
            value = self.text(item, f"each entry of {key!r}", f"{key}: [{example}]", *_STRINGS[kind])
            if value in first:
                self.fail(item, f"duplicate {value!r} in {key!r} (first on line {first[value]})",
                          "Remove one of them.")
            first[value] = item.start_mark.line + 1
        return tuple(first)

    def choice(self, node: Node, key: str, choices: tuple[str, ...]) -> str:
        value = self.value(node)
        if value not in choices:
            guess = closest(value, choices) if isinstance(value, str) else None
            self.fail(node, f"{key!r} must be one of {', '.join(choices)}, got {self.describe(node)}",
                      f"Did you mean {guess!r}?" if guess else f"Write e.g. {key}: {choices[0]}.")
        return str(value)

    def read_percent(self, node: Node, key: str, example: str) -> float:
        value = self.value(node)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
            digits = value[:-1].strip() if isinstance(value, str) and value.endswith("%") else ""
            fix = (f"Drop the '%': {key}: {digits}." if re.fullmatch(r"\d+(\.\d+)?", digits)
                   else f"Write e.g. {key}: {example}.")
            self.fail(node, f"{key!r} must be a number between 0 and 100, got {self.describe(node)}", fix)
        return float(value)

    def read_bool(self, node: Node, key: str, example: str) -> bool:
        value = self.value(node)
        if not isinstance(value, bool):
            self.fail(node, f"{key!r} must be true or false, got {self.describe(node)}",
                      f"Write {key}: true or {key}: false.")
        return value

    def read_version(self, node: Node, key: str, example: str) -> int:
        value, supported = self.value(node), ", ".join(map(str, SUPPORTED_VERSIONS))
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(node, f"'version' must be the number 1, got {self.describe(node)}",
                      f"Write 'version: 1' (supported versions: {supported}).")
        if value not in SUPPORTED_VERSIONS:
            self.fail(node, f"unsupported version {value}",
                      f"Supported versions: {supported}. Write 'version: 1' or upgrade pytest-iac.")
        return value

    def read_reason(self, node: Node, key: str, example: str) -> str:
        value = self.text(node, f"{key!r}", f"{key}: {example}", *_STRINGS["text"])
        visible = visible_length(value)
        if visible < REASON_MIN_LENGTH:
            self.fail(node, f"{key!r} is too short ({visible} visible characters, at least {REASON_MIN_LENGTH})",
                      f"Say why the finding is acceptable, e.g. {key}: {example}.")
        return value

    def read_severities(self, node: Node, key: str, example: str) -> Mapping[str, str]:
        severities: dict[str, str] = {}
        if node.id == "scalar" and self.value(node) is None:
            return types.MappingProxyType(severities)
        for name, (knode, value) in self.pairs(node, f"{key!r}", f"{key}: {example}").items():
            if not re.fullmatch(ID_PATTERN, name):
                self.fail(knode, f"{key!r} key {name!r} is not a check id", f"Write e.g. {key}: {example}.")
            chosen = self.value(value)
            if chosen not in SEVERITIES:
                guess = closest(chosen, SEVERITIES) if isinstance(chosen, str) else None
                self.fail(value, f"severity of {name!r} must be one of {', '.join(SEVERITIES)}, "
                                 f"got {self.describe(value)}",
                          f"Did you mean {guess!r}?" if guess else f"Write e.g. {name}: warning.")
            severities[name] = chosen
        return types.MappingProxyType(severities)

    def read_kwargs(self, node: Node, key: str, example: str) -> Mapping[str, Any]:
        kwargs: dict[str, Any] = {}
        if node.id == "scalar" and self.value(node) is None:
            return types.MappingProxyType(kwargs)
        for name, (knode, value) in self.pairs(node, "'kwargs'", f"kwargs: {example}").items():
            if not re.fullmatch(NAME_PATTERN, name):
                self.fail(knode, f"'kwargs' key {name!r} is not a Python keyword argument name",
                          f"Use the constructor's parameter name, e.g. {re.sub(r'[^A-Za-z0-9_]', '_', name)!r}.")
            kwargs[name] = self.value(value)
        return types.MappingProxyType(kwargs)

    def read_tfvars(self, node: Node, key: str, example: str) -> Mapping[str, Any]:
        """A Terraform module's input variables: names as terraform allows them."""
        tf_vars: dict[str, Any] = {}
        if node.id == "scalar" and self.value(node) is None:
            return types.MappingProxyType(tf_vars)
        for name, (knode, value) in self.pairs(node, "'vars'", f"vars: {example}").items():
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", name):
                self.fail(knode, f"'vars' key {name!r} is not a Terraform variable name",
                          "Use the name of the module's variable block.")
            tf_vars[name] = self.value(value)
        return types.MappingProxyType(tf_vars)

    def file(self, root: Node, real: str) -> RequirementsFile:
        self.check_tree(root)
        hint = "'version: 1' followed by a 'requirements:' list"
        version = self.pairs(root, "the top level", hint).get("version")
        if version is None:
            self.fail(root, "missing required key 'version'", "Add 'version: 1' at the top of the file.")
        self.read_version(version[1], "version", "1")  # first: other keys may be valid in other versions
        values = self.section(root, "", "the top level", hint)
        return RequirementsFile(
            path=real, version=values["version"], project=values.get("project"), app=values.get("app"),
            requirements=values["requirements"], coverage=values.get("coverage") or CoverageSettings(),
            checks=values.get("checks") or CheckSettings(),
            deployment=values.get("deployment") or DeploymentSettings(),
            coverage_given=self.coverage_given, display_path=self.path)
