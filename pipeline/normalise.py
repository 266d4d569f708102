"""Stage 3, normalise: typed, filterable columns from the seven text columns.

Entry point: `normalise(initiatives, footnotes, params)` -> Normalised, a pure
function of the assembled tables and the reference data (`Params`, frozen).
Each rule lives in its own module: names.py, ages.py, geography.py,
intervention_types.py. Every guess and gap becomes a quality item.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import plausibility, reference
from .ages import SectionBand, parse_age
from .delivery import DeliveryRules, is_remote, parse_delivery
from .geography import Gazetteer, parse_geography
from .intervention_types import Vocabulary, split_types
from .links import url_problem
from .metadata import INITIATIVE_INTERVENTION_TYPES, INITIATIVE_MUNICIPALITIES, INITIATIVES, QUALITY
from .names import OrganisationRules, parse_name
from .store import typed

@dataclass(frozen=True)
class Params:
    bands: tuple[tuple[str, SectionBand], ...]
    organisations: OrganisationRules
    gazetteer: Gazetteer
    vocabulary: Vocabulary
    type_labels: tuple[tuple[str, str], ...]
    delivery: DeliveryRules

    @classmethod
    def from_reference(cls) -> "Params":
        return cls(bands=tuple(reference.section_bands().items()),
                   organisations=reference.organisation_rules(),
                   gazetteer=reference.gazetteer(),
                   vocabulary=reference.vocabulary(),
                   type_labels=tuple(reference.intervention_labels().items()),
                   delivery=reference.delivery_rules())


@dataclass
class Normalised:
    initiatives: pd.DataFrame
    municipalities: pd.DataFrame
    intervention_types: pd.DataFrame
    quality: pd.DataFrame


def has_documentation(initiatives: pd.DataFrame) -> pd.Series:
    """Per initiative: the documentation cell holds text."""
    return initiatives["documentation"].fillna("").astype(str).str.strip().ne("").astype(bool)


def normalise(initiatives: pd.DataFrame, footnotes: pd.DataFrame, params: Params) -> Normalised:
    bands = dict(params.bands)
    by_code = {c: r for c, _, r in params.gazetteer.municipalities}
    labels = dict(params.type_labels)
    rows, muni_rows, type_rows, quality = [], [], [], []

    def flag(check: str, rec: dict | None, detail: str) -> None:
        quality.append({"check": check, "initiative_id": rec["initiative_id"] if rec else None,
                        "name": rec.get("name") if rec else None, "detail": detail})

    for rec in initiatives.to_dict("records"):
        name, orgs = parse_name(rec["initiative"], params.organisations)
        rec.update(name=name, organisations=orgs)
        if not orgs:
            flag("no_organisation", rec, rec["initiative"])

        band = bands.get(rec["section"])
        if band is None:
            flag("unknown_section", rec, str(rec["section"]))
            band = SectionBand(None, None, "over")
        age = parse_age(rec["target_group"] or "", band)
        rec.update(age_min=age.age_min, age_max=age.age_max, age_text=age.age_text, age_source=age.age_source)
        if age.age_source == "ambiguous":
            flag("ambiguous_age", rec, f"{age.age_text} (section {rec['section']})")

        geo = parse_geography(rec["geography"] or "", params.gazetteer)
        rec.update(municipalities=geo.municipalities, municipality_codes=geo.municipality_codes,
                   regions=geo.regions, geography_scope=geo.geography_scope,
                   municipality_count=geo.municipality_count)
        # the content cell describes phone lines, chats and web services that the geography cell does not
        delivery = parse_delivery(rec["geography"], rec["content"], params.delivery)
        rec.update(delivery=delivery, online=is_remote(delivery))
        for place in geo.unknown_places:
            flag("unknown_place", rec, f"{place!r} in {rec['geography']!r}")
        for conflict in geo.region_conflicts:
            flag("region_conflict", rec, conflict)
        for code, muni in zip(geo.municipality_codes, geo.municipalities):
            muni_rows.append({"initiative_id": rec["initiative_id"], "municipality_code": code,
                              "municipality": muni, "region": by_code[code]})

        types = split_types(rec["intervention_type"] or "", params.vocabulary)
        rec["intervention_types"] = types
        if not types:
            flag("no_intervention_type", rec, rec["intervention_type"] or "")
        for t in types:
            type_rows.append({"initiative_id": rec["initiative_id"], "intervention_type": t,
                              "label_en": labels.get(t)})
        rows.append(rec)

    names = pd.Series([r["name"] for r in rows], dtype="string")
    for r in rows:
        if (names == r["name"]).sum() > 1:
            flag("duplicate_name", r, f"{r['name']!r} is the name of {(names == r['name']).sum()} initiatives")

    by_id = {r["initiative_id"]: r for r in rows}
    for note in footnotes.to_dict("records"):
        rec = by_id.get(note["initiative_id"]) if not pd.isna(note["initiative_id"]) else None
        problem = url_problem(note["url"] if isinstance(note["url"], str) else None)
        if problem == "no URL":
            flag("footnote_without_url", rec, f"footnote {note['number']}: {note['text']}")
        elif problem:
            flag("unusable_url", rec, f"footnote {note['number']}: {note['url']} ({problem})")
        if rec is None:
            flag("footnote_without_marker", None, f"footnote {note['number']}: {note['text']}")

    frame = lambda rows_, fields: typed(pd.DataFrame(rows_, columns=[f.name for f in fields]), fields)  # noqa: E731
    table = frame(rows, INITIATIVES)
    # rows that look merged or split: the export refuses to publish them unreviewed
    quality += plausibility.find_suspects(table, footnotes, params.vocabulary.spellings).to_dict("records")
    return Normalised(
        initiatives=table,
        municipalities=frame(muni_rows, INITIATIVE_MUNICIPALITIES),
        intervention_types=frame(type_rows, INITIATIVE_INTERVENTION_TYPES),
        quality=frame(quality, QUALITY),
    )
