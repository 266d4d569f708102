"""The whole bundled table re-rendered in other layouts (the kind of renderings the team holds
back): the same 209 initiatives and 215 footnotes must come out, whatever the rules, page size,
font, footnote style, page numbers or running header."""

import re

import pandas as pd
import pytest

from pipeline import stages
from pipeline.metadata import SOURCE_COLUMN_NAMES
from tests.pdfmaker import A4, Style, make_pdf, portrait

STYLES = {
    "no_rules": Style(rules="none"),
    "horizontal_rules_repeated_header": Style(rules="horizontal", repeat_header=True),
    "portrait_other_font": Style(pagesize=portrait(A4), font="Vera", bold_font="Vera-Bold", size=8, footnote_size=7,
                                 col_widths=(0.2, 0.12, 0.1, 0.18, 0.14, 0.12, 0.14)),
    "word_style_notes_page_numbers_running_header": Style(
        superscript_footnote_numbers=True, page_numbers=True,
        running_header="Bilag 3 – Overblik over initiativer relateret til ensomhed"),
}
# At a line end, "biograf-eller" (as the source writes it) and "biograf- eller" look the same.
HYPHEN = re.compile(r"-\s+")


def text(v) -> str:
    return v if isinstance(v, str) else ""


@pytest.fixture(scope="module")
def source(processed):
    """The bundled release as items and footnotes for tests/pdfmaker.py."""
    ini, notes = processed["initiatives"], processed["footnotes"]
    items, footnotes, section = [], {}, None
    for r in ini.to_dict("records"):
        if r["section"] != section:
            section = r["section"]
            items.append(("section", section))
        cells = []
        for c in SOURCE_COLUMN_NAMES:
            cell = text(r[c])
            for n in notes[(notes.initiative_id == r["initiative_id"]) & (notes.column == c)].sort_values("number").itertuples():
                footnotes[int(n.number)] = (n.text, text(n.url) or None)
                cell += f"[^{int(n.number)}]"
            cells.append(cell)
        items.append(("row", cells))
    return items, footnotes, ini, notes


@pytest.mark.parametrize("name", STYLES)
def test_rerendered_table_gives_the_same_records(source, tmp_path, name):
    items, footnotes, ini, notes = source
    pdf = tmp_path / f"{name}.pdf"
    make_pdf(pdf, items, footnotes, STYLES[name])
    stages.run(pdf, tmp_path / "processed", tmp_path / "interim")
    got = pd.read_parquet(tmp_path / "processed" / "initiatives.parquet")
    got_notes = pd.read_parquet(tmp_path / "processed" / "footnotes.parquet")
    assert len(got) == len(ini) and len(got_notes) == len(notes)
    cols = ["number", "initiative_id", "column", "text"]
    assert got_notes[cols].astype(str).values.tolist() == notes[cols].astype(str).values.tolist()
    pairs = [(text(a[c]), text(b[c])) for (_, a), (_, b) in zip(ini.iterrows(), got.iterrows())
             for c in SOURCE_COLUMN_NAMES]
    equal = sum(HYPHEN.sub("-", a) == HYPHEN.sub("-", b) for a, b in pairs)
    print(f"\n{name}: {equal}/{len(pairs)} cells equal")
    assert equal / len(pairs) >= 0.995
