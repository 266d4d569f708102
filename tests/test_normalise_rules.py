"""Each normalisation rule, table-driven, with the document's own odd cases."""

import pandas as pd
import pytest

from pipeline import reference
from pipeline.ages import SectionBand, parse_age
from pipeline.delivery import DeliveryRules, is_remote, parse_delivery
from pipeline.geography import municipality_count, parse_geography
from pipeline.intervention_types import UnknownInterventionType, split_types
from pipeline.organisations import parse_name
from pipeline.links import url_problem
from pipeline.normalise import Params, normalise_initiatives

CHILDREN = SectionBand(0, 17, "under")
ADULTS = SectionBand(18, 65, "over")
OLDER = SectionBand(65, None, "over")
ALL = SectionBand(None, None, "over")


@pytest.mark.parametrize("text, name, orgs", [
    ("Broen (Broen Danmark)", "Broen", ["Broen Danmark"]),
    ("Me&We (Mary Fonden, Just Human, Efterskoleforening og Landsforeningen af 10. klasser)", "Me&We",
     ["Mary Fonden", "Just Human", "Efterskoleforening", "Landsforeningen af 10. klasser"]),
    ("Motionsbold for ældre (Samarbejde m. DBU og Københavns Kommune)", "Motionsbold for ældre",
     ["DBU", "Københavns Kommune"]),
    ("Cykelfællesskaber (Samarbejde ml. DGI Storkøbenhavn og Københavns Kommune)", "Cykelfællesskaber",
     ["DGI Storkøbenhavn", "Københavns Kommune"]),
    ("Fællesklang (KFUM og KFUK i Danmark)", "Fællesklang", ["KFUM og KFUK i Danmark"]),
    ("Gratis online-rejser (samarbejde mellem DEO (Demokrati i Europa) og Aarhus Kommune)", "Gratis online-rejser",
     ["DEO (Demokrati i Europa)", "Aarhus Kommune"]),
    ("SMK Fridays (partnerskab med Bikubefonden 2023-2031)", "SMK Fridays", ["Bikubefonden"]),
    ("Den etniske Vinkel, (Fonden for Socialt Ansvar)", "Den etniske Vinkel", ["Fonden for Socialt Ansvar"]),
    ("Inkluderende Fællesskaber- (Menighedsplejerne)", "Inkluderende Fællesskaber", ["Menighedsplejerne"]),
    ("Team U-Frivillig (frivillig social forening i Odense)", "Team U-Frivillig", []),
    ("KOMsammen (ventilen)", "KOMsammen", ["ventilen"]),
    ("Boblberg", "Boblberg", []),
])
def test_parse_name(text, name, orgs):
    assert parse_name(text, reference.organisation_rules()) == (name, orgs)


@pytest.mark.parametrize("text, band, expected", [
    ("Børn og unge. (>18 år)", CHILDREN, (0, 17, "explicit")),
    ("Børn (>15 år)", CHILDREN, (0, 14, "explicit")),
    ("Klubber. (6-17 år)", CHILDREN, (6, 17, "explicit")),
    ("Unge (12-15 år.)", CHILDREN, (12, 15, "explicit")),
    ("Børn i alderen 0-9 år, forældre og fagfolk.", ALL, (0, 9, "explicit")),
    ("Unge med psoriasis (15 og 35 år.)", ALL, (15, 35, "explicit")),
    ("Unge med særlige behov (<18 år.)", ADULTS, (18, None, "explicit")),
    ("(<65 år.)", OLDER, (65, None, "explicit")),
    ("Hovedsageligt ældre (<65 +)", OLDER, (65, None, "explicit")),
    ("(<70+)", OLDER, (70, None, "explicit")),
    ("Unge med diagnoser (70%) (16-30 år.)", ADULTS, (16, 30, "explicit")),
    ("efter skolen (8.,9. og 10. klasselever)", CHILDREN, (0, 17, "section")),
    ("Ældre ensomme", OLDER, (65, None, "section")),
    ("Hele befolkningen", ALL, (None, None, "section")),
    ("(Børnegruppe <14 år) (Ungegruppe 15-29 år)", CHILDREN, (None, None, "ambiguous")),
    ("cøliaki (14-17 år) (18-30 år)", ALL, (None, None, "ambiguous")),
    ("Personer (18-35 år)", OLDER, (None, None, "ambiguous")),     # contradicts the section
    ("babyer i alderen 0-18 måneder", ALL, (0, 1, "explicit")),
])
def test_parse_age(text, band, expected):
    age = parse_age(text, band)
    assert (age.age_min, age.age_max, age.age_source) == expected


