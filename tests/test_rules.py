"""Each extraction rule on tiny inputs."""

import pandas as pd
import pytest

from pipeline.assemble import assemble
from pipeline.continuation import continues_previous
from pipeline.extract import _break_evidence, _ends_open, _text_right_limits, resolve_markers, split_at, split_rows
from pipeline.layout import Line, split_footnote_number
from pipeline.metadata import SOURCE_COLUMN_NAMES
from pipeline.settings import LayoutSettings
from pipeline.textjoin import MAYBE_CUT, join_lines, markers, strip_markers

S = LayoutSettings()


@pytest.mark.parametrize("lines, known, expected", [
    (["Samtale/", "behandling"], [None], "Samtale/behandling"),
    (["Undervisningsforlø", "b"], [""], "Undervisningsforløb"),
    (["Undervisningsforlø", "b"], [None], "Undervisningsforlø b"),
    (["etablere en", "1:1-", "relation"], [None, None], "etablere en 1:1-relation"),
    (["Børn-", "og ungegrupper"], [None], "Børn- og ungegrupper"),
    (["Opholds-", "eller mødested"], [None], "Opholds- eller mødested"),
    (["Inkluderende Fællesskaber-", "(Menighedsplejerne)"], [None], "Inkluderende Fællesskaber- (Menighedsplejerne)"),
    (["Fællesskaber-", "organisation"], [" "], "Fællesskaber- organisation"),   # trailing space seen
    (["ture ud af huset", "– fx til minigolf"], [None], "ture ud af huset – fx til minigolf"),
    (["(Alzheimerforeningen", ")"], [None], "(Alzheimerforeningen)"),       # no word starts with ")"
    (["Randers-, Horsens-", ", Vejle-"], [None], "Randers-, Horsens-, Vejle-"),
    (["Frederiksberg", "-borgere"], [None], "Frederiksberg-borgere"),             # hyphen glued to a word
    (["at forebygge", "- at styrke"], [None], "at forebygge - at styrke"),         # a dash with a space
    (["oplever \"ventesorg\" (1", "6-25 år.)"], [None], "oplever \"ventesorg\" (16-25 år.)"),  # a number cut
    (["i alt 12", "kommuner"], [None], "i alt 12 kommuner"),
    (["Aktiviteter er bl.a.", "• Yoga", "• Samtalecafe"], [None, None],
     "Aktiviteter er bl.a. • Yoga • Samtalecafe"),
])
def test_join_lines(lines, known, expected):
    assert join_lines(lines, known) == expected


def test_markers_are_read_and_removed():
    text = "Broen (Broen Danmark)[^1] og mere[^17][^18]. Slut [^111, 112]"
    assert markers(text) == [1, 17, 18, 111, 112]
    assert strip_markers(text) == "Broen (Broen Danmark) og mere. Slut"


@pytest.mark.parametrize("cells, numbers, expected", [
    (["tekst[^1718]"], {17, 18}, ["tekst[^17][^18]"]),
    (["tekst[^111, 112]"], {111, 112}, ["tekst[^111][^112]"]),
    (["tekst[^181 182]"], {181, 182}, ["tekst[^181][^182]"]),
    (["tekst[^99]"], {5}, ["tekst[^99]"]),                        # unknown stays, for validation
    # "12" is 12 when 1 and 2 are referenced elsewhere on the page ...
    (["a[^1]", "b[^12]", "c[^2]"], {1, 2, 12}, ["a[^1]", "b[^12]", "c[^2]"]),
    # ... and 1, 2 when 12 is
    (["a[^12]", "b[^12]"], {1, 2, 12}, ["a[^1][^2]", "b[^12]"]),
    # "1112" on a page with footnotes 1-12 reads 11, 12 (ascending), not 1, 11, 2
    (["a[^1]", "b[^2]", "c[^3]", "d[^1112]"], set(range(1, 13)) - set(range(4, 11)),
     ["a[^1]", "b[^2]", "c[^3]", "d[^11][^12]"]),
])
def test_resolve_markers(cells, numbers, expected):
    fragments = [{**{c: "" for c in SOURCE_COLUMN_NAMES}, "initiative": cell} for cell in cells]
    resolve_markers(fragments, numbers)
    assert [f["initiative"] for f in fragments] == expected


@pytest.mark.parametrize("text, number, rest", [
    ("[^12] Link: https://x.dk", 12, "Link: https://x.dk"),
    ("12 Link: https://x.dk", 12, "Link: https://x.dk"),
    ("12Link: https://x.dk", 12, "Link: https://x.dk"),
    ("https://x.dk/side", None, "https://x.dk/side"),
])
def test_footnote_number(text, number, rest):
    line = Line(top=0, bottom=8, x0=0, x1=100, text=text)
    assert split_footnote_number(line) == (number, rest)


def cells(first="", **others):
    row = {c: "" for c in SOURCE_COLUMN_NAMES}
    row.update(initiative=first, **others)
    return row


