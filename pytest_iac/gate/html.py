"""The gate's result as one self-contained HTML page (``--iac-report-html DIR`` → ``DIR/index.html``).

Rendered from the JSON report's dict, like the Markdown. No script, no network: the styles are
inline and a Content-Security-Policy forbids every fetch, so the page can be opened from a CI
artifact as it is. Every value is escaped. Line coverage is coverage.py's own HTML report,
rendered beside it into ``DIR/coverage/`` and linked.
"""

from __future__ import annotations

from html import escape
from typing import Any

from pytest_iac.gate.construct_tree import ConstructNode, construct_tree
from pytest_iac.gate.wording import SKIPPING, headline, ranges, tests_cell

COVERAGE_INDEX = "coverage/index.html"
LINKED_INLINE = 4

STYLE = """
:root{--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--dim:#6e7781;--line:#d0d7de;--bg:#f6f8fa}
*{box-sizing:border-box}
body{font:14px/1.45 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1f2328;margin:0;background:#fff}
main{max-width:1180px;margin:0 auto;padding:20px 24px 40px}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
h1{font-size:22px;margin:0}h2{font-size:18px;margin:28px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}
.verdict{border-radius:8px;padding:14px 18px;color:#fff}.verdict.pass{background:var(--ok)}.verdict.fail{background:var(--bad)}
.verdict ul{margin:6px 0 0;padding-left:20px}.verdict p{margin:4px 0 0}
nav{margin:10px 0;color:var(--dim)}nav a{margin-right:14px;color:#0969da;text-decoration:none}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:14px 0}
.card{flex:1 1 200px;border:1px solid var(--line);border-radius:8px;padding:10px 14px;background:var(--bg)}
.card b{display:block;font-size:20px}.card span{color:var(--dim)}
table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:5px 8px;border-bottom:1px solid var(--line)}
th{background:var(--bg);font-weight:600}table.matrix{table-layout:fixed}table.matrix code{overflow-wrap:anywhere}
.s{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;white-space:nowrap}
.s-passed,.s-covered{background:#dafbe1;color:var(--ok)}
.s-failed,.s-error,.s-untested,.s-uncovered,.s-xpassed,.s-no-result{background:#ffebe9;color:var(--bad)}
.s-skipped,.s-xfailed,.s-warning,.s-hollow{background:#fff8c5;color:var(--warn)}
.s-not-run,.s-suppressed{background:#eaeef2;color:var(--dim)}
ul.links{list-style:none;margin:0;padding:0}ul.links li{margin:1px 0}
.note{color:var(--dim);font-size:12.5px}
ul.tree,ul.tree ul{list-style:none;margin:0;padding-left:18px}ul.tree{padding-left:0}
ul.tree li{margin:2px 0}ul.tree summary{cursor:pointer}
.node{font-weight:600}.count{color:var(--dim);font-weight:400;margin-left:6px}
.res{margin-left:4px}.by{color:var(--dim);font-size:12.5px;margin-left:6px}details.by{display:inline-block;vertical-align:top}
"""


def render_html(data: dict[str, Any], *, coverage_link: bool = False) -> str:
    title = f"pytest-iac: {data['verdict'].upper()}"
    body = [
        _verdict(data),
        '<nav><a href="#requirements">Requirements</a><a href="#checks">Checks</a>'
        '<a href="#resources">Resource coverage</a><a href="#lines">Line coverage</a>'
        '<a href="#synthesis">Synthesis</a></nav>',
        _cards(data),
        _requirements(data),
        _checks(data.get("checks")),
        _resources(data.get("resources")),
        _lines(data.get("coverage"), coverage_link),
        _synthesis(data["synth"]),
    ]
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>\n<body><main>\n"
        + "\n".join(body)
        + "\n</main></body></html>\n"
    )


def _status(status: str) -> str:
    return f'<span class="s s-{escape(status.replace(" ", "-"))}">{escape(status)}</span>'


def _verdict(data: dict[str, Any]) -> str:
    passed = data["verdict"] == "pass"
    gated = data.get("requirements_file") is not None
    statuses = [r["status"] for r in data["requirements"]]
    if passed:
        detail = f"<p>{escape(headline(statuses, data['partial'], gated))}</p>"
    else:
        detail = "<ul>" + "".join(f"<li>{escape(r)}</li>" for r in data["reasons"]) + "</ul>"
        if data["partial"]:
            detail += "<p>partial run: requirements outside it are not run</p>"
    verdict = "PASS" if passed else "FAIL"
    return f'<header class="verdict {"pass" if passed else "fail"}"><h1>pytest-iac: {verdict}</h1>{detail}</header>'


