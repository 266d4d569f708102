"""Geometry of one PDF page: lines, columns, rows, footnote area.

Small composable steps in the spirit of pdfplumber: each function takes page
objects (chars, edges, words as plain dicts) and settings, and returns plain
data. The evidence is geometry (char size and baseline, x positions, ruling
lines), never the wording of one particular document; the only text the layout
relies on is the table's column headers, which define the table.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field, replace

from .settings import LayoutSettings
from .textjoin import MARKER

LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
MARKER_CHARS = set("0123456789, ")


@dataclass
class Line:
    """One visual line of text inside one column (or the footnote area)."""

    top: float
    bottom: float
    x0: float
    x1: float
    # Text with footnote markers inline as [^digits]; markers keep the digits as printed.
    text: str
    trailing_space: bool = False
    column: int = 0
    marker_only: bool = False
    chars: list = field(default_factory=list, repr=False)
    # right edge of the text without its footnote markers
    text_x1: float = 0.0


def norm(text: str) -> str:
    """Collapse whitespace; the comparison form of a label."""
    return " ".join(text.split())


def mode_size(chars: list[dict]) -> float:
    """The most common char size (by char count), rounded to 0.1 pt."""
    sizes: Counter = Counter()
    for size, n in Counter(c["size"] for c in chars if c["text"] != " ").items():
        sizes[round(size, 1)] += n
    return sizes.most_common(1)[0][0] if sizes else 0.0


# A page number in the margin: "12", "Side 3 af 12", "- 4 -", "Page 2/10".
PAGE_NUMBER = re.compile(r"^[-–\s]*(?:side|page|s\.)?\s*\d{1,4}(?:\s*(?:af|of|/)\s*\d{1,4})?[-–\s]*$", re.I)


@dataclass
class MarginLine:
    line: Line
    # more than a line's height away from any other text
    set_off: bool
    # nothing is printed further out (below it at the foot, above it at the head)
    outermost: bool


def margin_lines(chars: list[dict], page_height: float, s: LayoutSettings) -> list[MarginLine]:
    """Lines in the page's outer bands (top or bottom), with how they stand apart from the rest."""
    if not chars:
        return []
    size = mode_size(chars) or s.fallback_body_size
    band = [c for c in chars if c["top"] > (1 - s.margin_band_share) * page_height
            or c["bottom"] < s.margin_band_share * page_height]
    out = []
    for ln in build_lines(band, size, s):
        # numbered footnotes are never the page's furniture
        if _starts_with_number(ln) and not PAGE_NUMBER.match(_marker_digits(ln.text)):
            continue
        ids = {id(c) for c in ln.chars}
        others = [c for c in chars if id(c) not in ids and c["text"].strip()]
        if ln.top > s.page_head_share * page_height:
            gap = ln.top - max((c["bottom"] for c in others if c["bottom"] <= ln.top + s.touch_tolerance), default=0.0)
            outermost = not any(c["top"] >= ln.bottom - 1 for c in others)
        else:
            gap = min((c["top"] for c in others if c["top"] >= ln.bottom - 1), default=page_height) - ln.bottom
            outermost = not any(c["bottom"] <= ln.top + 1 for c in others)
        out.append(MarginLine(ln, gap > size, outermost))
    return out


def _marker_digits(text: str) -> str:
    """Text with [^N] markers written back as their digits."""
    return MARKER.sub(lambda m: m.group(1), text)


def running_key(text: str) -> str:
    """Text of a running header or footer, its numbers aside ("Side 3 af 12" -> "Side # af #")."""
    return re.sub(r"\d+", "#", norm(_marker_digits(text)))


def page_number_key(m: MarginLine) -> str | None:
    """Where a page number stands: typesetters print it at the same height on every page."""
    if not m.outermost or not PAGE_NUMBER.match(_marker_digits(m.line.text)):
        return None
    return f"page number at {round(m.line.top)}"


def running_keys(m: MarginLine) -> set[str]:
    """What makes a margin line recognisable on other pages: its wording, or a page number's place."""
    keys = {running_key(m.line.text)} if m.set_off and not m.line.marker_only else set()
    where = page_number_key(m)
    return keys | {where} if where else keys


