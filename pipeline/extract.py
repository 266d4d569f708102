"""Stage 1, extract: read the table fragments and footnotes off the PDF.

Entry point: `extract(pdf_path, settings)` returns two DataFrames (fragments,
raw_footnotes) that the later stages read from interim/, so no later stage
reopens the PDF. Each page is read on its own from the table geometry found
on the pages before it (the header's column positions), so pages can be read
in any order or in parallel.
"""

from __future__ import annotations

import itertools
from collections import Counter
import os
import re
import statistics
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import pandas as pd

from . import layout
from .errors import InputError
from .layout import Header, Line
from .metadata import FRAGMENTS, RAW_FOOTNOTES, SOURCE_COLUMN_NAMES, SOURCE_COLUMNS
from .reference import section_labels
from .settings import DEFAULT_SETTINGS, ExtractSettings, LayoutSettings
from .store import typed
from .continuation import continues_previous, lone_cell, merge_cells
from .textjoin import CLOSING, DASH_OG, LONE_MARK, MARKER, MAYBE_CUT, goes_on, in_link, join_lines, markers

HEADER_LABELS = tuple(f.source_label for f in SOURCE_COLUMNS)
URL_START = re.compile(r"(?:https?://|file:/|www\.)\S*", re.I)
URL_BREAKS = "?&=/#-_"
# A token that only a URL would print: a character prose words do not hold, or a file ending.
URL_PART = re.compile(r"[_%=&?#~/]|\.[a-z0-9]{2,5}$", re.I)


@dataclass
class PageResult:
    page: int
    header: Header | None
    fragments: list[dict]
    footnotes: list[dict]
    # before the table: a line that looks like a header with other columns
    near_header: str | None = None


def _open(pdf_path: Path):
    import pdfplumber

    try:
        pdf = pdfplumber.open(pdf_path)
        n = len(pdf.pages)
    except Exception as e:  # pdfminer raises many kinds for broken or encrypted files
        cause = e.args[0] if e.args and isinstance(e.args[0], Exception) else e
        name = type(cause).__name__
        if "Password" in name or "Encrypt" in name:
            raise InputError(pdf_path, "the PDF is encrypted; decrypt it first") from e
        detail = str(cause) or name
        raise InputError(pdf_path, f"not a readable PDF, perhaps truncated or corrupt ({detail})") from e
    if n == 0:
        raise InputError(pdf_path, "the PDF has no pages")
    return pdf


def check_readable(pdf_path: Path) -> None:
    """Raise InputError unless the file opens as a PDF with pages (cheap: no page is parsed)."""
    _open(Path(pdf_path)).close()


