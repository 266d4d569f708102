"""When does a row fragment continue the row before it rather than start an initiative?

Used across page breaks (assemble) and, in tables without ruling lines, for
vertical gaps inside a page (extract).
"""

from __future__ import annotations

import re

from .metadata import SOURCE_COLUMN_NAMES
from .textjoin import DASH_OG, MAYBE_CUT, goes_on, join_break, strip_markers

FIRST = SOURCE_COLUMN_NAMES[0]


def lone_cell(frag: dict) -> str | None:
    """The one column a nameless fragment has text in, if it has exactly one."""
    filled = [c for c in SOURCE_COLUMN_NAMES if strip_markers(frag[c] or "")]
    return filled[0] if len(filled) == 1 and filled[0] != FIRST else None


def continues_previous(prev: dict, frag: dict, page_break: bool = True, open_ends=()) -> bool:
    """Is row fragment `frag` the rest of `prev`, the row just before it?

    A new initiative always names itself in the first column, so an empty
    first cell is a continuation, and a row still without a name takes the
    next page's first fragment. A first cell that is only the tail of a name
    (an unmatched ")", a lowercase start, a lone "(organisation)") or a
    previous first cell with an unclosed "(" also is. Across a page break,
    where the word processor cut the row, so is a name with no other cell
    and a row whose cells mostly go on mid-sentence: the cell before ends
    without a full stop and the cell after does not start with a capital;
    or one of whose cells goes on a word the break cut (`open_ends`: the
    cell's last line was one word filling it, "Projektevalueri" / "ng").
    """
    first = strip_markers(frag[FIRST])
    if page_break and not strip_markers(prev[FIRST]):
        return True  # the row before still waits for its name (see below)
    if not first:
        # Within a page, an empty first cell is a blank line inside a cell, unless text starts
        # in several columns at once: a new row whose name the typesetter moved to the next
        # page (widow and orphan control), which then continues it there.
        return page_break or sum(1 for c in SOURCE_COLUMN_NAMES[1:] if strip_markers(frag[c])) <= 1
    others = [strip_markers(frag[c]) for c in SOURCE_COLUMN_NAMES[1:]]
    if page_break and not any(others):  # a new initiative has more than a name
        return True
    before = strip_markers(prev[FIRST])
    if before.count("(") > before.count(")"):
        return True
    if _unmatched_close(first) or first[0].islower():
        return True
    if re.fullmatch(r"\([^()]*\)", first) and "(" not in before:
        return True
    if not page_break:
        return False
    # Across a page break: most cells that hold text on both sides go on mid-sentence.
    pairs = [(strip_markers(prev[c]), strip_markers(frag[c])) for c in SOURCE_COLUMN_NAMES[1:]]
    pairs = [(a, b) for a, b in pairs if a and b]
    mid = sum(1 for a, b in pairs if a[-1] not in ".!?" and not b[0].isupper())
    cut = any(strip_markers(frag[c]) and goes_on(strip_markers(frag[c])) for c in open_ends)
    return bool(pairs) and (mid * 2 > len(pairs) or cut)


def _unmatched_close(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            return True
    return False


def merge_cells(prev: dict, frag: dict, open_ends=()) -> None:
    """Append `frag`'s cells to `prev`'s in place.

    A cell in `open_ends` may have ended inside a word (its last line was one word
    filling the line): when the next part goes on in lowercase, the break is left
    as MAYBE_CUT for the vocabulary to decide.
    """
    for c in SOURCE_COLUMN_NAMES:
        nxt = frag[c]
        if not nxt:
            continue
        known = None
        if c in open_ends and goes_on(nxt):
            known = MAYBE_CUT
        elif c in open_ends and DASH_OG.match(nxt):
            known = ""  # a word cut before its hyphen ("Forsknings" / "- og Analyse")
        prev[c] = prev[c] + join_break(prev[c], nxt, known) + nxt if prev[c] else nxt
