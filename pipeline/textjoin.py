"""Rules for joining the lines of a cell or footnote back into running text."""

from __future__ import annotations

import re

# A line ending in "by-" followed by one of these keeps its space: the hyphen
# stands for a left-out word part ("by- og landområder"), as Danish writes it.
SUSPENDED_HYPHEN_FOLLOWERS = frozenset({"og", "eller", "samt", "som", "end", "til", "&", "/"})

MARKER = re.compile(r"\[\^([0-9][0-9, ]*)\]")
# A line break that the geometry allows inside a word ("Foreningsaktivitet" / "er", a one-word line
# with no room for one more letter): kept in the interim text as a soft hyphen until the assemble
# stage, which knows the whole document's vocabulary, decides (pipeline/lexicon.py).
MAYBE_CUT = "\u00ad"
# No word starts with these: a line that does goes on from the line before without a space.
CLOSING = frozenset(",.;:)]!?")
# A quotation mark followed by a space or punctuation closes a quotation: it goes on from the word
# before it ('ventesorg' / '" (16-25').
CLOSING_QUOTE = re.compile(r'["\u201d](\s|[' + re.escape("".join(sorted(CLOSING))) + "]|$)")
# A line starting with a hyphen or slash glued to a word ("-opbygning", "/Mentor") goes on with
# the word before; one followed by a space ("/ København") stands between two words.
GLUED_HYPHEN = re.compile(r"[-/]\w")
# A line starting with a dash that stands alone before "og" broke at the space before it ("at være"
# / "- og"), unless the column cut a word before its hyphen ("Forsknings" / "- og Analyse"): the
# geometry tells, for only a word too long for any line fills a line alone and is cut.
DASH_OG = re.compile(r"-\s+(og|eller)\b")
# A hyphen or slash alone on a line ("/", "-,"): a word cut before it ("Samtale" / "/" / "behandling")
# where the geometry says a word was cut at all.
LONE_MARK = re.compile(r"[-/][,.;:)]?")


def goes_on(nxt: str) -> bool:
    """The line starts inside a word: lowercase, closing punctuation, or a hyphen glued to a word."""
    return nxt[:1].islower() or nxt[:1] in CLOSING or GLUED_HYPHEN.match(nxt) is not None


def join_break(prev: str, nxt: str, known: str | None = None) -> str:
    """The separator between two lines of one cell: "" or " ".

    `known` is what the PDF itself says ("" for a word the column broke, " "
    where the line kept its trailing space); without it, the text decides.
    """
    if not prev or not nxt:
        return ""
    if known is not None:
        return known
    if nxt[:1] in CLOSING or GLUED_HYPHEN.match(nxt):
        return ""
    last = MARKER.sub("", prev).rstrip()
    if not last:
        return " "
    if CLOSING_QUOTE.match(nxt) and last[-1].isalnum():
        return ""
    if last[-1:].isdigit() and nxt[:1].isdigit():
        return ""  # a number the line end cut ("(2016-201" / "9)"): text rarely sets two numbers side by side
    if last.endswith(("(", "[")):
        return ""  # nothing is written after an opening bracket's space
    if last.endswith("/"):
        # "Samtale/" + "behandling" is one word; a slash standing alone ("enlige /") is between two
        return " " if last[:-1].endswith(" ") or len(last) == 1 else ""
    if last.endswith("-") and len(last) > 1 and last[-2].isalnum():
        first = nxt.split()[0] if nxt.split() else ""
        # a hyphen before "og"/"eller" stands for a left-out word part, and
        # nothing compounds with a bracket; "Nord-" + "Vestjylland" is one word
        if first.lower() in SUSPENDED_HYPHEN_FOLLOWERS or not first[:1].isalnum():
            return " "
        return ""
    return " "


def join_lines(lines: list[str], known: list[str | None] | None = None) -> str:
    """Join lines; known[i] is the PDF's own evidence for the break after line i."""
    out = ""
    for i, line in enumerate(lines):
        line = line.strip()
        if not line:
            continue
        if out:
            out += join_break(out, line, known[i - 1] if known else None)
        out += line
    return out


def in_link(text: str, nxt: str, urls) -> bool:
    """Does `nxt` go on with the link address `text` ends in ("…fbclid=IwAR8" / "M8")?"""
    tail, head = (text.split() or [""])[-1], (nxt.split() or [""])[0]
    return any((tail + head) in u for u in urls if u)


def strip_markers(text: str) -> str:
    """Cell text without footnote markers, whitespace collapsed."""
    return " ".join(MARKER.sub("", text).split())


def markers(text: str) -> list[int]:
    """Footnote numbers referenced in a cell, in order."""
    out = []
    for m in MARKER.finditer(text):
        out.extend(int(n) for n in re.findall(r"\d+", m.group(1)))
    return out