@pytest.mark.parametrize("text, codes, regions, scope, online", [
    ("Københavns Kommune", ["101"], [], "municipal", False),
    ("Aalborg-, Aarhus-, Randers- og Københavns kommuner", ["101", "730", "751", "851"], [], "municipal", False),
    ("København, Århus, Horsens.", ["101", "615", "751"], [], "municipal", False),
    ("Avnstrup, Sandholm, Jelling", ["201", "350", "630"], [], "municipal", False),
    ("Hvidovre-Rødovre, Fredericia", ["167", "175", "607"], [], "municipal", False),
    ("Fyn og Østjylland", [], [], "unspecified", False),
    ("Lokalt – Københavns Kommune, især Amager", ["101"], [], "municipal", False),
    ("Hovedstadsområdet", [], [], "unspecified", False),
    ("Landsdækkende (online)", [], [], "national", True),
    ("Virtuelt", [], [], "unspecified", True),
    ("Region Hovedstaden, Midtjylland og Syddanmark", [],
     ["Region Hovedstaden", "Region Midtjylland", "Region Syddanmark"], "regional", False),
    ("Region Hovedstaden (Vesterbro)", ["101"], ["Region Hovedstaden"], "municipal", False),
    ("39 kommuner landet over.", [], [], "national", False),
])
def test_parse_geography(text, codes, regions, scope, online):
    geo = parse_geography(text, reference.gazetteer())
    assert (geo.municipality_codes, geo.regions, geo.geography_scope, geo.online) == (codes, regions, scope, online)
    assert geo.unknown_places == []


def test_unknown_place_is_reported_not_dropped():
    geo = parse_geography("København og Xyzby", reference.gazetteer())
    assert geo.municipality_codes == ["101"] and geo.unknown_places == ["Xyzby"]


def test_region_conflict_is_reported():
    geo = parse_geography("Region Sjælland (Gentofte, Ishøj)", reference.gazetteer())
    assert len(geo.region_conflicts) == 2


@pytest.mark.parametrize("text, n", [
    ("60 kommuner", 60), ("66% af alle kommuner i Danmark (2021)", 65), ("Landsdækkende i mere end 84 kommuner", 84),
    ("Landsdækkende (22 kommuner)", 22), ("yderligere tre uafklarede kommuner", None), ("140 byer", None),
])
def test_municipality_count(text, n):
    assert municipality_count(text, 98) == n


@pytest.mark.parametrize("text, types", [
    ("Aktivitetstilbud Opholds- eller mødested Rådgivning", ["Aktivitetstilbud", "Opholds- eller mødested", "Rådgivning"]),
    ("Besøgsven/Mentor", ["Besøgsven/mentor"]),
    ("Aktivitetstilbud Opholds-eller mødested", ["Aktivitetstilbud", "Opholds- eller mødested"]),
    ("Opholds- og mødested", ["Opholds- eller mødested"]),
    ("Samtaler/behandling Socialt forum", ["Samtale/behandling", "Socialt forum"]),
    ("Aktivitetstilbud.", ["Aktivitetstilbud"]),
    ("", []),
])
def test_split_types(text, types):
    assert split_types(text, reference.vocabulary()) == types


def test_unknown_type_stops_with_its_name():
    with pytest.raises(UnknownInterventionType, match="Telepati"):
        split_types("Aktivitetstilbud Telepati", reference.vocabulary())


@pytest.mark.parametrize("url, problem", [
    ("https://broen-danmark.dk/", None),
    ("../../C:/Users/someone/Downloads/x.pdf", "a local file path, not a web address"),
    ("file:///C:/Users/someone/x.pdf", "a local file path, not a web address"),
    ("www.example.dk", "no http(s) scheme and host"),
    (None, "no URL"),
])
def test_url_problem(url, problem):
    assert url_problem(url) == problem