@pytest.mark.parametrize("prev, frag, expected", [
    (cells("Voksenven (Børns Voksenvenner)[^19]"), cells("", content="og mere tekst."), True),
    (cells("Forebyggende hjemmebesøg"), cells("(Helsingør Kommune)[^71]", content="og mere."), True),
    (cells("Aktiviteter på institutioner (Ungdommens"), cells("Røde Kors)[^195]"), True),
    (cells("Flere med i fællesskaber"), cells("gennem lokale partnerskaber[^126]"), True),
    (cells("Fællesskabsby (Partnerskab mellem Dansk"), cells("Ringsted Kommune og X)"), True),
    # across a page break most cells go on mid-sentence: no full stop before, no capital after
    (cells("Værestedet Drys", target_group="Hovedsageligt ældre", content="Indsatsens indhold består af",
           goal="Målet er, at være et sikkert og", intervention_type="Aktivitetstilbud"),
     cells("Ind", target_group="(men alle voksne er velkomne)", content="væresteder, hvor",
           goal="stabilt sted", intervention_type="Opholds- eller mødested"), True),
    (cells("Broen", target_group="Børn og unge", content="Indsatsen er god.", goal="Målet er nået."),
     cells("Klubber", target_group="Unge", content="Indsatsens indhold er", goal="Målet er"), False),
    (cells("Broen (Broen Danmark)[^1]"), cells("Klubber (Ungdommens Røde Kors)[^3]",
                                               target_group="Børn og unge", content="Indsatsens indhold"), False),
    (cells("DLO"), cells("Fagtelefon (Børns Vilkår)[^23]", target_group="Børn"), False),
])
def test_continues_previous(prev, frag, expected):
    assert continues_previous(prev, frag) is expected


def test_a_word_cut_by_the_page_break_continues_the_row():
    # half the cells go on mid-sentence ("Voksne m." ends in an abbreviation's full stop), but the
    # documentation cell's last line was one word filling it and the next page goes on in lowercase
    prev = cells("Lev Venner / Mine", target_group="Voksne m.", geography="Region Hovedstaden,",
                 content="Indsatsens indhold er", goal="Målet er, at modvirke",
                 intervention_type="Aktivitetstilbud", documentation="Projektevalueri")
    frag = cells("Venner (Lev)[^186]", target_group="udviklingshandicap", geography="Midtjylland",
                 content="matching af frivillige", goal="ensomhed og opbygge fællesskaber.",
                 intervention_type="Besøgsven/Mentor", documentation="ng")
    assert not continues_previous(prev, frag)
    assert continues_previous(prev, frag, open_ends=["intervention_type", "documentation"])
    assert not continues_previous(prev, frag, open_ends=["intervention_type"])  # "Besøgsven": a capital


def fragment(page, order, kind="row", section=None, **cells_):
    row = {"page": page, "order": order, "kind": kind, "section": section,
           "top": 0.0, "bottom": 0.0, "area_bottom": 0.0, "line_height": 0.0, "open_ends": []}
    row.update({c: "" for c in SOURCE_COLUMN_NAMES})
    row.update(cells_)
    return row


def test_assemble_joins_page_split_rows_and_attributes_markers():
    fragments = pd.DataFrame([
        fragment(1, 0, "section", "Ældre (65+)"),
        fragment(1, 1, initiative="Navn (Org)[^1]", content="Første del af", documentation="Se[^2]"),
        fragment(2, 0, content="teksten.[^3]"),
        fragment(2, 1, initiative="Andet (Org)", goal="Mål"),
    ])
    raw = pd.DataFrame([
        {"page": 1, "order": 0, "number": 1, "text": "Link: https://a.dk/", "url": "https://a.dk/"},
        {"page": 1, "order": 1, "number": 2, "text": "Rapport", "url": None},
        {"page": 2, "order": 0, "number": None, "text": "fortsat", "url": None},
        {"page": 2, "order": 1, "number": 3, "text": "Link: https://b.dk/", "url": "https://b.dk/"},
    ])
    initiatives, footnotes = assemble(fragments, raw)
    assert initiatives["initiative"].tolist() == ["Navn (Org)", "Andet (Org)"]
    assert initiatives.loc[0, "content"] == "Første del af teksten."
    assert (initiatives.loc[0, "page_start"], initiatives.loc[0, "page_end"]) == (1, 2)
    assert initiatives["section"].tolist() == ["Ældre (65+)"] * 2
    assert footnotes[["number", "initiative_id", "column"]].values.tolist() == [
        [1, 1, "initiative"], [2, 1, "documentation"], [3, 1, "content"]]
    assert footnotes.loc[1, "text"] == "Rapport fortsat"


def line(top, column, text="ord", height=9.0):
    return Line(top=top, bottom=top + height, x0=0, x1=50, text=text, column=column)


def test_word_cut_by_a_page_break_is_joined_back():
    fragments = pd.DataFrame([
        fragment(1, 0, initiative="Studenterrådgivnin", content="Tekst", open_ends=["initiative"]),
        fragment(2, 0, initiative="g[^1]", content="", goal="x"),
    ])
    raw = pd.DataFrame([{"page": 2, "order": 0, "number": 1, "text": "Note", "url": None}])
    initiatives, _ = assemble(fragments, raw)
    assert initiatives["initiative"].tolist() == ["Studenterrådgivning"]


