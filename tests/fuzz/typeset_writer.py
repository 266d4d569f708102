"""The golden table typeset by LibreOffice Writer: a flat OpenDocument file (.fodt) converted to PDF headless.

Everything a Writer user would do by hand is done with Writer's own features, so the PDF comes out the
way such appendices are produced: real auto-numbered footnotes anchored in the table cells, a repeated
heading row, rows allowed to break or kept whole, rules as cell borders, hyperlinks in the footnotes,
a page-number field in the page footer. Forced page breaks split the table (Writer ignores page breaks
on paragraphs inside a table), the table after the break starting on a new page.

    python -m tests.fuzz.typeset_writer SEED OUT.pdf   # renders variant SEED, prints its page count
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from tests.fuzz.params import Params
from tests.fuzz.source import HEADER_LABELS, HEADER_LABELS_WRAPPED, INTRO, TITLE, Note, Row, Table

# page sizes in cm, portrait (width, height)
PAGES = {"A4": (21.0, 29.7), "Letter": (21.59, 27.94)}
RULE = "0.5pt solid #000000"
SHADE = "#d9d9d9"
# how long one conversion may take before it counts as hung
TIMEOUT_S = 300
# run by LibreOffice's Python (see its docstring for why not `soffice --convert-to`)
CONVERTER = Path(__file__).resolve().parent / "writer_uno.py"

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
}


def soffice() -> str | None:
    """The LibreOffice binary, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


@functools.lru_cache(maxsize=1)
def uno_python() -> str | None:
    """A Python that can import LibreOffice's `uno` bridge (the system one on Debian), or None."""
    candidates = [sys.executable, str(Path(sys.base_prefix) / "bin" / "python3"), shutil.which("python3"),
                  "/usr/bin/python3"]
    for python in dict.fromkeys(c for c in candidates if c and Path(c).exists()):
        try:
            ok = subprocess.run([python, "-c", "import uno"], capture_output=True, timeout=30).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            ok = False
        if ok:
            return python
    return None


def available() -> bool:
    """Whether this machine can run the typesetter."""
    return soffice() is not None and uno_python() is not None


def _borders(rules: str) -> str:
    """Cell border attributes for a rule style (each cell draws its own; the table collapses them)."""
    sides = {"grid": ("top", "bottom", "left", "right"), "horizontal": ("top", "bottom"),
             "vertical": ("left", "right"), "none": ()}[rules]
    return " ".join(f'fo:border-{s}="{RULE if s in sides else "none"}"' for s in ("top", "bottom", "left", "right"))


