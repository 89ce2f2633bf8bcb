"""The gate's result as Markdown: the report file and the GitHub step summary."""

from __future__ import annotations

from typing import Any


def render_markdown(data: dict[str, Any]) -> str:
    icon = {"pass": "✅", "incomplete": "⏳"}.get(data["verdict"], "❌")
    lines = [f"## {icon} pytest-iac: {data['verdict'].upper()}", ""]
    if data.get("exitstatus") is not None:
        lines += [f"pytest exit status: {data['exitstatus']}", ""]
    lines += [f"- {reason}" for reason in data["reasons"]]
    lines += ["", "| requirement | status | passing tests | description |", "|---|---|---|---|"]
    for req in data["requirements"]:
        passing = sum(1 for t in req["tests"] if t["outcome"] == "passed")
        description = req["description"].replace("|", "\\|")
        lines.append(f"| {req['id']} | {req['status']} | {passing}/{len(req['tests'])} | {description} |")
    if data.get("check_warnings"):
        lines += ["", "### Checks that passed with warnings", "", "| check | resource | warning |", "|---|---|---|"]
        for w in data["check_warnings"]:
            check = w["check"] + (f"[{w['stack']}]" if w["stack"] else "")
            place = (w["address"] or "(stack)") + (f" ({w['path']})" if w["path"] else "")
            lines.append(f"| {check} | {_cell(place)} | {_cell(w['message'])} |")
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
