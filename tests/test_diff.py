"""Release diff (pipeline/diff.py): initiatives matched by name and organisations, not by id,
row order or footnote numbers; on tiny tables and end to end on two rendered PDFs."""

import json
import shutil
import re
from pathlib import Path

import pandas as pd
import pytest

from pipeline import stages
from pipeline.diff import (diff_releases, is_empty, keyed, run_diff, to_markdown, write_changes,
                           write_release_changes)
from pipeline.errors import InputError
from pipeline.metadata import TABLES
from pipeline.store import write_parquet
from tests.pdfmaker import Style, make_pdf

# ---------------------------------------------------------------- tiny releases


def initiative(name, orgs=(), **cells):
    rec = {
        "section": "Voksne (18-65 år)",
        "initiative": f"{name} ({', '.join(orgs)})" if orgs else name,
        "target_group": "Voksne", "geography": "Landsdækkende", "content": f"Indhold af {name}",
        "goal": "Mindre ensomhed", "intervention_type": "Aktivitetstilbud", "documentation": None,
        "page_start": 1, "page_end": 1, "name": name, "organisations": list(orgs),
        "age_min": 18, "age_max": 65, "age_text": None, "age_source": "section",
        "municipalities": [], "municipality_codes": [], "regions": [], "geography_scope": "national",
        "delivery": ["in_person"], "online": False, "municipality_count": None,
        "intervention_types": ["Aktivitetstilbud"],
    }
    rec.update(cells)
    return rec


def write_release(folder: Path, initiatives: list[dict], urls: list[list[str]]) -> Path:
    """A processed folder: initiatives in the given (document) order with ids 1..n; urls[i] are the
    footnote links of initiative i, numbered in document order."""
    folder.mkdir(parents=True)
    rows = [{**r, "initiative_id": i} for i, r in enumerate(initiatives, start=1)]
    notes, n = [], 0
    for iid, links in enumerate(urls, start=1):
        for url in links:
            n += 1
            notes.append({"number": n, "initiative_id": iid, "column": "initiative", "text": f"Link: {url}",
                          "url": url, "page": 1})
    for name, df in (("initiatives", pd.DataFrame(rows)),
                     ("footnotes", pd.DataFrame(notes, columns=[f.name for f in TABLES["footnotes"]]))):
        for f in TABLES[name]:
            if f.type == "integer":
                df[f.name] = df[f.name].astype("Int64")
        write_parquet(df, folder / f"{name}.parquet", TABLES[name])
    return folder


BASE = [
    (initiative("Broen", ["Broen Danmark"]), ["https://broen.dk/"]),
    (initiative("DLO", content="Første DLO"), ["https://dlo.dk/1"]),
    (initiative("Familieven", ["Børns Voksenvenner"]), []),
    (initiative("Ventilen", municipalities=["København", "Aarhus"], municipality_codes=["101", "751"],
                geography_scope="municipal"), ["https://ventilen.dk/", "https://ventilen.dk/kort"]),
    (initiative("DLO", content="Anden DLO"), ["https://dlo.dk/2"]),
    (initiative("Familieven", ["Mødrehjælpen"]), ["https://moedrehjaelpen.dk/"]),
]


def release(tmp_path, name, items):
    return write_release(tmp_path / name, [r for r, _ in items], [u for _, u in items])


def test_reordered_rows_and_renumbered_footnotes_are_no_change(tmp_path):
    old = release(tmp_path, "old", BASE)
    # other document order (ids and footnote numbers follow it), the two DLOs still in their order,
    # footnote links of one initiative in another order
    moved = [BASE[3], BASE[5], BASE[1], BASE[0], BASE[4], BASE[2]]
    moved[0] = (moved[0][0], list(reversed(moved[0][1])))
    new = release(tmp_path, "new", moved)
    diff = diff_releases(old, new)
    assert diff == {"added": [], "removed": [], "changed": []} and is_empty(diff)
    assert "Ingen ændringer" in to_markdown(diff, "a", "b")


