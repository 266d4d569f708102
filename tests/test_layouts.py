"""Extraction of small PDFs the tests render themselves (tests/pdfmaker.py), one per layout case.

Each case states the records it must give; the extractor must find them with
rules, with horizontal rules only, without rules, in portrait, in other fonts,
with repeated headers and with rows and footnotes broken in every way the
word processor breaks them.
"""

import re

import pytest

from pipeline.assemble import assemble
from pipeline.extract import extract
from pipeline.metadata import SOURCE_COLUMN_NAMES
from tests.pdfmaker import A4, Style, make_pdf, portrait

LONG = ("Indsatsen består af ugentlige gruppeforløb, hvor deltagerne mødes med frivillige og "
        "fagpersoner. Forløbet varer typisk 12 uger og afsluttes med en fælles aktivitet. "
        "Der er fokus på at skabe varige relationer, og deltagerne hjælpes videre til andre "
        "fællesskaber i lokalområdet efter forløbet. ")
FILL = ("Indsatsen består af ugentlige gruppeforløb, hvor deltagerne mødes med frivillige og fagpersoner. "
        "Forløbet varer typisk 12 uger. ")
URL_LONG = ("https://www.eksempel-kommune.dk/borger/social-og-sundhed/ensomhed/rapporter/2021/"
            "kortlaegning-af-initiativer-mod-ensomhed-blandt-aeldre-og-unge-i-hele-landet-"
            "med-bilag-og-metodebeskrivelse-endelig-version-til-offentliggoerelse.pdf")
FOLDER_URL = ("http://intra.redbarnetungdom.dk/fileadmin/Dokumenter/Download_til_dig/Bilag_-_Folder_om_"
              "venskabsgrupper_og_frivillige_aktiviteter_for_boern_og_unge_i_hele_landet_2021_endelig_version.pdf")

ITEMS = [
    ("section", "Børn og unge under 18 år"),
    ("row", ["Broen (Broen Danmark)[^1]", "Børn og unge i udsatte familier (0-17 år)", "Landsdækkende",
             "Broen giver støtte til fritidsaktiviteter, udstyr og kontingent.",
             "Målet er at styrke børns deltagelse i fællesskaber.", "Aktivitetstilbud", "Evaluering 2019[^2]"]),
    ("row", ["Ungdomsklubber (Røde Kors)[^3]", "Unge, der oplever ensomhed", "København, Aarhus og Odense",
             "• Klubaftener\n• Ferielejre\n• Lektiehjælp", "Målet er at give unge et frirum.",
             "Samtale/behandling", ""]),
    ("row", ["Venskabsgrupper (Red Barnet Ungdom)[^4][^5]", "Børn 6-12 år",
             "Sjælland, Lolland, Falster og Syddjylland", LONG * 2, "Undervisningsforløb og fællesskab",
             "Undervisningsforløb", "Ingen"]),
    ("section", "Voksne (18-65 år)"),
    ("row", ["Netværkscafé (Frivilligcenter Helsingør)[^6]", "Voksne med psykiske vanskeligheder",
             "Helsingør Kommune", LONG * 3, "Deltagerne får nye relationer og oplever mindre ensomhed." * 2,
             "Samtalegruppe/rådgivning", "Effektmåling[^7]"]),
    ("row", ["Ventilen[^8]", "Unge voksne 15-25 år", "Landsdækkende", "Mødesteder i hele landet[^9][^10]",
             "Målet er at forebygge ensomhed.", "Mødested", "Kortlægning (2021)[^11]"]),
    ("section", "Ældre (65+)"),
    ("row", ["Besøgsvenner (Ældre Sagen)[^12]", "Ældre, der føler sig ensomme", "Hele landet", LONG,
             "Målet er at bryde ensomheden.", "Besøgstjeneste", "Dokumenteret[^13]"]),
    ("section", "Alle aldersgrupper"),
    ("row", ["Fællesspisning (Madfællesskaber)[^14]", "Alle", "Region Midtjylland", "Fælles måltider",
             "Målet er fællesskab om mad.", "Aktivitetstilbud", "Ingen"]),
]
NOTES = {
    1: ("Link: https://broen-danmark.dk/", "https://broen-danmark.dk/"),
    2: ("Rambøll (2019): Evaluering af Broen", None),
    3: ("Link: https://www.urk.dk/klubber", "https://www.urk.dk/klubber"),
    4: ("Link: https://frivillighuset.dk/red-barnet-ungdom-venskabsgrupper/",
        "https://frivillighuset.dk/red-barnet-ungdom-venskabsgrupper/"),
    5: (f"Se folderen om venskabsgrupper: {FOLDER_URL}", FOLDER_URL),          # wraps onto a second line
    6: ("Link: https://frivilligcenter-helsingoer.dk/netvaerkscafe", "https://frivilligcenter-helsingoer.dk/netvaerkscafe"),
    7: ("VIVE (2020): Effektmåling af netværkscaféer", None),
    8: ("Link: https://ventilen.dk/", "https://ventilen.dk/"),
    9: ("Link: https://ventilen.dk/moedesteder", "https://ventilen.dk/moedesteder"),
    10: ("Oversigt over mødesteder, se https://ventilen.dk/kort", "https://ventilen.dk/kort"),
    11: ("Mary Fonden (2021): Kortlægning og analyse af danske initiativer til ensomme", None),
    12: ("Link: https://www.aeldresagen.dk/besoegsven", "https://www.aeldresagen.dk/besoegsven"),
    13: ("Ældre Sagen (2018): Besøgsvenner gør en forskel", None),
    14: ("Link: https://madfaellesskaber.dk/", "https://madfaellesskaber.dk/"),
}
PORTRAIT = (0.22, 0.11, 0.09, 0.18, 0.13, 0.11, 0.16)

