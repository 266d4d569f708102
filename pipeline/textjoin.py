"""Rules for joining the lines of a cell or footnote back into running text."""

from __future__ import annotations

import re

# A line ending in "Børn-" followed by one of these keeps its space: the hyphen
# stands for a left-out word part ("Børn- og ungegrupper"), as Danish writes it.
SUSPENDED_HYPHEN_FOLLOWERS = frozenset({"og", "eller", "samt", "som", "end", "til", "&", "/"})

MARKER = re.compile(r"\[\^([0-9][0-9, ]*)\]")


def join_break(prev: str, nxt: str, word_broken: bool = False) -> str:
    """The separator to put between two lines of one cell: "" or " "."""
    if not prev or not nxt:
        return ""
    last = MARKER.sub("", prev).rstrip()
    if not last:
        return " "
    if word_broken:
        return ""
    if last.endswith("/"):
        return ""
    if last.endswith("-") and not last.endswith(" -") and len(last) > 1 and last[-2].isalnum():
        first = nxt.split()[0].lower() if nxt.split() else ""
        return " " if first in SUSPENDED_HYPHEN_FOLLOWERS else ""
    return " "


def join_lines(lines: list[str], broken: list[bool] | None = None) -> str:
    """Join lines; broken[i] says line i ended inside a word."""
    out = ""
    for i, line in enumerate(lines):
        line = line.strip()
        if not line:
            continue
        if out:
            out += join_break(out, line, bool(broken and broken[i - 1]))
        out += line
    return out


def strip_markers(text: str) -> str:
    """Cell text without footnote markers, whitespace collapsed."""
    return " ".join(MARKER.sub("", text).split())


def markers(text: str) -> list[int]:
    """Footnote numbers referenced in a cell, in order."""
    out = []
    for m in MARKER.finditer(text):
        out.extend(int(n) for n in re.findall(r"\d+", m.group(1)))
    return out
