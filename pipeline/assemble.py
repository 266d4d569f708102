"""Stage 2, assemble: join row fragments into initiatives and attribute footnotes.

Entry point: `assemble(fragments, raw_footnotes)` -> (initiatives, footnotes),
pure functions of the interim tables written by the extract stage.
"""

from __future__ import annotations

import pandas as pd

from .continuation import continues_previous, lone_cell, merge_cells
from . import reference
from .lexicon import Lexicon, resolve_cuts
from .metadata import ASSEMBLED, FOOTNOTES, SOURCE_COLUMN_NAMES
from .store import typed
from .textjoin import in_link, markers, strip_markers

def reference_texts() -> list[str]:
    return ([spelling for spelling, _ in reference.vocabulary().spellings]
            + list(reference.load("municipalities")["municipality"]))


def _paragraph_at_foot(frag: dict, nxt: dict | None) -> bool:
    """A nameless page-foot fragment with one cell (which extract leaves apart) is a blank line
    inside the row above, unless the next page's first row names itself and lacks that cell: then
    the typesetter set that row's first line here (orphan control kept the other cells' first
    lines together on the next page)."""
    column = lone_cell(frag)
    if column is None or (nxt is not None and nxt["page"] == frag["page"]):
        return False  # not a lone cell at the page foot
    starts_next = (nxt is not None and nxt["kind"] == "row" and nxt["page"] == frag["page"] + 1 and nxt["order"] == 0
                   and strip_markers(nxt[SOURCE_COLUMN_NAMES[0]]) and not strip_markers(nxt[column]))
    return not starts_next


def join_rows(fragments: pd.DataFrame) -> list[dict]:
    """Initiative records (cells still holding [^N] markers) in document order."""
    records: list[dict] = []
    section = None
    prev_frag = None
    frags = fragments.sort_values(["page", "order"]).to_dict("records")
    for frag in frags:
        for c in SOURCE_COLUMN_NAMES:
            frag[c] = frag[c] if isinstance(frag[c], str) else ""
    for i, frag in enumerate(frags):
        if frag["kind"] == "section":
            section = frag["section"]
            prev_frag = frag
            continue
        cells = {c: frag[c] for c in SOURCE_COLUMN_NAMES}
        if records and frag["order"] > 0 and _paragraph_at_foot(frag, frags[i + 1] if i + 1 < len(frags) else None):
            merge_cells(records[-1], cells)  # a blank line inside a cell, at the page foot
            prev_frag = frag
            continue
        if (records and prev_frag is not None and prev_frag["kind"] == "row" and frag["order"] == 0
                and prev_frag["page"] == frag["page"] - 1 and continues_previous(records[-1], cells, open_ends=prev_frag["open_ends"])):
            rec = records[-1]
            merge_cells(rec, cells, open_ends=set(prev_frag["open_ends"]))  # words cut by the page break
            rec["page_end"] = frag["page"]
        else:
            records.append({"section": section, **cells, "page_start": frag["page"], "page_end": frag["page"]})
        prev_frag = frag
    # breaks that may be inside a word, decided by the vocabulary of the whole table and of the
    # reference lists the cells are matched against (intervention types, municipalities)
    lexicon = Lexicon.from_texts([rec[c] for rec in records for c in SOURCE_COLUMN_NAMES] + reference_texts())
    for i, rec in enumerate(records, start=1):
        rec["initiative_id"] = i
        for c in SOURCE_COLUMN_NAMES:
            rec[c] = resolve_cuts(rec[c], lexicon)
    return records


def join_footnotes(raw: pd.DataFrame) -> list[dict]:
    """Footnotes with text that ran onto the next page joined back on."""
    notes: list[dict] = []
    for row in raw.sort_values(["page", "order"]).to_dict("records"):
        if pd.isna(row["number"]):
            if notes:
                note = notes[-1]
                if not note["url"] and isinstance(row["url"], str):
                    note["url"] = row["url"]
                # a link's address the page break cut goes on without a space
                gap = "" if in_link(note["text"], row["text"], [note["url"]]) else " "
                note["text"] = f"{note['text']}{gap}{row['text']}".strip()
            continue
        notes.append({"number": int(row["number"]), "text": row["text"],
                      "url": row["url"] if isinstance(row["url"], str) else None, "page": int(row["page"])})
    return notes


def assemble(fragments: pd.DataFrame, raw_footnotes: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    records = join_rows(fragments)
    where: dict[int, tuple[int, str]] = {}
    for rec in records:
        for c in SOURCE_COLUMN_NAMES:
            for n in markers(rec[c]):
                where.setdefault(n, (rec["initiative_id"], c))
            rec[c] = strip_markers(rec[c]) or None  # an empty cell is missing, not ""
    notes = join_footnotes(raw_footnotes)
    for note in notes:
        note["initiative_id"], note["column"] = where.get(note["number"], (None, None))
    initiatives = pd.DataFrame(records, columns=[f.name for f in ASSEMBLED])
    footnotes = pd.DataFrame(notes, columns=[f.name for f in FOOTNOTES])
    return typed(initiatives, ASSEMBLED), typed(footnotes, FOOTNOTES)