def test_rows_in_another_file_order_keep_document_order(tmp_path):
    old = release(tmp_path, "old", BASE)
    new = release(tmp_path, "new", BASE)
    from pipeline.store import read_parquet
    df = read_parquet(new / "initiatives.parquet").iloc[::-1]          # same ids, rows stored backwards
    write_parquet(df, new / "initiatives.parquet", TABLES["initiatives"])
    assert is_empty(diff_releases(old, new))


def test_edited_text_municipalities_and_url_are_exactly_those_fields(tmp_path):
    old = release(tmp_path, "old", BASE)
    items = list(BASE)
    items[0] = (initiative("Broen", ["Broen Danmark"], target_group="Børn og unge (6-17 år)"), ["https://broen.dk/"])
    items[3] = (initiative("Ventilen", municipalities=["København", "Odense"], municipality_codes=["101", "461"],
                           geography_scope="municipal"), ["https://ventilen.dk/", "https://ventilen.dk/ny"])
    new = release(tmp_path, "new", items)
    diff = diff_releases(old, new)
    assert diff["added"] == [] and diff["removed"] == []
    changed = {c["key"]: c["fields"] for c in diff["changed"]}
    assert changed == {
        "broen|broen danmark": [{"field": "target_group", "old": "Voksne", "new": "Børn og unge (6-17 år)"}],
        "ventilen|": [
            {"field": "municipalities", "old": ["København", "Aarhus"], "new": ["København", "Odense"]},
            {"field": "footnote_urls", "old": ["https://ventilen.dk/", "https://ventilen.dk/kort"],
             "new": ["https://ventilen.dk/", "https://ventilen.dk/ny"]},
        ],
    }
    assert diff["changed"][0]["name"] == "Broen" and diff["changed"][0]["organisations"] == ["Broen Danmark"]
    json.dumps(diff)   # plain JSON values only
    md = to_markdown(diff, "old", "new")
    assert "| target_group (Målgruppe) | **Voksne** | **Børn og unge (6-17 år)** |" in md
    assert "**Aarhus**" in md and "**Odense**" in md and "**https://ventilen.dk/ny**" in md


def test_release_from_before_delivery_is_compared_without_it(tmp_path):
    """A previous release written before the delivery column existed still diffs; delivery is not compared,
    the other fields are."""
    old = release(tmp_path, "old", BASE)
    from pipeline.store import read_parquet
    df = read_parquet(old / "initiatives.parquet").drop(columns=["delivery"])
    df.to_parquet(old / "initiatives.parquet")
    items = list(BASE)
    items[0] = (initiative("Broen", ["Broen Danmark"], delivery=["phone"], online=True), ["https://broen.dk/"])
    diff = diff_releases(old, release(tmp_path, "new", items))
    assert [(c["key"], [f["field"] for f in c["fields"]]) for c in diff["changed"]] == [
        ("broen|broen danmark", ["online"])]
    both = diff_releases(release(tmp_path, "a", BASE), release(tmp_path, "b", items))
    assert [f["field"] for f in both["changed"][0]["fields"]] == ["delivery", "online"]


def test_added_and_removed(tmp_path):
    old = release(tmp_path, "old", BASE)
    new = release(tmp_path, "new", [*BASE[:2], *BASE[3:], (initiative("Netværkscafé", ["Frivilligcenter Helsingør"],
                                                                       section="Ældre (65+)"), [])])
    diff = diff_releases(old, new)
    assert diff["changed"] == []
    assert diff["removed"] == [{"key": "familieven|børns voksenvenner", "name": "Familieven",
                                "organisations": ["Børns Voksenvenner"], "section": "Voksne (18-65 år)"}]
    assert diff["added"] == [{"key": "netværkscafé|frivilligcenter helsingør", "name": "Netværkscafé",
                              "organisations": ["Frivilligcenter Helsingør"], "section": "Ældre (65+)"}]
    md = to_markdown(diff, "old", "new")
    assert "## Tilføjet / Added (1)" in md and "## Fjernet / Removed (1)" in md and "Changed" not in md


