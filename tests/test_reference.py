"""Each reference file is complete and consistent."""

from pipeline import reference


def test_municipalities_complete():
    mun = reference.load("municipalities")
    assert len(mun) == 98
    assert mun["municipality_code"].is_unique and mun["municipality"].is_unique
    assert mun["municipality_code"].str.fullmatch(r"\d{3}").all()
    assert mun["region"].nunique() == 5


def test_regions():
    regions = reference.load("regions")
    assert len(regions) == 5
    assert set(regions["region"]) == set(reference.load("municipalities")["region"])


def test_every_code_in_aliases_and_gazetteer_is_a_municipality():
    codes = set(reference.load("municipalities")["municipality_code"])
    assert set(reference.load("municipality_aliases")["municipality_code"]) <= codes
    assert set(reference.load("gazetteer")["municipality_code"]) <= codes


def test_no_name_has_two_meanings():
    # the raw list, before the gazetteer's dict keeps one reading per name
    names = [" ".join(n.split()).casefold() for n, _, _ in reference.place_names()]
    repeated = sorted({n for n in names if names.count(n) > 1})
    assert repeated == []
    assert len(reference.gazetteer().names) == len(names)
    areas = set(reference.load("areas")["area"])
    assert not areas & set(reference.load("municipalities")["municipality"])


def test_intervention_vocabulary_maps_each_spelling_once():
    meaning: dict[str, set[str]] = {}
    for spelling, canonical in reference.vocabulary().spellings:
        meaning.setdefault(spelling.casefold(), set()).add(canonical)
    assert all(len(v) == 1 for v in meaning.values()), meaning
    types = reference.load("intervention_types")
    assert types["type"].is_unique and (types["label_en"] != "").all()


def test_sections_have_bands_and_bound_rule():
    sections = reference.load("sections")
    assert len(sections) == 4
    assert set(sections["single_bound_means"]) <= {"under", "over"}