def without_furniture(chars: list[dict], page_height: float, running: frozenset[str],
                      s: LayoutSettings) -> list[dict]:
    """The page's chars less its furniture: a page number alone in the margin, a page number where
    the other pages have theirs, and lines in the margin whose wording recurs on other pages
    (running headers and footers)."""
    drop = set()
    for m in margin_lines(chars, page_height, s):
        text = _marker_digits(m.line.text)
        # a small number alone may be a raised marker (one the typesetter wrapped onto a line of its
        # own); it is a page number only where the other pages have one, never by its wording:
        # a marker's digits read "#" like every page number
        number = PAGE_NUMBER.match(text) is not None and not m.line.marker_only
        recurs = running_key(text) in running and not m.line.marker_only
        if (m.set_off and (number or recurs)) or page_number_key(m) in running:
            drop |= {id(c) for c in m.line.chars}
    return [c for c in chars if id(c) not in drop] if drop else chars


def marker_chars(chars: list[dict], body_size: float, s: LayoutSettings) -> set[int]:
    """ids of the chars that belong to raised footnote markers.

    Small digits are markers by size alone. Digits only a little smaller than the
    text (some typesetters print markers at ~85 % size) are markers when their
    baseline sits clearly above the baseline of the full-size text beside them.
    """
    out = {id(c) for c in chars if c["text"] in MARKER_CHARS and c["size"] <= s.superscript_max_size_ratio * body_size}
    lo, hi = s.superscript_max_size_ratio * body_size, s.raised_max_size_ratio * body_size
    rise = s.raised_min_rise_ratio * body_size
    reach = s.raised_neighbour_reach_ratio * body_size
    for c in chars:
        if c["text"] not in MARKER_CHARS or not lo < c["size"] < hi:
            continue
        beside = [o["bottom"] for o in chars if o["size"] >= hi and o["text"].strip()
                  and o["x1"] >= c["x0"] - reach and o["x0"] <= c["x1"] + reach
                  and o["top"] < c["bottom"] and o["bottom"] > c["top"]]
        if beside and statistics.median(beside) - c["bottom"] > rise:
            out.add(id(c))
    return out


def _plain(text: str) -> str:
    return LIGATURES.get(text, text)


def build_lines(chars: list[dict], body_size: float, s: LayoutSettings, column: int = 0) -> list[Line]:
    """Group chars into lines by baseline; raised small digits become [^N] markers.

    Markers are attached to the line whose vertical span holds the marker's
    baseline, so a marker never starts a line of its own unless the word
    processor wrapped it onto one.
    """
    tol = s.line_tolerance_ratio * body_size
    markers = marker_chars(chars, body_size, s)
    normal = sorted((c for c in chars if id(c) not in markers), key=lambda c: c["bottom"])
    small = [c for c in chars if id(c) in markers]

    groups: list[list[dict]] = []
    for c in normal:
        if groups and c["bottom"] - groups[-1][0]["bottom"] <= tol:
            groups[-1].append(c)
        else:
            groups.append([c])
    bounds = [(min(x["top"] for x in g), max(x["bottom"] for x in g)) for g in groups]
    for c in small:
        best = None
        for g, (top, bottom) in zip(groups, bounds):
            if top - tol <= c["bottom"] <= bottom + tol:
                dist = abs(c["bottom"] - (top + bottom) / 2)
                if best is None or dist < best[0]:
                    best = (dist, g)
        if best is None:
            groups.append([c])
            bounds.append((c["top"], c["bottom"]))
        else:
            best[1].append(c)

    lines = [_line_from_chars(g, markers, s, column) for g in groups]
    lines = [ln for ln in lines if ln.text]
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return lines


def _drop_overlapping_spaces(chars: list[dict], s: LayoutSettings) -> list[dict]:
    """Chars (sorted by x0) less the space chars printed over a glyph: some producers write
    a space at the position of the glyph after it, which is no gap between words."""
    out = []
    for i, c in enumerate(chars):
        if c["text"] == " ":
            width = max(c["x1"] - c["x0"], 1e-6)
            near = [o for o in chars[max(0, i - 2):i + 3] if o["text"].strip()]
            if any(min(c["x1"], o["x1"]) - max(c["x0"], o["x0"]) > s.space_overlap_share * width for o in near):
                continue
        out.append(c)
    return out