def test_duplicate_names_pair_in_document_order(tmp_path):
    records = [{"name": "DLO", "organisations": []}, {"name": "Familieven", "organisations": ["Mødrehjælpen"]},
               {"name": " dlo ", "organisations": []}, {"name": "Familieven", "organisations": ["Børns Voksenvenner"]}]
    assert list(keyed(records)) == ["dlo|", "familieven|mødrehjælpen", "dlo||#2", "familieven|børns voksenvenner"]
    old = release(tmp_path, "old", BASE)
    items = list(BASE)
    items[4] = (initiative("DLO", content="Anden DLO, ændret"), ["https://dlo.dk/2"])
    diff = diff_releases(old, release(tmp_path, "new", items))
    assert [(c["key"], [f["field"] for f in c["fields"]]) for c in diff["changed"]] == [("dlo||#2", ["content"])]
    assert "occurrence 2" in to_markdown(diff, "old", "new")
    # the second DLO gone: the first keeps its key, the "#2" is removed
    diff = diff_releases(old, release(tmp_path, "fewer", [*BASE[:4], BASE[5]]))
    assert [r["key"] for r in diff["removed"]] == ["dlo||#2"] and diff["changed"] == [] and diff["added"] == []


def test_removing_one_of_two_same_named_rows_is_that_removal(tmp_path):
    """Two "DLO" rows without organisation; the first one removed: one removal, nothing changed."""
    old = release(tmp_path, "old", BASE)
    diff = diff_releases(old, release(tmp_path, "new", [b for i, b in enumerate(BASE) if i != 1]))
    assert diff["changed"] == [] and diff["added"] == []
    assert [(r["key"], r["name"]) for r in diff["removed"]] == [("dlo|", "DLO")]
    md = to_markdown(diff, "old", "new")
    assert "Fjernet / Removed (1)" in md and "Changed" not in md


def test_same_named_rows_reordered_are_no_change(tmp_path):
    old = release(tmp_path, "old", BASE)
    swapped = [BASE[4], BASE[0], BASE[2], BASE[3], BASE[1], BASE[5]]     # the two DLOs trade places
    assert is_empty(diff_releases(old, release(tmp_path, "new", swapped)))


def test_same_named_rows_reordered_one_edited_one_removed(tmp_path):
    three = [(initiative("DLO", content=f"Tilbud nummer {n} for familier", target_group=f"Gruppe {n}"),
              [f"https://dlo.dk/{n}"]) for n in ("et", "to", "tre")]
    old = release(tmp_path, "old", [BASE[0], *three])
    # the third first, its goal edited; the first removed; the second unchanged
    edited = (initiative("DLO", content="Tilbud nummer tre for familier", target_group="Gruppe tre",
                         goal="Mindre ensomhed blandt familier"), ["https://dlo.dk/tre"])
    diff = diff_releases(old, release(tmp_path, "new", [BASE[0], edited, three[1]]))
    assert diff["added"] == []
    assert [r["key"] for r in diff["removed"]] == ["dlo|"]          # first DLO of the old release
    assert [(c["key"], c["fields"]) for c in diff["changed"]] == [
        ("dlo|", [{"field": "goal", "old": "Mindre ensomhed", "new": "Mindre ensomhed blandt familier"}])]


def test_pairing_by_content_prefers_the_most_similar(tmp_path):
    from pipeline.diff import pair_by_content, similarity
    a = {"initiative": "DLO", "content": "Ture og oplevelser for børn", "footnote_urls": ["https://dlo.dk/"]}
    b = {"initiative": "DLO", "content": "Kurser for voksne", "footnote_urls": ["https://dlo.dk/voksne"]}
    b_edited = {**b, "content": "Kurser for voksne og ældre"}
    assert similarity(a, a) == 1.0 and similarity(a, b) < similarity(b, b_edited) < 1.0
    assert pair_by_content([a, b], [b_edited]) == [(1, 0)]
    assert pair_by_content([a, b], [b_edited, a]) == [(0, 1), (1, 0)]
    assert pair_by_content([a, a], [a]) == [(0, 0)]                  # identical rows: document order


