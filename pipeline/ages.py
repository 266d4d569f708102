"""Age ranges from the target-group text.

The document writes ages as ranges ("(6-17 år)", "i alderen 0-9 år", "(15 og
35 år.)") and as single bounds whose sign it uses inconsistently; how a single
bound reads depends on the section (pipeline/reference_data/sections.csv,
column single_bound_means): "under" reads "(>18 år)" as 0-17, "over" reads
"(<65 år.)" or "(<70+)" as 65 and over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RANGE = re.compile(r"(?<![\d.,])(\d{1,3})\s*(?:-|–|og|til)\s*(\d{1,3})\s*(år|måneder)\b")
BOUND = re.compile(r"[<>]\s*(\d{1,3})\s*(?:år\b|\+)?")


@dataclass(frozen=True)
class SectionBand:
    age_min: int | None
    age_max: int | None
    single_bound_means: str  # "under" or "over"


@dataclass(frozen=True)
class Age:
    age_min: int | None
    age_max: int | None
    age_text: str | None
    age_source: str  # explicit, section, ambiguous


def parse_age(text: str, band: SectionBand) -> Age:
    found: list[tuple[int | None, int | None, str]] = []
    spans = []
    for m in RANGE.finditer(text):
        lo, hi = int(m.group(1)), int(m.group(2))
        if m.group(3) == "måneder":
            lo, hi = lo // 12, hi // 12
        found.append((lo, hi, m.group(0)))
        spans.append(m.span())
    for m in BOUND.finditer(text):
        if any(a <= m.start() < b for a, b in spans):
            continue
        n = int(m.group(1))
        lo, hi = (0, n - 1) if band.single_bound_means == "under" else (n, None)
        found.append((lo, hi, m.group(0).strip()))
    distinct = {(lo, hi) for lo, hi, _ in found}
    if not found:
        return Age(band.age_min, band.age_max, None, "section")
    texts = "; ".join(dict.fromkeys(t for _, _, t in found))
    if len(distinct) > 1:
        return Age(None, None, texts, "ambiguous")
    lo, hi = distinct.pop()
    if lo is not None and hi is not None and lo > hi or not _overlaps((lo, hi), (band.age_min, band.age_max)):
        return Age(None, None, texts, "ambiguous")
    return Age(lo, hi, texts, "explicit")


def _overlaps(a: tuple[int | None, int | None], b: tuple[int | None, int | None]) -> bool:
    lo = max(a[0] or 0, b[0] or 0)
    hi = min(a[1] if a[1] is not None else 999, b[1] if b[1] is not None else 999)
    return lo <= hi
