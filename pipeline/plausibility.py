"""Plausibility: rows that look merged with a neighbour or split in two must not publish quietly.

Entry point: `find_suspects(initiatives, footnotes, spellings, settings)` -> a quality table
(check, initiative_id, name, detail), a pure function of the normalised tables. Each rule first
learns a habit of the document from all its rows (the phrase a column's cells usually open
with, whether first cells read "Name (Organisation)", whether several intervention types are
listed alphabetically) and then lists the rows that break it; a habit the document does not
have is not checked. Nothing here knows this document's wording, names or counts.

The release gate: `pending(quality, reviewed)` are the suspects that a reviewer has not
accepted in the reviewed-exceptions CSV (columns check,row_key,initiative_id,name,reason;
matched on check and row_key, a hash of the row's seven cells, so an acceptance holds for
every re-run of the same PDF and lapses when the row's text changes).
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path

import pandas as pd

from .errors import InputError
from .metadata import QUALITY, SOURCE_COLUMN_NAMES
from .settings import PLAUSIBILITY, PlausibilitySettings

CHECKS = {
    "suspect_repeated_opening": "A column's usual opening phrase again inside a cell: two rows run together?",
    "suspect_two_names": "Two 'Name (Organisation)' groups in the first column: two rows run together?",
    "suspect_repeated_term": "The same intervention type twice in one cell: two rows run together?",
    "suspect_term_order": "Two intervention types in the order the document's other cells reverse: two rows run "
                          "together?",
    "suspect_footnote_order": "Footnote numbers that run backwards within a row or across rows: rows merged, "
                              "split or markers misread?",
    "suspect_fragment": "A row that looks like part of another (empty or lowercase first cell, unbalanced "
                        "brackets, text only in the first column): a split row?",
}
REVIEW_COLUMNS = ("check", "row_key", "initiative_id", "name", "reason")
ACCEPTED = "accepted on review"
KEY = re.compile(r"\[row key ([0-9a-f]+)\]$")
WORD = re.compile(r"[^\W\d_][\w/'’-]*")


@dataclass(frozen=True)
class Habits:
    """What the document usually does, learned from all its rows."""
    openings: tuple[tuple[str, str, float], ...]  # (column, phrase most of its cells start with, share)
    name_groups: bool                       # first cells usually end with "(Organisation)"
    precedence: tuple[tuple[str, str, int], ...]  # (type a, type b, cells listing a before b)
    capital_columns: tuple[str, ...]        # columns whose cells start with a capital letter


def row_key(cells: dict) -> str:
    """Short hash of a row's seven cells: the same row of the same PDF has the same key."""
    text = "\x1f".join("" if pd.isna(cells.get(c)) else str(cells.get(c)) for c in SOURCE_COLUMN_NAMES)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else " ".join(str(value).split())


def _opening(text: str, words: int) -> str | None:
    found = [m.group() for m in islice(WORD.finditer(text), words)]
    return " ".join(found) if len(found) == words else None


def _opens_like(text: str, phrase: str, s: PlausibilitySettings) -> bool:
    """The cell's first word shares most of the phrase's first word ("Indsatsen" for "Indsatsens")."""
    word, usual = _opening(text, 1) or "", phrase.split()[0]
    common = next((i for i, (a, b) in enumerate(zip(word, usual)) if a != b), min(len(word), len(usual)))
    return common >= s.opening_stem_share * len(usual)


def top_level_groups(text: str) -> tuple[list[tuple[int, int]], bool]:
    """Spans of the bracketed groups outside any other bracket, and whether the brackets balance."""
    spans, depth, start, balanced = [], 0, 0, True
    for i, ch in enumerate(text):
        if ch == "(":
            start = i if depth == 0 else start
            depth += 1
        elif ch == ")":
            if depth == 0:  # closes a bracket opened before this text
                balanced = False
                continue
            depth -= 1
            if depth == 0:
                spans.append((start, i))
    return spans, balanced and depth == 0