def test_key_ignores_case_punctuation_spacing_and_organisation_order(tmp_path):
    old = release(tmp_path, "old", [(initiative("Weekend-Camp", ["Red Barnet Ungdom", "Ældre Sagen"]), [])])
    new = release(tmp_path, "new", [(initiative("weekend  camp", ["ældre sagen", "Red Barnet Ungdom."],
                                                initiative="Weekend-Camp (Red Barnet Ungdom, Ældre Sagen)",
                                                content="Indhold af Weekend-Camp"), [])])
    diff = diff_releases(old, new)
    assert diff["added"] == [] and diff["removed"] == []
    assert [f["field"] for f in diff["changed"][0]["fields"]] == ["organisations"]


def test_long_text_shows_the_changed_words(tmp_path):
    long = " ".join(f"ord{i}" for i in range(80))
    old = release(tmp_path, "old", [(initiative("Broen", content=long), [])])
    new = release(tmp_path, "new", [(initiative("Broen", content=long.replace("ord40", "nyt ord")), [])])
    md = to_markdown(diff_releases(old, new), "old", "new")
    row = next(line for line in md.splitlines() if line.startswith("| content"))
    assert "… ord35 ord36 ord37 ord38 ord39 **ord40** ord41 ord42 ord43 ord44 ord45 …" in row
    assert "**nyt ord**" in row and "ord10 " not in row


def test_run_diff_writes_json_and_missing_inputs_are_input_errors(tmp_path):
    old = release(tmp_path, "old", BASE)
    new = release(tmp_path, "new", BASE[1:])
    out = tmp_path / "diff.json"
    diff = run_diff(old, new, json_path=out)
    assert json.loads(out.read_text(encoding="utf-8")) == diff and len(diff["removed"]) == 1
    write_changes(diff, tmp_path / "CHANGES.md", "a", "b")
    assert (tmp_path / "CHANGES.md").read_text(encoding="utf-8").startswith("# Ændringer / Changes")
    with pytest.raises(InputError, match="no such folder") as e:
        run_diff(tmp_path / "nowhere", new)
    assert e.value.path == str(tmp_path / "nowhere")
    (new / "footnotes.parquet").unlink()
    with pytest.raises(InputError, match="footnotes.parquet: missing"):
        run_diff(old, new)


def test_release_changes_for_export(tmp_path):
    old = release(tmp_path, "old", BASE)
    new = release(tmp_path, "new", BASE[1:])
    assert write_release_changes(tmp_path / "empty", new) is None
    assert write_release_changes(old, new)["removed"][0]["name"] == "Broen"
    assert "Fjernet / Removed (1)" in (new / "CHANGES.md").read_text(encoding="utf-8")
    (old / "footnotes.parquet").write_bytes(b"not parquet")       # an unreadable previous release
    logged = []
    assert write_release_changes(old, new, logged.append) is None
    assert "not a readable Parquet file" in logged[0]


# ---------------------------------------------------------------- end to end on rendered PDFs