def _cards(data: dict[str, Any]) -> str:
    cards = []
    reqs = data["requirements"]
    if data.get("requirements_file") is not None:
        satisfied = sum(1 for r in reqs if r["status"] == "passed")
        cards.append(("Requirements", f"{satisfied}/{len(reqs)}", "satisfied"))
    line = data.get("coverage")
    if line is not None:
        figure = "—" if line["percent"] is None else f"{line['percent']:.1f}%"
        cards.append(("Line coverage", figure, f"required {line['fail_under']:g}%"))
    res = data.get("resources")
    if res is not None:
        figure = "—" if res["percent"] is None else f"{res['covered']}/{res['total']}"
        required = "report only" if res["fail_under"] is None else f"required {res['fail_under']:g}%"
        share = "" if res["percent"] is None else f"{res['percent']:.1f}% asserted on, "
        cards.append(("Resources examined", figure, share + required))
    checks = data.get("checks")
    if checks is not None:
        failed = sum(1 for c in checks if c["status"] == "failed")
        warnings = sum(1 for c in checks for f in c["findings"] if f["severity"] == "warning" and not f["suppressed"])
        cards.append(("Checks", f"{len(checks) - failed}/{len(checks)}", f"passing, {warnings} warning(s)"))
    inner = "".join(f'<div class="card">{escape(name)}<b>{escape(value)}</b><span>{escape(note)}</span></div>'
                    for name, value, note in cards)
    return f'<section class="cards">{inner}</section>'


def _requirements(data: dict[str, Any]) -> str:
    head = '<section id="requirements"><h2>Requirements</h2>'
    if data.get("requirements_file") is None:
        return head + "<p>No requirements file (<code>--iac-requirements</code>): nothing was gated; " \
                      "the rest of this page is reported as measured.</p></section>"
    rows = []
    for req in data["requirements"]:
        items = _linked_list(req["tests"])
        rows.append(
            f"<tr><td><code>{escape(req['id'])}</code></td><td>{_status(req['status'])}</td>"
            f"<td>{escape(req['description'])}<div class=\"note\">{escape(req['kind'])} · "
            f"{escape(tests_cell(req['tests']))}</div></td><td><ul class=\"links\">{items}</ul></td></tr>"
        )
    hollow = ""
    if data.get("hollow"):
        hollow = ("<p>Hollow tests pass but assert nothing real, so they do not count:</p><ul>"
                  + "".join(f"<li><code>{escape(h)}</code></li>" for h in data["hollow"]) + "</ul>")
    return (head + f"<p class=\"note\">from <code>{escape(data['requirements_file'])}</code></p>"
            '<table class="matrix"><col style="width:110px"><col style="width:90px"><col style="width:40%"><col>'
            "<tr><th>requirement</th><th>status</th><th>description</th><th>linked tests and checks</th></tr>"
            + "".join(rows) + "</table>" + hollow + "</section>")


def _linked_list(tests: list[dict[str, str]]) -> str:
    """Every linked item that did not pass is shown; a long run of passing ones is folded."""
    if not tests:
        return '<li class="note">no linked test or check</li>'
    passing = [t for t in tests if t["outcome"] == "passed"]
    if len(passing) <= LINKED_INLINE:
        return "".join(_linked(t) for t in tests)
    others = "".join(_linked(t) for t in tests if t["outcome"] != "passed")
    folded = "".join(_linked(t) for t in passing)
    checks = sum(1 for t in passing if t["nodeid"].startswith("iac::"))
    what = ", ".join(f"{n} {word}{'s' if n != 1 else ''}"
                     for n, word in ((len(passing) - checks, "test"), (checks, "check")) if n)
    return (others + f'<li><details><summary>{_status("passed")} {what}</summary>'
            f'<ul class="links">{folded}</ul></details></li>')


def _linked(test: dict[str, str]) -> str:
    outcome = test["outcome"]
    note = ""
    if outcome == "hollow":
        note = ' <span class="note">passed but asserts nothing real: does not count</span>'
    elif outcome in SKIPPING:
        note = ' <span class="note">did not run: does not count</span>'
    kind = "check " if test["nodeid"].startswith("iac::") else ""
    return f"<li>{_status(outcome)} {kind}<code>{escape(test['nodeid'])}</code>{note}</li>"


