"""The golden table typeset as HTML + CSS Paged Media by WeasyPrint: one fuzz variant's PDF.

This is how a producer who writes the appendix as a web page would print it: the cells' footnotes
are real CSS GCPM footnotes (`float: footnote`), numbered by the typesetter's own `footnote`
counter and set at the foot of the page that holds their call; the header row is a `<thead>`
that WeasyPrint repeats on every page (or an ordinary first row, printed once); links are `<a
href>` elements, which WeasyPrint writes as link annotations.

    .venv/bin/python -m tests.fuzz.typeset_html SEED OUT.pdf   # renders variant SEED, prints its page count
"""

from __future__ import annotations

import html
import logging
import sys
from contextlib import contextmanager, nullcontext
from pathlib import Path

try:
    from .params import Params, draw
    from .source import HEADER_LABELS, HEADER_LABELS_WRAPPED, INTRO, TITLE, Note, Row, Table, load
except ImportError:  # run as a plain script
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.fuzz.params import Params, draw
    from tests.fuzz.source import HEADER_LABELS, HEADER_LABELS_WRAPPED, INTRO, TITLE, Note, Row, Table, load

RULE = "0.5pt solid #000"
SHADE = "#d9d9d9"          # Word's "white, darker 15 %" header shading
LINK_COLOUR = "#0563c1"    # Word's Hyperlink character style: blue, underlined
CALL_SCALE = 0.58          # superscript size as word processors set it
SEPARATOR_SHARE = 0.33     # the footnote rule spans about a third of the text width, as in Word
PX_PER_PT = 4 / 3          # CSS units
PT_PER_CM = 72 / 2.54
PAGE_CM = {"A4": (21.0, 29.7), "Letter": (21.59, 27.94)}
AVG_GLYPH_EM = 0.55        # a generous average glyph width of the fonts in use, for estimates only


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def note_html(note: Note, links: bool) -> str:
    """The footnote's text, its URL an `<a href>` when `links` (the whole text when the URL is not in it)."""
    if not links or not note.url:
        return _esc(note.text)
    href = _esc(note.url)
    at = note.text.find(note.url)
    if at < 0:
        return f'<a href="{href}">{_esc(note.text)}</a>'
    before, after = note.text[:at], note.text[at + len(note.url):]
    return f'{_esc(before)}<a href="{href}">{_esc(note.url)}</a>{_esc(after)}'


def column_text_width_pt(p: Params, column: int) -> float:
    """The width inside a cell of `column`, in points."""
    width_cm, height_cm = PAGE_CM[p.page]
    page_width = (max if p.landscape else min)(width_cm, height_cm)
    return (page_width - 2 * p.margin_cm) * PT_PER_CM * p.col_widths[column] - 2 * p.cell_padding_pt


def _word_and_calls_overflow(text: str, numbers: tuple[int, ...], p: Params, column: int) -> bool:
    """Whether the cell's last word with its glued calls is about as wide as the cell (estimated from
    an average glyph width)."""
    words = text.split()
    if not words:
        return False
    calls = len("".join(str(n) for n in numbers)) * CALL_SCALE
    return (len(words[-1]) + calls) * AVG_GLYPH_EM * p.size > 0.9 * column_text_width_pt(p, column)


def cell_html(text: str, numbers: tuple[int, ...], notes: dict, p: Params, column: int = 0) -> str:
    """A cell's text with its footnotes anchored at the end: adjacent calls, glued or after one space."""
    if not numbers:
        return _esc(text)
    # no whitespace between the footnote elements, so their calls print adjacent ("17 18" would not)
    gap = '<span class="gap"> </span>' if p.note_number_space else ""
    fns = "".join(f'<span class="fn">{gap}{note_html(notes[n], p.links)}</span>' for n in numbers)
    if p.marker_space and text:
        sep = " "
    elif _word_and_calls_overflow(text, numbers, p, column):
        # A word processor breaks a glued "word¹" that does not fit the cell inside it; WeasyPrint
        # breaks words (overflow-wrap) but not between a word and the call after it, and lets the
        # call run over the column rule: a break opportunity lets the call go to the next line.
        sep = "<wbr>"
    else:
        sep = ""
    return f"{_esc(text)}{sep}{fns}"