# Each row: the seven cells with "{n}" where a footnote marker goes, and the (text, url) of those
# footnotes in order; render() numbers the footnotes in document order, as the document does.
ROWS = {
    "broen": (["Broen (Broen Danmark){n}", "Børn og unge i udsatte familier (6-17 år)", "Landsdækkende",
               "Broen giver støtte til fritidsaktiviteter.", "Målet er deltagelse i fællesskaber.",
               "Aktivitetstilbud", ""], [("Link: https://broen-danmark.dk/", "https://broen-danmark.dk/")]),
    "klubber": (["Ungdomsklubber (Røde Kors){n}", "Unge, der oplever ensomhed", "Aarhus Kommune",
                 "Klubaftener og ferielejre.", "Målet er et frirum.", "Aktivitetstilbud", ""],
                [("Link: https://www.rodekors.dk/klubber", "https://www.rodekors.dk/klubber")]),
    "dlo1": (["DLO{n}", "Børn i udsatte familier", "Landsdækkende", "Ture og oplevelser.", "Fællesskab.",
              "Økonomisk og praktisk støtte", ""], [("Link: https://dlo.dk/", "https://dlo.dk/")]),
    "ventilen": (["Ventilen{n}", "Unge voksne 18-25 år", "Odense Kommune", "Mødesteder for unge.",
                  "Målet er at forebygge ensomhed.", "Opholds- eller mødested", "Kortlægning (2021){n}"],
                 [("Link: https://ventilen.dk/", "https://ventilen.dk/"),
                  ("Mary Fonden (2021): Kortlægning", None)]),
    "cafe": (["Netværkscafé (Frivilligcenter Helsingør){n}", "Voksne med psykiske vanskeligheder",
              "Helsingør Kommune", "Ugentlige caféaftener.", "Nye relationer.", "Socialt forum", ""],
             [("Link: https://frivilligcenter-helsingoer.dk/cafe", "https://frivilligcenter-helsingoer.dk/cafe")]),
    "dlo2": (["DLO{n}", "Voksne i udsatte familier", "Landsdækkende", "Kurser.", "Fællesskab.",
              "Undervisningsforløb", ""], [("Link: https://dlo.dk/voksne", "https://dlo.dk/voksne")]),
    "besoeg": (["Besøgsvenner (Ældre Sagen){n}", "Ældre, der føler sig ensomme", "Hele landet",
                "Frivillige besøger ældre.", "Målet er at bryde ensomheden.", "Besøgsven/mentor",
                "Dokumenteret{n}"],
               [("Link: https://www.aeldresagen.dk/besoegsven", "https://www.aeldresagen.dk/besoegsven"),
                ("Ældre Sagen (2018): Besøgsvenner gør en forskel", None)]),
    "mad": (["Fællesspisning (Madfællesskaber){n}", "Alle", "Region Midtjylland", "Fælles måltider.",
             "Fællesskab om mad.", "Aktivitetstilbud", ""], [("Link: https://madfaellesskaber.dk/",
                                                                "https://madfaellesskaber.dk/")]),
}
RELEASE_1 = [("Børn og unge under 18 år", ["broen", "klubber", "dlo1"]),
             ("Voksne (18-65 år)", ["ventilen", "cafe", "dlo2"]),
             ("Ældre (65+)", ["besoeg"])]


def render(pdf: Path, layout, rows) -> None:
    items, notes = [], {}
    for section, keys in layout:
        items.append(("section", section))
        for key in keys:
            cells, footnotes = rows[key]
            queue = iter(footnotes)
            out = []
            for cell in cells:
                while "{n}" in cell:
                    notes[len(notes) + 1] = next(queue)
                    cell = cell.replace("{n}", f"[^{len(notes)}]", 1)
                out.append(cell)
            items.append(("row", out))
    make_pdf(pdf, items, notes)


def test_two_rendered_releases(tmp_path):
    render(tmp_path / "v1.pdf", RELEASE_1, ROWS)
    rows = dict(ROWS)
    cells, notes = rows["ventilen"]
    rows["ventilen"] = ([*cells[:1], "Unge voksne 18-30 år", *cells[2:]],
                        [("Link: https://www.ventilen.dk/ny", "https://www.ventilen.dk/ny"), notes[1]])
    release_2 = [("Børn og unge under 18 år", ["dlo1", "broen"]),          # klubber dropped, two swapped
                 ("Voksne (18-65 år)", ["ventilen", "dlo2"]),               # cafe dropped, ventilen edited
                 ("Ældre (65+)", ["besoeg"]),
                 ("Alle aldersgrupper", ["mad"])]                           # added
    render(tmp_path / "v2.pdf", release_2, rows)
    for v in ("v1", "v2"):
        stages.run(tmp_path / f"{v}.pdf", tmp_path / v, tmp_path / f"interim_{v}", allow_shrink=True)

    diff = run_diff(tmp_path / "v1", tmp_path / "v2", json_path=tmp_path / "diff.json")
    assert [a["name"] for a in diff["added"]] == ["Fællesspisning"]
    assert [(r["name"], r["organisations"]) for r in diff["removed"]] == [
        ("Ungdomsklubber", ["Røde Kors"]), ("Netværkscafé", ["Frivilligcenter Helsingør"])]
    assert [c["key"] for c in diff["changed"]] == ["ventilen|"]
    fields = {f["field"]: (f["old"], f["new"]) for f in diff["changed"][0]["fields"]}
    assert fields == {"target_group": ("Unge voksne 18-25 år", "Unge voksne 18-30 år"),
                      "age_max": (25, 30),
                      "footnote_urls": (["https://ventilen.dk/"], ["https://www.ventilen.dk/ny"])}
    assert json.loads((tmp_path / "diff.json").read_text(encoding="utf-8")) == diff