def _line_from_chars(chars: list[dict], markers: set[int], s: LayoutSettings, column: int) -> Line:
    chars = _drop_overlapping_spaces(sorted(chars, key=lambda c: c["x0"]), s)
    out: list[str] = []
    prev = None
    in_marker = False
    for c in chars:
        marker = id(c) in markers
        if c["text"] == " " and not marker:
            if in_marker:
                out.append("]")
                in_marker = False
            out.append(" ")
            prev = c
            continue
        gap = c["x0"] - prev["x1"] if prev is not None else 0.0
        spaced = prev is not None and gap > s.word_gap_ratio * max(c["size"], prev["size"])
        if marker:
            if c["text"] == " ":
                if in_marker:
                    out.append(" ")
                prev = c
                continue
            if not in_marker:
                if spaced:
                    out.append(" ")
                out.append("[^")
                in_marker = True
            elif spaced and c["text"] != ",":
                out.append(" ")
            out.append(c["text"])
        else:
            if in_marker:
                out.append("]")
                in_marker = False
            if spaced:
                out.append(" ")
            out.append(_plain(c["text"]))
        prev = c
    if in_marker:
        out.append("]")
    raw = "".join(out)
    text = re.sub(r"\s+", " ", raw).strip()
    visible = [c for c in chars if c["text"].strip()]
    box = visible or chars
    return Line(
        top=min(c["top"] for c in box),
        bottom=max(c["bottom"] for c in box),
        x0=min(c["x0"] for c in box),
        x1=max(c["x1"] for c in box),
        text=text,
        trailing_space=chars[-1]["text"] == " ",
        column=column,
        marker_only=bool(visible) and all(id(c) in markers for c in visible),
        chars=chars,
        text_x1=max((c["x1"] for c in visible if id(c) not in markers), default=max(c["x1"] for c in box)),
    )


# ---------------------------------------------------------------- header / columns


@dataclass(frozen=True)
class Header:
    top: float
    bottom: float
    # x extent of each column's header text
    spans: tuple[tuple[float, float], ...]
    # column boundaries learned from the text of several pages, for pages without vertical rules
    gutters: tuple[float, ...] = ()


def find_header(words: list[dict], labels: tuple[str, ...], s: LayoutSettings) -> Header | None:
    """Find the table header: the labels' first words left to right on one line.

    The rest of each label is read below its first word (a header cell may
    wrap); the whole label must match, else this is not the header.
    """
    firsts = [lab.split()[0] for lab in labels]
    for start in sorted((w for w in words if _starts_label(w["text"], firsts[0])),
                        key=lambda w: (w["top"], w["x0"])):
        height = start["bottom"] - start["top"]
        # a header cell may be vertically centred, so its first word can sit a line lower
        near = [w for w in words if abs(w["top"] - start["top"]) <= s.header_centring_ratio * height]
        anchors, x = [start], start["x1"]
        for first in firsts[1:]:
            cands = [w for w in near if _starts_label(w["text"], first) and w["x0"] >= x]
            if not cands:
                break
            anchors.append(min(cands, key=lambda w: (w["x0"], w["top"])))
            x = anchors[-1]["x1"]
        if len(anchors) != len(labels):
            continue
        spans = []
        bottom = start["top"]
        for i, (label, anchor) in enumerate(zip(labels, anchors)):
            x_left = anchor["x0"] - s.edge_slack
            x_right = anchors[i + 1]["x0"] - s.edge_slack if i + 1 < len(anchors) else float("inf")
            got = _read_label(words, anchor, x_left, x_right, label, s)
            if not got:
                break
            spans.append((min(w["x0"] for w in got), max(w["x1"] for w in got)))
            bottom = max(bottom, max(w["bottom"] for w in got))
        else:
            return Header(top=min(a["top"] for a in anchors), bottom=bottom, spans=tuple(spans))
    return None


def partial_header(words: list[dict], labels: tuple[str, ...], min_found: int = 3) -> str | None:
    """The text of a line that starts several of the labels but is not the header: a changed table."""
    firsts = {lab.split()[0] for lab in labels}
    lines: dict[int, list[dict]] = {}
    for w in words:
        lines.setdefault(round(w["top"]), []).append(w)
    for top in sorted(lines):
        texts = [w["text"] for w in sorted(lines[top], key=lambda w: w["x0"])]
        if len(firsts & set(texts)) >= min_found:
            return " ".join(texts)
    return None


