"""explorer.html: the data it embeds, a self-contained deterministic page, and a real browser (Selenium driving
headless Chromium) checked against queries over the Parquet files."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from pipeline import explorer

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
FACET_KEYS = [key for key, _, _ in explorer.FACETS]


def _data(page: Path) -> dict:
    text = page.read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="data">(.*?)</script>', text, re.S)
    assert m, "no embedded data"
    return json.loads(m.group(1))


# ---- the data, on tiny frames ----

TINY_INITIATIVES = pd.DataFrame({
    "initiative_id": [2, 1], "section": ["B", "A"], "initiative": ["Two (Org)", "One"], "name": ["Two", "One"],
    "documentation": [None, "Rapport 2020"], "geography": ["Aalborg", "Landsdækkende"],
    "content": ["</script><script>alert(1)</script> & co", "Telefon"],
    "regions": [[], ["Region Hovedstaden"]], "municipalities": [["Aalborg"], []],
    "delivery": [["in_person"], ["phone"]], "intervention_types": [["Rådgivning"], []],
    "geography_scope": ["municipal", "national"], "organisations": [["Org"], []],
})
TINY_FOOTNOTES = pd.DataFrame({"number": [1, 2, 3], "initiative_id": pd.array([1, 1, None], dtype="Int64"),
                               "column": ["content", "initiative", None], "text": ["a", "b", "c"],
                               "url": ["https://a.dk/", "javascript:alert(1)", "https://c.dk/"]})
TINY_MUNIS = pd.DataFrame({"initiative_id": [2], "municipality_code": ["851"], "municipality": ["Aalborg"],
                           "region": ["Region Nordjylland"]})


def test_explorer_data_rows_facets_and_footnotes():
    status = pd.DataFrame({"url": ["https://a.dk/"], "status": ["ok"]})
    data = explorer.explorer_data(TINY_INITIATIVES, TINY_FOOTNOTES, TINY_MUNIS, {"source_title": "T"}, status)
    assert [r["id"] for r in data["rows"]] == [1, 2]                       # document order
    one, two = data["rows"]
    assert two["facet_regions"] == ["Region Nordjylland"]                  # the region of a named municipality
    assert one["facet_regions"] == ["Region Hovedstaden"]                  # a region the geography names
    assert (one["documented"], two["documented"]) == ("yes", "no")
    assert (one["linked"], two["linked"]) == ("yes", "no")
    assert [(n["number"], n["status"]) for n in one["footnotes"]] == [(1, "ok"), (2, None)]
    assert two["footnotes"] == []                                          # footnote 3 belongs to no initiative
    facets = {f["key"]: f for f in data["facets"]}
    assert list(facets) == FACET_KEYS
    assert [v["value"] for v in facets["section"]["values"]] == ["A", "B"]
    assert [v["value"] for v in facets["delivery"]["values"]] == ["in_person", "phone"]  # category order
    assert facets["delivery"]["values"][0]["label"] == "Fremmøde"
    assert "content" in data["search_fields"] and "delivery" in data["search_fields"]
    assert "initiative_id" not in data["search_fields"]


def test_render_keeps_the_data_inside_its_script_tag():
    data = explorer.explorer_data(TINY_INITIATIVES, TINY_FOOTNOTES, TINY_MUNIS, {"source_title": "T <&>"})
    page = explorer.render_explorer(data)
    head, _, rest = page.partition('<script type="application/json" id="data">')
    embedded, _, _ = rest.partition("</script>")
    assert json.loads(embedded) == json.loads(json.dumps(data))            # the whole JSON, nothing cut
    assert "<" not in embedded and "&" not in embedded
    assert "<title>T &lt;&amp;&gt; – søg i initiativerne</title>" in head
    with pytest.raises(ValueError, match="__DATA__"):
        explorer.render_explorer(data, template="<html></html>")


# ---- the page written by export ----

@pytest.fixture(scope="module")
def page(bundled_run):
    path = bundled_run / "explorer.html"
    assert path.exists(), "export did not write explorer.html"
    return path


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_page_is_self_contained_and_embeds_every_initiative(page, processed):
    parser = _Tags()
    parser.feed(page.read_text(encoding="utf-8"))
    assert not [t for t, _ in parser.tags if t in ("link", "iframe", "object", "embed", "base", "img")]
    assert all("src" not in a for t, a in parser.tags if t == "script")
    assert [a.get("type") for t, a in parser.tags if t == "script"] == ["application/json", None]
    data = _data(page)
    ids = processed["initiatives"]["initiative_id"].astype(int).tolist()
    assert [r["id"] for r in data["rows"]] == ids
    notes = processed["footnotes"].dropna(subset=["initiative_id"])
    assert sum(len(r["footnotes"]) for r in data["rows"]) == len(notes)


def test_same_input_same_bytes_in_a_fresh_process(page, bundled_run, tmp_path):
    folder = tmp_path / "processed"
    shutil.copytree(bundled_run, folder)
    env = {**os.environ, "PYTHONHASHSEED": "4321"}
    subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from pipeline.explorer import "
                    "write_explorer; write_explorer(Path(sys.argv[1]))", str(folder)],
                   cwd=ROOT, env=env, check=True, timeout=120)
    assert (folder / "explorer.html").read_bytes() == page.read_bytes()


def test_missing_release_is_an_input_error(tmp_path):
    from pipeline.errors import InputError
    with pytest.raises(InputError, match="initiatives.parquet: missing"):
        explorer.write_explorer(tmp_path)


# ---- the expected counts: queries over the Parquet files ----

FOLD_SQL = ("strip_accents(replace(replace(replace(lower({}), 'æ', 'ae'), 'ø', 'oe'), 'å', 'aa'))")


@pytest.fixture(scope="module")
def db(bundled_run):
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    for name in ("initiatives", "footnotes", "initiative_municipalities"):
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{(bundled_run / f'{name}.parquet').as_posix()}')")
    # one row per initiative and facet value, the way a reader would ask the tables
    con.execute("""
        CREATE VIEW facet AS
        SELECT 'section' AS facet, initiative_id, section AS value FROM initiatives
        UNION ALL SELECT 'geography_scope', initiative_id, geography_scope FROM initiatives
        UNION ALL SELECT 'intervention_types', initiative_id, unnest(intervention_types) FROM initiatives
        UNION ALL SELECT 'municipalities', initiative_id, unnest(municipalities) FROM initiatives
        UNION ALL SELECT 'delivery', initiative_id, unnest(delivery) FROM initiatives
        UNION ALL SELECT 'regions', initiative_id, unnest(regions) FROM initiatives
        UNION ALL SELECT 'regions', initiative_id, region FROM initiative_municipalities
        UNION ALL SELECT 'documented', initiative_id,
            CASE WHEN trim(coalesce(documentation, '')) <> '' THEN 'yes' ELSE 'no' END FROM initiatives
        UNION ALL SELECT 'linked', i.initiative_id,
            CASE WHEN EXISTS (SELECT 1 FROM footnotes f WHERE f.initiative_id = i.initiative_id
                              AND regexp_matches(f.url, '^https?://[^/?#\\s]+')
                              AND NOT regexp_matches(f.url, '/Users/|\\\\Users\\\\')) THEN 'yes' ELSE 'no' END
            FROM initiatives i
    """)
    return con


def expected_counts(db, where: str = "TRUE") -> dict[str, dict[str, int]]:
    rows = db.execute(f"""SELECT facet, value, count(DISTINCT initiative_id) FROM facet
                          WHERE value IS NOT NULL AND initiative_id IN (SELECT initiative_id FROM initiatives
                                                                        WHERE {where})
                          GROUP BY ALL""").fetchall()
    out: dict[str, dict[str, int]] = {}
    for facet, value, n in rows:
        out.setdefault(facet, {})[value] = n
    return out


def count_where(db, where: str) -> int:
    return db.execute(f"SELECT count(*) FROM initiatives WHERE {where}").fetchone()[0]


def search_sql(word: str) -> str:
    text = " || ' ' || ".join(
        f"coalesce(array_to_string({f}, ' '), '')" if f in LIST_COLUMNS else f"coalesce({f}, '')"
        for f in explorer.search_fields())
    return f"contains({FOLD_SQL.format(text)}, '{word}')"


LIST_COLUMNS = {f.name for f in explorer.INITIATIVES if f.type.startswith("list<")}


def has_value(facet: str, value: str) -> str:
    value = value.replace("'", "''")
    return f"initiative_id IN (SELECT initiative_id FROM facet WHERE facet = '{facet}' AND value = '{value}')"


# ---- a real browser ----

@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed (pip install selenium)")
    from selenium.webdriver.chrome.service import Service
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not CHROMIUM.exists() or not Path(driver_path).exists():
        pytest.skip(f"{CHROMIUM} or chromedriver not installed (Debian: apt-get install -y chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1300,1000"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)  # the system driver, no download
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


class Page:
    """The explorer in the browser: what a reader sees and does."""

    def __init__(self, driver, path: Path):
        self.d, self.path = driver, path

    def open(self, fragment: str = "") -> "Page":
        self.d.get("about:blank")  # a new document: a change of fragment alone would not reload the page
        self.d.get(self.path.as_uri() + (f"#{fragment}" if fragment else ""))
        self.wait(lambda: self.d.execute_script("return !!window.explorer"))
        return self

    def wait(self, condition, timeout: float = 10):
        from selenium.webdriver.support.ui import WebDriverWait
        return WebDriverWait(self.d, timeout).until(lambda _: condition())

    def by(self, css: str):
        from selenium.webdriver.common.by import By
        return self.d.find_elements(By.CSS_SELECTOR, css)

    @property
    def shown(self) -> int:
        return int(self.by("#n")[0].text)

    def row_ids(self) -> list[int]:
        return [int(tr.get_attribute("data-id")) for tr in self.by("tr.row")]

    def facet_counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for el in self.by("#facets .count"):
            n = int(el.get_attribute("textContent"))
            if n:
                out.setdefault(el.get_attribute("data-facet"), {})[el.get_attribute("data-value")] = n
        return out

    def tick(self, facet: str, value: str) -> None:
        before = self.d.current_url
        box = [b for b in self.by(f'#facets input[data-facet="{facet}"]') if b.get_attribute("value") == value][0]
        self.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
        box.click()
        self.wait(lambda: self.d.current_url != before)

    def search(self, text: str) -> None:
        before = self.d.current_url
        box = self.by("#q")[0]
        box.clear()
        box.send_keys(text)
        self.wait(lambda: self.d.current_url != before)

    def errors(self) -> list[str]:
        return [e["message"] for e in self.d.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]


@pytest.fixture(scope="module")
def ui(browser, page):
    p = Page(browser, page).open()
    p.errors()  # start the log afresh
    yield p
    assert p.errors() == [], "console errors or warnings during the tests"


def test_shows_every_initiative_with_facet_counts_of_the_parquet_file(ui, db):
    ui.open()
    total = count_where(db, "TRUE")
    assert ui.shown == total and len(ui.row_ids()) == total
    got, want = ui.facet_counts(), expected_counts(db)
    assert set(got) == set(FACET_KEYS) == set(want)
    for key in FACET_KEYS:
        assert got[key] == want[key], key
    assert sum(got["documented"].values()) == total == sum(got["linked"].values())


def test_search_folds_danish_letters_and_case(ui, db):
    ui.open()
    ui.search("AELDRE")
    want = count_where(db, search_sql("aeldre"))
    assert 0 < want < count_where(db, "TRUE")
    assert ui.shown == want == len(ui.row_ids())
    assert "q=AELDRE" in ui.d.current_url
    ui.search("ældre")                                             # the Danish spelling finds the same rows
    assert ui.shown == want
    assert ui.facet_counts() == expected_counts(db, search_sql("aeldre"))


def test_two_facets_combine_survive_a_reload_and_clear(ui, db):
    ui.open()
    section = db.execute("SELECT section FROM initiatives ORDER BY initiative_id LIMIT 1").fetchone()[0]
    ui.tick("section", section)
    ui.tick("delivery", "in_person")
    where = f"{has_value('section', section)} AND {has_value('delivery', 'in_person')}"
    want = count_where(db, where)
    assert 0 < want < count_where(db, has_value("section", section))
    assert ui.shown == want == len(ui.row_ids())
    counts = ui.facet_counts()                                    # other facets: counted within the selection
    assert counts["intervention_types"] == expected_counts(db, where)["intervention_types"]
    url = ui.d.current_url
    assert "delivery=in_person" in url and "section=" in url
    ui.d.refresh()
    ui.wait(lambda: ui.d.execute_script("return !!window.explorer"))
    assert ui.shown == want
    ticked = [(b.get_attribute("data-facet"), b.get_attribute("value")) for b in ui.by("#facets input") if b.is_selected()]
    assert sorted(ticked) == sorted([("section", section), ("delivery", "in_person")])
    ui.open(url.split("#", 1)[1])                                  # the link, opened afresh
    assert ui.shown == want
    ui.by("#clear")[0].click()
    ui.wait(lambda: "#" not in ui.d.current_url)
    assert ui.shown == count_where(db, "TRUE")
    assert not [b for b in ui.by("#facets input") if b.is_selected()]


def test_open_a_row_shows_its_cells_and_footnote_links(ui, processed):
    notes = processed["footnotes"].dropna(subset=["url", "initiative_id"])
    notes = notes[notes["url"].str.match(r"https?://")]
    iid = int(notes["initiative_id"].value_counts().idxmax())     # the initiative with most links
    ui.open()
    button = [b for b in ui.by("button.toggle") if b.get_attribute("data-id") == str(iid)][0]
    ui.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    ui.wait(lambda: ui.by(f'tr.detail[data-id="{iid}"]'))
    detail = ui.by(f'tr.detail[data-id="{iid}"]')[0]
    labels = [dt.text for dt in detail.find_elements("css selector", "dl.cells dt")]
    from pipeline.metadata import SOURCE_COLUMNS
    assert [f.source_label for f in SOURCE_COLUMNS] == labels[:len(SOURCE_COLUMNS)]
    row = processed["initiatives"].set_index("initiative_id").loc[iid]
    assert row["content"].split()[0] in detail.text
    hrefs = [a.get_attribute("href") for a in detail.find_elements("css selector", "ol.notes a")]
    assert sorted(hrefs) == sorted(notes.loc[notes["initiative_id"] == iid, "url"])
    assert f"open={iid}" in ui.d.current_url
    ui.d.refresh()
    ui.wait(lambda: ui.by(f'tr.detail[data-id="{iid}"]'))


def test_sorting_by_a_column_and_back(ui):
    ui.open()
    ui.by('button[data-sort="name"]')[0].click()
    ui.wait(lambda: "sort=name" in ui.d.current_url)
    ascending = ui.row_ids()
    names = ui.d.execute_script("return [...document.querySelectorAll('tr.row button.toggle')].map(b => b.textContent)")
    assert ui.d.execute_script("const n = arguments[0]; return n.every((x, i) => !i || n[i-1].localeCompare(x, 'da') <= 0)",
                               names)
    assert ascending != sorted(ascending)
    ui.by('button[data-sort="name"]')[0].click()
    ui.wait(lambda: "dir=desc" in ui.d.current_url)
    assert ui.row_ids() == ascending[::-1]
    assert ui.by('th[data-key="name"]')[0].get_attribute("aria-sort") == "descending"


def test_csv_download_holds_the_rows_shown(ui, db):
    ui.open("delivery=phone")
    want = count_where(db, has_value("delivery", "phone"))
    assert ui.shown == want > 0
    text = ui.d.execute_script("return window.explorer.csv()")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert [int(r["initiative_id"]) for r in rows] == ui.row_ids()
    assert all("phone" in r["delivery"].split("; ") for r in rows)
    assert list(rows[0]) == [f.name for f in explorer.INITIATIVES]
    ui.by("#csv")[0].click()                                       # the button runs without an error


def test_phone_sized_screen(ui):
    ui.d.set_window_size(390, 844)
    try:
        ui.open()
        width = ui.d.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], width
        assert ui.by("#filters")[0].get_attribute("open") is None   # filters folded away until asked for
        assert not ui.by("th.wide")[0].is_displayed()
        assert ui.by("#q")[0].is_displayed() and ui.by("#csv")[0].is_displayed()
    finally:
        ui.d.set_window_size(1300, 1000)


def test_console_check_is_not_vacuous(ui):
    """The log the module checks at the end does see a script error (and holds none so far)."""
    assert ui.errors() == []
    ui.d.execute_script("setTimeout(() => { console.error('probe-error'); nothing(); }, 0)")
    ui.wait(lambda: ui.d.execute_script("return true"))
    import time
    time.sleep(0.3)
    seen = ui.errors()
    assert any("probe-error" in m for m in seen) and any("nothing" in m for m in seen), seen