def test_normalise_builds_tidy_tables_and_quality_items():
    base = {"section": "Voksne (18-65 år)", "content": "", "goal": "", "documentation": "",
            "page_start": 1, "page_end": 1}
    initiatives = pd.DataFrame([
        {**base, "initiative_id": 1, "initiative": "DLO", "target_group": "Voksne (18-24 år)",
         "geography": "Aarhus og Xyzby", "intervention_type": "Aktivitetstilbud Rådgivning"},
        {**base, "initiative_id": 2, "initiative": "DLO (Org)", "target_group": "(14-17 år) (18-30 år)",
         "geography": "Landsdækkende", "intervention_type": "Socialt forum"},
    ])
    footnotes = pd.DataFrame([{"number": 1, "initiative_id": 1, "column": "initiative", "text": "x",
                               "url": None, "page": 1}])
    result = normalise_initiatives(initiatives, footnotes, Params.from_reference())
    assert result.municipalities[["initiative_id", "municipality_code", "region"]].values.tolist() == [
        [1, "751", "Region Midtjylland"]]
    assert result.intervention_types["intervention_type"].tolist() == ["Aktivitetstilbud", "Rådgivning", "Socialt forum"]
    checks = sorted(result.quality["check"])
    assert checks == ["ambiguous_age", "duplicate_name", "duplicate_name", "footnote_without_url",
                      "no_organisation", "unknown_place"]


# ---- delivery ----

@pytest.mark.parametrize("geography, content, delivery", [
    ("Landsdækkende", "Klubber hvor børn mødes og spiller brætspil.", ["in_person"]),       # no channel: in person
    ("Landsdækkende (online)", "En gruppe ledet af to gruppeledere.", ["online"]),          # from the geography
    ("Landsdækkende", "Rådgivningen sker via telefon, chat, sms og breve.", ["phone", "chat"]),
    ("Landsdækkende", "Anonym telefonrådgivning, mailrådgivning og chatrådgivning.", ["phone", "chat", "online"]),
    ("Landsdækkende", "Samtaler ved fysisk fremmøde i et center eller over onlinechat.", ["in_person", "chat"]),
    ("Aarhus", "En digital opslagstavle og fysiske eller telefoniske samtaler.", ["in_person", "phone", "online"]),
    ("Virtuelt", "Onlineaktiviteter med gæk og løjer.", ["online"]),
    ("Hele landet", "En borger-til-borger digital fællesskabsportal.", ["online"]),
    ("Landsdækkende", "Samtaler med præster via computer, smartphone eller tablet.", ["online"]),
    ("Landsdækkende", "Gruppen mødes på Zoom.", ["online"]),
    ("Landsdækkende", "Et socialt netværk på internettet.", ["online"]),
    # the channel as topic: a course about digital communities, help with apps in a café
    ("Landsdækkende", "Forløbene handler om de fysiske samt digitale fællesskaber.", ["in_person"]),
    ("Aarhus", "Ældre kan møde op i Apps Café og få hjælp til apps.", ["in_person"]),
    ("", "", ["in_person"]),
    (None, None, ["in_person"]),
])
def test_parse_delivery(geography, content, delivery):
    assert parse_delivery(geography, content, reference.delivery_rules()) == delivery


def test_delivery_terms_match_longest_first_and_by_word():
    rules = DeliveryRules((("app", "online", "word"), ("tele", "phone", "start"), ("telefonfri", "ignore", "start"),
                           ("portal", "online", "part")))
    assert parse_delivery(None, "En APP.", rules) == ["online"]           # case-insensitive, whole word
    assert parse_delivery(None, "apparater", rules) == ["in_person"]      # not inside a word
    assert parse_delivery(None, "telefonen", rules) == ["phone"]
    assert parse_delivery(None, "telefonfri zone", rules) == ["in_person"]  # the longer ignored term wins
    assert parse_delivery(None, "hotel", rules) == ["in_person"]          # 'start' needs a word start
    assert parse_delivery(None, "fællesskabsportalen", rules) == ["online"]
    assert is_remote(["in_person", "chat"]) and not is_remote(["in_person"])
    with pytest.raises(ValueError, match="unknown"):
        DeliveryRules((("x", "fax", "word"),))


def test_delivery_reference_table_is_well_formed():
    terms = reference.load("delivery_terms")
    assert terms["term"].str.casefold().is_unique
    assert set(terms["delivery"]) <= {"in_person", "phone", "chat", "online", "ignore"}
    assert set(terms["match"]) <= {"word", "start", "part"}
    assert (terms["note"].str.strip() != "").all()
