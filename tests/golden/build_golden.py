#!/usr/bin/env python3
"""Build the golden (expected-values) files for Bilag 3 from the independent text transcription.

Input : ../shared/source/bilag3_transcription.txt  (relative to the repo root; override with --source)
Output: tests/golden/initiatives.csv and tests/golden/footnotes.csv (next to this script; override with --outdir)

The golden records are built ONLY from the transcription plus the explicit, listed hand corrections below
(each verified against the PDF, see CORRECTIONS.md). No extractor of the project is used.

Generic parsing rules (the only non-listed transformations):
  * Lines before the table header row ("Initiativ og organisation<TAB>...") are the introduction and are skipped;
    the header row itself is not a record.
  * A line with 7 tab-separated cells is a table row; a line starting with Unicode superscript digits (and no tab)
    is a footnote; blank lines are ignored. Anything else is an error.
  * Rows followed by footnotes form one "page group" (every PDF page has footnotes, so a group is one page).
  * A row whose first cell is one of the four section headings and whose other cells are empty sets the section.
  * A row whose first cell is empty, or whose first cell is listed in CONTINUATION_FIRST_CELLS, is the continuation
    of a row that a page break split; it is merged into the previous row cell by cell, joined with one space.
  * Footnote markers (runs of superscript digits, or "^{111, 112}") are removed from cell text and recorded with
    the column they stand in. A glued run ("¹⁷¹⁸") is split into the footnote numbers that the row's page group
    defines; the split must be unique.
  * The HTML remnant '<ul style="list-style-type: none">' is removed; whitespace is collapsed to single spaces
    and cells are stripped.
  * Footnote text: leading number removed, '<url>' brackets removed, whitespace collapsed. url = the '<...>' URL,
    else the first URL written as plain text, else empty (then FOOTNOTE_URL_CORRECTIONS apply).
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent  # tests/golden -> tests -> repo root
DEFAULT_SOURCE = "../shared/source/bilag3_transcription.txt"  # relative to the repo root

COLUMNS = ["initiative", "target_group", "geography", "content", "goal", "intervention_type", "documentation"]
SECTIONS = ["Børn og unge under 18 år", "Voksne (18-65 år)", "Ældre (65+)", "Alle aldersgrupper"]
HEADER_FIRST_CELL = "Initiativ og organisation"

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
SUP_TO_DIGIT = {c: str(i) for i, c in enumerate(SUPERSCRIPTS)}
MARKER_RE = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+|\^\{[0-9 ,]+\}")
FOOTNOTE_LINE_RE = re.compile(r"^([⁰¹²³⁴⁵⁶⁷⁸⁹]+)\s+(.*)$")
UL_REMNANT = '<ul style="list-style-type: none">'
URL_RE = re.compile(r"(?:https?://|file:///)\S+")

# ---------------------------------------------------------------------------------------------------------------
# Explicit, listed corrections. Every entry was checked against the PDF (page numbers are PDF pages, 1-based).
# ---------------------------------------------------------------------------------------------------------------

# First cells (as written in the transcription, markers included) of continuation lines whose first cell is not
# empty but holds only the tail of the initiative name. (Continuations with an empty first cell are generic.)
CONTINUATION_FIRST_CELLS = {
    "(Central-bibliotekerne) ⁵¹":
        "p.13->14: tail of 'Guidet Fælleslæsning ... ved landets folkebiblioteker' (initiative 50)",
    "(Helsingør Kommune) ⁷¹":
        "p.18->19: tail of 'Sorggruppe for unge i Frivilligcenter Helsingør' (initiative 70)",
    "Ringsted Kommune og Komitéen for Sundhedsoplysning) ⁸⁶":
        "p.22->23: tail of 'Fællesskabsby (Partnerskab mellem Dansk almennyttigt Boligselskab,' (initiative 87)",
    "gennem lokale partnerskaber ¹²⁶":
        "p.31->32: tail of 'Flere med i fællesskaber' (initiative 129)",
    "Røde Kors) ¹⁹⁵":
        "p.44->45: tail of 'Aktiviteter på institutioner (Ungdommens' (initiative 188)",
}

# Cell corrections: (initiative_id, column, wrong, right, pdf_page, reason).
# 'wrong' must occur exactly once in the (merged, marker-free, whitespace-collapsed) cell.
_ALZ = "transcription split a word the original wrapped in a narrow column; PDF prints '(Alzheimerforeningen)'"
CELL_CORRECTIONS: list[tuple[int, str, str, str, str, str]] = [
    (35, "target_group", "ungdomsuddannelses er.)", "ungdomsuddannelser.)", "10",
     "narrow-column word split in the transcription ('ungdomsuddannelses er'); PDF: 'ungdomsuddannelser.)'"),
    (50, "initiative", "(Central-bibliotekerne)", "(Centralbibliotekerne)", "14",
     "transcription kept a line-end hyphen; PDF prints '(Centralbibliotekerne)' on one line at the top of p.14"),
    (67, "target_group", "ungdomsudfordring er.", "ungdomsudfordringer.", "18",
     "narrow-column word split in the transcription ('ungdomsudfordring er'); PDF: 'ungdomsudfordringer.'"),
    (115, "initiative", "(Alzheimerforening en)", "(Alzheimerforeningen)", "29", _ALZ),
    (116, "initiative", "(Alzheimerforening en)", "(Alzheimerforeningen)", "29", _ALZ),
    (117, "initiative", "(Alzheimerforening en)", "(Alzheimerforeningen)", "29", _ALZ),
    (118, "initiative", "(Alzheimerforening en)", "(Alzheimerforeningen)", "29", _ALZ),
    (119, "initiative", "(Alzheimerforening en)", "(Alzheimerforeningen)", "29", _ALZ),
    (167, "initiative", "(Alzheimerforening en)", "(Alzheimerforeningen)", "40", _ALZ),
    (168, "initiative", "(Alzheimerforening en)", "(Alzheimerforeningen)", "40", _ALZ),
    (177, "target_group", "uddannelsessystem et. .", "uddannelsessystemet.", "42",
     "narrow-column word split plus a doubled full stop in the transcription; PDF: 'uddannelsessystemet.'"),
    (195, "initiative", "(Alzheimerforening en)", "(Alzheimerforeningen)", "46", _ALZ),
    (205, "initiative", "(Alzheimerforening en)", "(Alzheimerforeningen)", "48", _ALZ),
]

# Footnote text corrections: (number, wrong, right, pdf_page, reason); 'wrong' must occur exactly once.
FOOTNOTE_TEXT_CORRECTIONS: list[tuple[int, str, str, str, str]] = [
    (40,
     "[Evaluering-af-AURA-2022-Faelllesskabernes-virkning-for-unge-og-deres-familier.pdf](#)",
     "Evaluering-af-AURA-2022-Faelllesskabernes-virkning-for-unge-og-deres-familier.pdf",
     "9",
     "transcription wrote a Markdown link with a lost target; the PDF prints the file name as plain text"),
]

# Footnote url corrections: (number, wrong_url, right_url, pdf_page, reason).
_REL = ("the PDF's link annotation (/A /URI) holds this relative path, not the file:/// URL printed in the text "
        "(the annotation's /Contents and the transcription have the file:/// form)")
FOOTNOTE_URL_CORRECTIONS: list[tuple[int, str, str, str, str]] = [
    (34, "file:///C:/Users/b201731/Downloads/Vidensopsamling%20om%20fritidspas%202021.pdf",
     "../../C:/Users/b201731/Downloads/Vidensopsamling%20om%20fritidspas%202021.pdf", "8", _REL),
    (160, "https://headspace.dk", "https://headspace.dk/", "39",
     "the link annotation's /URI ends with '/', the printed text (kept in `text`) and /Contents do not"),
    (161, "file:///C:/Users/b201731/Downloads/Ramboell-Management-Consulting.pdf",
     "../../C:/Users/b201731/Downloads/Ramboell-Management-Consulting.pdf", "39", _REL),
]


# ---------------------------------------------------------------------------------------------------------------


def collapse(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def sup_to_int_string(s: str) -> str:
    return "".join(SUP_TO_DIGIT[c] for c in s)


def split_glued(digits: str, allowed: set[int]) -> list[int]:
    """Split a digit string into footnote numbers from `allowed`; the split must be unique."""
    solutions: list[list[int]] = []

    def rec(i: int, acc: list[int]) -> None:
        if i == len(digits):
            solutions.append(list(acc))
            return
        for j in range(i + 1, len(digits) + 1):
            if digits[i] == "0":
                break
            n = int(digits[i:j])
            if n in allowed:
                acc.append(n)
                rec(j, acc)
                acc.pop()

    rec(0, [])
    if len(solutions) != 1:
        raise ValueError(f"marker {digits!r}: {len(solutions)} splits with page footnotes {sorted(allowed)}")
    return solutions[0]


def parse_markers(marker: str, allowed: set[int]) -> list[int]:
    if marker.startswith("^{"):
        nums = [int(x) for x in re.findall(r"\d+", marker)]
        for n in nums:
            if n not in allowed:
                raise ValueError(f"marker {marker!r}: {n} not defined on its page")
        return nums
    return split_glued(sup_to_int_string(marker), allowed)


def read_transcription(path: Path):
    """Return (pieces, footnotes). pieces: list of dicts with kind/cells/group/line; footnotes: number -> dict."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = None
    for i, line in enumerate(lines):
        if line.split("\t")[0].strip() == HEADER_FIRST_CELL and line.count("\t") == 6:
            start = i + 1
            break
    if start is None:
        raise SystemExit("table header row not found")
    pieces = []
    footnotes: dict[int, dict] = {}
    group = 0
    last_kind = None
    for lineno, line in enumerate(lines[start:], start=start + 1):
        if not line.strip():
            continue
        if "\t" in line:
            cells = line.split("\t")
            if len(cells) != 7:
                raise SystemExit(f"line {lineno}: {len(cells)} cells")
            if last_kind == "footnote":
                group += 1
            pieces.append({"cells": cells, "group": group, "line": lineno})
            last_kind = "row"
            continue
        m = FOOTNOTE_LINE_RE.match(line)
        if not m:
            raise SystemExit(f"line {lineno}: neither a row nor a footnote: {line[:80]!r}")
        num = int(sup_to_int_string(m.group(1)))
        if num in footnotes:
            raise SystemExit(f"footnote {num} defined twice")
        footnotes[num] = {"raw": m.group(2), "group": group, "line": lineno}
        last_kind = "footnote"
    return pieces, footnotes


