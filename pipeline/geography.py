"""Municipalities, regions, scope and online reach from the geography text.

Every name the reference data knows (municipalities, their aliases, towns and
places in one municipality, areas spanning several, regions) is found by
longest match at word boundaries. Capitalised words that are neither known
names nor listed as not-a-place are returned as unknown, so the quality report
can name them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

WORD = r"[0-9A-Za-zÆØÅæøåÉéÜüÖöÄä]"


@dataclass(frozen=True)
class Gazetteer:
    # name -> (kind, municipality code or region name); kinds: municipality, alias, place, area, region
    names: tuple[tuple[str, str, str], ...]
    municipalities: tuple[tuple[str, str, str], ...]   # (code, name, region)
    nationwide: tuple[str, ...]
    online: tuple[str, ...]
    not_places: frozenset[str] = field(default_factory=frozenset)

    @property
    def total_municipalities(self) -> int:
        return len(self.municipalities)

    @cached_property
    def lookup(self) -> dict[str, tuple[str, str]]:
        return {name: (kind, value) for name, kind, value in self.names}

    @cached_property
    def pattern(self) -> re.Pattern:
        alts = "|".join(re.escape(n) for n in sorted(self.lookup, key=len, reverse=True))
        return re.compile(rf"(?<!{WORD})({alts})(?!{WORD})")


@dataclass(frozen=True)
class Geography:
    municipality_codes: list[str]
    municipalities: list[str]
    regions: list[str]
    geography_scope: str
    online: bool
    municipality_count: int | None
    unknown_places: list[str]
    region_conflicts: list[str]


def parse_geography(text: str, gaz: Gazetteer) -> Geography:
    text = " ".join(text.split())
    lookup, pat = gaz.lookup, gaz.pattern
    by_code = {code: (name, region) for code, name, region in gaz.municipalities}

    codes: list[str] = []
    regions: list[str] = []
    covered = []
    for m in pat.finditer(text):
        kind, value = lookup[m.group(1)]
        covered.append(m.span())
        if kind in ("municipality", "alias", "place") and value not in codes:
            codes.append(value)
        elif kind == "region" and value not in regions:
            regions.append(value)

    unknown = []
    for m in re.finditer(rf"(?<!{WORD})([A-ZÆØÅ]{WORD}*(?:[-.]{WORD}+)*\.?)", text):
        if any(a <= m.start() < b for a, b in covered):
            continue
        word = m.group(1)
        if word in gaz.not_places or word.rstrip(".") in gaz.not_places:
            continue
        if any(t.casefold() in word.casefold() for t in gaz.nationwide + gaz.online):
            continue
        unknown.append(word.rstrip("."))

    low = text.casefold()
    national = any(t.casefold() in low for t in gaz.nationwide)
    online = any(t.casefold() in low for t in gaz.online)
    scope = ("national" if national else "municipal" if codes else "regional" if regions else "unspecified")
    return Geography(
        municipality_codes=sorted(codes),
        municipalities=[by_code[c][0] for c in sorted(codes)],
        regions=regions,
        geography_scope=scope,
        online=online,
        municipality_count=municipality_count(text, gaz.total_municipalities),
        unknown_places=unknown,
        region_conflicts=_region_conflicts(text, pat, lookup, by_code),
    )


def municipality_count(text: str, total: int) -> int | None:
    """'60 kommuner' -> 60; '66% af alle kommuner' -> 65 (share of all municipalities)."""
    m = re.search(r"(\d+(?:[.,]\d+)?)\s*%\s*af\s+(?:alle\s+)?(?:landets\s+)?kommuner", text, re.I)
    if m:
        return round(float(m.group(1).replace(",", ".")) / 100 * total)
    m = re.search(r"(?<![\d.,])(\d+)\s+kommuner\b", text, re.I)
    return int(m.group(1)) if m else None


def _region_conflicts(text, pat, lookup, by_code) -> list[str]:
    """'Region Nordjylland (Odense)': municipalities bracketed after a region they are not in."""
    out = []
    for m in re.finditer(r"(Region \w+)\s*\(([^()]*)\)", text):
        kind, region = lookup.get(m.group(1), (None, None))
        if kind != "region":
            continue
        for inner in pat.finditer(m.group(2)):
            ikind, code = lookup[inner.group(1)]
            if ikind in ("municipality", "alias", "place") and by_code[code][1] != region:
                out.append(f"{inner.group(1)} is in {by_code[code][1]}, not {region}")
    return out