# ---------------------------------------------------------------- the bundled release against a changed rendering


def test_bundled_release_against_changed_rendering(bundled_run, tmp_path):
    """Re-render the bundled release's rows with two dropped, two swapped, one edited, one
    re-linked and one added; the diff names exactly those and nothing for the reordering."""
    cols = list(TABLES["initiatives"][2:9])
    ini = pd.read_parquet(bundled_run / "initiatives.parquet")
    notes = pd.read_parquet(bundled_run / "footnotes.parquet")
    rows = ini.to_dict("records")
    by_id = {r["initiative_id"]: r for r in rows}
    linked = sorted(set(notes.loc[notes["url"].notna(), "initiative_id"]))
    dropped, swapped, edited, relinked = (5, 100), (30, 31), 50, next(i for i in linked if i > 60)
    order = [r["initiative_id"] for r in rows if r["initiative_id"] not in dropped]
    a, b = order.index(swapped[0]), order.index(swapped[1])
    order[a], order[b] = order[b], order[a]

    items, footnotes, section = [], {}, None
    for iid in order:
        r = by_id[iid]
        if r["section"] != section:
            section = r["section"]
            items.append(("section", section))
        cells = []
        for f in cols:
            text = r[f.name] if isinstance(r[f.name], str) else ""
            if iid == edited and f.name == "goal":
                text += " Nu også om sommeren."
            for n in notes[(notes["initiative_id"] == iid) & (notes["column"] == f.name)].itertuples():
                number = len(footnotes) + 1
                url = "https://example.dk/ny-side" if iid == relinked else (n.url if isinstance(n.url, str) else None)
                footnotes[number] = (n.text if iid != relinked else f"Link: {url}", url)
                text += f"[^{number}]"
            cells.append(text)
        items.append(("row", cells))
        if iid == order[-1]:
            items.append(("row", ["Nyt fællesskab (Ny Forening)", "Alle", "Aarhus", "Et nyt tilbud.", "Mål.",
                                  "Aktivitetstilbud", ""]))
    pdf = tmp_path / "changed.pdf"
    # a wider type column than the default, so that no type name is wrapped at its hyphen
    # ("Opholds-eller" / "Opholds- eller" cannot be told apart at a line end)
    make_pdf(pdf, items, footnotes, Style(col_widths=(0.12, 0.14, 0.11, 0.19, 0.17, 0.12, 0.15)))
    new = tmp_path / "processed"
    stages.run(pdf, new, tmp_path / "interim")

    diff = diff_releases(bundled_run, new)

    assert sorted(e["name"] for e in diff["removed"]) == sorted(by_id[i]["name"] for i in dropped)
    assert [e["name"] for e in diff["added"]] == ["Nyt fællesskab"]
    # A hyphen at a line end cannot tell "biograf-eller" (as the source writes it) from
    # "biograf- eller": such re-wrapped texts may differ by that space and nothing else.
    def rewrap_only(field):
        hyphen = re.compile(r"-\s+")
        return isinstance(field["old"], str) and hyphen.sub("-", field["old"]) == hyphen.sub("-", field["new"])

    changed = {e["name"]: {f["field"] for f in e["fields"] if not rewrap_only(f)} for e in diff["changed"]}
    changed = {name: fields for name, fields in changed.items() if fields}
    assert changed == {by_id[edited]["name"]: {"goal"}, by_id[relinked]["name"]: {"footnote_urls"}}
    # the same release published over the bundled one writes the changelog beside it
    published = tmp_path / "published"
    shutil.copytree(bundled_run, published)
    stages.run(pdf, published, tmp_path / "interim")
    changes = (published / "CHANGES.md").read_text(encoding="utf-8")
    assert "Nyt fællesskab" in changes and by_id[dropped[0]]["name"] in changes
    assert json.loads((published / "release.json").read_text(encoding="utf-8"))["previous_counts"]["initiatives"] == 209
