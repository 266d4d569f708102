"""Test fixture: small synthetic PDFs shaped like the Bilag 3 word-processor table.

`make_pdf(path, items, footnotes, style)` lays out a 7-column table with bold
section rows and footnotes at the foot of each page, the way a word processor
prints it, with reportlab. Tests use it to try the extractor on layouts the one
real PDF does not show (other rules, repeated header, portrait pages, wrapped
URLs, superscript footnote numbers, no link annotations, ...).

Input
-----
items
    A list of ``("section", label)`` and ``("row", [7 cell strings])`` in
    document order. In a cell string, ``[^N]`` is a footnote marker, drawn as a
    small raised number right after the text before it; adjacent markers print
    as one run (``"x[^17][^18]"`` shows "x¹⁷¹⁸"). ``"\\n"`` starts a new line
    (paragraph) in the cell; bullets like "•" are plain text.
footnotes
    ``{number: (text, url_or_None)}`` for every marker used. The footnote is
    printed on the page where its marker is drawn, as "N text". Where the text
    contains the url, the URL's text gets a link annotation (one rect per
    printed line of the URL); a url not in the text links the whole text.

Layout, as a word processor does it
-----------------------------------
* Page 1 has the optional intro paragraph(s) above the table (``"\\n"``
  separates paragraphs), then the bold header row; with
  ``Style.repeat_header`` the header is drawn again on top of every page.
* Cells are top-aligned with ``Style.padding`` on all four sides. Text wraps at
  spaces; a line that wrapped at a space keeps the space as its last char (as
  Word prints it). A word too wide for the cell goes on its own line and is cut
  between characters, no hyphen ("Undervisningsforlø" / "b"); a word that does
  not fit may also break after a "/" or a hyphen inside it ("Samtale/" /
  "behandling", "Sjælland-" / "Lolland"), as Word does.
  Line pitch is 1.22 * size; each line is drawn as one string, spaces included.
* A row that does not fit above the footnote area is split: as many whole
  lines as fit (at least one) stay on the page and the rest of each cell goes
  on at the top of the next page, as a fragment where used-up cells are empty.
  ``page_break_before`` holds indices into ``items`` that start a new page.
* The footnote area sits at the foot of the page: a 0.5 pt rule, a quarter of
  the table width long, at the table's left edge, then the page's footnotes by
  number, wrapped to the table width; a URL longer than a line is cut at the
  line end and goes on on the next line.
* Rules: ``"grid"`` draws every cell border (section rows have no inner
  verticals), ``"horizontal"`` only full-width lines above, between and below
  the rows of each page, ``"none"`` none (the footnote separator is not part of
  the table and is always drawn).

The output is deterministic (reportlab ``invariant=1``): the same input gives
the same bytes. Fonts: the standard 14 (not embedded, WinAnsi: Danish letters
and "•" are fine), "Vera" / "Vera-Bold" (TrueType shipped with reportlab,
registered here, embedded as subsets like a word processor's fonts), or any
TTF registered with ``pdfmetrics.registerFont`` beforehand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from reportlab.lib.pagesizes import A4, landscape, portrait
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

__all__ = ["Style", "make_pdf", "HEADER_LABELS", "SECTIONS", "A4", "landscape", "portrait"]

HEADER_LABELS = ("Initiativ og organisation", "Målgruppe", "Geografi", "Indsatsens indhold",
                 "Målsætning", "Typen af intervention", "Dokumentation")
SECTIONS = ("Børn og unge under 18 år", "Voksne (18-65 år)", "Ældre (65+)", "Alle aldersgrupper")

LEADING = 1.22          # line pitch, as a multiple of the font size
MARKER_SCALE = 0.58     # footnote marker size, as a share of the text size
MARKER_RISE = 0.35      # how far a marker is raised, as a share of the text size
RULE_WIDTH = 0.5        # line width of table rules and the footnote separator
SEPARATOR_SHARE = 0.25  # footnote separator length, share of the table width
SEPARATOR_GAP = 3.0     # points between the separator and the first footnote line

_MARKER = re.compile(r"\[\^(\d+)\]")


def _register_vera() -> None:
    """Make "Vera" / "Vera-Bold" (TrueType, shipped with reportlab) usable as Style fonts.

    They are embedded as subsets with a ToUnicode map, as a word processor
    embeds its fonts; the standard 14 fonts are not embedded.
    """
    import os

    import reportlab

    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    for name, file in (("Vera", "Vera.ttf"), ("Vera-Bold", "VeraBd.ttf")):
        if name not in pdfmetrics.getRegisteredFontNames() and os.path.exists(os.path.join(folder, file)):
            pdfmetrics.registerFont(TTFont(name, os.path.join(folder, file)))


_register_vera()


@dataclass(frozen=True)
class Style:
    """How the table is printed. Sizes are points."""

    pagesize: tuple = landscape(A4)          # or portrait(A4), or any (width, height)
    rules: str = "grid"                      # "grid", "horizontal" or "none"
    repeat_header: bool = False              # header row again at the top of every page
    font: str = "Helvetica"
    bold_font: str = "Helvetica-Bold"        # header row and section rows
    size: float = 9                          # table text
    footnote_size: float = 8                 # footnote area text
    # Column widths as shares of the table width (normalised to sum 1).
    col_widths: tuple = (0.12, 0.14, 0.11, 0.2, 0.18, 0.1, 0.15)
    margin: float = 40                       # page margin on all four sides; the table fills the width
    superscript_footnote_numbers: bool = False  # "¹ text" (Word) instead of "1 text" in the footnote area
    text_urls_only: bool = False             # no link annotations: URLs only as text
    padding: float = 2.0                     # cell padding, all four sides
    header: tuple = ()                       # header labels; empty = HEADER_LABELS
    footnote_rule: bool = True               # draw the short separator rule above the footnotes
    page_numbers: bool = False               # "Side N af M" centred in the bottom margin
    running_header: str = ""                 # text in the top margin of every page (bold)

    def __post_init__(self):
        if self.rules not in ("grid", "horizontal", "none"):
            raise ValueError(f"rules must be 'grid', 'horizontal' or 'none', not {self.rules!r}")
        if len(self.col_widths) != 7:
            raise ValueError("col_widths needs 7 shares")


# ---------------------------------------------------------------- text atoms and wrapping


@dataclass
class _Atom:
    """One printed char (or a space) with its width; `pos` indexes the source text."""

    text: str
    width: float
    marker: bool = False
    pos: int = -1


@dataclass
class _Line:
    """One printed line: its atoms, spaces included (a trailing space hangs past the edge)."""

    atoms: list = field(default_factory=list)


def _words(text: str, font: str, size: float, markers: bool = True) -> list[list[_Atom]]:
    """Split one paragraph at spaces into words of atoms; [^N] becomes marker atoms."""
    msize = size * MARKER_SCALE
    words, cur = [], []
    i = 0
    while i < len(text):
        m = _MARKER.match(text, i) if markers else None
        if m:
            digits = m.group(1)
            for d in digits:
                cur.append(_Atom(d, stringWidth(d, font, msize), True, i))
            cur.append(_Atom("", 0.0, True, i))  # zero-width end of this marker's number
            i = m.end()
            continue
        ch = text[i]
        if ch == " ":
            if cur:
                words.append(cur)
                cur = []
        else:
            cur.append(_Atom(ch, stringWidth(ch, font, size), False, i))
        i += 1
    if cur:
        words.append(cur)
    return words


def _fits_prefix(word: list[_Atom], room: float, soft_only: bool) -> int:
    """Longest cut (atom count) whose prefix fits in `room`; 0 if none.

    A cut never separates a marker from the text before it. With soft_only the
    cut must come right after a "/" or a hyphen that follows a letter or digit.
    """
    best, w = 0, 0.0
    for k, a in enumerate(word):
        w += a.width
        if w > room + 1e-6:
            break
        cut = k + 1
        if cut >= len(word):
            break
        if word[cut].marker:
            continue
        if soft_only and not (a.text == "/" or (a.text == "-" and k and word[k - 1].text.isalnum())):
            continue
        best = cut
    return best


def _wrap(words: list[list[_Atom]], avail, space: _Atom, soft_breaks: bool) -> list[_Line]:
    """Greedy word-processor line breaking. `avail(i)` is the width of line i."""
    lines: list[_Line] = []
    cur: list[_Atom] = []

    def width(atoms):
        return sum(a.width for a in atoms)

    def flush(trailing_space: bool):
        nonlocal cur
        lines.append(_Line(cur + ([_Atom(" ", space.width)] if trailing_space else [])))
        cur = []

    for word in words:
        room = avail(len(lines))
        if not cur and width(word) <= room:
            cur = list(word)
            continue
        if cur and width(cur) + space.width + width(word) <= room:
            cur += [_Atom(" ", space.width), *word]
            continue
        if cur:
            left = room - width(cur) - space.width
            cut = _fits_prefix(word, left, soft_only=True) if soft_breaks else 0
            if cut:
                cur += [_Atom(" ", space.width), *word[:cut]]
                word = word[cut:]
                flush(False)
            else:
                flush(True)
        # `cur` is empty: the word starts a line; cut it while it is too wide.
        while width(word) > avail(len(lines)):
            room = avail(len(lines))
            cut = (_fits_prefix(word, room, soft_only=True) if soft_breaks else 0) \
                or _fits_prefix(word, room, soft_only=False) or 1
            while cut < len(word) and word[cut].marker:
                cut += 1
            cur = word[:cut]
            word = word[cut:]
            flush(False)
            if not word:
                break
        cur = list(word)
    if cur or not lines:
        lines.append(_Line(cur))
    return lines


def _cell_lines(text: str, font: str, size: float, width: float) -> list[_Line]:
    text = text or ""
    if not text.strip():
        return []
    space = _Atom(" ", stringWidth(" ", font, size))
    out: list[_Line] = []
    for para in text.split("\n"):
        out.extend(_wrap(_words(para, font, size), lambda i: width, space, soft_breaks=True))
    return out


def _runs(line: _Line) -> list[tuple[str, bool]]:
    """The line as (text, is_marker) runs; adjacent markers merge into one run."""
    runs: list[tuple[str, bool]] = []
    for a in line.atoms:
        if not a.text:
            continue
        if runs and runs[-1][1] == a.marker:
            runs[-1] = (runs[-1][0] + a.text, a.marker)
        else:
            runs.append((a.text, a.marker))
    return runs


def _line_markers(line: _Line) -> set[int]:
    out, digits = set(), ""
    for a in line.atoms:
        if a.marker and a.text:
            digits += a.text
        elif a.marker and not a.text:  # end of one marker number
            if digits:
                out.add(int(digits))
            digits = ""
        elif digits:
            out.add(int(digits))
            digits = ""
    if digits:
        out.add(int(digits))
    return out


# ---------------------------------------------------------------- layout model


@dataclass
class _Block:
    kind: str                   # "header", "section", "row"
    cells: list                 # list of list[_Line]; one cell for a section
    index: int = -1             # position in items (-1 for the header)


@dataclass
class _Placed:
    block: _Block
    cells: list                 # the lines of each cell drawn here
    top: float                  # from the page top
    height: float


@dataclass
class _Note:
    number: int
    text: str
    url: str | None
    lines: list                 # list[_Line]; line 0 follows the number


@dataclass
class _Page:
    placed: list = field(default_factory=list)
    notes: set = field(default_factory=set)
    intro: list = field(default_factory=list)   # (top, _Line) of intro lines


class _Layout:
    def __init__(self, items, footnotes, style: Style, intro: str | None, breaks: Iterable[int]):
        self.s = s = style
        self.W, self.H = s.pagesize
        self.left = s.margin
        self.width = self.W - 2 * s.margin
        total = sum(s.col_widths)
        xs = [self.left]
        for w in s.col_widths:
            xs.append(xs[-1] + self.width * w / total)
        xs[-1] = self.left + self.width
        self.xs = xs
        self.L = LEADING * s.size
        self.fL = LEADING * s.footnote_size
        self.breaks = set(breaks or ())
        self.intro = intro
        self.notes = self._notes(footnotes)
        labels = s.header or HEADER_LABELS
        self.header = _Block("header", [self._text_cell(lab, i, bold=True) for i, lab in enumerate(labels)])
        self.blocks = [self._block(i, item) for i, item in enumerate(items)]
        for b in self.blocks:
            for cell in b.cells:
                for ln in cell:
                    missing = _line_markers(ln) - set(self.notes)
                    if missing:
                        raise KeyError(f"item {b.index}: no footnote text for marker(s) {sorted(missing)}")

    # -- building blocks

    def _text_cell(self, text: str, col: int, bold: bool = False) -> list[_Line]:
        s = self.s
        width = self.xs[col + 1] - self.xs[col] - 2 * s.padding
        return _cell_lines(text, s.bold_font if bold else s.font, s.size, width)

    def _block(self, i: int, item) -> _Block:
        kind, value = item
        if kind == "section":
            width = self.width - 2 * self.s.padding
            return _Block("section", [_cell_lines(value, self.s.bold_font, self.s.size, width)], i)
        if kind == "row":
            if len(value) != 7:
                raise ValueError(f"item {i}: a row needs 7 cells, got {len(value)}")
            return _Block("row", [self._text_cell(t, c) for c, t in enumerate(value)], i)
        raise ValueError(f"item {i}: kind must be 'section' or 'row', not {kind!r}")

    def _notes(self, footnotes) -> dict[int, _Note]:
        s = self.s
        fs = s.footnote_size
        space = _Atom(" ", stringWidth(" ", s.font, fs))
        out = {}
        for number, (text, url) in sorted(footnotes.items()):
            lead = self._note_number_width(number) + space.width
            words = _words(text.replace("\n", " "), s.font, fs, markers=False)
            lines = _wrap(words, lambda i: self.width - (lead if i == 0 else 0), space, soft_breaks=False)
            out[int(number)] = _Note(int(number), text, url, lines)
        return out

    def _note_number_width(self, number: int) -> float:
        s = self.s
        size = s.footnote_size * (MARKER_SCALE if s.superscript_footnote_numbers else 1)
        return stringWidth(str(number), s.font, size)

    # -- geometry

    def block_height(self, cells) -> float:
        n = max((len(c) for c in cells), default=0)
        return 2 * self.s.padding + max(n, 1) * self.L

    def area_height(self, numbers: set[int]) -> float:
        if not numbers:
            return 0.0
        n = sum(len(self.notes[k].lines) for k in numbers)
        return self.s.size + SEPARATOR_GAP + n * self.fL

    # -- pagination

    def paginate(self) -> list[_Page]:
        s = self.s
        pages: list[_Page] = []
        state = {"y": 0.0, "body": False}

        def new_page():
            page = _Page()
            pages.append(page)
            y = s.margin
            if len(pages) == 1 and self.intro:
                isize = 1.2 * s.size
                space = _Atom(" ", stringWidth(" ", s.font, isize))
                for para in self.intro.split("\n"):
                    for ln in _wrap(_words(para, s.font, isize), lambda i: self.width, space, False):
                        page.intro.append((y, ln))
                        y += LEADING * isize
                    y += 0.5 * s.size
                y += s.size
            state["y"] = y
            state["body"] = False
            if len(pages) == 1 or s.repeat_header:
                h = self.block_height(self.header.cells)
                page.placed.append(_Placed(self.header, self.header.cells, y, h))
                state["y"] = y + h
            return page

        page = new_page()
        for b in self.blocks:
            if b.index in self.breaks and state["body"]:
                page = new_page()
            rest = b.cells
            while True:
                n_max = max((len(c) for c in rest), default=0)
                fit = 0
                for k in range(max(n_max, 1), 0, -1):
                    part = [c[:k] for c in rest]
                    nums = page.notes | {m for c in part for ln in c for m in _line_markers(ln)}
                    bottom = state["y"] + self.block_height(part)
                    if bottom <= self.H - s.margin - self.area_height(nums) + 1e-6:
                        fit = k
                        break
                    if b.kind == "section":
                        break  # a heading is not split
                if fit >= n_max or (fit and b.kind == "row"):
                    part = [c[:fit] for c in rest]
                    h = self.block_height(part)
                    page.placed.append(_Placed(b, part, state["y"], h))
                    page.notes |= {m for c in part for ln in c for m in _line_markers(ln)}
                    state["y"] += h
                    state["body"] = True
                    rest = [c[fit:] for c in rest]
                    if fit >= n_max:
                        break
                    page = new_page()
                    continue
                if not state["body"]:
                    raise ValueError(f"item {b.index}: not even one line fits on an empty page")
                page = new_page()
        return pages


# ---------------------------------------------------------------- drawing


def _baseline(box_top: float, size: float, pitch: float) -> float:
    """Baseline of a line whose box (height `pitch`) starts at box_top, from the page top."""
    return box_top + 0.5 * (pitch - size) + 0.8 * size


class _Text(PDFTextObject):
    """Text object that writes the standard fonts' text as plain WinAnsi (cp1252).

    reportlab writes "•" as code 127, which WinAnsiEncoding leaves undefined
    (pdfminer reads it as "(cid:127)"); a word processor writes 0x95.
    """

    def _formatText(self, text):
        font = pdfmetrics.getFont(self._fontname)
        if font._dynamicFont or font._multiByte or font.encName != "WinAnsiEncoding":
            return super()._formatText(text)
        return "(%s) Tj" % self._canvas._escape(text.encode("cp1252"))


def _draw_line(c: Canvas, x: float, y_top_down: float, H: float, line: _Line, font: str, size: float):
    runs = _runs(line)
    if not runs:
        return
    t = _Text(c, x, H - y_top_down)
    for text, marker in runs:
        if marker:
            t.setFont(font, size * MARKER_SCALE)
            t.setRise(MARKER_RISE * size)
        else:
            t.setFont(font, size)
            t.setRise(0)
        t.textOut(text)
    t.setRise(0)  # the rise is page state that outlives BT/ET: never leave it raised
    c.drawText(t)


def _draw_rules(c: Canvas, lay: _Layout, page: _Page):
    s = lay.s
    if s.rules == "none" or not page.placed:
        return
    H = lay.H
    x0, x1 = lay.left, lay.left + lay.width
    c.setLineWidth(RULE_WIDTH)
    first = page.placed[0]
    c.line(x0, H - first.top, x1, H - first.top)
    for p in page.placed:
        bottom = p.top + p.height
        c.line(x0, H - bottom, x1, H - bottom)
        if s.rules == "grid":
            xs = [x0, x1] if p.block.kind == "section" else lay.xs
            for x in xs:
                c.line(x, H - p.top, x, H - bottom)


def _draw_footnotes(c: Canvas, lay: _Layout, page: _Page):
    if not page.notes:
        return
    s = lay.s
    H = lay.H
    fs = s.footnote_size
    notes = [lay.notes[k] for k in sorted(page.notes)]
    n_lines = sum(len(n.lines) for n in notes)
    y = H - s.margin - n_lines * lay.fL          # top of the first footnote line box
    c.setLineWidth(RULE_WIDTH)
    if lay.s.footnote_rule:
        c.line(lay.left, H - (y - SEPARATOR_GAP), lay.left + SEPARATOR_SHARE * lay.width, H - (y - SEPARATOR_GAP))
    space_w = stringWidth(" ", s.font, fs)
    for note in notes:
        num_w = lay._note_number_width(note.number)
        url_span = None
        if note.url and not s.text_urls_only:
            at = note.text.find(note.url)
            url_span = (at, at + len(note.url)) if at >= 0 else (0, len(note.text))
        for i, ln in enumerate(note.lines):
            base = _baseline(y, fs, lay.fL)
            x = lay.left
            if i == 0:
                t = _Text(c, x, H - base)
                if s.superscript_footnote_numbers:
                    t.setFont(s.font, fs * MARKER_SCALE)
                    t.setRise(MARKER_RISE * fs)
                    t.textOut(str(note.number))
                    t.setFont(s.font, fs)
                    t.setRise(0)
                    t.textOut(" ")
                else:
                    t.setFont(s.font, fs)
                    t.setRise(0)
                    t.textOut(f"{note.number} ")
                c.drawText(t)
                x += num_w + space_w
            _draw_line(c, x, base, H, ln, s.font, fs)
            if url_span:
                xa = xb = None
                cx = x
                for a in ln.atoms:
                    if a.pos >= 0 and url_span[0] <= a.pos < url_span[1]:
                        xa = cx if xa is None else xa
                        xb = cx + a.width
                    cx += a.width
                if xa is not None:
                    c.linkURL(note.url, (xa, H - base - 0.25 * fs, xb, H - base + 0.95 * fs),
                              relative=0, thickness=0)
            y += lay.fL


def _render(path, lay: _Layout, pages: list[_Page]):
    s = lay.s
    H = lay.H
    c = Canvas(str(path), pagesize=s.pagesize, invariant=1)
    c.setTitle("Bilag 3 test fixture")
    for page in pages:
        isize = 1.2 * s.size
        for top, ln in page.intro:
            _draw_line(c, lay.left, _baseline(top, isize, LEADING * isize), H, ln, s.font, isize)
        for p in page.placed:
            if p.block.kind == "section":
                cols = [(lay.left, lay.left + lay.width)]
            else:
                cols = list(zip(lay.xs, lay.xs[1:]))
            font = s.font if p.block.kind == "row" else s.bold_font
            for (cx0, _), lines in zip(cols, p.cells):
                for j, ln in enumerate(lines):
                    box_top = p.top + s.padding + j * lay.L
                    _draw_line(c, cx0 + s.padding, _baseline(box_top, s.size, lay.L), H, ln, font, s.size)
        _draw_rules(c, lay, page)
        _draw_footnotes(c, lay, page)
        if s.running_header:
            c.setFont(s.bold_font, s.size)
            c.drawCentredString(lay.W / 2, lay.H - s.margin / 2, s.running_header)
        if s.page_numbers:
            c.setFont(s.font, s.footnote_size)
            c.drawCentredString(lay.W / 2, s.margin / 2, f"Side {pages.index(page) + 1} af {len(pages)}")
        c.showPage()
    c.save()


def make_pdf(path, items: Sequence, footnotes: dict, style: Style = Style(),
             intro: str | None = "Bilag 3: Overblik over initiativer relateret til ensomhed",
             page_break_before: Iterable[int] = ()) -> None:
    """Write the table PDF to `path` (see the module doc for the input and the layout).

    items: [("section", label) | ("row", [7 cells])]; footnotes: {n: (text, url|None)};
    intro: text above the table on page 1 (None or "" for none); page_break_before:
    indices of items that start a new page. Raises KeyError for a marker without
    footnote text, ValueError for malformed items or a row line that cannot fit a page.
    """
    lay = _Layout(items, footnotes, style, intro, page_break_before)
    _render(path, lay, lay.paginate())