def extract(pdf_path: Path, settings: ExtractSettings = DEFAULT_SETTINGS,
            progress: Callable[[int, int], None] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read every page; return (fragments, raw_footnotes) in document order.

    Pages up to the table header are read in order; the header's geometry then
    lets the remaining pages be read independently, in a process pool when
    `settings.workers` allows. The result does not depend on the worker count.
    """
    pdf_path = Path(pdf_path)
    if not pdf_path.exists():
        raise InputError(pdf_path, "file does not exist")
    with pdf_path.open("rb") as fh:
        if not fh.read(1024).lstrip().startswith(b"%PDF"):
            raise InputError(pdf_path, "not a PDF (no %PDF header)")
    sections = section_labels()
    pdf = _open(pdf_path)
    n = len(pdf.pages)
    results: list[PageResult] = []
    header: Header | None = None
    near_header: str | None = None
    try:
        while len(results) < n and header is None:
            # pages stay parsed until known to hold no table: the header page is read again below
            result = _read_one(pdf, pdf_path, len(results), None, sections, settings.layout, close=False)
            results.append(result)
            header, near_header = result.header, near_header or result.near_header
            if header is None:
                pdf.pages[len(results) - 1].close()
        if header is not None:
            # From the header page on, every page is read knowing the running headers and
            # footers, found on a sample of pages that are then read while still parsed.
            first = results.pop().page - 1
            sample = range(first, min(n, first + settings.running_text_sample))
            running = running_text([pdf.pages[i] for i in sample], settings.layout)
            header = layout.learn_gutters(header, [w for i in sample for w in pdf.pages[i].extract_words()
                                                   if w["top"] > header.bottom], settings.layout)
            for i in sample:
                results.append(_read_one(pdf, pdf_path, i, header, sections, settings.layout, running))
                if progress:
                    progress(len(results), n)
    finally:
        pdf.close()
    expected = ", ".join(HEADER_LABELS)
    if header is None and near_header:
        raise InputError(pdf_path, f"the table header has other columns than the seven expected: "
                         f"found {near_header!r}; expected {expected}")
    if header is None:
        raise InputError(pdf_path, f"no table with the expected header found (looked for the columns: {expected})")

    rest = list(range(len(results), n))
    workers = _worker_count(settings, len(rest))
    chunks = [rest[i:i + settings.pages_per_task] for i in range(0, len(rest), settings.pages_per_task)]
    jobs = [(pdf_path, chunk, header, sections, running, settings.layout) for chunk in chunks]
    if workers <= 1:
        done = map(_read_pages, jobs)
    else:
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_open_in_worker, initargs=(pdf_path,))
        done = pool.map(_read_pages, jobs)
    try:
        for chunk_results in done:
            results.extend(chunk_results)
            if progress:
                progress(len(results), n)
    finally:
        if workers > 1:
            pool.shutdown(cancel_futures=True)
    fragments = [f for r in results for f in r.fragments]
    footnotes = [f for r in results for f in r.footnotes]
    resolve_orphan_markers(fragments, {f["number"] for f in footnotes if f["number"] is not None})
    return _frame(fragments, FRAGMENTS), _frame(footnotes, RAW_FOOTNOTES)


def resolve_orphan_markers(fragments: list[dict], numbers: set[int]) -> None:
    """Read marker runs that no footnote of their page explains ("111112" where the typesetter
    printed footnotes 111 and 112 on the next page) as footnote numbers of the whole document
    that no other marker cites, in place."""
    cited = Counter(n for f in fragments for c in SOURCE_COLUMN_NAMES for n in markers(f[c] or ""))
    free = {n for n in numbers if not cited[n]}

    def read(m: re.Match) -> str:
        nonlocal free
        digits = m.group(1).replace(" ", "").replace(",", "")
        if not digits.isdigit() or int(digits) in numbers:
            return m.group(0)
        options = [p for p in _partitions(digits, free) if len(p) > 1]
        if not options:
            return m.group(0)
        best = max(options, key=lambda p: (len(p), all(int(a) < int(b) for a, b in zip(p, p[1:]))))
        free -= {int(n) for n in best}
        return "".join(f"[^{n}]" for n in best)

    for f in fragments:
        for c in SOURCE_COLUMN_NAMES:
            if f[c]:
                f[c] = MARKER.sub(read, f[c])


def running_text(pages: list, s: LayoutSettings) -> frozenset[str]:
    """What recurs in the margins of two or more of `pages`: wording (numbers aside), or the
    place of a page number."""
    seen: dict[str, int] = {}
    for page in pages:
        for key in set().union(*(layout.running_keys(m) for m in layout.margin_lines(page.chars, page.height, s))):
            seen[key] = seen.get(key, 0) + 1
    return frozenset(k for k, count in seen.items() if count >= s.running_min_pages)


def _worker_count(settings: ExtractSettings, pages: int) -> int:
    cores = os.cpu_count() or 1
    workers = cores if settings.workers <= 0 else settings.workers
    return 1 if pages < settings.min_tasks_for_pool * settings.pages_per_task else min(workers, cores * 2)


def _read_one(pdf, pdf_path: Path, index: int, header: Header | None, sections, s: LayoutSettings,
              running: frozenset[str] = frozenset(), close: bool = True) -> PageResult:
    page = pdf.pages[index]
    try:
        return read_page(page, index + 1, header, sections, s, running)
    except InputError as e:
        raise e.with_path(pdf_path) from None
    except Exception as e:
        # the cause stays attached: `--debug` shows its traceback
        raise InputError(pdf_path, f"page {index + 1} could not be read ({type(e).__name__}: {e})") from e
    finally:
        if close:
            page.close()  # frees the page's parsed objects: memory stays bounded by one page


_WORKER_PDF = None  # in a pool worker: the PDF it reads, opened once for all its tasks


def _open_in_worker(pdf_path: Path) -> None:
    global _WORKER_PDF
    _WORKER_PDF = _open(pdf_path)


def _read_pages(job) -> list[PageResult]:
    """Read some pages of the PDF given the table header (in a worker or in this process)."""
    pdf_path, indices, header, sections, running, s = job
    if _WORKER_PDF is not None:
        return [_read_one(_WORKER_PDF, pdf_path, i, header, sections, s, running) for i in indices]
    pdf = _open(pdf_path)
    try:
        return [_read_one(pdf, pdf_path, i, header, sections, s, running) for i in indices]
    finally:
        pdf.close()


def _frame(rows: list[dict], fields) -> pd.DataFrame:
    return typed(pd.DataFrame(rows, columns=[f.name for f in fields]), fields)


def read_page(page, page_no: int, prev_header: Header | None, sections: dict[str, str],
              s: LayoutSettings, running: frozenset[str] = frozenset()) -> PageResult:
    """Fragments and footnotes of one page, given the header seen on earlier pages."""
    words = page.extract_words()
    header = layout.find_header(words, HEADER_LABELS, s)
    if header is not None and prev_header is not None:
        header = replace(header, gutters=prev_header.gutters)  # a repeated header: the boundaries learned
    table_header = header or prev_header
    if table_header is None:
        return PageResult(page_no, None, [], [], layout.partial_header(words, HEADER_LABELS))
    body_top = header.bottom if header else 0.0

    chars = layout.without_furniture(page.chars, page.height, running, s)
    chars = [c for c in chars if c["top"] >= body_top - s.edge_slack]
    page_size = layout.mode_size(chars) or s.fallback_body_size
    table_left = table_header.spans[0][0] - 2 * page_size
    chars = [c for c in chars if (c["x0"] + c["x1"]) / 2 >= table_left]

    rules = layout.horizontal_rules(page.edges, s)
    # the table ends at its outermost rule or, without one, where its text ends
    table_right = max([r["x1"] for r in rules] + [e["x0"] for e in page.edges if e["orientation"] == "v"]
                      + [c["x1"] for c in chars] + [table_header.spans[-1][1]])
    table_width = max(table_right - table_left, table_header.spans[-1][1] - table_left)
    area_top = layout.footnote_area_top(rules, chars, table_header.spans[0][0], table_width,
                                        body_top, page_size, s)
    area_bottom = area_top if area_top is not None else page.height

    table_chars, note_chars = split_at(chars, area_bottom)
    body_size = layout.mode_size(table_chars) or page_size

    vertical = [e for e in page.edges if e["orientation"] == "v" and e["top"] < area_bottom
                and e["bottom"] > body_top]
    body_words = [w for w in words if body_top <= w["top"] and w["bottom"] <= area_bottom]
    seps = layout.column_separators(table_header, vertical, body_words, s)

    columns = layout.split_columns(table_chars, seps, body_size, s)
    lines = [ln for i, col in enumerate(columns) for ln in layout.build_lines(col, body_size, s, i)]

    cited = {run for ln in lines for run in re.findall(r"\d+", " ".join(MARKER.findall(ln.text)))}
    footnotes = read_footnotes(note_chars, page, page_no, s, cited)
    numbers = {f["number"] for f in footnotes if f["number"] is not None}

    row_rules = [r["top"] for r in rules
                 if r["x1"] - r["x0"] >= s.row_rule_min_width_share * table_width
                 and body_top - s.snap_tolerance <= r["top"] <= area_bottom]
    segments, ruled = split_rows(lines, row_rules, body_size, s)
    line_height = _line_pitch(lines) or s.fallback_line_pitch_ratio * body_size
    right_limits = _text_right_limits(segments, seps, table_right)
    # a renderer keeps the space at a wrap when most wrapped lines show it (some keep one now and then)
    keeps_spaces = sum(ln.trailing_space for ln in lines) >= s.kept_space_min_share * len(lines)

    fragments: list[dict] = []
    for seg in segments:
        frag = _fragment(seg, sections, right_limits, keeps_spaces, body_size, s)
        frag.update(top=min(ln.top for ln in seg), bottom=max(ln.bottom for ln in seg))
        prev = fragments[-1] if fragments else None
        # Without rules a blank line inside a cell looks like a row gap; the text says otherwise.
        # (Not at the page foot: there one cell may be the next row's start, which only the next
        # page tells; the assemble stage decides.)
        at_foot = seg is segments[-1] and lone_cell(frag) is not None
        if (not ruled and prev and prev["kind"] == frag["kind"] == "row" and not at_foot
                and continues_previous(prev, frag, page_break=False)):
            merge_cells(prev, frag)
            prev["bottom"], prev["open_ends"] = frag["bottom"], frag["open_ends"]
            continue
        fragments.append(frag)
    resolve_markers(fragments, numbers, s.max_marker_readings)
    for order, frag in enumerate(fragments):
        frag.update(page=page_no, order=order, area_bottom=area_bottom, line_height=line_height)
    return PageResult(page_no, header, fragments, footnotes)


def split_at(chars: list[dict], y: float) -> tuple[list[dict], list[dict]]:
    """The chars above `y` and those below, by where their middle lies: each char is read once (a
    word processor may draw a clipped row's last line across the footnote separator)."""
    above = [c for c in chars if (c["top"] + c["bottom"]) / 2 < y]
    return above, [c for c in chars if (c["top"] + c["bottom"]) / 2 >= y]


def split_rows(lines: list[Line], rules: list[float], body_size: float,
               s: LayoutSettings) -> tuple[list[list[Line]], bool]:
    """Group the page's cell lines into table rows; also say whether rules did it.

    Ruling lines that have text above and below them separate rows. Without
    such rules, a row starts after a vertical gap clearly wider than the gap
    between lines of a cell, where the new line starts the first column or
    several columns at once (a paragraph gap inside one cell does neither), or at the page foot.
    """
    if not lines:
        return [], False
    lines = sorted(lines, key=lambda ln: (ln.top, ln.column))
    inner = [y for y in rules if any(ln.bottom <= y for ln in lines) and any(ln.top >= y for ln in lines)]
    if inner:
        bounds = sorted(set(inner))
        segs: dict[int, list[Line]] = {}
        for ln in lines:
            mid = (ln.top + ln.bottom) / 2
            k = sum(1 for y in bounds if y <= mid)
            segs.setdefault(k, []).append(ln)
        return [segs[k] for k in sorted(segs)], True

    bands: list[list[Line]] = []
    for ln in lines:
        if bands and ln.top <= max(x.bottom for x in bands[-1]) + s.band_overlap_ratio * body_size:
            bands[-1].append(ln)
        else:
            bands.append([ln])
    gaps = [min(x.top for x in b) - max(x.bottom for x in a) for a, b in zip(bands, bands[1:])]
    if not gaps:
        return [lines], False
    # The usual gap between two lines of one cell: the gaps below one line height between
    # lines of a column; on a page with too few of them, a guess from the font size.
    in_cell = []
    for col in {ln.column for ln in lines}:
        col_lines = [ln for ln in lines if ln.column == col]
        in_cell.extend(g for a, b in zip(col_lines, col_lines[1:]) if 0 < (g := b.top - a.bottom) < body_size)
    usual = (statistics.median(in_cell) if len(in_cell) >= s.min_gap_samples
             else s.fallback_line_gap_ratio * body_size)
    rows: list[list[Line]] = [list(bands[0])]
    for gap, band in zip(gaps, bands[1:]):
        first_top = min(x.top for x in band)
        starters = {x.column for x in band if abs(x.top - first_top) <= s.same_top_ratio * body_size}
        # (at the page foot one cell may start the next row: kept apart, see read_page)
        if gap > usual + s.row_gap_extra_ratio * body_size and (0 in starters or len(starters) >= 2 or band is bands[-1]):
            rows.append(list(band))
        else:
            rows[-1].extend(band)
    return rows, False


def _line_pitch(lines: list[Line]) -> float | None:
    pitches = []
    by_col: dict[int, list[Line]] = {}
    for ln in lines:
        by_col.setdefault(ln.column, []).append(ln)
    for col in by_col.values():
        col.sort(key=lambda ln: ln.top)
        pitches.extend(b.top - a.top for a, b in zip(col, col[1:]) if b.top > a.top)
    return statistics.median(pitches) if pitches else None


def _text_right_limits(segments: list[list[Line]], seps: list[float], table_right: float) -> list[float]:
    """Right edge that text can reach in each column: the furthest any of its lines on the page
    that wrapped (has a line of the same cell below it) reaches; exact for justified text, a little
    short for ragged text, which only leaves more breaks to the vocabulary. (A line that did not
    wrap may be a section heading running past its column's text: "Voksne (18-65 år)".) A column
    without wrapped lines takes its furthest line, and one without lines its boundary less the
    cell padding read off the left sides (text start minus the boundary on its left)."""
    lines = [ln for seg in segments for ln in seg]
    wrapped = {id(a) for seg in segments for i in range(len(seps) + 1)
               for a in sorted((ln for ln in seg if ln.column == i), key=lambda ln: ln.top)[:-1]}
    pads = []
    for i, sep in enumerate(seps, start=1):
        starts = [ln.x0 for ln in lines if ln.column == i and not ln.marker_only]
        if starts:
            pads.append(max(0.0, min(starts) - sep))
    pad = statistics.median(pads) if pads else 0.0
    bounds = [*seps, table_right]

    def reach(i: int, only_wrapped: bool) -> float:
        # (a heading cell that spans columns runs past the boundary: it says nothing about one column)
        return max((ln.text_x1 for ln in lines if ln.column == i and not ln.marker_only and ln.text_x1 <= bounds[i]
                    and (id(ln) in wrapped or not only_wrapped)), default=0.0)

    return [reach(i, True) or reach(i, False) or right - pad for i, right in enumerate(bounds)]


def _fragment(seg: list[Line], sections: dict[str, str], right_limits: list[float], keeps_spaces: bool,
              body_size: float, s: LayoutSettings) -> dict:
    # A heading is a merged cell that may cross column boundaries: read it whole
    # (only when the row is short enough to be one).
    reading = ""
    if sum(len(ln.text) for ln in seg) <= s.heading_max_length_ratio * max(map(len, sections), default=0):
        whole = layout.build_lines([c for ln in seg for c in ln.chars], body_size, s)
        reading = layout.norm(" ".join(ln.text for ln in whole))
    if reading.casefold() in sections:
        return {"kind": "section", "section": sections[reading.casefold()],
                **{name: "" for name in SOURCE_COLUMN_NAMES}, "open_ends": []}
    cells, open_ends = {}, []
    for i, name in enumerate(SOURCE_COLUMN_NAMES):
        col = sorted((ln for ln in seg if ln.column == i), key=lambda ln: ln.top)
        known = [_break_evidence(a, b, right_limits[i], keeps_spaces, body_size, s) for a, b in zip(col, col[1:])]
        cells[name] = join_lines([ln.text for ln in col], known)
        if col and _ends_open(col[-1], right_limits[i], body_size, s):
            open_ends.append(name)
    if _looks_like_heading(seg, cells):
        reading = reading or layout.norm(" ".join(ln.text for ln in seg))
        raise InputError(None, f"unknown section heading {reading!r}: add it to "
                         "pipeline/reference_data/sections.csv if it is a new section")
    return {"kind": "row", "section": None, **cells, "open_ends": open_ends}


def _looks_like_heading(seg: list[Line], cells: dict[str, str]) -> bool:
    """Bold text with no footnote marker in a row without other cells is a section heading."""
    if any(MARKER.search(v) for v in cells.values()):
        return False
    chars = [c for ln in seg for c in ln.chars if c["text"].strip()]
    return bool(chars) and all("bold" in c["fontname"].lower() for c in chars)


def _break_evidence(a: Line, b: Line, right_limit: float, keeps_spaces: bool, body_size: float,
                    s: LayoutSettings) -> str | None:
    """What the geometry says about the break after line `a`: " ", "", MAYBE_CUT or nothing.

    A trailing space char means the line broke at a space. Where the renderer
    keeps such spaces, a line ending in "-" or "/" without one, short of the
    right edge, broke inside a word ("Nord-" / "Vestjylland"), and so did a
    single word without one followed by a lowercase line. Without that
    evidence, a single word that runs to the right edge, followed by a
    lowercase line, was broken by the column width ("Foreningsaktivitet" /
    "er", "(Landsforeningen" / ")"), or it ended at a space ("Økonomisk" /
    "støtte"): MAYBE_CUT leaves that to the document's vocabulary.
    """
    if a.trailing_space:
        return " "
    text = MARKER.sub("", a.text).strip()
    full = _fills_line(a, right_limit, s.full_line_tolerance_ratio * body_size)
    if DASH_OG.match(b.text):
        return "" if full and " " not in text else " "
    # A hyphen or slash alone on the next line ("Samtale" / "/" / "behandling", "Syddjurs" / "-,"):
    # a word cut before it, where no space was kept here or a single word fills this line.
    if (LONE_MARK.fullmatch(MARKER.sub("", b.text).strip()) and text[-1:].isalnum()
            and (keeps_spaces or full and " " not in text)):
        return ""
    if keeps_spaces and not full and len(text) > 1 and text[-1] in "-/" and text[-2].isalnum():
        return ""
    single = (bool(text) and " " not in text and goes_on(b.text)
              and (text[-1].isalpha() or (text[-1].isdigit() and b.text[:1].isdigit())))
    # a renderer that keeps the space at a wrap left none here: the wrap may be inside the word
    if single and keeps_spaces:
        return MAYBE_CUT
    # A word is cut only where not one more of its letters fits: with room for the next
    # line's first letter left, the line ended at a space. (A word with a marker glued to it
    # may be cut earlier: some typesetters keep room for the marker.)
    first = next((c for c in b.chars if c["text"].strip()), None)
    room = first is not None and a.x1 + (first["x1"] - first["x0"]) < right_limit - s.cut_room_tolerance_ratio * body_size
    glued_marker = bool(b.text.split()) and MARKER.search(b.text.split()[0]) is not None
    if room and first["text"].isalpha() and text[-1:].isalpha() and not glued_marker:
        return " "
    # A typesetter breaks before punctuation only inside a word too long for any line, which fills
    # a line alone with no room left: after a line of several words, or one with room for the
    # punctuation, a line opening with it broke at a space ("en god måde" / ". Alle").
    if b.text[:1] in CLOSING and text[-1:].isalnum() and (" " in text or room and not glued_marker):
        return " "
    return MAYBE_CUT if single and (not room or glued_marker) else None


def _ends_open(last: Line, right_limit: float, body_size: float, s: LayoutSettings) -> bool:
    """Did the cell's last line on the page end inside a word: a single word filling the line?

    (A kept space is no evidence here: word processors drop it at a page break.)"""
    text = MARKER.sub("", last.text).strip()
    if not text or " " in text or last.trailing_space or not (text[-1].isalnum() or text[-1] in "-/"):
        return False
    return _fills_line(last, right_limit, s.page_end_room_ratio * body_size)


def _fills_line(line: Line, right_limit: float, room: float) -> bool:
    """Does `line` reach to within `room` of the column's right text limit?"""
    return line.x1 >= right_limit - room


def resolve_markers(fragments: list[dict], numbers: set[int], max_readings: int = LayoutSettings.max_marker_readings) -> None:
    """Write every footnote marker on the page as its own [^N], in place.

    Adjacent raised numbers print as one run ("1718" is 17 and 18, "12" may be
    1 and 2). Each run is read as numbers that the page's footnotes define,
    choosing the readings that reference the most footnotes once each and,
    after that, keep the markers in ascending reading order.
    """
    runs = []  # (fragment, column, match, candidate readings)
    for frag in fragments:
        for name in SOURCE_COLUMN_NAMES:
            for m in MARKER.finditer(frag[name] or ""):
                runs.append((frag, name, m, _readings(m.group(1), numbers)))
    choice = [r[3][0] for r in runs]
    open_runs = [i for i, r in enumerate(runs) if len(r[3]) > 1]
    if open_runs:
        best, best_key, tried = None, None, 0
        for combo in itertools.product(*(runs[i][3] for i in open_runs)):
            tried += 1
            if tried > max_readings:  # pathological page: keep the first readings
                break
            trial = list(choice)
            for i, reading in zip(open_runs, combo):
                trial[i] = reading
            key = _reading_score(trial)
            if best_key is None or key > best_key:
                best, best_key = trial, key
        choice = best or choice
    for frag, name in {(id(r[0]), r[1]): (r[0], r[1]) for r in runs}.values():
        picks = iter(c for r, c in zip(runs, choice) if r[0] is frag and r[1] == name)
        frag[name] = MARKER.sub(lambda m: "".join(f"[^{n}]" for n in next(picks)), frag[name])


def _readings(content: str, numbers: set[int]) -> list[list[str]]:
    groups = re.findall(r"\d+", content)
    options = [_partitions(g, numbers) or [[g]] for g in groups]
    return [sum(parts, []) for parts in itertools.product(*options)][:64]


def _partitions(digits: str, numbers: set[int]) -> list[list[str]]:
    out = []
    if int(digits) in numbers:
        out.append([digits])
    for cut in range(1, len(digits)):
        head, tail = digits[:cut], digits[cut:]
        if not head.startswith("0") and not tail.startswith("0") and int(head) in numbers:
            out.extend([head, *rest] for rest in _partitions(tail, numbers - {int(head)}))
    return out


def _reading_score(readings: list[list[str]]) -> tuple[int, int, int]:
    seq = [int(n) for r in readings for n in r]
    distinct = len(set(seq))
    ascending = sum(1 for a, b in zip(seq, seq[1:]) if b > a)
    return distinct, -(len(seq) - distinct), ascending


def read_footnotes(chars: list[dict], page, page_no: int, s: LayoutSettings,
                   cited: set[str] = frozenset()) -> list[dict]:
    """Footnotes from the foot of the page: number, text and link.

    A line at the left margin that starts with a number starts a footnote when the
    number is the next one, or when a marker on the page cites it (`cited`: the
    digit runs of the page's markers, "1718" citing 17 and 18): typesetters do not
    always print a page's footnotes in number order.
    """
    if not chars:
        return []
    size = layout.mode_size(chars)
    lines = layout.build_lines(chars, size, s)
    if not lines:
        return []
    left = min(ln.x0 for ln in lines)
    full_right = max(ln.x1 for ln in lines) - s.footnote_full_line_ratio * size
    links = [h for h in page.hyperlinks if h.get("uri")]

    notes: list[dict] = []
    expected, seen = None, set()
    numbered = [layout.split_footnote_number(ln)[0] if ln.x0 <= left + size else None for ln in lines]
    for i, ln in enumerate(lines):
        number, rest = layout.split_footnote_number(ln)
        starts_new = number is not None and numbered[i] is not None and (
            expected is None or number == expected
            or (number not in seen and any(str(number) in run for run in cited)))
        # A wrapped line that happens to begin with the next number ("4 kommuner deltog") goes
        # on after a full line, and the real footnote with that number comes later.
        if starts_new and i and lines[i - 1].x1 >= full_right and number in numbered[i + 1:]:
            starts_new = False
        if starts_new:
            notes.append({"number": number, "lines": [rest], "boxes": [ln]})
            expected = number + 1
            seen.add(number)
        elif notes:
            notes[-1]["lines"].append(ln.text)
            notes[-1]["boxes"].append(ln)
        else:  # text continuing a footnote from the previous page
            notes.append({"number": None, "lines": [ln.text], "boxes": [ln]})
    out = []
    for order, note in enumerate(notes):
        uris = _links_for(note["boxes"], links)
        text = _join_footnote(note["lines"], note["boxes"], uris, full_right)
        url = uris[0] if uris else _text_url(text)
        out.append({"page": page_no, "order": order, "number": note["number"], "text": text, "url": url})
    return out


def _links_for(boxes: list[Line], links: list[dict]) -> list[str]:
    found = []
    for h in sorted(links, key=lambda h: (h["top"], h["x0"])):
        mid = (h["top"] + h["bottom"]) / 2
        if any(b.top - 1 <= mid <= b.bottom + 1 and h["x0"] < b.x1 and h["x1"] > b.x0 for b in boxes):
            uri = h["uri"]
            if uri not in found:
                found.append(uri)
    return found


def _join_footnote(texts: list[str], boxes: list[Line], uris: list[str], full_right: float) -> str:
    out = texts[0].strip()
    for text, prev_box in zip(texts[1:], boxes):
        text = text.strip()
        if not text:
            continue
        tail = out.split()[-1] if out.split() else ""
        head = text.split()[0]
        # a URL goes on on the next line where the line was full, or where it broke at a character
        # after which typesetters break URLs ("…/trives-bedst/?" / "fbclid=…"); a capital there
        # starts new text ("…/" / "Evaluering af …") unless the word reads as a URL's own
        # ("…/Publikationer/" / "FINAL_Pilotresultater.pdf")
        broke_in_url = tail[-1:] in URL_BREAKS and (not head[:1].isupper() or URL_PART.search(head) is not None)
        wrapped_url = (URL_START.search(tail) is not None and not head.startswith("(")
                       and (prev_box.x1 >= full_right or broke_in_url))
        out += ("" if in_link(out, text, uris) or wrapped_url else " ") + text
    return " ".join(out.split())


def _text_url(text: str) -> str | None:
    m = URL_START.search(text)
    if not m:
        return None
    return m.group(0).rstrip(".,;:)]>")