def header_row(p: Params) -> str:
    if p.header_wrap:
        labels = ["<br>".join(_esc(part) for part in parts) for parts in HEADER_LABELS_WRAPPED]
    else:
        labels = [_esc(label) for label in HEADER_LABELS]
    return '<tr class="header">' + "".join(f"<th>{label}</th>" for label in labels) + "</tr>"


def body_row(row: Row, notes: dict, p: Params, page_break: bool) -> str:
    cls = ' class="break"' if page_break else ""
    cells = "".join(f"<td>{cell_html(text, nums, notes, p, i)}</td>"
                    for i, (text, nums) in enumerate(zip(row.cells, row.notes)))
    return f"<tr{cls}>{cells}</tr>"


def section_row(label: str, p: Params, page_break: bool) -> str:
    cls = "section break" if page_break else "section"
    return f'<tr class="{cls}"><td colspan="{len(HEADER_LABELS)}">{_esc(label)}</td></tr>'


def table_html(table: Table, p: Params) -> str:
    """One table: the header (a repeated `<thead>` or a first body row), section and initiative rows.

    A forced page break before a row that opens a section goes before the section's heading row,
    where a producer would put it.
    """
    breaks = {table.rows[i].id for i in p.page_breaks if 0 <= i < len(table.rows)}
    cols = "".join(f'<col style="width:{w * 100:.3f}%">' for w in p.col_widths)
    body: list[str] = []
    pending_section = None
    for kind, item in table.items():
        if kind == "section":
            pending_section = item
            continue
        brk = item.id in breaks
        if pending_section is not None:
            body.append(section_row(pending_section, p, brk))
            brk, pending_section = False, None
        body.append(body_row(item, table.notes, p, brk))
    if p.header_repeat:
        head, first = f"<thead>{header_row(p)}</thead>", ""
    else:
        head, first = "", header_row(p)
    return (f"<table><colgroup>{cols}</colgroup>{head}<tbody>{first}"
            + "\n".join(body) + "</tbody></table>")


def rules_css(rules: str) -> str:
    """Cell borders for the rule style (the table's border collapses onto its cells' borders)."""
    if rules == "grid":
        return f"th, td {{ border: {RULE} }}"
    if rules == "horizontal":
        return f"th, td {{ border-top: {RULE}; border-bottom: {RULE} }}"
    if rules == "vertical":
        return f"th, td {{ border-left: {RULE}; border-right: {RULE} }}"
    if rules == "none":
        return ""
    raise ValueError(f"unknown rules style {rules!r}")


def stylesheet(p: Params) -> str:
    orientation = "landscape" if p.landscape else "portrait"
    page_size = {"A4": "A4", "Letter": "letter"}[p.page]  # the sizes of PAGE_CM
    font = f'"{p.font}"'
    page_number = ""
    if p.page_numbers != "none":
        box = {"center": "bottom-center", "right": "bottom-right"}[p.page_numbers]
        page_number = f"@{box} {{ content: counter(page); font-family: {font}; font-size: {p.size:g}pt }}"
    raised = (f"vertical-align: super; font-size: {p.footnote_size * CALL_SCALE:.2f}pt; line-height: 1"
              if p.note_number_raised else "vertical-align: baseline")
    return f"""
@page {{
  size: {page_size} {orientation};
  margin: {p.margin_cm:g}cm;
  {page_number}
  @footnote {{
    /* a short rule over the notes: the area is a third wide and the notes overflow it to the right */
    width: {SEPARATOR_SHARE * 100:g}%;
    /* whole CSS pixels (0.75 pt): with a width that is not, WeasyPrint's sums of the area's
       height differ by a rounding error, every note "overflows" and goes one to a page */
    border-top: 1px solid #000;
    margin-top: {round(p.size * PX_PER_PT)}px;
    padding-top: {round(p.footnote_size * 0.4 * PX_PER_PT)}px;
  }}
}}
html {{ font-family: {font}; font-size: {p.size:g}pt; line-height: 1.15 }}
body {{ margin: 0 }}
h1 {{ font-size: {p.size * 1.6:.1f}pt; font-weight: bold; margin: 0 0 {p.size:g}pt 0 }}
p.intro {{ margin: 0 0 {p.size:g}pt 0; text-align: {'justify' if p.justify else 'left'} }}
table {{ width: 100%; table-layout: fixed; border-collapse: collapse }}
th, td {{
  padding: {p.cell_padding_pt:g}pt;
  vertical-align: top;
  text-align: {'justify' if p.justify else 'left'};
  overflow-wrap: break-word;   /* a word wider than its column breaks rather than overflows */
  hyphens: manual;
}}
th {{ font-weight: {'bold' if p.header_bold else 'normal'}; text-align: left;
      {f'background: {SHADE};' if p.header_shading else ''} }}
tr.section td {{ font-weight: bold; text-align: left }}
{'' if p.rows_split else 'tr { break-inside: avoid }'}
tr.break {{ break-before: page }}
{rules_css(p.rules)}
.fn {{
  float: footnote;
  footnote-policy: line;        /* a note that does not fit takes its call's line to the next page */
  font-family: {font}; font-size: {p.footnote_size:g}pt; font-weight: normal; line-height: 1.15;
  text-align: left;
  width: {100 / SEPARATOR_SHARE:.3f}%;
  overflow-wrap: anywhere;     /* long URLs wrap inside the text width */
}}
/* the call in the cell: a small raised number, sized from the body text (it inherits the note's size) */
.fn::footnote-call {{
  content: counter(footnote);
  vertical-align: super; font-size: {p.size * CALL_SCALE:.2f}pt; line-height: 1;
  font-weight: normal; font-variant-position: normal;
}}
.fn::footnote-marker {{ content: counter(footnote); {raised} }}
/* the space after the number is note text at the note's size (in the raised number it would read as part of it) */
.fn .gap {{ white-space: pre }}
a {{ color: {LINK_COLOUR}; text-decoration: underline }}
"""


