"""The LibreOffice Writer typesetter of the layout fuzzer on the first rows of the golden table: real
footnotes numbered at the page foot, link annotations exactly when asked, the header, the rules."""

import dataclasses
import re

import pdfplumber
import pytest

from tests.fuzz import typeset_writer
from tests.fuzz.params import draw
from tests.fuzz.source import HEADER_LABELS, Table, load

pytestmark = pytest.mark.skipif(not typeset_writer.available(),
                                reason="LibreOffice (soffice) with python3-uno is not installed (see .ci/run)")
N_ROWS = 12


@pytest.fixture(scope="module")
def small():
    t = load()
    rows = t.rows[:N_ROWS]
    return Table(rows=rows, notes={n: t.notes[n] for r in rows for c in r.notes for n in c})


def foot_numbers(pdf, body_size):
    """Footnote numbers as printed at the start of the footnote lines: words at the left margin (cell
    text is padded off it) in the page's lower half, smaller than the body text, starting with digits."""
    found = []
    for page in pdf.pages:
        left = min(c["x0"] for c in page.chars)
        words = [w for w in page.extract_words(y_tolerance=1, extra_attrs=["size"])
                 if w["x0"] < left + 1 and w["top"] > page.height / 2 and w["size"] < body_size - 0.5]
        found += [int(m.group()) for w in sorted(words, key=lambda w: w["top"]) if (m := re.match(r"\d+", w["text"]))]
    return found


def label_lines(page, first="Initiativ", last="organisation"):
    """How many lines the header puts between two words of a label (0: one line)."""
    words = {w["text"]: w for w in reversed(page.extract_words(extra_attrs=["size"]))}
    return round((words[last]["top"] - words[first]["top"]) / words[first]["size"])


def render(table, tmp_path, name, **changes):
    # a first column wide enough for "Initiativ og organisation" on one line unless the label is broken
    widths = (0.28, 0.12, 0.1, 0.14, 0.14, 0.1, 0.12)
    p = dataclasses.replace(draw(7, len(table.rows), typesetter="writer"), col_widths=widths, **changes)
    return p, typeset_writer.render(table, p, tmp_path / f"{name}.pdf")


def test_footnotes_links_header_and_grid(small, tmp_path):
    p, out = render(small, tmp_path, "grid", links=True, rules="grid", header_wrap=False, header_repeat=True,
                    note_number_raised=False, note_number_space=True, page_breaks=(5,), landscape=True, size=8.0)
    with pdfplumber.open(out) as pdf:
        assert foot_numbers(pdf, p.size) == sorted(small.notes)
        uris = {link["uri"] for page in pdf.pages for link in page.hyperlinks}
        assert uris == {n.url for n in small.notes.values() if n.url}
        vocabulary = {w for label in HEADER_LABELS for w in label.split()}
        for page in pdf.pages:  # the header repeated on every page (a narrow column may wrap a label)
            words = {w["text"] for w in page.extract_words()}
            assert vocabulary <= words, sorted(vocabulary - words)
        assert len(pdf.pages) >= 2
        assert label_lines(pdf.pages[0]) == 0  # an unbroken label on one line
        # the forced break: on some page the first words under the header are row 5's
        firsts = []
        for page in pdf.pages[1:]:
            body = [w["text"] for w in page.extract_words() if w["text"] not in vocabulary]
            firsts.append(body[0] if body else "")
        assert small.rows[5].cells[0].split()[0] in firsts, firsts
        edges = pdf.pages[0].edges
        assert sum(e["orientation"] == "v" for e in edges) >= 8
        assert sum(e["orientation"] == "h" for e in edges) >= 3


def test_no_links_no_rules_raised_glued_numbers(small, tmp_path):
    p, out = render(small, tmp_path, "plain", links=False, rules="none", header_repeat=False, header_wrap=True,
                    note_number_raised=True, note_number_space=False, page_breaks=(), landscape=False)
    with pdfplumber.open(out) as pdf:
        assert foot_numbers(pdf, p.size) == sorted(small.notes)
        # Writer still links each footnote marker to its footnote (internal links), but no URL
        assert not any(page.hyperlinks for page in pdf.pages)
        assert not any(a["uri"] or "URI" in str(a["data"].get("A")) for page in pdf.pages for a in page.annots)
        # the footnote separator (a thin rectangle at the foot) is the only rule left
        assert all(e["width"] < page.width / 3 and e["height"] < 2 and e["top"] > page.height / 2
                   for page in pdf.pages for e in page.edges)
        assert label_lines(pdf.pages[0]) >= 1  # the label broken as asked
        assert all("Målgruppe" not in page.extract_text() for page in pdf.pages[1:])