@pytest.mark.parametrize("first, full, want", [
    ("være", False, "være - og"),              # a dash between words: the line broke at its space
    ("Forsknings", True, "Forsknings- og"),    # a word too long for any line, cut before its hyphen
    ("18 kommuner", True, "18 kommuner - og"),  # two words: the line did not cut a word
])
def test_a_line_opening_with_a_dash_before_og_goes_by_the_geometry(first, full, want):
    a = Line(top=0, bottom=9, x0=0, x1=50 if full else 30, text=first, column=0)
    b = Line(top=11, bottom=20, x0=0, x1=20, text="- og", column=0)
    assert join_lines([a.text, b.text], [_break_evidence(a, b, 50.0, False, 9.0, S)]) == want


def _rows(n_pages_rows, foot_cell, next_row):
    """Named rows filling every column, a one-cell fragment at page 1's foot, then page 2's rows."""
    full = {c: "Tekst." for c in SOURCE_COLUMN_NAMES[1:]}
    frags = [fragment(1, i, initiative=f"Række {i} (Org)", **full) for i in range(n_pages_rows)]
    frags.append(fragment(1, n_pages_rows, goal=foot_cell))
    frags.append(fragment(2, 0, **next_row))
    frags += [fragment(2, i, initiative=f"Mere {i} (Org)", **full) for i in range(1, n_pages_rows)]
    return assemble(pd.DataFrame(frags), pd.DataFrame(columns=["page", "order", "number", "text", "url"]))[0]


def test_a_cell_alone_at_the_page_foot_starts_the_next_row_when_that_row_lacks_it():
    cells = {c: "Tekst." for c in SOURCE_COLUMN_NAMES[1:] if c != "goal"}
    rows = _rows(10, "Målet er samvær.", {"initiative": "Ny (Org)", **cells})
    assert len(rows) == 20
    assert rows.loc[9, "goal"] == "Tekst." and rows.loc[10, "goal"] == "Målet er samvær."
    assert rows.loc[10, "initiative"] == "Ny (Org)"


def test_a_cell_alone_at_the_page_foot_is_a_paragraph_of_the_row_above_otherwise():
    full = {c: "Tekst." for c in SOURCE_COLUMN_NAMES[1:]}
    rows = _rows(10, "Andet afsnit.", {"initiative": "Ny (Org)", **full})   # the next row has its goal
    assert len(rows) == 20 and rows.loc[9, "goal"] == "Tekst. Andet afsnit."
    rows = _rows(10, "Andet afsnit.", {"content": "og mere."})             # the row above goes on
    assert len(rows) == 19 and rows.loc[9, "goal"] == "Tekst. Andet afsnit."
    assert rows.loc[9, "content"] == "Tekst. og mere."


def test_a_cell_alone_under_a_row_gap_at_the_page_foot_is_kept_apart():
    lines = [line(10, 0), line(10, 4), line(21, 4), line(40, 4)]     # a gap as wide as a row's, one column
    rows, _ = split_rows(lines, [], 9.0, S)
    assert [len(r) for r in rows] == [3, 1]
    rows, _ = split_rows(lines + [line(60, 0)], [], 9.0, S)            # not at the foot: a paragraph gap
    assert [len(r) for r in rows] == [4, 1]


@pytest.mark.parametrize("lines, full, keeps, want", [
    (["Syddjurs", "-,", "Roskilde-,"], True, False, "Syddjurs-, Roskilde-,"),  # one word filling its line, cut
    (["Samtale", "/", "behandling"], False, True, "Samtale/behandling"),       # no space kept at the wrap
    (["og at", "/", "eller"], True, False, "og at / eller"),                  # two words: the line broke at a space
])
def test_a_hyphen_or_slash_alone_on_a_line_after_a_cut_word(lines, full, keeps, want):
    ls = [Line(top=11.0 * i, bottom=11.0 * i + 9, x0=0, x1=50 if full and i == 0 else 30, text=t, column=0)
          for i, t in enumerate(lines)]
    known = [_break_evidence(a, b, 50.0, keeps, 9.0, S) for a, b in zip(ls, ls[1:])]
    assert join_lines(lines, known) == want


@pytest.mark.parametrize("lines, x1, want", [
    (["en god måde", ". Alle"], 50, " "),        # several words, then "." : the line broke at a space
    (["(Landsforeningen", ")"], 50, MAYBE_CUT),  # one word filling its line: maybe cut before the bracket
    (["besværligt", "... der"], 40, " "),        # one word with room for the "." : a space
])
def test_punctuation_opening_a_line(lines, x1, want):
    a, b = (Line(top=11.0 * i, bottom=11.0 * i + 9, x0=0, x1=x1 if i == 0 else 30, text=t, column=0,
                 chars=[{"text": t[0], "x0": 0.0, "x1": 2.5}]) for i, t in enumerate(lines))
    assert _break_evidence(a, b, 50.0, False, 9.0, S) == want