STYLES = {
    "grid": Style(),
    "horizontal_repeated_header": Style(rules="horizontal", repeat_header=True),
    "no_rules": Style(rules="none"),
    "no_rules_portrait": Style(rules="none", pagesize=portrait(A4), col_widths=(0.13, 0.13, 0.11, 0.2, 0.16, 0.12, 0.15)),
    "grid_portrait_word_style_notes": Style(pagesize=portrait(A4), superscript_footnote_numbers=True,
                                            text_urls_only=True, col_widths=PORTRAIT, repeat_header=True),
    "no_rules_no_footnote_separator": Style(rules="none", footnote_rule=False),
    "grid_word_style_no_separator": Style(footnote_rule=False, superscript_footnote_numbers=True),
    "page_numbers_in_the_margin": Style(page_numbers=True),
    "page_numbers_no_rules_no_separator": Style(rules="none", footnote_rule=False, page_numbers=True),
    "running_header_and_page_numbers": Style(running_header="Bilag 3 – Overblik over initiativer", page_numbers=True),
    "running_header_no_rules": Style(rules="none", running_header="Bilag 3 – Overblik over initiativer"),
    "horizontal_portrait_other_font": Style(rules="horizontal", pagesize=portrait(A4), font="Vera",
                                            bold_font="Vera-Bold", size=8, footnote_size=7,
                                            col_widths=(0.24, 0.11, 0.09, 0.17, 0.12, 0.12, 0.15)),
}


def row(first, *rest):
    return ("row", [first, *rest, *["x"] * (6 - len(rest))])