def _styles(p: Params) -> str:
    """office:styles: fonts and sizes, the heading, and the footnote styles and numbering."""
    lang = 'fo:language="da" fo:country="DK"'
    note_num = 'style:text-position="super 58%"' if p.note_number_raised else ""
    # a hanging indent puts the footnote's number in front of the text with a gap (Writer's default);
    # without it the text follows the number directly
    indent = 'fo:margin-left="0.5cm" fo:text-indent="-0.5cm"' if p.note_number_space else \
        'fo:margin-left="0cm" fo:text-indent="0cm"'
    return f"""<office:styles>
  <style:default-style style:family="paragraph">
   <style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0cm" fo:orphans="2" fo:widows="2"/>
   <style:text-properties style:font-name="Body" fo:font-size="{p.size:g}pt" {lang} fo:hyphenate="false"/>
  </style:default-style>
  <style:default-style style:family="table-cell"/>
  <style:style style:name="Standard" style:family="paragraph" style:class="text"/>
  <style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph"
    style:parent-style-name="Standard">
   <style:paragraph-properties fo:margin-bottom="{p.size * 0.8:g}pt"/>
  </style:style>
  <style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph"
    style:parent-style-name="Standard" style:next-style-name="Text_20_body" style:default-outline-level="1">
   <style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="{p.size:g}pt" fo:keep-with-next="always"/>
   <style:text-properties fo:font-size="{p.size * 1.6:.1f}pt" fo:font-weight="bold"/>
  </style:style>
  <style:style style:name="Table_20_Contents" style:display-name="Table Contents" style:family="paragraph"
    style:parent-style-name="Standard">
   <style:paragraph-properties fo:text-align="{"justify" if p.justify else "start"}"/>
  </style:style>
  <style:style style:name="Table_20_Heading" style:display-name="Table Heading" style:family="paragraph"
    style:parent-style-name="Standard">
   <style:paragraph-properties fo:text-align="start"/>
   <style:text-properties{' fo:font-weight="bold"' if p.header_bold else ""}/>
  </style:style>
  <style:style style:name="Section_20_Row" style:display-name="Section Row" style:family="paragraph"
    style:parent-style-name="Standard">
   <style:text-properties fo:font-weight="bold"/>
  </style:style>
  <style:style style:name="Footnote" style:family="paragraph" style:parent-style-name="Standard"
    style:class="extra">
   <style:paragraph-properties {indent} fo:text-align="start"/>
   <style:text-properties fo:font-size="{p.footnote_size:g}pt"/>
  </style:style>
  <style:style style:name="Footer" style:family="paragraph" style:parent-style-name="Standard" style:class="extra">
   <style:paragraph-properties fo:text-align="{"end" if p.page_numbers == "right" else "center"}"/>
  </style:style>
  <style:style style:name="Footnote_20_anchor" style:display-name="Footnote anchor" style:family="text">
   <style:text-properties style:text-position="super 58%"/>
  </style:style>
  <style:style style:name="Footnote_20_Symbol" style:display-name="Footnote Symbol" style:family="text">
   <style:text-properties {note_num}/>
  </style:style>
  <style:style style:name="Internet_20_link" style:display-name="Internet link" style:family="text">
   <style:text-properties fo:color="#000080" style:text-underline-style="solid"
     style:text-underline-width="auto" style:text-underline-color="font-color"/>
  </style:style>
  <!-- as Writer writes it: citation-style = the number in the footnote area, citation-body-style = the
       marker in the text -->
  <text:notes-configuration text:note-class="footnote" text:citation-style-name="Footnote_20_Symbol"
    text:citation-body-style-name="Footnote_20_anchor" text:default-style-name="Footnote" style:num-format="1"
    text:start-value="0" text:footnotes-position="page" text:start-numbering-at="document"/>
 </office:styles>"""


def _automatic_styles(p: Params, text_width_cm: float) -> str:
    """Page layout, table, column, row and cell styles."""
    w, h = PAGES[p.page]
    if p.landscape:
        w, h = h, w
    footer = ""
    if p.page_numbers != "none":
        footer = ('<style:footer-style><style:header-footer-properties fo:min-height="0cm" '
                  f'fo:margin-top="{p.size * 0.6:g}pt"/></style:footer-style>')
    cols = "\n".join(
        f'<style:style style:name="col{i}" style:family="table-column">'
        f'<style:table-column-properties style:column-width="{share * text_width_cm:.4f}cm"/></style:style>'
        for i, share in enumerate(p.col_widths))
    tables = "\n".join(
        f'<style:style style:name="{name}" style:family="table"><style:table-properties '
        f'style:width="{text_width_cm:.4f}cm" table:align="margins" table:border-model="collapsing" '
        f'style:may-break-between-rows="true"{brk}/></style:style>'
        for name, brk in (("tab", ""), ("tabbreak", ' fo:break-before="page"')))
    keep = "auto" if p.rows_split else "always"
    pad = f'fo:padding="{p.cell_padding_pt:g}pt"'
    shade = f' fo:background-color="{SHADE}"' if p.header_shading else ""
    return f"""<office:automatic-styles>
  <style:page-layout style:name="pm1">
   <style:page-layout-properties fo:page-width="{w}cm" fo:page-height="{h}cm"
     style:print-orientation="{"landscape" if p.landscape else "portrait"}"
     fo:margin-top="{p.margin_cm}cm" fo:margin-bottom="{p.margin_cm}cm"
     fo:margin-left="{p.margin_cm}cm" fo:margin-right="{p.margin_cm}cm" style:num-format="1">
    <style:footnote-sep style:width="0.018cm" style:distance-before-sep="0.101cm"
      style:distance-after-sep="0.101cm" style:line-style="solid" style:adjustment="left"
      style:rel-width="25%" style:color="#000000"/>
   </style:page-layout-properties>
   <style:header-style/>
   {footer}
  </style:page-layout>
  {tables}
  {cols}
  <style:style style:name="row" style:family="table-row">
   <style:table-row-properties fo:keep-together="{keep}"/>
  </style:style>
  <style:style style:name="headrow" style:family="table-row">
   <style:table-row-properties fo:keep-together="always"/>
  </style:style>
  <style:style style:name="cell" style:family="table-cell">
   <style:table-cell-properties style:vertical-align="top" {pad} {_borders(p.rules)}/>
  </style:style>
  <style:style style:name="headcell" style:family="table-cell">
   <style:table-cell-properties style:vertical-align="top" {pad} {_borders(p.rules)}{shade}/>
  </style:style>
 </office:automatic-styles>"""


