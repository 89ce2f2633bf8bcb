"""The gate's result as Markdown: the report file and the GitHub step summary.

Rendered from the JSON report's dict, so it says what the JSON says: the verdict and its
reasons, the requirements, line and resource coverage, the checks with their findings and
warnings, the syntheses. Long lists fold into ``<details>``, which GitHub renders.
"""

from __future__ import annotations

from typing import Any

from pytest_iac.gate.wording import headline, ranges, tests_cell

FINDINGS_SHOWN = 50


def render_markdown(data: dict[str, Any]) -> str:
    icon = {"pass": "✅", "incomplete": "⏳"}.get(data["verdict"], "❌")
    lines = [f"## {icon} pytest-iac: {data['verdict'].upper()}", ""]
    if data.get("exitstatus") is not None:
        lines += [f"pytest exit status: {data['exitstatus']}", ""]
    if data["verdict"] == "pass":
        statuses = [r["status"] for r in data["requirements"]]
        lines.append(headline(statuses, data.get("partial", False), data.get("requirements_file") is not None))
    else:
        lines += [f"- {_cell(reason)}" for reason in data["reasons"]]
        if data.get("partial"):
            lines.append("- partial run: requirements outside it are *not run*")
    if data["verdict"] == "incomplete":  # written at session start: nothing else is known yet
        return "\n".join(lines).rstrip("\n") + "\n"
    lines += _requirements(data)
    lines += _check_warnings(data.get("check_warnings"))
    lines += _coverage(data)
    lines += _checks(data.get("checks"))
    lines += _synthesis(data["synth"])
    return "\n".join(lines).rstrip("\n") + "\n"


def _cell(text: object) -> str:
    """Text for a table cell or list item: GitHub would read ``<your key>`` as a tag."""
    return str(text).replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def _requirements(data: dict[str, Any]) -> list[str]:
    lines = ["", "### Requirements", ""]
    if data.get("requirements_file") is None:
        return lines + ["No requirements file (`--iac-requirements`): nothing to gate, the rest is reported."]
    lines += ["| requirement | status | tests | description |", "|---|---|---|---|"]
    for req in data["requirements"]:
        lines.append(f"| {req['id']} | {req['status']} | {tests_cell(req['tests'])} | {_cell(req['description'])} |")
    if data.get("hollow"):
        lines += ["", "Hollow tests (they pass but assert nothing real, so they do not count):", ""]
        lines += [f"- `{location}`" for location in data["hollow"]]
    return lines


def _check_warnings(warnings: list[dict[str, Any]] | None) -> list[str]:
    if not warnings:
        return []
    lines = ["", "### Checks that passed with warnings", "", "| check | resource | warning |", "|---|---|---|"]
    for w in warnings:
        check = w["check"] + (f"[{w['stack']}]" if w["stack"] else "")
        place = (w["address"] or "(stack)") + (f" ({w['path']})" if w["path"] else "")
        lines.append(f"| {check} | {_cell(place)} | {_cell(w['message'])} |")
    return lines


def _coverage(data: dict[str, Any]) -> list[str]:
    line, resources = data.get("coverage"), data.get("resources")
    if line is None and resources is None:
        return []
    lines = ["", "### Coverage", ""]
    if line is not None:
        figure = "not measured" if line["percent"] is None else f"{line['percent']:.2f}%"
        lines.append(f"- Line coverage: **{figure}** (required {line['fail_under']:g}%)"
                     + (f" — {line['note']}" if line.get("note") else ""))
        for filename, missing in line.get("missing", {}).items():
            lines.append(f"  - `{filename}`: missing {ranges(missing)}")
    if resources is not None:
        if resources["percent"] is None:
            figure = "no stack synthesized"
        else:
            figure = f"**{resources['covered']}/{resources['total']}** asserted on ({resources['percent']:.2f}%)"
        required = "report only" if resources["fail_under"] is None else f"required {resources['fail_under']:g}%"
        lines.append(f"- Resource coverage: {figure} ({required})")
        uncovered = [a for addresses in resources["uncovered"].values() for a in addresses]
        if uncovered:
            paths = {e["address"]: e.get("path") for e in resources.get("each", [])}
            lines += ["", f"<details><summary>{len(uncovered)} resources no test examined</summary>", ""]
            lines += [f"- `{a}`" + (f" ({paths[a]})" if paths.get(a) else "") for a in uncovered]
            lines += ["", "</details>"]
    return lines


def _checks(checks: list[dict[str, Any]] | None) -> list[str]:
    if checks is None:
        return []
    lines = ["", "### Checks", ""]
    if not checks:
        return lines + ["No check ran."]
    lines += ["| check | stack | status | errors | warnings | suppressed |", "|---|---|---|---|---|---|"]
    for check in checks:
        counts = _finding_counts(check["findings"])
        status = check["status"] + (f" ({_cell(check['reason'])})" if check.get("reason") else "")
        lines.append(f"| {check['id']} | {check['stack'] or '—'} | {status} | {counts['error']} | "
                     f"{counts['warning']} | {counts['suppressed']} |")
    findings = [(c, f) for c in checks for f in c["findings"]]
    if findings:
        lines += ["", "<details><summary>Findings and warnings</summary>", ""]
        for check, finding in findings[:FINDINGS_SHOWN]:
            tag = f"suppressed: {finding['reason']}" if finding["suppressed"] else finding["severity"]
            where = finding["address"] or "(project)"
            path = f" ({finding['path']})" if finding.get("path") else ""
            lines.append(f"- **{tag}** {check['id']} `{where}`{path}: {_cell(finding['message'])}")
        if len(findings) > FINDINGS_SHOWN:
            lines.append(f"- … {len(findings) - FINDINGS_SHOWN} more in the JSON or HTML report")
        lines += ["", "</details>"]
    return lines


def _finding_counts(findings: list[dict[str, Any]]) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "suppressed": 0}
    for finding in findings:
        key = "suppressed" if finding["suppressed"] else finding["severity"]
        counts[key] = counts.get(key, 0) + 1
    return counts


def _synthesis(synth: dict[str, Any]) -> list[str]:
    lines = ["", "### Synthesis", ""]
    if not synth["syntheses"]:
        return lines + ["No stack was synthesized in this run."]
    lines += ["| entry | stacks | resources | seconds | cache |", "|---|---|---|---|---|"]
    for s in synth["syntheses"]:
        lines.append(f"| `{_cell(s['entry'])}` | {', '.join(s['stacks'])} | {s['resources']} | "
                     f"{s['seconds']:.2f} | {s['cache'] or '—'} |")
    return lines

