"""Simulated extraction failures on the golden table, for measuring the plausibility checks:
rows merged with their neighbours and rows split in two. Used by test_plausibility.py."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pandas as pd

from pipeline.metadata import SOURCE_COLUMN_NAMES

GOLDEN = Path(__file__).resolve().parent / "golden"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")


def golden() -> tuple[pd.DataFrame, pd.DataFrame]:
    initiatives = pd.read_csv(GOLDEN / "initiatives.csv", dtype=str, keep_default_na=False)
    initiatives["initiative_id"] = initiatives["initiative_id"].astype(int)
    footnotes = pd.read_csv(GOLDEN / "footnotes.csv", dtype={"column": str, "text": str, "url": str})
    return initiatives, footnotes


def _renumber(initiatives: pd.DataFrame, footnotes: pd.DataFrame, mapping: dict[int, int]):
    """Row ids 1..n again in document order, footnotes following their rows."""
    order = {old: new for new, old in enumerate(initiatives["initiative_id"], start=1)}
    initiatives = initiatives.assign(initiative_id=initiatives["initiative_id"].map(order))
    footnotes = footnotes.assign(initiative_id=footnotes["initiative_id"].map(lambda i: order[mapping.get(i, i)]))
    return initiatives.reset_index(drop=True), footnotes


def merge(initiatives: pd.DataFrame, footnotes: pd.DataFrame, start: int, length: int):
    """Rows start..start+length-1 (positions) as one row: cells joined with a space, footnotes
    re-attributed. Returns the tables and the merged row's new id."""
    rows = initiatives.iloc[start:start + length]
    merged = rows.iloc[0].copy()
    for c in SOURCE_COLUMN_NAMES:
        merged[c] = " ".join(t for t in rows[c] if isinstance(t, str) and t)
    keep = int(merged["initiative_id"])
    mapping = {int(i): keep for i in rows["initiative_id"]}
    out = pd.concat([initiatives.iloc[:start], merged.to_frame().T, initiatives.iloc[start + length:]])
    out["initiative_id"] = out["initiative_id"].astype(int)
    new, notes = _renumber(out, footnotes, mapping)
    return new, notes, start + 1


def _cut(text: str, rng: random.Random) -> tuple[str, str]:
    """The cell cut at a random sentence boundary; a one-sentence cell stays whole on top."""
    bounds = [m.start() for m in SENTENCE_END.finditer(text)]
    if not bounds:
        return text, ""
    at = rng.choice(bounds)
    return text[:at].strip(), text[at:].strip()


def _cut_name(text: str, rng: random.Random) -> tuple[str, str]:
    """Empty tail, or the name cut before a lowercase word (a tail starting in lowercase)."""
    words = text.split(" ")
    cuts = [i for i, w in enumerate(words) if i > 0 and w[:1].islower()]
    if not cuts or rng.random() < 0.5:
        return text, ""
    at = rng.choice(cuts)
    return " ".join(words[:at]), " ".join(words[at:])


def split(initiatives: pd.DataFrame, footnotes: pd.DataFrame, position: int, rng: random.Random):
    """The row at `position` as two rows, each cell cut at a random sentence boundary, the
    second with an empty or lowercase-tail first cell. Footnotes stay with the first part.
    Returns the tables and the two parts' new ids."""
    row = initiatives.iloc[position]
    top, bottom = row.copy(), row.copy()
    top["initiative"], bottom["initiative"] = _cut_name(row["initiative"], rng)
    for c in SOURCE_COLUMN_NAMES[1:]:
        top[c], bottom[c] = _cut(row[c], rng)
    bottom["initiative_id"] = -1
    out = pd.concat([initiatives.iloc[:position], top.to_frame().T, bottom.to_frame().T,
                     initiatives.iloc[position + 1:]])
    out["initiative_id"] = out["initiative_id"].astype(int)
    new, notes = _renumber(out, footnotes, {})
    return new, notes, (position + 1, position + 2)


def adjacent_runs(initiatives: pd.DataFrame, length: int) -> list[int]:
    """Start positions of every run of `length` adjacent rows within one section."""
    sections = list(initiatives["section"])
    return [i for i in range(len(sections) - length + 1) if len(set(sections[i:i + length])) == 1]