def _master(p: Params) -> str:
    footer = ""
    if p.page_numbers != "none":
        footer = ('<style:footer><text:p text:style-name="Footer">'
                  '<text:page-number text:select-page="current">1</text:page-number></text:p></style:footer>')
    return ('<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1">'
            f'{footer}</style:master-page></office:master-styles>')


def _note_body(note: Note, links: bool) -> str:
    """A footnote's paragraph: its text, with the URL (or the whole text when the URL is not printed) linked."""
    text = note.text
    if not (links and note.url):
        return escape(text)
    href = quoteattr(note.url)
    at = text.find(note.url)
    if at < 0:  # the printed text is not the URL itself: the whole text carries the link
        return f'<text:a xlink:type="simple" xlink:href={href} text:style-name="Internet_20_link">{escape(text)}</text:a>'
    return (escape(text[:at]) + f'<text:a xlink:type="simple" xlink:href={href} '
            f'text:style-name="Internet_20_link">{escape(note.url)}</text:a>' + escape(text[at + len(note.url):]))


def _notes(numbers: tuple[int, ...], table: Table, links: bool) -> str:
    # the citation text is only a placeholder: Writer numbers footnotes itself, in document order
    return "".join(
        f'<text:note text:id="ftn{n}" text:note-class="footnote"><text:note-citation>{n}</text:note-citation>'
        f'<text:note-body><text:p text:style-name="Footnote">{_note_body(table.notes[n], links)}</text:p>'
        '</text:note-body></text:note>'
        for n in numbers)


def _cell(content: str, style: str = "cell", span: int = 1) -> str:
    spanned = f' table:number-columns-spanned="{span}"' if span > 1 else ""
    covered = "<table:covered-table-cell/>" * (span - 1)
    return (f'<table:table-cell table:style-name="{style}" office:value-type="string"{spanned}>'
            f'{content}</table:table-cell>{covered}')


def _header(p: Params) -> str:
    labels = HEADER_LABELS_WRAPPED if p.header_wrap else tuple((label,) for label in HEADER_LABELS)
    cells = "".join(_cell('<text:p text:style-name="Table_20_Heading">'
                          + "<text:line-break/>".join(escape(part) for part in parts) + "</text:p>", "headcell")
                    for parts in labels)
    row = f'<table:table-row table:style-name="headrow">{cells}</table:table-row>'
    return f"<table:table-header-rows>{row}</table:table-header-rows>" if p.header_repeat else row


def _row(row: Row, table: Table, p: Params) -> str:
    cells = []
    for text, numbers in zip(row.cells, row.notes):
        gap = " " if numbers and p.marker_space and text else ""
        cells.append(_cell(f'<text:p text:style-name="Table_20_Contents">{escape(text)}{gap}'
                           f'{_notes(numbers, table, p.links)}</text:p>'))
    return f'<table:table-row table:style-name="row">{"".join(cells)}</table:table-row>'