def test_a_closing_quotation_mark_opening_a_line_goes_on_from_the_word_before():
    assert join_lines(['oplever "ventesorg', '" (16-25 år)']) == 'oplever "ventesorg" (16-25 år)'
    assert join_lines(["hun sagde", '"Hej" til']) == 'hun sagde "Hej" til'   # an opening one starts a word


def test_right_limit_comes_from_lines_that_wrapped_not_a_heading():
    # a section heading ("Voksne (18-65 år)") in the first column runs further than any of its
    # wrapped lines; taken for the column's reach it made a cut word look short of the edge
    def ln(top, x1, text, column=0):
        return Line(top=top, bottom=top + 9, x0=40, x1=x1, text=text, column=column, text_x1=x1)
    heading = [ln(0, 147, "Voksne (18-65 år)")]
    row = [ln(20, 140, "ungdomsuddannel"), ln(31, 60, "ser (Folkekirken)"), ln(20, 200, "Unge", column=1)]
    limits = _text_right_limits([heading, row], [150.0], 300.0)
    assert limits[0] == 140
    assert limits[1] == 200  # no wrapped line in the column: its furthest line
    assert _break_evidence(row[0], row[1], limits[0], False, 10.0, S) != " "


def test_a_word_at_the_page_foot_with_less_room_than_a_wide_letter_may_be_cut():
    def last(x1, text="imødekommenhe"):
        return Line(top=0, bottom=9, x0=380, x1=x1, text=text, column=4)
    assert _ends_open(last(431.3), 437.7, 10.0, S)          # 0.64 em left: the next page's "d" did not fit
    assert not _ends_open(last(420.0), 437.7, 10.0, S)      # room for any letter: it ended at a space
    assert not _ends_open(last(437.0, "med imødekommenhe"), 437.7, 10.0, S)  # two words: the break was a space


def test_a_line_drawn_across_the_footnote_boundary_is_read_once():
    chars = [{"text": "a", "top": 468.9, "bottom": 477.4},   # a clipped row's last line over the separator
             {"text": "1", "top": 478.6, "bottom": 485.1}]
    table, notes = split_at(chars, 475.65)
    assert [c["text"] for c in table] == ["a"] and [c["text"] for c in notes] == ["1"]


def test_split_rows_by_rules():
    lines = [line(10, 0), line(21, 0), line(10, 3), line(50, 0), line(50, 1)]
    rows, ruled = split_rows(lines, [5.0, 40.0, 80.0], 9.0, S)
    assert ruled and [len(r) for r in rows] == [3, 2]


def test_split_rows_by_whitespace_ignores_paragraph_gap_in_one_cell():
    # row 1: columns 0 and 3, column 3 has a paragraph gap; row 2 starts after a wider gap
    lines = [line(10, 0), line(10, 3), line(21, 3), line(38, 3),   # 8pt gap, one column only
             line(60, 0), line(60, 1), line(71, 1)]                 # 13pt gap, columns 0 and 1
    rows, ruled = split_rows(lines, [], 9.0, S)
    assert not ruled
    assert [sorted(ln.top for ln in r) for r in rows] == [[10, 10, 21, 38], [60, 60, 71]]


def chars_of(text, top, size=9.0, x0=40.0):
    out, x = [], x0
    for ch in text:
        w = 0.5 * size
        out.append({"text": ch, "size": size, "top": top, "bottom": top + size, "x0": x, "x1": x + w,
                    "fontname": "Helvetica"})
        x += w
    return out


@pytest.mark.parametrize("margin_text, size, running, dropped", [
    ("Side 12 af 49", 9.0, frozenset(), True),          # a page number
    ("12", 9.0, frozenset(), True),
    ("Bilag 3 – oversigt", 9.0, frozenset({"Bilag # – oversigt"}), True),   # recurs on other pages
    ("Bilag 3 – oversigt", 9.0, frozenset(), False),     # seen once: not furniture
    ("13", 5.0, frozenset(), False),                     # a raised footnote marker alone on a line
    ("13", 5.0, frozenset({"#"}), False),                # ... though page numbers ("#") recur in the margins
    ("3 Link: https://a.dk/", 8.0, frozenset({"# Link: https://a.dk/"}), False),  # a footnote
])
def test_page_furniture(margin_text, size, running, dropped):
    from pipeline.layout import without_furniture
    body = chars_of("Tekst i tabellen", 300.0)
    margin = chars_of(margin_text, 560.0, size)
    kept = without_furniture(body + margin, 595.0, running, S)
    assert (len(kept) == len(body)) is dropped


# ---------------------------------------------------------------- vocabulary for open line breaks

from pipeline.lexicon import Lexicon, resolve_cuts  # noqa: E402


@pytest.mark.parametrize("before, after, want", [
    ("kernekompetence", "og samarbejde", " "),     # a word and "og": no word "kernekompetenceog"
    ("for", "at styrke", " "),
    ("community-opbygning", "i hele landet", " "),  # hyphenated compound, then a word
    ("Undervisningsforlø", "b", ""),                # the tail is no word, the whole is a compound
    ("(Hjerneskadeforeninge", "n)", ""),
    ("Undervisnings", "forløb", ""),                # a compound cut at its seam: a listed word form
])
def test_word_list_decides_open_breaks(before, after, want):
    assert Lexicon().cut_or_space(before, after) == want