def _read_label(words, anchor, x_left, x_right, label, s: LayoutSettings):
    """The words of a header cell from its first word on, in reading order.

    Compared without spaces, so a label that a narrow cell broke inside a
    word ("interventio" / "n") still matches. None when the cell says
    something else.
    """
    height = anchor["bottom"] - anchor["top"]
    target = "".join(label.split())
    cell = [w for w in words
            if x_left <= w["x0"] < x_right and anchor["top"] - s.same_top_ratio * height <= w["top"]
            and w["top"] <= anchor["top"] + (len(target) / s.header_words_per_line + 1) * s.header_line_pitch_ratio * height]
    cell.sort(key=lambda w: (round(w["top"] / (s.header_row_ratio * height)), w["x0"]))
    got, text = [], ""
    for w in cell[cell.index(anchor):] if anchor in cell else []:
        text += w["text"]
        got.append(w)
        if text == target:
            return got
        if not target.startswith(text):
            return None
    return None


def _starts_label(word: str, first: str) -> bool:
    return word == first or (len(word) >= min(4, len(first)) and first.startswith(word))


def column_separators(header: Header, vertical_edges: list[dict], body_words: list[dict],
                      s: LayoutSettings) -> list[float]:
    """x of the boundary between each pair of adjacent columns.

    The boundary lies between the end of one header text and the start of
    the next. A vertical rule there is the boundary; without one, the x in
    that gap crossed by the fewest body words is.
    """
    seps = []
    for i, ((_, left_end), (right_start, _)) in enumerate(zip(header.spans, header.spans[1:])):
        rules = [e["x0"] for e in vertical_edges if left_end - s.snap_tolerance <= e["x0"] <= right_start]
        if rules:
            seps.append(statistics.median(rules))
        elif header.gutters:
            seps.append(header.gutters[i])
        else:
            seps.append(_emptiest_x(body_words, left_end, right_start, s))
    return seps


def learn_gutters(header: Header, words: list[dict], s: LayoutSettings) -> Header:
    """The header with its column boundaries read off `words` from several pages: one page may
    hold too few lines to show where a narrow gutter between unruled columns lies."""
    gutters = tuple(_emptiest_x(words, left_end, right_start, s)
                    for (_, left_end), (right_start, _) in zip(header.spans, header.spans[1:]))
    return replace(header, gutters=gutters)


def _emptiest_x(words: list[dict], lo: float, hi: float, s: LayoutSettings) -> float:
    """Where the column that starts after `lo` (the end of one header text) begins: just left of
    its aligned left text edge (the x most words in [lo, hi] start at, where few words cross),
    else the middle of the widest stretch that the fewest words cross."""
    if hi <= lo:
        return hi
    step = s.gutter_step
    starts = Counter(round(w["x0"] / step) for w in words if lo < w["x0"] <= hi + step)
    if starts:
        key, count = max(starts.items(), key=lambda kv: (kv[1], kv[0]))  # ties: the rightmost
        edge = key * step
        crossing = sum(1 for w in words if w["x0"] < edge - step < w["x1"])
        if count >= s.gutter_min_words and crossing <= s.gutter_max_crossing_share * count:
            return edge - step
    n = int((hi - lo) / step) + 1
    counts = [0] * n
    for w in words:
        a = max(0, int((w["x0"] - lo) / step) + 1)
        b = min(n - 1, int((w["x1"] - lo) / step))
        for i in range(a, b + 1):
            counts[i] += 1
    least = min(counts)
    # widest run of least-covered x; its middle is the boundary
    best, run_start, best_run = (0, 0), None, -1
    for i, c in enumerate(counts + [least + 1]):
        if c == least and run_start is None:
            run_start = i
        elif c != least and run_start is not None:
            if i - run_start > best_run:
                best_run, best = i - run_start, (run_start, i - 1)
            run_start = None
    return lo + step * (best[0] + best[1]) / 2


def split_columns(chars: list[dict], seps: list[float], body_size: float, s: LayoutSettings) -> list[list[dict]]:
    """The chars of each column, by their middle x; a run of raised marker digits goes whole with
    the column its first digit starts in (a marker belongs to the text it follows, even where a
    typesetter let it stick out of the cell)."""
    columns: list[list[dict]] = [[] for _ in range(len(seps) + 1)]
    markers = marker_chars(chars, body_size, s)  # the same markers build_lines will read
    run_column, prev = None, None
    for c in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        if id(c) in markers:
            glued = (prev is not None and abs(prev["top"] - c["top"]) < s.touch_tolerance
                     and c["x0"] - prev["x1"] < s.marker_glue_gap_ratio * c["size"])
            if run_column is None or not glued:
                run_column = column_of(c["x0"], seps)
            columns[run_column].append(c)
        else:
            run_column = None
            columns[column_of((c["x0"] + c["x1"]) / 2, seps)].append(c)
        prev = c
    return columns


