"""Reference data (pipeline/reference_data/*.csv, package data), loaded through one module."""

from __future__ import annotations

import io
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:  # the rule modules import this one; load them only when asked
    from .ages import SectionBand
    from .delivery import DeliveryRules
    from .geography import Gazetteer
    from .intervention_types import Vocabulary
    from .organisations import OrganisationRules

# a resource, not a path next to the sources: an installed package (wheel, zip) finds it too
REFERENCE_DATA = resources.files(__package__) / "reference_data"


def files() -> list:
    """The reference CSVs, by name (what the stage cache fingerprints)."""
    return sorted((f for f in REFERENCE_DATA.iterdir() if f.name.endswith(".csv")), key=lambda f: f.name)


@lru_cache(maxsize=None)
def load(name: str) -> pd.DataFrame:
    """A reference table by file stem, all columns as strings (empty = missing)."""
    data = (REFERENCE_DATA / f"{name}.csv").read_bytes()
    return pd.read_csv(io.BytesIO(data), dtype="string", keep_default_na=False)


def section_labels() -> dict[str, str]:
    """Casefolded, whitespace-collapsed section heading -> heading as listed."""
    return {" ".join(s.split()).casefold(): s for s in load("sections")["section"]}


def section_bands() -> dict[str, "SectionBand"]:
    from .ages import SectionBand

    def num(v: str) -> int | None:
        return int(v) if v else None

    return {r.section: SectionBand(num(r.age_min), num(r.age_max), r.single_bound_means)
            for r in load("sections").itertuples()}


def organisation_rules() -> "OrganisationRules":
    from .organisations import OrganisationRules

    df = load("organisation_phrases")
    return OrganisationRules(prefixes=tuple(df.loc[df["kind"] == "prefix", "phrase"]),
                             unsplit=tuple(df.loc[df["kind"] == "unsplit", "phrase"]))


def vocabulary() -> "Vocabulary":
    from .intervention_types import Vocabulary

    spellings = []
    for r in load("intervention_types").itertuples():
        for v in {r.type, *filter(None, r.variants.split(";"))}:
            spellings.append((v.strip(), r.type))
    return Vocabulary(tuple(sorted(set(spellings))))


def place_names() -> list[tuple[str, str, str]]:
    """Every place name the reference files list, as (name, kind, value), duplicates kept: areas, regions and
    their aliases, gazetteer places, municipality aliases, municipalities, in that order."""
    names = [(r.area, "area", "") for r in load("areas").itertuples()]
    for r in load("regions").itertuples():
        names += [(n, "region", r.region) for n in [r.region, *filter(None, r.aliases.split(";"))]]
    names += [(r.place, "place", r.municipality_code) for r in load("gazetteer").itertuples()]
    names += [(r.alias, "alias", r.municipality_code) for r in load("municipality_aliases").itertuples()]
    names += [(r.municipality, "municipality", r.municipality_code) for r in load("municipalities").itertuples()]
    return names


@lru_cache(maxsize=None)
def gazetteer() -> "Gazetteer":
    from .geography import Gazetteer

    mun = load("municipalities")
    # a later reading wins, so a municipality's own name wins over any other
    names = {name: (kind, value) for name, kind, value in place_names()}
    terms = load("geography_terms")
    pick = lambda m: tuple(terms.loc[terms["meaning"] == m, "term"])  # noqa: E731
    return Gazetteer(
        names=tuple((n, k, v) for n, (k, v) in sorted(names.items())),
        municipalities=tuple(zip(mun["municipality_code"], mun["municipality"], mun["region"])),
        nationwide=pick("nationwide"), online=pick("online"), not_places=frozenset(pick("not_a_place")),
    )


def delivery_rules() -> "DeliveryRules":
    from .delivery import DeliveryRules

    df = load("delivery_terms")
    return DeliveryRules(tuple(zip(df["term"], df["delivery"], df["match"])))


def intervention_labels() -> dict[str, str]:
    return dict(zip(load("intervention_types")["type"], load("intervention_types")["label_en"]))


def word_endings(kind: str) -> tuple[str, ...]:
    """Danish word endings of one kind: `inflection` (the rest of a word cut at a line end may be
    one of them) or `word_form` (a word ending so is never the first part of a compound)."""
    df = load("word_endings")
    return tuple(df.loc[df["kind"] == kind, "ending"])