def test_the_documents_own_words_and_pairs_decide_first():
    texts = ["Et undervisnings forløb[^3] for Tumlingeholdet i år", f"Undervisnings{MAYBE_CUT}forløb"]
    lexicon = Lexicon.from_texts(texts)
    assert "tumlingeholdet" in lexicon.document
    assert ("undervisnings", "forløb") in lexicon.phrases
    assert Lexicon().cut_or_space("Undervisnings", "forløb") == ""       # a listed word form
    assert resolve_cuts(texts[1], lexicon) == "Undervisnings forløb"      # the document prints the pair
    assert Lexicon().cut_or_space("Tumlingehold", "et") is None
    assert resolve_cuts(f"Tumlingehold{MAYBE_CUT}et", lexicon) == "Tumlingeholdet"
    assert resolve_cuts(f"Snakkeklubb{MAYBE_CUT}erne", Lexicon()) == "Snakkeklubberne"  # none tells: the cut stands


@pytest.mark.parametrize("before, after, want", [
    ("Ledsagelse", "til aktiviteter", " "),     # an unknown word, then a common word that is no ending
    ("Alzheimerforening", "en", None),         # an ending: may be the rest of the word
])
def test_word_endings_keep_a_break_open(before, after, want):
    assert Lexicon().cut_or_space(before, after) == want


@pytest.mark.parametrize("before, after, want", [
    ("Evalueringens", "resultater viser", " "),  # a definite genitive never starts a compound
    ("målgruppens", "kvalitative behov", " "),   # ... also before a word the list lacks
    ("Socialt", "forum", " "),                   # nor does a neuter adjective
    ("pædagogiske", "projekter", " "),
    ("børn/børnefamilier", "med", " "),          # the word at the break is the last of a slash pair
    ("Samtale/", "behandling", ""),              # no space after a slash
    ("HUSRUM", "er en", " "),                    # a word in capitals is not cut into lowercase
    ("målgruppe", "ns behov", ""),               # "-ns" follows a vowel
    ("arbejdsfælles", "skaber.", ""),            # a suffix and an ending: "fælles-skab-er"
    ("Undervisnings", "forløb", None),           # a linking "s": a compound's seam or two words
    ("Københavns", "Kommune", " "),              # a common genitive of its own
    ("børns", "adfærd.", " "),                   # ... and a genitive used on its own before any listed word
    ("Danmarks", "yderområder (8-20", " "),      # ... or compound
    ("interviews", "svarer forældrene", " "),
    ("udarbejde", "metoder", " "),               # a word that starts no compound in the word list
    ("nødvendige", "sociale", " "),
    ("efteruddannelses", "mulighederne", None),  # ... except after a noun suffix ("-else-s")
    ("frivilliges", "aktiviteter er", " "),      # "-es" after another ending in e is a genitive
    ("positioners", "deltagelse i", " "),       # so is "-s" after a plural ("position-er-s")
    ("mænds", "sundhed)", " "),                  # ... an irregular one too, by its lemma ("mænd": "mand")
    ("evalueres", "kvalitativt og", " "),        # a passive in "-eres" ends a word
    ("uddannel", "ses- og", ""),                 # a cut word's rest may carry a suspended hyphen
    ("og", "børne- og", " "),                    # ... a suspended compound is otherwise a word of its own
    ("øjenhøjde", "i en", " "),                  # a word the list lacks that ends in one it holds ("højde")
    ("GFL-metoden", "understøtter", " "),
    ("imødekommenhe", "d,", ""),
    ("Fællesskabsplat", "formen, som", ""),      # a word ending compounds in the list may be a cut word's rest
    ("forebyggende", "anti-mobbeprogram, som", " "),  # a hyphenated next word is judged by its parts
    ("foretrækker", "en-til-en relationer.", " "),
    ("(Menighedsplejer", "ne)", ""),             # "ne" follows a plural
    ("Derudover", "er formålet", " "),           # the list would hold a common word's inflected form
    ("Ledsagel", "se til", ""),                  # a suffix cut in two: "ledsag-else" from "ledsage"
    ("opfølgingsmø", "der med", ""),             # a listed word runs across the break ("møder")
    ("aktivitetskalen", "der, der", ""),         # ... taking in all the listed word before it ("kalender")
    ("Besøgstjene", "sten Røde", ""),
    ("Frederiksbergmuse", "erne", ""),
    ("kvalitative", "interviews svarer", " "),  # a word the lists lack, a listed word, no word together
    ("evaluatør", "primo 2024", " "),
    ("amnestue", "snak i", ""),                # ... unless the first ends in a compound's first part
    ("amnestuesnak", "i Køge.", " "),          # a one-letter word after a listed word ("snak") the list lacks
    ("substitutions", "behandling og", ""),    # ... or a linking "s"
    ("(Alzheimer", "foreningen)", ""),         # ... or the next word ends compounds in the list
])
def test_word_forms_that_end_a_word(before, after, want):
    assert resolve_cuts(before + MAYBE_CUT + after, Lexicon()) == before + (want or "") + after