def _section(label: str, n_cols: int) -> str:
    para = f'<text:p text:style-name="Section_20_Row">{escape(label)}</text:p>'
    return f'<table:table-row table:style-name="row">{_cell(para, span=n_cols)}</table:table-row>'


def _tables(table: Table, p: Params) -> str:
    """The table, split into one Writer table per forced page break; the header starts each part that
    repeats it, else only the first."""
    breaks = {table.rows[i].id for i in p.page_breaks if 0 <= i < len(table.rows)}
    n_cols = len(HEADER_LABELS)
    columns = "".join(f'<table:table-column table:style-name="col{i}"/>' for i in range(n_cols))
    parts: list[list[str]] = [[]]
    pending_section = None
    for kind, item in table.items():
        if kind == "section":
            pending_section = item  # held back, so that a break before a section's first row comes before its label
            continue
        if item.id in breaks and parts[-1]:
            parts.append([])
        if pending_section is not None:
            parts[-1].append(_section(pending_section, n_cols))
            pending_section = None
        parts[-1].append(_row(item, table, p))
    out = []
    for i, rows in enumerate(parts):
        head = _header(p) if i == 0 or p.header_repeat else ""
        out.append(f'<table:table table:name="Table{i + 1}" table:style-name="{"tabbreak" if i else "tab"}">'
                   f'{columns}{head}{"".join(rows)}</table:table>')
    return "\n".join(out)


def document(table: Table, p: Params) -> str:
    """The flat OpenDocument text of the variant."""
    w, h = PAGES[p.page]
    text_width = (h if p.landscape else w) - 2 * p.margin_cm
    ns = " ".join(f'xmlns:{k}="{v}"' for k, v in NS.items())
    font = quoteattr(p.font)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document {ns} office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:font-face-decls>
  <style:font-face style:name="Body" svg:font-family={font}/>
 </office:font-face-decls>
 {_styles(p)}
 {_automatic_styles(p, text_width)}
 {_master(p)}
 <office:body><office:text>
  <text:h text:style-name="Heading_20_1" text:outline-level="1">{escape(TITLE)}</text:h>
  <text:p text:style-name="Text_20_body">{escape(INTRO)}</text:p>
  {_tables(table, p)}
 </office:text></office:body>
</office:document>
"""


def render(table: Table, p: Params, out_pdf: Path, timeout_s: float = TIMEOUT_S) -> Path:
    """Typeset `table` with layout `p` into `out_pdf` through LibreOffice; returns `out_pdf`.
    `timeout_s` bounds the conversion (a benchmark's document of hundreds of pages needs more)."""
    binary, python = soffice(), uno_python()
    if binary is None or python is None:
        raise RuntimeError("LibreOffice (soffice) with its Python bridge (python3-uno) is not installed")
    out_pdf = Path(out_pdf)
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="typeset_writer_") as tmp:
        tmp = Path(tmp)
        src = tmp / f"{out_pdf.stem}.fodt"
        src.write_text(document(table, p), encoding="utf-8")
        made = tmp / f"{out_pdf.stem}.pdf"
        # a private profile per call lets conversions run in parallel without a shared lock
        cmd = [python, str(CONVERTER), binary, str(src), str(made), str(tmp / "profile"), str(timeout_s)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s + 60)
        if done.returncode != 0 or not made.exists():
            tail = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:]
            raise RuntimeError(f"LibreOffice conversion failed ({done.returncode}): {' '.join(tail)}")
        shutil.move(str(made), out_pdf)
    return out_pdf


if __name__ == "__main__":
    import sys

    from tests.fuzz.params import draw
    from tests.fuzz.source import load

    if len(sys.argv) != 3:
        sys.exit("usage: python -m tests.fuzz.typeset_writer SEED OUT.pdf")
    golden = load()
    params = draw(int(sys.argv[1]), len(golden.rows), typesetter="writer")
    print(params.describe())
    pdf = render(golden, params, Path(sys.argv[2]))
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        print(f"{pdf}: {len(doc.pages)} pages")