def document_html(table: Table, p: Params) -> str:
    return (f'<!DOCTYPE html><html lang="da"><head><meta charset="utf-8"><title>{_esc(TITLE)}</title>'
            f"<style>{stylesheet(p)}</style></head><body>"
            f"<h1>{_esc(TITLE)}</h1><p class=\"intro\">{_esc(INTRO)}</p>"
            f"{table_html(table, p)}</body></html>")


@contextmanager
def _notes_stay_with_calls():
    """WeasyPrint without its "move notes on to make room for a line" step, for the time of a render.

    When a line does not fit at the page foot and orphans/widows forbid breaking before it,
    WeasyPrint pushes the page's LAST laid-out footnotes to the next page to make room. In a table
    those belong to other cells and rows whose calls stay on this page, and once one note is
    pushed every later one follows (`overflow or context.reported_footnotes`): the notes run pages
    behind their calls. Word never does this; WeasyPrint skips the step inside multi-column
    layout (`context.in_column`), so `in_column` reads true where that step asks, and only there.
    Notes that cannot fit still move with their call's line (`footnote-policy: line`).
    """
    from weasyprint.layout import LayoutContext

    original = LayoutContext.__dict__.get("in_column")

    def get(ctx):
        if sys._getframe(1).f_code.co_name == "_linebox_layout":
            return True
        return ctx.__dict__.get("_in_column", False)

    def set_(ctx, value):
        ctx.__dict__["_in_column"] = value

    LayoutContext.in_column = property(get, set_)
    try:
        yield
    finally:
        if original is None:
            del LayoutContext.in_column
        else:
            LayoutContext.in_column = original


def render(table: Table, p: Params, out_pdf: Path, defer_notes: bool = False) -> Path:
    """Typeset `table` under layout `p` with WeasyPrint into `out_pdf`.

    `defer_notes` keeps WeasyPrint's own habit of moving footnotes to a later page than their call
    to make room for text (see `_notes_stay_with_calls`); by default each note is on its call's page.
    """
    import weasyprint  # heavy, and only the fuzz harness needs it

    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    out_pdf = Path(out_pdf)
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    # no base URL: the document loads nothing, and relative link targets ("../x.pdf") are written as
    # given rather than resolved against this machine's folders
    document = weasyprint.HTML(string=document_html(table, p), base_url=None)
    with nullcontext() if defer_notes else _notes_stay_with_calls():
        document.write_pdf(out_pdf)
    return out_pdf


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not argv[0].isdigit():
        print("usage: python -m tests.fuzz.typeset_html SEED OUT.pdf", file=sys.stderr)
        return 2
    table = load()
    p = draw(int(argv[0]), len(table.rows), typesetter="html")
    out = render(table, p, Path(argv[1]))
    import pdfplumber

    with pdfplumber.open(out) as pdf:
        pages = len(pdf.pages)
    print(f"{out}: {pages} pages ({p.describe()})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
