"""Stage 3, normalise: typed, filterable columns from the seven text columns.

Entry point: `normalise_initiatives(initiatives, footnotes, params)` -> Normalised,
a pure function of the assembled tables and the reference data (`Params`, frozen).
It runs named steps on each initiative (name_and_organisations, ages,
geography_and_delivery, intervention_types), then over all of them
(duplicate_names, footnote_items, the plausibility checks). Each rule lives in
its own module: organisations.py, ages.py, geography.py, delivery.py,
intervention_types.py. Every guess and gap becomes a quality item.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pandas as pd

from . import plausibility, reference
from .ages import SectionBand, parse_age
from .delivery import DeliveryRules, is_remote, parse_delivery
from .geography import Gazetteer, parse_geography
from .intervention_types import Vocabulary, split_types
from .links import url_problem
from .metadata import INITIATIVE_INTERVENTION_TYPES, INITIATIVE_MUNICIPALITIES, INITIATIVES, QUALITY
from .organisations import OrganisationRules, parse_name
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


Item = dict   # a quality item: check, initiative_id, name, detail


def _item(check: str, rec: dict | None, detail: str) -> Item:
    return {"check": check, "initiative_id": rec["initiative_id"] if rec else None,
            "name": rec.get("name") if rec else None, "detail": detail}


def name_and_organisations(rec: dict, rules: OrganisationRules) -> tuple[dict, list[Item]]:
    name, orgs = parse_name(rec["initiative"], rules)
    fields = {"name": name, "organisations": orgs}
    return fields, [] if orgs else [_item("no_organisation", {**rec, **fields}, rec["initiative"])]


def ages(rec: dict, bands: dict[str, SectionBand]) -> tuple[dict, list[Item]]:
    items = []
    band = bands.get(rec["section"])
    if band is None:
        items.append(_item("unknown_section", rec, str(rec["section"])))
        band = SectionBand(None, None, "over")
    age = parse_age(rec["target_group"] or "", band)
    if age.age_source == "ambiguous":
        items.append(_item("ambiguous_age", rec, f"{age.age_text} (section {rec['section']})"))
    return {"age_min": age.age_min, "age_max": age.age_max, "age_text": age.age_text,
            "age_source": age.age_source}, items


def geography_and_delivery(rec: dict, params: Params, region_of: dict[str, str]
                           ) -> tuple[dict, list[dict], list[Item]]:
    """The place columns, the delivery channels, one row per municipality named, and the places not understood."""
    geo = parse_geography(rec["geography"] or "", params.gazetteer)
    # the content cell describes phone lines, chats and web services that the geography cell does not
    delivery = parse_delivery(rec["geography"], rec["content"], params.delivery)
    fields = {"municipalities": geo.municipalities, "municipality_codes": geo.municipality_codes,
              "regions": geo.regions, "geography_scope": geo.geography_scope,
              "municipality_count": geo.municipality_count, "delivery": delivery, "online": is_remote(delivery)}
    items = [_item("unknown_place", rec, f"{place!r} in {rec['geography']!r}") for place in geo.unknown_places]
    items += [_item("region_conflict", rec, conflict) for conflict in geo.region_conflicts]
    rows = [{"initiative_id": rec["initiative_id"], "municipality_code": code, "municipality": muni,
             "region": region_of[code]} for code, muni in zip(geo.municipality_codes, geo.municipalities)]
    return fields, rows, items


def intervention_types(rec: dict, vocabulary: Vocabulary, labels: dict[str, str]
                       ) -> tuple[dict, list[dict], list[Item]]:
    types = split_types(rec["intervention_type"] or "", vocabulary)
    items = [] if types else [_item("no_intervention_type", rec, rec["intervention_type"] or "")]
    rows = [{"initiative_id": rec["initiative_id"], "intervention_type": t, "label_en": labels.get(t)}
            for t in types]
    return {"intervention_types": types}, rows, items


def duplicate_names(rows: list[dict]) -> list[Item]:
    counts = Counter(r["name"] for r in rows if r["name"] is not None)
    return [_item("duplicate_name", r, f"{r['name']!r} is the name of {counts[r['name']]} initiatives")
            for r in rows if counts.get(r["name"], 0) > 1]


def footnote_items(footnotes: pd.DataFrame, by_id: dict[int, dict]) -> list[Item]:
    """Footnotes without a URL or with one that is no web address, and footnotes no cell marks."""
    items = []
    for note in footnotes.to_dict("records"):
        rec = by_id.get(note["initiative_id"]) if not pd.isna(note["initiative_id"]) else None
        problem = url_problem(note["url"] if isinstance(note["url"], str) else None)
        if problem == "no URL":
            items.append(_item("footnote_without_url", rec, f"footnote {note['number']}: {note['text']}"))
        elif problem:
            items.append(_item("unusable_url", rec, f"footnote {note['number']}: {note['url']} ({problem})"))
        if rec is None:
            items.append(_item("footnote_without_marker", None, f"footnote {note['number']}: {note['text']}"))
    return items


def _frame(rows: list[dict], fields: tuple) -> pd.DataFrame:
    return typed(pd.DataFrame(rows, columns=[f.name for f in fields]), fields)


def normalise_initiatives(initiatives: pd.DataFrame, footnotes: pd.DataFrame, params: Params) -> Normalised:
    """The normalised columns of every initiative, the two tidy tables and the quality items, in the order
    each initiative's steps find them."""
    bands = dict(params.bands)
    region_of = {c: r for c, _, r in params.gazetteer.municipalities}
    labels = dict(params.type_labels)
    rows, muni_rows, type_rows, quality = [], [], [], []
    for rec in initiatives.to_dict("records"):
        fields, items = name_and_organisations(rec, params.organisations)
        rec = {**rec, **fields}
        quality += items
        fields, items = ages(rec, bands)
        rec.update(fields)
        quality += items
        fields, places, items = geography_and_delivery(rec, params, region_of)
        rec.update(fields)
        muni_rows += places
        quality += items
        fields, types, items = intervention_types(rec, params.vocabulary, labels)
        rec.update(fields)
        type_rows += types
        quality += items
        rows.append(rec)
    quality += duplicate_names(rows)
    quality += footnote_items(footnotes, {r["initiative_id"]: r for r in rows})
    table = _frame(rows, INITIATIVES)
    # rows that look merged or split: the export refuses to publish them unreviewed
    quality += plausibility.find_suspects(table, footnotes, params.vocabulary.spellings).to_dict("records")
    return Normalised(
        initiatives=table,
        municipalities=_frame(muni_rows, INITIATIVE_MUNICIPALITIES),
        intervention_types=_frame(type_rows, INITIATIVE_INTERVENTION_TYPES),
        quality=_frame(quality, QUALITY),
    )
