"""A generated corpus of bad inputs: requirements YAML, synthesized JSON and stack entries.

Each case is a small project (files, command-line arguments) and what must come of it: a usage
error (exit 4) or a clear failure (exit 1), with given text in the output, and never a traceback,
an INTERNALERROR or a hang. ``test_hostile_inputs.py`` runs them; ``benchmarks/hostile_corpus.py``
counts their outcomes and measures the worst ones.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

BASE = "version: 1\nrequirements:\n  - {id: R-1, description: a requirement}\n"
TEST = "def test_it(iac_synth):\n    assert iac_synth.stacks\n"
STACK = {"resource": {"aws_s3_bucket": {"b": {"bucket": "x"}}}}
MANIFEST = {"version": "0.21.0", "stacks": {"s": {"name": "s", "synthesizedStackPath": "stacks/s/cdk.tf.json"}}}


@dataclass(frozen=True)
class Case:
    id: str
    files: dict[str, str | bytes] = field(default_factory=dict)
    args: tuple[str, ...] = ()
    expect: str = "usage"  # "usage": exit 4; "failure": exit 1 with the message in the output
    says: tuple[str, ...] = ()  # fnmatch patterns the output must contain
    special: str | None = None  # "dev-zero-json", "fifo-json", "dev-zero-script": made by the test
    synth: bool = False  # runs a real synthesis: a subprocess, in the synth tier
    timeout: float = 120


def _yaml(case_id: str, text: str, says: str = "*requirements.yaml:*:*: *") -> Case:
    return Case(f"yaml-{case_id}", {"requirements.yaml": text}, ("--iac-requirements=requirements.yaml",),
                says=(says,))


# kind of value -> values of the wrong type for it (as YAML flow text)
_WRONG = {
    "text": ["123", "1.5", "true", "[]", "{}", "''", "'   '", "[a, b]"],
    "text?": ["123", "1.5", "true", "[]", "{a: 1}", "''"],
    "id": ["123", "true", "[]", "{}", "''", "'has space'", "'-lead'", "'x\\ny'"],
    "kind": ["123", "unitt", "[]", "{}", "''", "true"],
    "percent": ["'x'", "-1", "101", "true", "[]", "{}", "'90%'", ".nan"],
    "percent?": ["'x'", "-1", "101", "true", "[]", "'90%'"],
    "bool": ["'maybe'", "2", "[]", "{}", "'tru'"],
    "[text]": ["5", "{}", "[[]]", "[1]", "['']", "[a, a]"],
    "[check]": ["5", "{}", "[1]", "['bad id']", "[a, a]"],
    "[marker]": ["5", "{}", "[1]", "['1x']", "['a-b']"],
    "[type]": ["5", "[1]", "['aws s3']", "{}"],
    "[doc]": ["5", "['/abs/README.md']", "[1]", "{}"],
    "kwargs": ["5", "[1]", "{1bad: 1}", "'text'", "{a-b: 1}"],
    "severities": ["5", "[1]", "{x: fatal}", "{'bad id': error}"],
    "target": ["5", "aws2", "[]", "{}"],
    "account?": ["123", "'12345'", "[]", "'abcdefghijkl'"],
    "version": ["'1'", "2", "[]", "true", "{}", "1.0"],
    "reason": ["5", "''", "'short'", "[]", "'\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b\u200b'",
               "'\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0'", "\"\\t\\t\\t\\t\\t\\t\\t\\t\\t\\t\\t\"",
               "'\u2060\u200d\u200c\ufeff\u202e\u2060\u200d\u200c\ufeff\u202e abc'"],
}


def _wrong_types() -> list[Case]:
    """Every key of the format with values of the wrong type, each in its own file."""
    places = {  # key -> (kind, how to place a value into a valid file)
        "version": ("version", lambda v: f"version: {v}\nrequirements:\n  - {{id: R-1, description: d}}\n"),
        "project": ("text?", lambda v: BASE + f"project: {v}\n"),
        "requirements": ("[text]", lambda v: f"version: 1\nrequirements: {v}\n"),
        "requirements.id": ("id", lambda v: f"version: 1\nrequirements:\n  - {{id: {v}, description: d}}\n"),
        "requirements.description": ("text", lambda v: f"version: 1\nrequirements:\n  - {{id: R-1, description: {v}}}\n"),
        "requirements.kind": ("kind", lambda v: f"version: 1\nrequirements:\n  - {{id: R-1, description: d, kind: {v}}}\n"),
        "requirements.markers": ("[marker]", lambda v: f"version: 1\nrequirements:\n  - {{id: R-1, description: d, markers: {v}}}\n"),
        "requirements.checks": ("[check]", lambda v: f"version: 1\nrequirements:\n  - {{id: R-1, description: d, checks: {v}}}\n"),
        "app.entry": ("text?", lambda v: BASE + f"app: {{entry: {v}}}\n"),
        "app.stack_id": ("text?", lambda v: BASE + f"app: {{stack_id: {v}}}\n"),
        "app.kwargs": ("kwargs", lambda v: BASE + f"app: {{kwargs: {v}}}\n"),
        "coverage.fail_under": ("percent", lambda v: BASE + f"coverage: {{fail_under: {v}}}\n"),
        "coverage.source": ("[text]", lambda v: BASE + f"coverage: {{source: {v}}}\n"),
        "coverage.branch": ("bool", lambda v: BASE + f"coverage: {{branch: {v}}}\n"),
        "coverage.resources_fail_under": ("percent?", lambda v: BASE + f"coverage: {{resources_fail_under: {v}}}\n"),
        "checks.select": ("[check]", lambda v: BASE + f"checks: {{select: {v}}}\n"),
        "checks.ignore": ("[check]", lambda v: BASE + f"checks: {{ignore: {v}}}\n"),
        "checks.kms_required": ("[type]", lambda v: BASE + f"checks: {{kms_required: {v}}}\n"),
        "checks.severity": ("severities", lambda v: BASE + f"checks: {{severity: {v}}}\n"),
        "checks.ephemeral": ("bool", lambda v: BASE + f"checks: {{ephemeral: {v}}}\n"),
        "checks.docs": ("[doc]", lambda v: BASE + f"checks: {{docs: {v}}}\n"),
        "checks.suppress.reason": ("reason", lambda v: BASE + f"checks:\n  suppress:\n    - {{check: a, resource: b, reason: {v}}}\n"),
        "deployment.target": ("target", lambda v: BASE + f"deployment: {{target: {v}}}\n"),
        "deployment.account_id": ("account?", lambda v: BASE + f"deployment: {{target: local, account_id: {v}}}\n"),
    }
    cases = []
    for key, (kind, place) in places.items():
        values = _WRONG["[text]"][:1] + ["{}", "[]", "'x'", "[{}]", "[5]"] if key == "requirements" else _WRONG[kind]
        for index, value in enumerate(values):
            cases.append(_yaml(f"type-{key}-{index}", place(value)))
    for section in ("app", "coverage", "checks", "deployment"):
        for index, value in enumerate(["5", "'text'", "[1]", "true"]):
            cases.append(_yaml(f"type-{section}-{index}", BASE + f"{section}: {value}\n"))
    return cases


def _deep() -> list[Case]:
    cases = []
    for depth in (65, 100, 1000, 5000, 50000):
        cases.append(_yaml(f"deep-flow-list-{depth}", BASE + "app:\n  kwargs:\n    a: " + "[" * depth + "]" * depth + "\n"))
        cases.append(_yaml(f"deep-flow-map-{depth}", BASE + "project: " + "{a: " * depth + "1" + "}" * depth + "\n"))
    for depth in (70, 500, 3000):
        block = "".join("  " * (i + 2) + f"k{i}:\n" for i in range(depth)) + "  " * (depth + 2) + "v\n"
        cases.append(_yaml(f"deep-block-{depth}", BASE + "app:\n  kwargs:\n" + block))
    return cases


def _bombs() -> list[Case]:
    cases = []
    for levels, fan in ((6, 10), (9, 10), (20, 2), (30, 2)):
        lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * fan) + "]" for i in range(1, levels)]
        text = BASE + "app:\n  kwargs:\n" + "".join(f"    {line}\n" for line in lines)
        cases.append(_yaml(f"alias-bomb-kwargs-{levels}x{fan}", text, "*requirements.yaml:*:*: aliases expand*"))
    text = "x: &x [y, y, y, y, y, y, y, y, y, y]\n" + "".join(
        f"x{i}: &x{i} [" + ", ".join([f"*x{i - 1}" if i > 1 else "*x"] * 10) + "]\n" for i in range(1, 8))
    cases.append(_yaml("alias-bomb-top", "version: 1\n" + text + "requirements:\n  - {id: R-1, description: d}\n",
                       "*requirements.yaml:*:*: aliases expand*"))
    cases.append(_yaml("alias-bomb-merge", BASE + "app:\n  kwargs:\n    a: &a {k0: 1, k1: 1}\n"
                       + "".join(f"    b{i}: &b{i} {{<<: *{'a' if i == 0 else f'b{i - 1}'}, l{i}: [*a, *a, *a, *a, *a, *a, *a, *a]}}\n"
                                 for i in range(12))
                       + "    c: [" + ", ".join(["*b11"] * 2000) + "]\n", "*requirements.yaml:*:*: aliases expand*"))
    cases.append(_yaml("alias-self", BASE + "app:\n  kwargs: &k {me: *k}\n", "*requirements.yaml:*:*: *own anchor*"))
    return cases


def _junk() -> list[Case]:
    texts: dict[str, str | bytes] = {
        "tab-indent": "version: 1\nrequirements:\n\t- {id: R-1, description: d}\n",
        "unclosed-flow": BASE + "app: {entry: [a, b\n",
        "unclosed-quote": BASE + "project: 'abc\n",
        "binary": b"\x00\x01\x02version: 1\n",
        "latin1": "version: 1\nproject: caf\xe9\n".encode("latin-1") + BASE.encode()[11:],
        "bom-junk": b"\xef\xbb\xbf\xff\xfe",
        "empty": "",
        "only-comment": "# nothing\n",
        "two-documents": BASE + "---\n" + BASE,
        "python-tag": BASE + "project: !!python/object/apply:os.system ['true']\n",
        "custom-tag": BASE + "project: !secret x\n",
        "duplicate-key": BASE + "project: a\nproject: b\n",
        "int-key": BASE + "app: {kwargs: {1: a}}\n",
        "null-top": "~\n",
        "list-top": "- version: 1\n",
        "scalar-top": "just text\n",
        "control-char": BASE + "project: \x07bell\n",
        "huge-int": BASE + "coverage: {fail_under: " + "9" * 5000 + "}\n",
        "unknown-key": BASE + "coverge: {fail_under: 90}\n",
        "version-only": "version: 1\n",
        "missing-version": "requirements:\n  - {id: R-1, description: d}\n",
        "dup-requirement": BASE + "  - {id: R-1, description: again}\n",
        "select-and-ignore": BASE + "checks: {select: [a], ignore: [a]}\n",
        "aws-without-account": BASE + "deployment: {target: aws}\n",
    }
    says = {"empty": "*requirements.yaml*: file is empty*", "binary": "*requirements.yaml*",
            "bom-junk": "*requirements.yaml*", "latin1": "*requirements.yaml*UTF-8*",
            "huge-int": "*requirements.yaml*"}
    return [_yaml(f"junk-{name}", text, says.get(name, "*requirements.yaml:*:*: *")) for name, text in texts.items()]


def _entries_in_yaml() -> list[Case]:
    """Malformed ``app.entry`` values: a usage error at the entry's file:line:col."""
    values = {"words": "'just words'", "missing-script": "missing/tap.py", "missing-json": "gone.json",
              "nul": '"a\\0b.py"', "long": "'" + "a" * 5000 + ".py'", "colon-only": "':'",
              "dots": "'a..b:c'", "dev-zero": "/dev/zero", "dev-null-json": "'../../../../../../../dev/null'"}
    return [Case(f"app-entry-{name}", {"requirements.yaml": BASE + f"app:\n  entry: {value}\n", "test_it.py": TEST},
                 ("--iac-requirements=requirements.yaml",), says=("*app.entry at requirements.yaml:5:10*",))
            for name, value in values.items()]


