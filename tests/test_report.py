"""The HTML report: data preparation on tiny frames, a self-contained deterministic page, and a real browser."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from pipeline import report_page as report
from pipeline.quality_report import CHECKS

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
FIGURE_IDS = ["fig-sections", "fig-types", "fig-regions", "fig-municipalities", "fig-scope", "fig-delivery",
              "fig-evidence"]


# ---- data preparation ----

def test_section_counts_in_document_order_with_english_labels():
    df = pd.DataFrame({"initiative_id": [1, 2, 3, 4], "section": ["B", "B", "A", "B"]})
    out = report.section_counts(df, {"B": "Bee"})
    assert out.to_dict("records") == [{"section": "B", "label_en": "Bee", "initiatives": 3},
                                      {"section": "A", "label_en": "", "initiatives": 1}]


def test_type_counts_distinct_initiatives_most_frequent_first():
    df = pd.DataFrame({"initiative_id": [1, 1, 2, 3, 3],
                       "intervention_type": ["Rådgivning", "Rådgivning", "Database", "Rådgivning", "Database"],
                       "label_en": ["Counselling/advice", "Counselling/advice", "Database", "Counselling/advice",
                                    "Database"]})
    out = report.type_counts(df)
    assert out[["intervention_type", "initiatives"]].values.tolist() == [["Database", 2], ["Rådgivning", 2]]
    assert out["label_en"].tolist() == ["Database", "Counselling/advice"]


MUNIS = pd.DataFrame({
    "initiative_id": [1, 1, 1, 2, 3, 3],
    "municipality_code": ["101", "147", "751", "101", "751", "461"],
    "municipality": ["København", "Frederiksberg", "Aarhus", "København", "Aarhus", "Odense"],
    "region": ["Region Hovedstaden", "Region Hovedstaden", "Region Midtjylland", "Region Hovedstaden",
               "Region Midtjylland", "Region Syddanmark"],
})


def test_region_counts_count_each_initiative_once_per_region():
    out = report.region_counts(MUNIS)
    # initiative 1 names two municipalities in Hovedstaden: counted once there
    assert out.values.tolist() == [["Region Hovedstaden", 2], ["Region Midtjylland", 2], ["Region Syddanmark", 1]]


def test_top_municipalities_limit_and_ties_by_name():
    out = report.top_municipalities(MUNIS, n=3)
    assert out.values.tolist() == [["Aarhus", 2], ["København", 2], ["Frederiksberg", 1]]


def test_scope_counts_keep_every_scope_and_count_online():
    df = pd.DataFrame({"geography_scope": ["national", "national", "municipal"],
                       "delivery": [["phone"], ["in_person"], ["in_person"]]})
    out = report.scope_counts(df).set_index("geography_scope")
    assert list(out.index) == ["national", "regional", "municipal", "unspecified"]
    assert out["initiatives"].tolist() == [2, 0, 1, 0]
    assert out["online"].tolist() == [1, 0, 0, 0]
    assert out.loc["national", "label_da"] == "Landsdækkende"


def test_remote_and_delivery_counts_read_delivery():
    df = pd.DataFrame({"delivery": [["in_person"], ["in_person", "chat"], ["phone"], ["online"]],
                       "online": [True, False, False, False]})   # delivery wins over a stale online flag
    assert report.remote(df).tolist() == [False, True, True, True]
    out = report.delivery_counts(df).set_index("delivery")["initiatives"]
    assert out.to_dict() == {"in_person": 2, "phone": 1, "chat": 1, "online": 1}
    old = pd.DataFrame({"online": pd.array([True, None], dtype="boolean")})   # a release without delivery
    assert report.remote(old).tolist() == [True, False]


INITIATIVES = pd.DataFrame({
    "initiative_id": pd.array([1, 2, 3, 4], dtype="Int64"),
    "documentation": pd.array(["Evaluering 2020", None, "  ", "Rapport"], dtype="string"),
})
FOOTNOTES = pd.DataFrame({
    "number": [1, 2, 3, 4, 5, 6],
    "initiative_id": pd.array([1, 2, 2, 3, None, 4], dtype="Int64"),
    "url": pd.array(["https://example.dk/a", "file:///C:/Users/x.docx", None, "www.example.dk",
                     "https://orphan.dk", "http://example.dk"], dtype="string"),
})


def test_has_documentation_ignores_empty_and_blank_cells():
    assert report.has_documentation(INITIATIVES).tolist() == [True, False, False, True]


def test_has_working_link_needs_an_http_url_with_a_host():
    # 2: local file and no URL; 3: no scheme; the orphan footnote belongs to no initiative
    assert report.has_working_link(INITIATIVES, FOOTNOTES).tolist() == [True, False, False, True]


def test_evidence_shares():
    out = report.evidence_shares(INITIATIVES, FOOTNOTES).set_index("measure")
    assert out.loc["documentation", ["initiatives", "total", "share"]].tolist() == [2, 4, 0.5]
    assert out.loc["working_link", ["initiatives", "share"]].tolist() == [2, 0.5]


def test_quality_groups_follow_checks_order_unknown_checks_last():
    items = pd.DataFrame({"check": ["unusable_url", "zzz_new", "ambiguous_age", "unusable_url"],
                          "initiative_id": [1, None, 2, 3], "name": ["a", None, "b", "c"],
                          "detail": ["x", "y", "z", "w"]})
    groups = report.quality_groups(items)
    assert [(c, len(g)) for c, _, g in groups] == [("ambiguous_age", 1), ("unusable_url", 2), ("zzz_new", 1)]
    assert groups[0][1] == CHECKS["ambiguous_age"] and groups[2][1] == ""


def test_render_html_escapes_all_text():
    chart = report.Chart("fig-x", "<b>titel</b>", 'cap "&" <i>', b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    items = pd.DataFrame({"check": ["unknown_place"], "initiative_id": [7], "name": ["<script>alert(1)</script>"],
                          "detail": ["Ø & <Å>"]})
    page = report.render_html([chart], {"source_title": "T <&>"}, items, {"initiatives": 1})
    assert "<script" not in page and "<b>titel" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "Ø &amp; &lt;Å&gt;" in page
    assert "T &lt;&amp;&gt;" in page and "cap &quot;&amp;&quot; &lt;i&gt;" in page


# ---- the page written from a real release ----

def test_missing_release_is_an_input_error(tmp_path):
    from pipeline.errors import InputError
    with pytest.raises(InputError, match="initiatives.parquet: missing"):
        report.write_report(tmp_path)


@pytest.fixture(scope="module")
def release_copy(bundled_run, tmp_path_factory):
    folder = tmp_path_factory.mktemp("report") / "processed"
    shutil.copytree(bundled_run, folder)
    return folder


@pytest.fixture(scope="module")
def page(release_copy):
    path = report.write_report(release_copy)
    assert path == release_copy / "report.html"
    return path


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.figcaptions = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self.figcaptions += tag == "figcaption"


def _parse(path: Path) -> _Tags:
    parser = _Tags()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_chart_is_a_figure_with_caption_and_an_svg(page):
    tags = _parse(page)
    figures = [a["id"] for t, a in tags.tags if t == "figure"]
    assert figures == FIGURE_IDS
    assert tags.figcaptions == len(FIGURE_IDS)
    images = [a for t, a in tags.tags if t == "img"]
    assert len(images) == len(FIGURE_IDS)
    for img in images:
        head, data = img["src"].split(",", 1)
        assert head == "data:image/svg+xml;base64"
        assert b"<svg" in base64.b64decode(data)
        assert img["alt"]


def test_page_is_self_contained(page):
    tags = _parse(page)
    assert not [t for t, _ in tags.tags if t in ("script", "link", "iframe", "object", "embed", "base")]
    refs = [v for _, a in tags.tags for k, v in a.items() if k in ("src", "href", "srcset", "poster", "data")]
    assert all(r.startswith(("data:", "#")) for r in refs), [r[:60] for r in refs if not r.startswith("data:")]
    text = page.read_text(encoding="utf-8")
    assert "url(" not in text and "@import" not in text


def test_page_shows_the_quality_items_and_the_figures(page, release_copy):
    text = page.read_text(encoding="utf-8")
    items = json.loads((release_copy / "quality_report.json").read_text(encoding="utf-8"))["counts"]
    for check, n in items.items():
        assert f'<h3 id="q-{check}"><code>{check}</code> ({n})</h3>' in text
    assert "Initiativer pr. sektion" in text and "Initiatives per age section" in text


def test_same_input_same_bytes_in_a_fresh_process(page, release_copy, tmp_path):
    first = page.read_bytes()
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from pipeline.report_page import "
                    "write_report; write_report(Path(sys.argv[1]))", str(release_copy)],
                   cwd=ROOT, env=env, check=True, timeout=120)
    assert page.read_bytes() == first


# ---- a real headless browser ----

# Injected into a copy of the page: records errors (scripts, failed resources, console.error) and, once the
# page has loaded, each figure's chart size and every resource the page fetched, into <pre id="check">.
PROBE = """<script>
window.__errors = [];
window.addEventListener('error', e => window.__errors.push(String(e.message || (e.target && e.target.tagName))), true);
const origError = console.error;
console.error = (...a) => { window.__errors.push(a.join(' ')); origError(...a); };
window.addEventListener('load', () => {
  const figures = [...document.querySelectorAll('figure')].map(f => {
    const c = f.querySelector('img, svg'); const r = c ? c.getBoundingClientRect() : {width: 0, height: 0};
    return {id: f.id, width: r.width, height: r.height, natural: (c && c.naturalWidth) || 0};
  });
  const fetched = performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith('data:'));
  const pre = document.createElement('pre'); pre.id = 'check';
  pre.textContent = JSON.stringify({errors: window.__errors, figures, fetched});
  document.body.appendChild(pre);
});
</script>"""


def _browse(html: str, tmp_path: Path) -> tuple[dict, str]:
    """Load the page with the probe in headless Chromium; the probe's result and Chromium's stderr."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed (Debian: apt-get install -y chromium)")
    probed = tmp_path / "probed.html"
    probed.write_text(html.replace("<head>", "<head>\n" + PROBE, 1), encoding="utf-8")
    cmd = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
           "--window-size=1200,3000", "--virtual-time-budget=5000", "--dump-dom", probed.as_uri()]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    start = done.stdout.find('<pre id="check">')
    assert start >= 0, f"no probe result (exit {done.returncode}):\n{done.stderr[-2000:]}"
    end = done.stdout.index("</pre>", start)
    raw = done.stdout[start + len('<pre id="check">'):end]
    return json.loads(raw.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")), done.stderr


def _console(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


def test_report_renders_in_chromium_without_errors(page, tmp_path):
    result, stderr = _browse(page.read_text(encoding="utf-8"), tmp_path)
    assert result["errors"] == [] and _console(stderr) == []
    assert result["fetched"] == []
    assert [f["id"] for f in result["figures"]] == FIGURE_IDS
    for f in result["figures"]:
        assert f["natural"] > 100 and f["width"] > 100 and f["height"] > 50, f


def test_browser_probe_catches_a_broken_page(tmp_path):
    """The probe is not vacuous: a broken chart and a script error are seen."""
    broken = ('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><figure id="f">'
              '<img src="data:image/svg+xml;base64,AAAA"><figcaption>x</figcaption></figure>'
              '<script>nothing();</script></body></html>')
    result, stderr = _browse(broken, tmp_path)
    assert result["figures"][0]["natural"] == 0
    assert any("nothing" in e for e in result["errors"]) and "IMG" in result["errors"]
    assert any("Uncaught" in line for line in _console(stderr))
