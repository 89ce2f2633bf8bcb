"""One place that decides what is secret, and hides it in every text the plugin shows.

Failure messages, diffs, check findings, test reports (terminal, JUnit XML) and the JSON and
Markdown reports all pass through here. A value is secret when:

- it sits under a secret-named key (``password``, ``db_pass``, ``apiKey``, ``client_secret``,
  ``private_key``, ``token``, ...), or is the value of such an output, or of an output marked
  ``sensitive`` (those values are remembered, so they are masked wherever they show up later);
- its shape says so, under any key or inside any text: the password of a URL's userinfo
  (``postgres://user:***@host``), an AWS access key id (``AKIA``/``ASIA`` + 16), a 40-character
  base64 string mixing cases and digits (an AWS secret access key), a PEM private key block.

Imports only the standard library and the plan's two markers, so the assertions room and the
reports can both use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from pytest_iac.terraform.sensitive import SENSITIVE, Sensitive
from pytest_iac.terraform.unknown import UNKNOWN, Unknown

__all__ = ["MASK", "is_secret_key", "mask_data", "mask_text", "remember", "remember_secrets_of"]

MASK = "***"

_LEGACY = re.compile(r"password|passwd|secret|token|private_?key|access_?key|secret_?key|api_?key|credential",
                     re.IGNORECASE)
_SECRET_WORDS = frozenset({"password", "passwd", "pwd", "pass", "passphrase", "secret", "secrets", "token",
                           "tokens", "credential", "credentials", "apikey", "privatekey", "secretkey",
                           "accesskey", "connectionstring"})
_SECRET_PAIRS = frozenset({("private", "key"), ("access", "key"), ("secret", "key"), ("api", "key"),
                           ("client", "secret"), ("connection", "string"), ("auth", "key")})
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")

_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\Z)",
                          re.DOTALL)
_URL_PASSWORD = re.compile(r"(\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@\"'<>]*:)([^\s@/\"'<>]+)(?=@)")
_AWS_KEY_ID = re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")
_BASE64_40 = re.compile(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
_MARKER_TEXTS = frozenset({str(SENSITIVE), str(UNKNOWN)})
_MIN_REMEMBERED = 8  # shorter values, or single-case words, would mask ordinary text
_WORDLIKE = re.compile(r"[a-z_\-]+|[A-Z_\-]+")

_remembered: set[str] = set()


def is_secret_key(key: object) -> bool:
    """Whether a key (or output name) says its value is a secret."""
    if not isinstance(key, str):
        return False
    if _LEGACY.search(key):
        return True
    words = [w.lower() for w in _WORD.findall(key)]
    if any(w in _SECRET_WORDS for w in words):
        return True
    return any(pair in _SECRET_PAIRS for pair in zip(words, words[1:]))


def _aws_secret(match: re.Match[str]) -> str:
    text = match.group(0)
    mixed = any(c.isupper() for c in text) and any(c.islower() for c in text) and any(c.isdigit() for c in text)
    return MASK if mixed else text


def mask_text(text: str) -> str:
    """``text`` with every secret-shaped part and every remembered secret value replaced."""
    if not text:
        return text
    for value in sorted(_remembered, key=len, reverse=True):
        if value in text:
            text = text.replace(value, MASK)
    text = _PRIVATE_KEY.sub(MASK, text)
    text = _URL_PASSWORD.sub(lambda m: m.group(1) + MASK, text)
    text = _AWS_KEY_ID.sub(MASK, text)
    return _BASE64_40.sub(_aws_secret, text)


def mask_data(data: Any, *, keys: bool = True) -> Any:
    """A copy of JSON-like ``data`` with secrets masked: every string through ``mask_text`` and,
    with ``keys``, the values under secret-named keys replaced whole."""
    if isinstance(data, str):
        return mask_text(data)
    if isinstance(data, Mapping):
        return {k: MASK if keys and is_secret_key(k) and v not in (None, "", [], {})
                else mask_data(v, keys=keys) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return type(data)(mask_data(v, keys=keys) for v in data)
    return data


def remember(values: Iterable[Any]) -> None:
    """Mask these secret values from now on, wherever they appear (an output's value, say). A
    plan's markers (``Sensitive``, ``Unknown``) hold no secret: they are not remembered; any
    other ``str`` (a ``Supplied`` variable's value, say) is a real value and is."""
    for value in values:
        if isinstance(value, (Sensitive, Unknown)) or isinstance(value, str) and value in _MARKER_TEXTS:
            continue  # also as plain text: the checks' view of a plan turns a written secret into one
        if isinstance(value, str):
            if len(value) >= _MIN_REMEMBERED and "${" not in value and not _WORDLIKE.fullmatch(value):
                _remembered.add(value)
        elif isinstance(value, Mapping):
            remember(value.values())
        elif isinstance(value, (list, tuple)):
            remember(value)


def remember_secrets_of(config: Mapping[str, Any]) -> None:
    """Remember the literal secrets of a Terraform configuration: values under secret-named
    keys, and the values of outputs that are sensitive or secret-named."""
    outputs = config.get("output")
    if isinstance(outputs, Mapping):
        for name, output in outputs.items():
            if isinstance(output, Mapping) and (output.get("sensitive") is True or is_secret_key(name)):
                remember([output.get("value")])
    remember(_under_secret_keys(config))


def _under_secret_keys(data: Any) -> Iterable[Any]:
    if isinstance(data, Mapping):
        for key, value in data.items():
            if is_secret_key(key) and isinstance(value, str):
                yield value
            else:
                yield from _under_secret_keys(value)
    elif isinstance(data, list):
        for item in data:
            yield from _under_secret_keys(item)