def test_a_definite_form_of_a_compound_the_list_lacks_takes_no_ending():
    # "våge-tjeneste-n" / "er": the document prints the word, the list has only its last part
    lexicon = Lexicon.from_texts(["hjælp fra Vågetjenesten i nattetimerne"])
    assert resolve_cuts(f"Vågetjenesten{MAYBE_CUT}er til", lexicon) == "Vågetjenesten er til"


def test_a_word_ending_in_a_listed_word_that_the_next_line_does_not_go_on():
    assert Lexicon().ends_in_word("øjenhøjde", "i")
    assert not Lexicon().ends_in_word("frederiksbergmuse", "erne")   # "museerne" is a word
    assert not Lexicon().ends_in_word("imødekommenhe", "d")         # no listed word at its end
    # ... and not where the document prints compounds that start with the word ("rusmiddel-frie")
    lexicon = Lexicon.from_texts(["og rusmiddelfrie fællesskaber"])
    assert resolve_cuts(f"af rusmiddel{MAYBE_CUT}behandling i", lexicon) == "af rusmiddelbehandling i"


def test_a_listed_word_across_the_break_must_take_in_all_of_the_one_before_it():
    assert Lexicon().bridged("opfølgingsmø", "der")          # "mø" / "møder"
    assert not Lexicon().bridged("ensomhed", "en")           # "heden" starts inside a listed word
    assert not Lexicon().bridged("livssituation", "en")      # "situationen" is that word's own ending
    assert not Lexicon().bridged("amnestuesnak", "i")        # no listed word across


def test_a_listed_word_with_an_ending_across_the_break_is_a_cut_word():
    lexicon = Lexicon.from_texts(["en ressourcestærk frivillig"])     # the document prints the word
    assert resolve_cuts(f"og ressource{MAYBE_CUT}stærke voksne.", lexicon) == "og ressourcestærke voksne."
    # ... running two letters or more into the next line: "muliggøre-n" is not "muliggør" / "en"
    lexicon = Lexicon.from_texts(["det giver en højere trivsel"])
    assert resolve_cuts(f"der muliggør{MAYBE_CUT}en højere", lexicon) == "der muliggør en højere"


def test_a_very_common_word_and_a_listed_word_the_list_lacks_together_are_two_words():
    lexicon = Lexicon.from_texts(["empowerment, spejling og sparring"])   # the document prints "spejling"
    assert resolve_cuts(f"familier gennem{MAYBE_CUT}spejling, støtte", lexicon) == "familier gennem spejling, støtte"
    assert resolve_cuts(f"og arbejder{MAYBE_CUT}målrettet for", Lexicon()) == "og arbejder målrettet for"
    # a less common word's compounds and forms are not all listed ("undersøgelse" / "ns")
    assert resolve_cuts(f"I undersøgelse{MAYBE_CUT}ns kvalitative", Lexicon()) == "I undersøgelsens kvalitative"


@pytest.mark.parametrize("text, want", [
    # a listed word form across the break (compounds and forms wordfreq lacks) is a cut word ...
    (f"med ressource{MAYBE_CUT}personer, der", "med ressourcepersoner, der"),
    (f"med osteoporo{MAYBE_CUT}se", "med osteoporose"),
    # ... but not after a common adjective's plural, used on its own ("sygt" is listed)
    (f"overbelastning/syge{MAYBE_CUT}melding pga.", "overbelastning/syge melding pga."),
    # an ending that is also a word goes on only where the form is listed (no "klanger")
    (f"Fællesklang{MAYBE_CUT}er for", "Fællesklang er for"),
    (f"deres selvværd{MAYBE_CUT}er steget", "deres selvværd er steget"),
    (f"Foreningsaktivitet{MAYBE_CUT}er for", "Foreningsaktiviteter for"),
    (f"trykke samtalerum{MAYBE_CUT}er lettere", "trykke samtalerum er lettere"),
    (f"og Velkomstvært{MAYBE_CUT}er synliggøres", "og Velkomstværter synliggøres"),  # a last part's: "værter"
    # a base form wordfreq lacks starts a compound, and so does a noun's plural in "-e" ...
    (f"af rusmiddel{MAYBE_CUT}behandling i", "af rusmiddelbehandling i"),
    (f"med flygtninge{MAYBE_CUT}baggrund.", "med flygtningebaggrund."),
    # ... but no other inflected form, except before a linking "s" ("substitution-s-behandling")
    (f"12 jobkonsulenter{MAYBE_CUT}fordelt over", "12 jobkonsulenter fordelt over"),
    (f"de kommunale{MAYBE_CUT}institutioner.", "de kommunale institutioner."),
    (f"der opbygger{MAYBE_CUT}varige sociale", "der opbygger varige sociale"),
    (f"i substitutions{MAYBE_CUT}behandling og", "i substitutionsbehandling og"),
])
def test_simplemmas_forms_and_lemmas_decide(text, want):
    assert resolve_cuts(text, Lexicon()) == want