def _json_cases() -> list[Case]:
    deep = {f"deep-{d}": "[" * d + "]" * d for d in (101, 5000, 100000)}
    stacks: dict[str, str | bytes] = {
        "resource-list": json.dumps({"resource": []}),
        "resource-type-int": json.dumps({"resource": {"aws_s3_bucket": 5}}),
        "resource-body-list": json.dumps({"resource": {"aws_s3_bucket": {"b": [1]}}}),
        "data-string": json.dumps({"data": "x"}),
        "output-int": json.dumps({"output": 5}),
        "top-list": "[]", "top-string": '"x"', "top-null": "null", "top-number": "5",
        "truncated": '{"resource": ', "empty": "", "not-utf8": b"\xff\xfe{}",
        "deep-in-resource": json.dumps({"resource": {"t": {"n": {"v": 1}}}}).replace('{"v": 1}', '{"v": ' + "[" * 3000 + "]" * 3000 + "}"),
        **deep,
    }
    cases = [Case(f"json-stack-{name}", {"cdk.tf.json": text, "test_it.py": TEST}, ("--iac-app=cdk.tf.json",),
                  says=("*stack entry 'cdk.tf.json'*",)) for name, text in stacks.items()]
    manifests = {
        "no-stack-path": {"stacks": {"s": {"name": "s"}}},
        "stacks-list": {"stacks": []},
        "stack-int": {"stacks": {"s": 5}},
        "path-int": {"stacks": {"s": {"synthesizedStackPath": 5}}},
        "path-escape": {"stacks": {"s": {"synthesizedStackPath": "../../../etc/passwd"}}},
        "path-absolute": {"stacks": {"s": {"synthesizedStackPath": "/etc/passwd"}}},
        "path-missing-file": {"stacks": {"s": {"synthesizedStackPath": "stacks/none/cdk.tf.json"}}},
        "top-list": [],
    }
    for name, manifest in manifests.items():
        files = {"out/manifest.json": json.dumps(manifest), "out/stacks/s/cdk.tf.json": json.dumps(STACK), "test_it.py": TEST}
        cases.append(Case(f"json-manifest-{name}", files, ("--iac-app=out",), says=("*stack entry 'out'*",)))
    cases.append(Case("json-manifest-deep", {"out/manifest.json": "{\"stacks\": " + "[" * 5000 + "]" * 5000 + "}",
                                             "test_it.py": TEST}, ("--iac-app=out",), says=("*levels deep*",)))
    cases.append(Case("json-named-other", {"stack.json": json.dumps({"resource": {"x": []}}), "test_it.py": TEST},
                      ("--iac-app=stack.json",), says=("*stack.json*$.resource.x must be an object*",)))
    for special in ("dev-zero-json", "fifo-json", "dev-zero-script"):
        cases.append(Case(f"special-{special}", {"test_it.py": TEST}, ("--iac-app=special" + (".py" if "script" in special else ".json"),),
                          says=("*not a regular file*",), special=special))
    return cases