def column_of(x_center: float, seps: list[float]) -> int:
    for i, sep in enumerate(seps):
        if x_center < sep:
            return i
    return len(seps)


# ---------------------------------------------------------------- page areas


def horizontal_rules(edges: list[dict], s: LayoutSettings) -> list[dict]:
    """Horizontal edges (lines, rect sides), with near-duplicates merged."""
    out: list[dict] = []
    for e in sorted((e for e in edges if e["orientation"] == "h"), key=lambda e: (e["top"], e["x0"])):
        if out and abs(e["top"] - out[-1]["top"]) <= s.snap_tolerance and e["x0"] <= out[-1]["x1"] + s.snap_tolerance:
            out[-1] = {**out[-1], "x0": min(out[-1]["x0"], e["x0"]), "x1": max(out[-1]["x1"], e["x1"])}
        else:
            out.append(dict(e))
    return out


def footnote_area_top(rules: list[dict], chars: list[dict], table_left: float, table_width: float,
                      body_top: float, body_size: float, s: LayoutSettings) -> float | None:
    """Top of the footnote area: the footnote separator, a short rule at the left margin.

    A rule just under text is an underline, not a separator. Without a
    separator, the footnote area is the block of lines at the foot of the page
    that start with a footnote number at the left margin.
    """
    candidates = [r for r in rules if r["top"] > body_top
                  and r["x1"] - r["x0"] <= s.footnote_rule_max_width_share * table_width
                  and abs(r["x0"] - table_left) <= s.footnote_rule_reach_ratio * body_size]
    # only the text around and below the candidates is read into lines
    lowest = min((r["top"] for r in candidates), default=None)
    near = [c for c in chars if lowest is not None and c["bottom"] >= lowest - body_size]
    lines = build_lines(near, body_size, s) if near else []
    for r in candidates:
        underline = any(ln.x0 - s.touch_tolerance <= r["x0"] <= ln.x1
                        and 0 <= r["top"] - ln.bottom <= s.underline_max_gap_ratio * body_size
                        for ln in lines)
        below = sorted((ln for ln in lines if ln.top > r["top"]), key=lambda ln: ln.top)
        if underline or not below:
            continue
        # footnotes under it: the first line has a number, or it goes on with a footnote from the
        # previous page and a numbered line follows in the same block
        if any(_starts_with_number(ln) for ln in _block(below, body_size, s)):
            return r["top"]
    lines = build_lines([c for c in chars if c["top"] > body_top], body_size, s)
    # Fallback: the block of lines at the foot of the page, read upwards while the lines
    # follow each other closely and start at the left margin; it starts with a numbered line.
    top, prev = None, None
    for ln in sorted(lines, key=lambda ln: ln.top, reverse=True):
        if ln.top <= body_top or ln.x0 > table_left + s.footnote_indent_ratio * body_size:
            break
        if prev is not None and prev.top - ln.bottom > s.footnote_block_gap_ratio * body_size:
            break
        if _starts_with_number(ln):
            top = ln.top - s.footnote_top_pad_ratio * body_size
        prev = ln
    return top


def _block(lines: list[Line], body_size: float, s: LayoutSettings) -> list[Line]:
    """The first lines of `lines` (sorted top down) that follow each other closely."""
    out = lines[:1]
    for ln in lines[1:]:
        if ln.top - out[-1].bottom > s.footnote_block_gap_ratio * body_size:
            break
        out.append(ln)
    return out


FOOTNOTE_START = re.compile(r"^(?:\[\^(\d+)\]|(\d+)(?=\s|[A-ZÆØÅa-zæøå]))\s*")


def _starts_with_number(line: Line) -> bool:
    return bool(FOOTNOTE_START.match(line.text))


def split_footnote_number(line: Line) -> tuple[int | None, str]:
    m = FOOTNOTE_START.match(line.text)
    if not m:
        return None, line.text
    return int(m.group(1) or m.group(2)), line.text[m.end():]