def test_the_past_tense_ending_de_follows_an_infinitive_or_a_participle():
    assert Lexicon().inflects("hørehæmme", "de") and Lexicon().inflects("sundhedsfremmen", "de")
    assert not Lexicon().inflects("lokalmiljø", "de")        # a noun: "det lokalmiljø" / "de ønsker"


def test_a_word_ending_in_a_compounds_first_part():
    assert Lexicon().ends_in_head("rusmiddel")       # "middel-" starts compounds
    assert Lexicon().ends_in_head("opfølgings")      # a linking "s"
    assert not Lexicon().ends_in_head("kvalitative")


def test_a_compounds_last_part_may_carry_an_inflection():
    # "plejer-ne", "formidler-en": the list has the part, not its inflected form
    assert resolve_cuts(f"(Menigheds{MAYBE_CUT}plejerne)", Lexicon()) == "(Menighedsplejerne)"
    assert resolve_cuts(f"Fællesskabsformidle{MAYBE_CUT}ren som", Lexicon()) == "Fællesskabsformidleren som"


def test_passives_and_words_the_document_prints_are_no_compound_heads():
    lexicon = Lexicon.from_texts(["at forebygge og mindske mistrivsel", "det evalueres nu", "er kvalitativt god"])
    assert resolve_cuts(f"forebygge{MAYBE_CUT}mistrivsel", lexicon) == "forebygge mistrivsel"
    assert resolve_cuts(f"evalueres{MAYBE_CUT}kvalitativt", lexicon) == "evalueres kvalitativt"


def test_a_word_cut_twice_is_decided_with_whole_words_on_both_sides():
    lexicon = Lexicon.from_texts(["Økonomisk støtte til ekstra pædagogisk aktivitet"])
    cell = f"støtte til ekstra{MAYBE_CUT}pædag{MAYBE_CUT}ogisk aktivitet"
    assert resolve_cuts(cell, lexicon) == "støtte til ekstra pædagogisk aktivitet"


def test_an_ending_that_is_a_function_word_goes_by_what_follows():
    # the document prints "en mulighed" and "er at" as its habits, "er med" only by chance
    texts = ["giver en mulighed for", "det er at mødes", "det er at se", "og med", "vi er med",
             "med", "med", "med", "med", "med", "med", "med", "med", "med", "med"]
    lexicon = Lexicon.from_texts(texts)
    assert resolve_cuts(f"livssituation{MAYBE_CUT}en mulighed", lexicon) == "livssituation en mulighed"
    assert resolve_cuts(f"Evaluering{MAYBE_CUT}en viser", lexicon) == "Evalueringen viser"
    assert resolve_cuts(f"hverdagsaktivitet{MAYBE_CUT}er og", lexicon) == "hverdagsaktiviteter og"
    assert resolve_cuts(f"opfølgingsmød{MAYBE_CUT}er med", lexicon) == "opfølgingsmøder med"
    assert resolve_cuts(f"sygdommen{MAYBE_CUT}er udelukket", lexicon) == "sygdommen er udelukket"
    # a bracket ends the phrase: "er fx" is a habit, "livssituationer (fx" no case of it
    lexicon = Lexicon.from_texts(["en svær livssituation", "det er fx godt"])
    assert resolve_cuts(f"udsatte livssituation{MAYBE_CUT}er (fx unge)", lexicon) == "udsatte livssituationer (fx unge)"


# ---------------------------------------------------------------- markers, footnotes, columns, page numbers

def test_digits_at_85_percent_size_are_markers_when_raised():
    from pipeline.layout import build_lines
    word = chars_of("Broen", 300.0)
    raised = chars_of("12", 300.0 - 3.0, size=7.7, x0=word[-1]["x1"])      # 0.86 x body, baseline 3 pt up
    level = chars_of("12", 300.0 + 1.3, size=7.7, x0=word[-1]["x1"] + 20)  # same size on the baseline: text
    [line] = build_lines(word + raised + level, 9.0, S)
    assert line.text == "Broen[^12] 12"


def test_footnotes_printed_out_of_order_are_kept_when_the_page_cites_them():
    from types import SimpleNamespace
    from pipeline.extract import read_footnotes
    chars = (chars_of("49 Link: https://a.dk/", 700.0, 8.0) + chars_of("51 Link: https://b.dk/", 710.0, 8.0)
             + chars_of("50 Link: https://c.dk/", 720.0, 8.0))
    page = SimpleNamespace(hyperlinks=[])
    notes = read_footnotes(chars, page, 1, S, cited={"49", "5051"})
    assert [n["number"] for n in notes] == [49, 51, 50]
    assert [n["number"] for n in read_footnotes(chars, page, 1, S)] == [49, 50]  # uncited: 51 reads as text


def test_marker_runs_no_page_explains_are_read_across_the_document():
    from pipeline.extract import resolve_orphan_markers
    frags = [{c: "" for c in SOURCE_COLUMN_NAMES} for _ in range(2)]
    frags[0]["initiative"], frags[1]["initiative"] = "A[^110]", "B[^111112]"
    resolve_orphan_markers(frags, {110, 111, 112, 11, 12})
    assert frags[1]["initiative"] == "B[^111][^112]"