def _checks(checks: list[dict[str, Any]] | None) -> str:
    head = '<section id="checks"><h2>Checks</h2>'
    if checks is None:
        return head + "<p>Checks were off in this run (<code>--iac-checks</code>).</p></section>"
    rows = "".join(
        f"<tr><td><code>{escape(c['id'])}</code></td><td>{escape(c['stack'] or '—')}</td>"
        f"<td>{_status(c['status'])}</td><td>{escape(c['severity'])}</td>"
        f"<td>{len(c['findings'])}{' · ' + escape(c['reason']) if c.get('reason') else ''}</td></tr>"
        for c in checks
    )
    findings = [(c, f) for c in checks for f in c["findings"]]
    table = ("<table><tr><th>check</th><th>stack</th><th>status</th><th>severity</th><th>findings</th></tr>"
             + rows + "</table>") if checks else "<p>No check ran.</p>"
    if findings:
        table += ("<h3>Findings and warnings</h3><table><tr><th></th><th>check</th><th>address</th>"
                  "<th>construct path</th><th>message</th></tr>")
        for check, f in findings:
            tag = "suppressed" if f["suppressed"] else f["severity"]
            why = f'<div class="note">suppressed: {escape(f["reason"] or "")}</div>' if f["suppressed"] else ""
            table += (f"<tr><td>{_status(tag)}</td><td><code>{escape(check['id'])}</code></td>"
                      f"<td><code>{escape(f['address'] or '(project)')}</code></td>"
                      f"<td><code>{escape(f['path'] or '')}</code></td><td>{escape(f['message'])}{why}</td></tr>")
        table += "</table>"
    return head + table + "</section>"


def _resources(res: dict[str, Any] | None) -> str:
    head = '<section id="resources"><h2>Resource coverage</h2>'
    if res is None or not res.get("each"):
        return head + "<p>No stack was synthesized in this run.</p></section>"
    intro = (f"<p>{res['covered']} of {res['total']} resources were examined by a test "
             "(an assertion or a value read through the query API), shown by construct path.</p>")
    tree = "".join(_node(root) for root in construct_tree(res["each"]))
    return head + intro + f'<ul class="tree">{tree}</ul></section>'


def _node(node: ConstructNode) -> str:
    covered, total = node.counts()
    leaves = "".join(_leaf(leaf.address, leaf.examined_by) for leaf in node.resources)
    children = "".join(_node(child) for child in node.children.values())
    label = f'<span class="node">{escape(node.name)}</span><span class="count">{covered}/{total}</span>'
    if not children and len(node.resources) == 1:
        only = node.resources[0]
        return f'<li><span class="node">{escape(node.name)}</span> {_resource(only.address, only.examined_by)}</li>'
    if not children:
        return f"<li>{label}<ul>{leaves}</ul></li>"
    return f"<li><details open><summary>{label}</summary><ul>{leaves}{children}</ul></details></li>"


def _leaf(address: str, examined_by: list[str]) -> str:
    return f"<li>{_resource(address, examined_by)}</li>"


def _resource(address: str, examined_by: list[str]) -> str:
    status = _status("covered" if examined_by else "uncovered")
    names = [f"<code>{escape(n)}</code>" for n in examined_by]
    if not names:
        by = '<span class="by">no test examined it</span>'
    elif len(names) == 1:
        by = f'<span class="by">examined by {names[0]}</span>'
    else:
        by = (f'<details class="by"><summary>examined by {len(names)} tests</summary>'
              f'{"<br>".join(names)}</details>')
    return f'{status}<code class="res">{escape(address)}</code>{by}'


def _lines(line: dict[str, Any] | None, coverage_link: bool) -> str:
    head = '<section id="lines"><h2>Line coverage</h2>'
    if line is None:
        return head + "<p>Line coverage is measured under the requirement gate only.</p></section>"
    figure = "not measured" if line["percent"] is None else f"{line['percent']:.2f}%"
    text = f"<p><b>{escape(figure)}</b> of the stack code (required {line['fail_under']:g}%)"
    text += f" — {escape(line['note'])}</p>" if line.get("note") else "</p>"
    if coverage_link:
        text += f'<p><a href="{COVERAGE_INDEX}">coverage.py\'s HTML report of the stack code</a> (line by line)</p>'
    if line.get("missing"):
        text += "<table><tr><th>file</th><th>lines not run</th></tr>" + "".join(
            f"<tr><td><code>{escape(f)}</code></td><td class=\"mono\">{escape(ranges(lines))}</td></tr>"
            for f, lines in line["missing"].items()) + "</table>"
    return head + text + "</section>"


def _synthesis(synth: dict[str, Any]) -> str:
    head = '<section id="synthesis"><h2>Synthesis</h2>'
    if not synth["syntheses"]:
        return head + "<p>No stack was synthesized in this run.</p></section>"
    rows = "".join(
        f"<tr><td><code>{escape(s['entry'])}</code></td><td>{escape(', '.join(s['stacks']))}</td>"
        f"<td>{s['resources']}</td><td>{s['seconds']:.2f} s</td><td>{escape(s['cache'] or '—')}</td></tr>"
        for s in synth["syntheses"]
    )
    return (head + "<table><tr><th>entry</th><th>stacks</th><th>resources</th><th>time</th><th>cache</th></tr>"
            + rows + "</table></section>")