CASES = {
    "heading_wider_than_first_column": dict(
        items=[("section", "Børn og unge under 18 år"), row("Broen[^1]", "Børn", "DK", "Tekst", "Mål", "Type", "Dok"),
               ("section", "Alle aldersgrupper"), row("Andet", "Alle", "DK", "Tekst", "Mål", "Type", "Dok")],
        notes={1: ("Link: https://broen-danmark.dk/", "https://broen-danmark.dk/")},
        style=Style(col_widths=(0.09, 0.15, 0.12, 0.2, 0.18, 0.11, 0.15))),
    "header_label_broken_inside_a_word": dict(
        items=[row("Broen", "Børn", "DK", "Tekst", "Mål", "Type", "Dok")], notes={},
        style=Style(pagesize=portrait(A4))),
    "name_split_by_page_break_before_organisation": dict(
        items=[row("Filler", "a", "b", " ".join((FILL * 20).split()[:150]), "c", "d", "e"),
               row("Netværk for Ensomme Ældre og Pårørende i Region Hovedstaden og Region Sjælland (Ældre Sagen)",
                   "Ældre", "DK", "Tekst", "Mål", "Type", "Dok")], notes={}, style=Style()),
    "adjacent_markers_1112": dict(
        items=[row(f"Initiativ {i}[^{i}]", "a", "b", "c", "d", "e", "f") for i in range(1, 11)]
        + [row("Dobbelt", "a", "b", "Tekst[^11][^12]", "d", "e", "f")],
        notes={i: (f"Note nummer {i}", None) for i in range(1, 13)}, style=Style()),
    "adjacent_markers_1_2_with_12_on_page": dict(
        items=[row("Først", "a", "b", "Tekst[^1][^2]", "d", "e", "f")]
        + [row(f"Initiativ {i}[^{i}]", "a", "b", "c", "d", "e", "f") for i in range(3, 13)],
        notes={i: (f"Note nummer {i}", None) for i in range(1, 13)}, style=Style()),
    "marker_alone_on_a_line": dict(
        items=[row("Broen", "a", "DK", "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn ooo [^1]",
                   "Mål", "Type", "Dok")], notes={1: ("Note", None)}, style=Style()),
    "link_on_plain_text": dict(
        items=[row("Broen[^1]", "a", "b", "c", "d", "e", "f")],
        notes={1: ("Læs mere på Broens hjemmeside", "https://broen-danmark.dk/")}, style=Style()),
    "long_url_wrapped_links": dict(
        items=[row("Broen[^1]", "a", "b", "c", "d", "e", "f"), row("Andet[^2]", "a", "b", "c", "d", "e", "f")],
        notes={1: (f"Rapport: {URL_LONG} (hentet 2021)", URL_LONG), 2: (f"Se {URL_LONG}", URL_LONG)}, style=Style()),
    "long_url_wrapped_text_only": dict(
        items=[row("Broen[^1]", "a", "b", "c", "d", "e", "f"), row("Andet[^2]", "a", "b", "c", "d", "e", "f")],
        notes={1: (f"Rapport: {URL_LONG} (hentet 2021)", URL_LONG), 2: (f"Se {URL_LONG}", URL_LONG)},
        style=Style(text_urls_only=True)),
    "row_over_three_pages": dict(
        items=[("section", "Voksne (18-65 år)"), row("Lang[^1]", "a", "b", FILL * 40, "d[^2]", "e", "f"),
               row("Næste", "a", "b", "c", "d", "e", "f")],
        notes={1: ("Note 1", None), 2: ("Note 2", None)}, style=Style(repeat_header=True)),
    "hyphen_and_slash_breaks": dict(
        items=[row("Broen", "Sjælland-Lolland-Falster", "Syddanmark/Midtjylland", "Børne- og ungegrupper", "d", "e", "f")],
        notes={}, style=Style(col_widths=(0.12, 0.1, 0.08, 0.25, 0.2, 0.1, 0.15))),
    "blank_line_in_cell_without_rules": dict(
        items=[row("Broen\n\n(Broen Danmark)", "Børn\n\nog unge", "DK", "Tekst", "Mål", "Type", "Dok"),
               row("Andet", "Alle", "DK", "Tekst", "Mål", "Type", "Dok")], notes={}, style=Style(rules="none")),
    "section_first_on_new_page": dict(
        items=[("section", "Børn og unge under 18 år"), row("A[^1]", "a", "b", "c", "d", "e", "f"),
               ("section", "Ældre (65+)"), row("B[^2]", "a", "b", "c", "d", "e", "f")],
        notes={1: ("N1", None), 2: ("N2 https://x.dk", "https://x.dk")}, style=Style(rules="horizontal"),
        kwargs=dict(page_break_before={2}, intro=None)),
    "split_row_without_rules_marker_on_next_page": dict(
        items=[row("Filler", "a", "b", FILL * 9, "c", "d", "e"),
               row("Split", "a", "b", FILL * 3 + "slut[^1]", "c", "d", "e")],
        notes={1: ("Noten til slut", None)}, style=Style(rules="none")),
    "footnote_line_starting_with_next_number": dict(
        items=[row("A[^3]", "a", "b", "c", "d", "e", "f"), row("B[^4]", "a", "b", "c", "d", "e", "f")],
        notes={3: ("Rapporten beskriver forløbet i kommunerne og deltagernes oplevelser af fællesskab og ensomhed "
                   "over tid" + " x" * 21 + " 4 kommuner deltog i undersøgelsen", None), 4: ("Note fire", None)},
        style=Style(pagesize=portrait(A4), col_widths=PORTRAIT), kwargs=dict(intro=None)),
}
for name, style in STYLES.items():
    CASES[f"sample_{name}"] = dict(items=ITEMS, notes=NOTES, style=style, kwargs=dict(page_break_before={7}))

MARK = re.compile(r"\[\^(\d+)\]")


def expected(items):
    rows, where, section = [], {}, None
    for kind, value in items:
        if kind == "section":
            section = value
            continue
        rec = {"section": section}
        for col, text in zip(SOURCE_COLUMN_NAMES, value):
            for n in MARK.findall(text):
                where[int(n)] = (len(rows) + 1, col)
            rec[col] = " ".join(MARK.sub("", text).split())
        rows.append(rec)
    return rows, where


def value(v):
    return None if v is None or (not isinstance(v, str) and v != v) or str(v) == "<NA>" else v


@pytest.mark.parametrize("name", CASES)
def test_layout(name, tmp_path):
    case = CASES[name]
    pdf = tmp_path / f"{name}.pdf"
    make_pdf(pdf, case["items"], case["notes"], case["style"], **case.get("kwargs", {}))
    initiatives, footnotes = assemble(*extract(pdf))
    rows, where = expected(case["items"])
    got = initiatives.to_dict("records")
    assert len(got) == len(rows)
    for i, (g, w) in enumerate(zip(got, rows), start=1):
        for col in ["section", *SOURCE_COLUMN_NAMES]:
            assert (value(g[col]) or "") == (w[col] or ""), f"initiative {i}, {col}"
    notes = {int(r["number"]): r for r in footnotes.to_dict("records")}
    assert sorted(notes) == sorted(case["notes"])
    for n, (text, url) in case["notes"].items():
        note = notes[n]
        assert note["text"] == text, f"footnote {n}"
        if case["style"].text_urls_only and url and url not in text:
            url = None   # a link on other text is lost without annotations
        assert value(note["url"]) == url, f"footnote {n} url"
        got_where = (value(note["initiative_id"]), value(note["column"]))
        assert got_where == where.get(n, (None, None)), f"footnote {n} attribution"
