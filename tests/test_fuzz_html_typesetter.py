"""The WeasyPrint typesetter of the fuzz harness renders a small table as asked: the header, real
footnotes at the foot of their call's page with the golden numbers, links exactly when asked, rules."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

try:
    import weasyprint  # noqa: F401
except (ImportError, OSError) as exc:  # OSError: installed, but pango is missing
    pytest.skip(f"WeasyPrint typesetter not available ({exc}); install it with pip install -e '.[test]' "
                "and pango (libpango-1.0-0 libpangoft2-1.0-0, see .ci/run)", allow_module_level=True)
import pdfplumber  # noqa: E402

from tests.fuzz.params import draw  # noqa: E402
from tests.fuzz.source import HEADER_LABELS, Table, load  # noqa: E402
from tests.fuzz.typeset_html import render  # noqa: E402

@pytest.fixture(scope="module")
def small() -> Table:
    t = load()
    rows = t.rows[:12]
    return Table(rows=rows, notes={n: t.notes[n] for r in rows for c in r.notes for n in c})


def _foot_top(page, p) -> float:
    """Top of the footnote area: the first text in the footnote size (a raised number reaches a
    little higher), which differs from the body size in these layouts."""
    tops = [c["top"] for c in page.chars if abs(c["size"] - p.footnote_size) < 0.05]
    return min(tops, default=page.height + p.footnote_size) - 0.6 * p.footnote_size


def _read(pdf_path, table: Table, p):
    """Per page: the footnote numbers at the foot (each line starting with a number that its note's
    text follows), the digits of the raised calls above the rule, the link targets, and the edges."""
    assert abs(p.size - p.footnote_size) > 0.5
    pages = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            sep = _foot_top(page, p)
            foot = []
            for line in page.crop((0, sep, page.width, page.height)).extract_text_lines():
                m = re.match(r"(\d+)\s*", line["text"])
                if m and int(m.group(1)) in table.notes:
                    note = table.notes[int(m.group(1))]
                    if line["text"][m.end():].startswith(note.text[:6]):
                        foot.append(note.number)
            calls = sorted(c["text"] for c in page.chars if c["bottom"] < sep and c["text"].isdigit()
                           and c["size"] < 0.8 * p.size)
            body_edges = [e for e in page.edges if e["bottom"] < sep - 1]
            words = page.extract_words()
            pages.append({"foot": foot, "calls": calls, "uris": [h["uri"] for h in page.hyperlinks],
                          "edges": body_edges, "header": any(w["text"] == "Målgruppe" for w in words),
                          "words": {w["text"] for w in words}})
    return pages


def test_footnotes_links_header_and_grid(small, tmp_path):
    p = replace(draw(3, len(small.rows), typesetter="html"), links=True, header_repeat=True, rules="grid",
                landscape=True, page="A4", note_number_raised=False, note_number_space=True, page_breaks=(5,))
    pages = _read(render(small, p, tmp_path / "a.pdf"), small, p)
    assert len(pages) >= 2
    # every note once, in order, at the foot of the page whose cells hold its call
    assert [n for pg in pages for n in pg["foot"]] == sorted(small.notes)
    for pg in pages:
        assert pg["calls"] == sorted("".join(str(n) for n in pg["foot"]))
    # a link annotation for each note with a target, and none other
    expected = {n.url for n in small.notes.values() if n.url}
    assert {u for pg in pages for u in pg["uris"]} == expected
    # the header on every page, and the table ruled both ways
    assert all(pg["header"] for pg in pages)
    assert {w for label in HEADER_LABELS for w in label.split()} <= pages[0]["words"]
    assert {e["orientation"] for e in pages[0]["edges"]} == {"h", "v"}


def test_no_links_header_once_no_rules(small, tmp_path):
    p = replace(draw(4, len(small.rows), typesetter="html"), links=False, header_repeat=False, rules="none",
                header_shading=False, note_number_raised=True, note_number_space=False, page_breaks=(4, 8))
    pages = _read(render(small, p, tmp_path / "b.pdf"), small, p)
    assert len(pages) >= 3  # two forced breaks
    assert [n for pg in pages for n in pg["foot"]] == sorted(small.notes)
    for pg in pages:
        assert pg["calls"] == sorted("".join(str(n) for n in pg["foot"]))
    assert not any(pg["uris"] for pg in pages)
    assert [pg["header"] for pg in pages] == [True] + [False] * (len(pages) - 1)
    assert not any(pg["edges"] for pg in pages)
