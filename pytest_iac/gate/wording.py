"""Short phrases every report format shares, so the terminal, Markdown and HTML say the same."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

SKIPPING = ("skipped", "xfailed")


def tests_cell(tests: Iterable[Mapping[str, str]]) -> str:
    """``1/2 passing``; with linked items that skipped, ``1/2 passing, 1 skipped``: a requirement
    that passed while a linked item skipped (a check without its tool) says so."""
    tests = list(tests)
    passing = sum(1 for t in tests if t["outcome"] == "passed")
    skipped = sum(1 for t in tests if t["outcome"] in SKIPPING)
    return f"{passing}/{len(tests)} passing" + (f", {skipped} skipped" if skipped else "")


def ranges(lines: Iterable[int]) -> str:
    """1, 2, 3, 7 -> '1-3, 7', as coverage's term-missing shows them."""
    spans: list[list[int]] = []
    for number in lines:
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def headline(statuses: list[str], partial: bool, gated: bool = True) -> str:
    """What follows PASS in the verdict line (in parentheses for a partial run). A partial run
    says how much it left out, so a green line never reads as if every requirement was checked."""
    if not gated:
        return "no requirements file: nothing was gated"
    not_run = statuses.count("not run")
    if partial and not_run:
        return f"partial run: {not_run} of {len(statuses)} requirements not run"
    if partial:
        return f"partial run: all {len(statuses)} requirements satisfied"
    return f"all {len(statuses)} requirements satisfied"


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, the cut marked with ``…``."""
    if len(text) <= width:
        return text
    return text[: max(width - 1, 0)].rstrip() + "…"


def wrap(text: str, width: int, indent: str = "  ") -> list[str]:
    """``text`` as lines of at most ``width`` characters, continuation lines indented. Nothing is
    lost, and a word longer than the line (a node id, a path) stays whole, so it can be copied."""
    import textwrap

    return textwrap.wrap(text, width=max(width, len(indent) + 20), subsequent_indent=indent,
                         break_long_words=False, break_on_hyphens=False) or [""]