_ENTRY_HEAD = "from cdktf import App, TerraformStack, TerraformResource\n"
_ENTRIES = {
    "sys-exit-3": ("import sys\nsys.exit(3)\n", "*exited with status 3*"),
    "sys-exit-string": ("import sys\nsys.exit('bye')\n", "*exited with status*bye*"),
    "raise-systemexit-in-callable": ("def make():\n    raise SystemExit(2)\n", "*exited with status 2*"),
    "generator-exit": ("def make():\n    raise GeneratorExit()\n", "*raised GeneratorExit*"),
    "base-exception": ("class Boom(BaseException):\n    pass\n\ndef make():\n    raise Boom('x')\n", "*raised Boom*"),
    "fork": ("import os\n\ndef make():\n    app = App()\n    TerraformResource(TerraformStack(app, 's'), 'b', "
             "terraform_resource_type='aws_s3_bucket')\n    os.fork()\n    return app\n", "*forked a child process*"),
    "loop-forever": ("def make():\n    while True:\n        pass\n", "*did not finish synthesizing within 3 s*"),
    "loop-swallowing-exceptions": ("import time\n\ndef make():\n    while True:\n        try:\n            time.sleep(0.05)\n"
                                   "        except Exception:\n            pass\n", "*did not finish synthesizing within 3 s*"),
    "sleep-forever": ("import time\n\ndef make():\n    time.sleep(10000)\n", "*did not finish synthesizing within 3 s*"),
    "recursion": ("def make(*, n=0):\n    return make(n=n + 1)\n", "*RecursionError*"),
    "returns-int": ("def make():\n    return 5\n", "*returned int*"),
    "import-error": ("import no_such_module_anywhere\n\ndef make():\n    pass\n", "*no_such_module_anywhere*"),
    "syntax-error": ("def make(:\n    pass\n", "*SyntaxError*"),
    "synthesizes-nothing": ("def make():\n    return App()\n", "*holds no synthesized stack*"),
    "memory-error": ("def make():\n    raise MemoryError()\n", "*MemoryError*"),
}


def _entries() -> list[Case]:
    cases = []
    for name, (body, says) in _ENTRIES.items():
        files = {"badentry.py": _ENTRY_HEAD + body, "test_it.py": TEST}
        script = name.startswith("sys-exit")
        args = ("--iac-app=badentry.py",) if script else ("--iac-app=badentry:make",)
        timeout = ("--iac-synth-timeout=3",) if "within 3 s" in says else ()
        cases.append(Case(f"entry-{name}", files, (*args, *timeout, "-p", "no:cacheprovider"),
                          expect="failure", says=(says,), synth=True))
    return cases


def corpus() -> list[Case]:
    return _wrong_types() + _deep() + _bombs() + _junk() + _entries_in_yaml() + _json_cases() + _entries()