def test_an_unruled_column_starts_at_its_aligned_text_edge():
    from pipeline.layout import Header, learn_gutters
    header = Header(0, 10, ((40.0, 90.0), (150.0, 190.0)))
    words = []
    for i, top in enumerate(range(20, 400, 12)):   # justified text in the first column, the second at 140
        gap = 3.0 + (i % 5)                         # word gaps as wide as the gutter and wider
        words += [{"x0": 40.0, "x1": 85.0 + i % 7, "top": top}, {"x0": 85.0 + i % 7 + gap, "x1": 137.5, "top": top},
                  {"x0": 140.0, "x1": 180.0, "top": top}]
    [gutter] = learn_gutters(header, words, LayoutSettings()).gutters
    assert 137.5 < gutter < 140.0


def test_a_page_number_close_to_the_footnotes_goes_where_the_other_pages_have_theirs():
    from pipeline.layout import margin_lines, running_keys, without_furniture
    body = chars_of("1 Link: https://a.dk/", 540.0, 8.0)
    number = chars_of("7", 552.0, 9.0, x0=500.0)            # under the footnote, less than a line away
    keys = set().union(*(running_keys(m) for m in margin_lines(body + number, 595.0, S)))
    assert len(without_furniture(body + number, 595.0, frozenset(), S)) == len(body) + len(number)
    assert len(without_furniture(body + number, 595.0, frozenset(keys), S)) == len(body)


def test_a_printed_url_broken_after_a_question_mark_is_rejoined():
    from pipeline.extract import _join_footnote
    from types import SimpleNamespace
    box = SimpleNamespace(x1=200.0)   # far from the right edge: the typesetter broke at the "?"
    text = _join_footnote(["Link: https://a.dk/trives-bedst/?", "fbclid=IwAR0y"], [box, box], [], 400.0)
    assert text == "Link: https://a.dk/trives-bedst/?fbclid=IwAR0y"
    assert _join_footnote(["Link: https://a.dk/", "(s. 29)"], [box, box], [], 400.0) == "Link: https://a.dk/ (s. 29)"


@pytest.mark.parametrize("lines, joined", [
    # a path segment in capitals after the "/" goes on when it reads as a URL's own word ...
    (["Link: https://a.dk/Publikationer/", "FINAL_Pilot_2018.pdf"], "Link: https://a.dk/Publikationer/FINAL_Pilot_2018.pdf"),
    (["Link: https://a.dk/2021-02/", "Aftenskole%20for%20borgere"], "Link: https://a.dk/2021-02/Aftenskole%20for%20borgere"),
    (["Link: https://a.dk/files/", "Rapport.pdf"], "Link: https://a.dk/files/Rapport.pdf"),
    # ... a capitalised word of prose starts new text
    (["Link: https://a.dk/", "Evaluering af forløbet"], "Link: https://a.dk/ Evaluering af forløbet"),
    (["Link: https://a.dk/", "Se bl.a. rapporten"], "Link: https://a.dk/ Se bl.a. rapporten"),
])
def test_a_printed_url_broken_before_a_capitalised_path_segment_is_rejoined(lines, joined):
    from pipeline.extract import _join_footnote
    from types import SimpleNamespace
    box = SimpleNamespace(x1=200.0)   # far from the right edge: the typesetter broke at the "/"
    assert _join_footnote(lines, [box, box], [], 400.0) == joined


def test_a_footnote_going_on_from_the_previous_page_sits_under_the_separator():
    from pipeline.layout import footnote_area_top
    body = chars_of("Tekst i tabellen", 600.0)
    rest = chars_of("M8", 712.0, 8.0)                           # the end of the last page's footnote
    note = chars_of("105 Link: https://a.dk/", 721.0, 8.0)
    rule = {"top": 708.0, "x0": 40.0, "x1": 150.0}              # the separator, a short rule at the left
    assert footnote_area_top([rule], body + rest + note, 40.0, 500.0, 100.0, 9.0, S) == 708.0
    far = chars_of("105 Link: https://a.dk/", 760.0, 8.0)      # a numbered line only after a gap: not a block
    assert footnote_area_top([rule], body + rest + far, 40.0, 500.0, 100.0, 9.0, S) != 708.0


def test_a_link_address_cut_by_a_page_break_is_joined_without_a_space():
    from pipeline.assemble import join_footnotes
    url = "https://a.dk/?id=41&fbclid=IwAR8M8"
    raw = pd.DataFrame([{"page": 1, "order": 0, "number": 4, "text": "Link: https://a.dk/?id=41&fbclid=IwAR8", "url": url},
                        {"page": 2, "order": 0, "number": None, "text": "M8", "url": url},
                        {"page": 2, "order": 1, "number": 5, "text": "Rapport om", "url": None},
                        {"page": 3, "order": 0, "number": None, "text": "ensomhed", "url": None}])
    notes = join_footnotes(raw)
    assert [n["text"] for n in notes] == [f"Link: {url}", "Rapport om ensomhed"]