def read_terms(text: str, spellings: tuple[tuple[str, str], ...]) -> list[str]:
    """Canonical intervention types of a cell, left to right by longest spelling, repeats kept.
    A word no spelling matches is skipped (normalise reports unknown types)."""
    return list(_read_terms(_text(text), spellings))


@lru_cache(maxsize=4096)
def _read_terms(rest: str, spellings: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    ordered = sorted(spellings, key=lambda s: len(s[0]), reverse=True)
    out: list[str] = []
    while rest:
        for spelling, canonical in ordered:
            if rest.casefold().startswith(spelling.casefold()) and (
                    len(rest) == len(spelling) or rest[len(spelling)] in " .,;"):
                out.append(canonical)
                rest = rest[len(spelling):].lstrip(" .,;")
                break
        else:
            rest = rest.partition(" ")[2]
    return tuple(out)


def learn(initiatives: pd.DataFrame, spellings: tuple[tuple[str, str], ...],
          s: PlausibilitySettings = PLAUSIBILITY) -> Habits:
    openings = []
    for column in SOURCE_COLUMN_NAMES[1:]:
        cells = [t for t in map(_text, initiatives[column]) if t]
        if len(cells) < s.min_cells:
            continue
        best = None
        for words in range(1, s.opening_max_words + 1):
            phrase, n = (Counter(_opening(t, words) for t in cells).most_common(1) or [(None, 0)])[0]
            if phrase and n >= s.opening_min_share * len(cells):
                best = (column, phrase, round(n / len(cells), 3))  # the longest phrase still shared by most cells
        if best:
            openings.append(best)
    first = [t for t in map(_text, initiatives["initiative"]) if t]
    enough = len(first) >= s.min_cells
    name_groups = enough and sum(t.endswith(")") for t in first) >= s.name_group_min_share * len(first)
    capital_columns = []
    for column in SOURCE_COLUMN_NAMES:
        cells = [t for t in map(_text, initiatives[column]) if t]
        letters = [next((ch for ch in t if ch.isalpha()), "") for t in cells]
        if len(cells) >= s.min_cells and sum(ch.isupper() for ch in letters) >= s.capital_start_min_share * len(cells):
            capital_columns.append(column)
    before: Counter = Counter()
    for terms in (read_terms(t, spellings) for t in map(_text, initiatives["intervention_type"])):
        before.update(_pairs(terms))
    return Habits(tuple(openings), bool(name_groups), tuple((a, b, n) for (a, b), n in sorted(before.items())),
                  tuple(capital_columns))


def _pairs(terms: list[str]) -> set[tuple[str, str]]:
    """(a, b) for every two different types of a cell, a listed before b."""
    return {(a, b) for i, a in enumerate(terms) for b in terms[i + 1:] if a != b}


# ---- the rules: each takes one row (a dict) and the habits, and says what it saw, or nothing


def repeated_opening(rec: dict, habits: Habits) -> list[str]:
    out = []
    for column, phrase, _ in habits.openings:
        text = _text(rec.get(column))
        # the phrase again, as whole words, anywhere after the cell's own start
        for m in re.finditer(r"(?<![\w-])" + re.escape(phrase).replace(r"\ ", r"\W+") + r"(?![\w-])", text):
            if m.start() > 0:
                out.append(f"{column}: {phrase!r} opens most cells and recurs at character {m.start()}: "
                           f"…{text[max(0, m.start() - 40):m.start() + 40]}…")
                break
    return out


def two_names(rec: dict, habits: Habits) -> list[str]:
    if not habits.name_groups:
        return []
    text = _text(rec.get("initiative"))
    spans, _ = top_level_groups(text)
    for (_, end), (start, _) in zip(spans, spans[1:]):
        between = text[end + 1:start].strip()
        if between and (between[0].isupper() or between[0].isdigit()):
            return [f"initiative: a name after the bracket that should end it: {text!r}"]
    return []


def repeated_term(rec: dict, spellings: tuple[tuple[str, str], ...]) -> list[str]:
    terms = read_terms(_text(rec.get("intervention_type")), spellings)
    twice = sorted(t for t, n in Counter(terms).items() if n > 1)
    return [f"intervention_type: {', '.join(twice)} twice in {_text(rec.get('intervention_type'))!r}"] if twice else []


def term_order(rec: dict, habits: Habits, spellings: tuple[tuple[str, str], ...],
               s: PlausibilitySettings = PLAUSIBILITY) -> list[str]:
    """Two types in the order that the document's other cells clearly reverse."""
    counts = {(a, b): n for a, b, n in habits.precedence}
    text = _text(rec.get("intervention_type"))
    for a, b in sorted(_pairs(read_terms(text, spellings))):
        usual, this = counts.get((b, a), 0), counts.get((a, b), 0)
        if usual >= s.term_order_min_cells and usual >= s.term_order_min_ratio * this:
            return [f"intervention_type: {a!r} before {b!r} in {text!r}; {usual} cells list them the other way "
                    f"round, {this} this way"]
    return []


def _lowercase_start(text: str) -> bool:
    word = WORD.search(text)
    return bool(word) and word.start() == 0 and not any(ch.isupper() for ch in word.group())


def fragment(rec: dict, habits: Habits, s: PlausibilitySettings = PLAUSIBILITY) -> list[str]:
    first = _text(rec.get("initiative"))
    others = [_text(rec.get(c)) for c in SOURCE_COLUMN_NAMES[1:]]
    out = []
    if not first:
        out.append("initiative: empty first cell")
    else:
        if first[0] in "()":
            out.append(f"initiative: starts with a bracket: {first!r}")
        elif "initiative" in habits.capital_columns and _lowercase_start(first):
            out.append(f"initiative: starts in lowercase: {first!r}")
        if not top_level_groups(first)[1]:
            out.append(f"initiative: unbalanced brackets: {first!r}")
    lower = [c for c in SOURCE_COLUMN_NAMES[1:] if c in habits.capital_columns and _lowercase_start(_text(rec.get(c)))]
    if len(lower) >= s.fragment_lowercase_cells:  # the rest of sentences begun in the row before
        out.append("cells start in lowercase: " + ", ".join(lower))
    if first and not any(others):
        out.append("only the first column has text")
    usual = [(c, p, _text(rec.get(c))) for c, p, share in habits.openings if share >= s.fragment_opening_min_share]
    present = [(c, p, t) for c, p, t in usual if t]
    # weak alone (a new row may well be worded otherwise): said only beside other evidence
    if out and len(present) >= 2 and not any(_opens_like(t, p, s) for _, p, t in present):
        out.append("no column opens as usual: " + "; ".join(f"{c} starts {t[:30]!r}, not {p!r}" for c, p, t in present))
    return out


def footnote_order(initiatives: pd.DataFrame, footnotes: pd.DataFrame) -> dict[int, list[str]]:
    """Per initiative_id: markers read left to right must count up, and no row may go back below
    a number an earlier row already used."""
    rank = {c: i for i, c in enumerate(SOURCE_COLUMN_NAMES)}
    by_row: dict[int, list[tuple[int, int, str]]] = {}
    for note in footnotes[["initiative_id", "column", "number"]].to_dict("records"):
        if not pd.isna(note["initiative_id"]):
            column = "" if pd.isna(note["column"]) else str(note["column"])
            by_row.setdefault(int(note["initiative_id"]), []).append(
                (rank.get(column, len(rank)), int(note["number"]), column))
    out: dict[int, list[str]] = {}
    highest = None
    for ident in map(int, initiatives["initiative_id"]):
        if ident not in by_row:
            continue
        ordered = sorted(by_row[ident])
        numbers = [n for _, n, _ in ordered]
        if numbers != sorted(numbers):
            seen = ", ".join(f"{c} {n}" for _, n, c in ordered)
            out.setdefault(ident, []).append(f"footnotes read left to right go back: {seen}")
        if highest is not None and min(numbers) < highest:
            out.setdefault(ident, []).append(f"footnote {min(numbers)} comes after footnote {highest} "
                                             "of an earlier row")
        highest = max(numbers) if highest is None else max(highest, max(numbers))
    return out


def find_suspects(initiatives: pd.DataFrame, footnotes: pd.DataFrame, spellings: tuple[tuple[str, str], ...],
                  s: PlausibilitySettings = PLAUSIBILITY) -> pd.DataFrame:
    """Every suspect row as quality items (check, initiative_id, name, detail ending in its row key)."""
    habits = learn(initiatives, spellings, s)
    by_notes = footnote_order(initiatives, footnotes)
    items = []
    for rec in initiatives.to_dict("records"):
        ident = int(rec["initiative_id"])
        found = {
            "suspect_repeated_opening": repeated_opening(rec, habits),
            "suspect_two_names": two_names(rec, habits),
            "suspect_repeated_term": repeated_term(rec, spellings),
            "suspect_term_order": term_order(rec, habits, spellings, s),
            "suspect_footnote_order": by_notes.get(ident, []),
            "suspect_fragment": fragment(rec, habits, s),
        }
        name = _text(rec.get("name")) or _text(rec.get("initiative")) or None
        key = row_key(rec)
        for check, seen in found.items():
            if seen:
                items.append({"check": check, "initiative_id": ident, "name": name,
                              "detail": "; ".join(seen) + f" [row key {key}]"})
    return pd.DataFrame(items, columns=[f.name for f in QUALITY])


# ---- the release gate


def load_reviewed(path: Path | None) -> dict[tuple[str, str], str]:
    """(check, row_key) -> reason from the reviewed-exceptions CSV; empty when there is none."""
    if path is None or not Path(path).exists():
        return {}
    try:
        with Path(path).open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in ("check", "row_key") if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(path, f"reviewed suspects need the columns {', '.join(REVIEW_COLUMNS)}; "
                                       f"missing {', '.join(missing)}")
            rows = list(reader)
    except (UnicodeDecodeError, csv.Error) as e:
        raise InputError(path, f"not a readable CSV ({e})") from None
    return {(r["check"].strip(), r["row_key"].strip()): (r.get("reason") or "").strip() for r in rows}


def is_suspect(quality: pd.DataFrame) -> pd.Series:
    return quality["check"].isin(list(CHECKS))


def accepted(quality: pd.DataFrame) -> pd.Series:
    return quality["detail"].astype(str).str.startswith(ACCEPTED)


def apply_review(quality: pd.DataFrame, reviewed: dict[tuple[str, str], str]) -> pd.DataFrame:
    """The quality table with every reviewed suspect's detail marked as accepted (and why)."""
    out = quality.copy()
    for i, row in out[is_suspect(out) & ~accepted(out)].iterrows():
        m = KEY.search(str(row["detail"]))
        reason = reviewed.get((row["check"], m.group(1))) if m else None
        if reason is not None:
            out.at[i, "detail"] = f"{ACCEPTED}{f' ({reason})' if reason else ''}: {row['detail']}"
    return out


def pending(quality: pd.DataFrame) -> pd.DataFrame:
    """Suspect items that no reviewer accepted."""
    return quality[is_suspect(quality) & ~accepted(quality)]


def describe(items: pd.DataFrame) -> str:
    """One line naming each suspect row: id, name, checks and row key."""
    parts = []
    for ident, g in items.groupby("initiative_id", sort=True):
        keys = {m.group(1) for m in map(KEY.search, g["detail"].astype(str)) if m}
        checks = ", ".join(c.removeprefix("suspect_") for c in g["check"])
        parts.append(f"#{int(ident)} {g['name'].iloc[0]!r} ({checks}; row key {', '.join(sorted(keys))})")
    return "; ".join(parts)
