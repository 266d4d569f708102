"""The pipeline's output for one rendering against the golden records: cells, footnotes, records.

Rows are paired with the golden rows in order when the counts agree, else by the longest
common sequence of their first cells, so a merged row costs its own cells and its
neighbour's, not every row after it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

import pandas as pd

from .source import COLUMNS, Table


def norm(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else " ".join(str(value).split())


# The one thing a PDF cannot show: whether the source had a space after a hyphen or slash that
# ends a line ("Opholds-" / "eller" is "Opholds-eller" or "Opholds- eller"; the source has both).
_INVISIBLE = re.compile(r"([-/]) ")


def same_but_invisible(a: str, b: str) -> bool:
    return _INVISIBLE.sub(r"\1", a) == _INVISIBLE.sub(r"\1", b)


@dataclass
class Score:
    records: int = 0
    golden_records: int = 0
    cells_equal: int = 0        # equal, or equal but for a space the PDF cannot show (see same_but_invisible)
    cells_exact: int = 0        # equal to the letter
    cells_total: int = 0
    notes_right: int = 0        # number, text, URL and attribution (initiative, column) all right
    notes_total: int = 0
    suspects: int = 0           # rows the pipeline's plausibility checks flag
    error: str = ""
    misses: list = field(default_factory=list)  # (what, golden id, want, got), first few

    @property
    def cells_share(self) -> float:
        return self.cells_equal / self.cells_total if self.cells_total else 0.0

    @property
    def perfect_notes(self) -> bool:
        return self.notes_total > 0 and self.notes_right == self.notes_total

    def passed(self, min_cells: float) -> bool:
        return (not self.error and self.records == self.golden_records and self.cells_share >= min_cells
                and self.perfect_notes and self.suspects == 0)


def pair_rows(golden_names: list[str], got_names: list[str]) -> dict[int, int]:
    """golden index -> output index."""
    if len(golden_names) == len(got_names):
        return {i: i for i in range(len(golden_names))}
    matcher = difflib.SequenceMatcher(a=golden_names, b=got_names, autojunk=False)
    return {block.a + k: block.b + k for block in matcher.get_matching_blocks() for k in range(block.size)}


# A URL as a reader sees it printed (where a rendering has no link annotations, that is all there is).
_PRINTED_URL = re.compile(r"(?:https?://|file:/|www\.)\S+")


def printed_url(text: str) -> str:
    m = _PRINTED_URL.search(text)
    return m.group(0).rstrip(".,;:)") if m else ""


def score(table: Table, initiatives: pd.DataFrame, footnotes: pd.DataFrame,
          quality: pd.DataFrame | None = None, keep: int = 8, links: bool = True) -> Score:
    """`links`: the rendering carries link annotations; without them a footnote's URL is the one
    printed in its text (or none)."""
    s = Score(records=len(initiatives), golden_records=len(table.rows),
              cells_total=len(table.rows) * len(COLUMNS), notes_total=len(table.notes))
    got = initiatives.reset_index(drop=True)
    pairs = pair_rows([norm(r.cells[0]) for r in table.rows], [norm(v) for v in got["initiative"]])
    for i, row in enumerate(table.rows):
        j = pairs.get(i)
        for c, want in zip(COLUMNS, row.cells):
            have = norm(got.at[j, c]) if j is not None else None
            s.cells_exact += have == norm(want)
            if have is not None and same_but_invisible(have, norm(want)):
                s.cells_equal += 1
            elif len(s.misses) < keep:
                s.misses.append((c, row.id, norm(want), have))
    out_id = {int(got.at[j, "initiative_id"]): i for i, j in pairs.items()}  # output id -> golden index
    by_number = {int(n): r for n, r in zip(footnotes["number"], footnotes.to_dict("records")) if pd.notna(n)}
    where = {n: (row.id, c) for row in table.rows for c, nums in zip(COLUMNS, row.notes) for n in nums}
    for number, note in sorted(table.notes.items()):
        r = by_number.get(number)
        if r is None:
            ok, have = False, None
        else:
            gi = out_id.get(int(r["initiative_id"])) if pd.notna(r["initiative_id"]) else None
            have = (table.rows[gi].id if gi is not None else None, r["column"], norm(r["text"]), norm(r["url"]))
            url = note.url if links else printed_url(note.text)
            ok = have == (*where.get(number, (None, None)), norm(note.text), norm(url))
        s.notes_right += ok
        if not ok and len(s.misses) < keep:
            s.misses.append((f"footnote {number}", where.get(number, (None,))[0],
                             (*where.get(number, (None, None)), norm(note.text), norm(note.url)), have))
    if quality is not None and len(quality):
        s.suspects = int(quality["check"].astype(str).str.startswith("suspect").sum())
    return s