def clean_cell(text: str, allowed: set[int]):
    """Remove markers from one cell; return (clean text, [footnote numbers in order])."""
    nums: list[int] = []

    def repl(m: re.Match) -> str:
        nums.extend(parse_markers(m.group(0), allowed))
        return " "

    text = text.replace(UL_REMNANT, " ")
    text = MARKER_RE.sub(repl, text)
    return collapse(text), nums


def build(source: Path):
    pieces, fn_raw = read_transcription(source)
    group_fns: dict[int, set[int]] = {}
    for num, f in fn_raw.items():
        group_fns.setdefault(f["group"], set()).add(num)

    records: list[dict] = []
    refs: dict[int, tuple[int, str]] = {}  # footnote number -> (initiative_id, column)
    section = None
    used_tails = set()
    for pc in pieces:
        cells = pc["cells"]
        first = cells[0].strip()
        if first in SECTIONS and not any(c.strip() for c in cells[1:]):
            section = first
            continue
        allowed = group_fns.get(pc["group"], set())
        cleaned = [clean_cell(c, allowed) for c in cells]
        is_cont = first == "" or first in CONTINUATION_FIRST_CELLS
        if first in CONTINUATION_FIRST_CELLS:
            used_tails.add(first)
        if is_cont:
            if not records:
                raise SystemExit(f"line {pc['line']}: continuation without a previous row")
            rec = records[-1]
            for col, (txt, _) in zip(COLUMNS, cleaned):
                rec[col] = collapse(f"{rec[col]} {txt}")
            rec["_lines"].append(pc["line"])
        else:
            if section is None:
                raise SystemExit(f"line {pc['line']}: row before any section heading")
            rec = {"initiative_id": len(records) + 1, "section": section}
            for col, (txt, _) in zip(COLUMNS, cleaned):
                rec[col] = txt
            rec["_lines"] = [pc["line"]]
            records.append(rec)
        for col, (_, nums) in zip(COLUMNS, cleaned):
            for n in nums:
                if n in refs:
                    raise SystemExit(f"footnote {n} referenced twice")
                refs[n] = (rec["initiative_id"], col)
    missing_tails = set(CONTINUATION_FIRST_CELLS) - used_tails
    if missing_tails:
        raise SystemExit(f"continuation first cells not found: {missing_tails}")

    # cell corrections
    by_id = {r["initiative_id"]: r for r in records}
    for iid, col, wrong, right, page, reason in CELL_CORRECTIONS:
        cell = by_id[iid][col]
        if cell.count(wrong) != 1:
            raise SystemExit(f"correction {iid}/{col} {wrong!r}: found {cell.count(wrong)} times in {cell!r}")
        by_id[iid][col] = collapse(cell.replace(wrong, right))

    # footnotes
    fn_rows = []
    for num in sorted(fn_raw):
        raw = fn_raw[num]["raw"]
        for n, wrong, right, page, reason in FOOTNOTE_TEXT_CORRECTIONS:
            if n == num:
                if raw.count(wrong) != 1:
                    raise SystemExit(f"footnote correction {num} {wrong!r} not found once")
                raw = raw.replace(wrong, right)
        bracketed = re.findall(r"<([^<>\s]+)>", raw)
        text = collapse(re.sub(r"<([^<>\s]+)>", r"\1", raw))
        if bracketed:
            url = bracketed[0]
        else:
            m = URL_RE.search(text)
            url = m.group(0) if m else ""
        for n, wrong, right, page, reason in FOOTNOTE_URL_CORRECTIONS:
            if n == num:
                if url != wrong:
                    raise SystemExit(f"url correction {num}: expected {wrong!r}, have {url!r}")
                url = right
        if num not in refs:
            raise SystemExit(f"footnote {num} has no reference marker in the table")
        iid, col = refs[num]
        fn_rows.append({"number": num, "initiative_id": iid, "column": col, "text": text, "url": url})
    unknown = set(refs) - set(fn_raw)
    if unknown:
        raise SystemExit(f"markers without footnote text: {sorted(unknown)}")
    return records, fn_rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", default=DEFAULT_SOURCE,
                    help="transcription path (relative paths are taken relative to the repo root)")
    ap.add_argument("--outdir", default=str(HERE), help="output directory (default: this script's directory)")
    args = ap.parse_args(argv)
    source = Path(args.source)
    if not source.is_absolute():
        source = (REPO_ROOT / source).resolve()
    outdir = Path(args.outdir)

    records, fn_rows = build(source)
    ini = pd.DataFrame([{k: v for k, v in r.items() if not k.startswith("_")} for r in records],
                       columns=["initiative_id", "section"] + COLUMNS)
    fns = pd.DataFrame(fn_rows, columns=["number", "initiative_id", "column", "text", "url"])
    if len(ini) != 209:
        print(f"WARNING: {len(ini)} initiatives (expected 209)", file=sys.stderr)
    if list(fns["number"]) != list(range(1, 216)):
        print("WARNING: footnote numbers are not 1..215", file=sys.stderr)
    outdir.mkdir(parents=True, exist_ok=True)
    ini.to_csv(outdir / "initiatives.csv", index=False, encoding="utf-8", lineterminator="\n")
    fns.to_csv(outdir / "footnotes.csv", index=False, encoding="utf-8", lineterminator="\n")
    print(f"wrote {len(ini)} initiatives and {len(fns)} footnotes to {outdir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
