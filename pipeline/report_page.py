"""A self-contained HTML report of a processed release: processed/report.html.

The data preparation is small pure functions of DataFrames; `build_figures`
turns their results into charts (matplotlib, SVG, no pyplot state);
`render_html` lays out one page that loads nothing from outside (charts are
base64 SVG data URIs, CSS inline, no scripts); `write_report` reads the
processed folder and writes the page. The same input gives the same bytes.
"""

from __future__ import annotations

import base64
import io
import os
from dataclasses import dataclass
from html import escape
from pathlib import Path

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from . import reference
from .errors import InputError
from .delivery import is_remote
from .metadata import LINK_BROKEN, LINK_OK, LINK_STATUSES, VALUE_LABELS
from .links import has_working_link
from .normalise import has_documentation
from .quality_report import CHECKS
from .release import LINK_STATUS_PARQUET, QUALITY_JSON, RELEASE_JSON, REPORT_HTML, read_meta, read_quality
from .store import read_parquet

SCOPES = VALUE_LABELS["geography_scope"]  # geography_scope -> (Danish label, English label), in display order
TOP_MUNICIPALITIES = 15
INPUTS = ("initiatives.parquet", "footnotes.parquet", "initiative_municipalities.parquet",
          "initiative_intervention_types.parquet", RELEASE_JSON, QUALITY_JSON)
RC = {"svg.hashsalt": "bilag3-report", "svg.fonttype": "path", "font.family": "DejaVu Sans",
      "font.size": 10, "axes.titlesize": 13, "axes.titleweight": "bold"}
BAR, ACCENT, MUTED = "#3b6ea5", "#e08a2c", "#666666"


# ---- data preparation: pure functions of DataFrames ----

def section_counts(initiatives: pd.DataFrame, labels_en: dict[str, str] | None = None) -> pd.DataFrame:
    """Initiatives per section in document order: section, label_en, initiatives."""
    labels_en = labels_en or {}
    first = initiatives.sort_values("initiative_id").drop_duplicates("section")["section"].tolist()
    counts = initiatives.groupby("section")["initiative_id"].nunique()
    return pd.DataFrame({"section": first, "label_en": [labels_en.get(s, "") for s in first],
                         "initiatives": [int(counts[s]) for s in first]})


def type_counts(types: pd.DataFrame) -> pd.DataFrame:
    """Distinct initiatives per intervention type, most frequent first: intervention_type, label_en, initiatives."""
    out = (types.groupby(["intervention_type", "label_en"])["initiative_id"].nunique()
           .rename("initiatives").reset_index())
    return _by_count(out, "intervention_type")


def region_counts(municipalities: pd.DataFrame) -> pd.DataFrame:
    """Distinct initiatives naming at least one municipality in each region: region, initiatives."""
    out = municipalities.dropna(subset=["region"]).groupby("region")["initiative_id"].nunique()
    return _by_count(out.rename("initiatives").reset_index(), "region")


def top_municipalities(municipalities: pd.DataFrame, n: int = TOP_MUNICIPALITIES) -> pd.DataFrame:
    """The n municipalities named by most initiatives (ties by name): municipality, initiatives."""
    out = municipalities.groupby("municipality")["initiative_id"].nunique()
    return _by_count(out.rename("initiatives").reset_index(), "municipality").head(n).reset_index(drop=True)


def scope_counts(initiatives: pd.DataFrame) -> pd.DataFrame:
    """Initiatives per geography scope, and how many of them reach people remotely (phone, chat or online):
    geography_scope, label_da, label_en, initiatives, online. Known scopes always appear, in SCOPES order."""
    online = remote(initiatives)
    scopes = list(SCOPES) + sorted(set(initiatives["geography_scope"].dropna()) - set(SCOPES))
    rows = []
    for scope in scopes:
        mask = (initiatives["geography_scope"] == scope).fillna(False).astype(bool)
        da, en = SCOPES.get(scope, (scope, scope))
        rows.append({"geography_scope": scope, "label_da": da, "label_en": en,
                     "initiatives": int(mask.sum()), "online": int((mask & online).sum())})
    return pd.DataFrame(rows)


def remote(initiatives: pd.DataFrame) -> pd.Series:
    """Per initiative: any remote delivery (phone, chat or online), from `delivery`; a release written before
    that column existed has only the `online` flag."""
    if "delivery" not in initiatives:
        return initiatives["online"].fillna(False).astype(bool)
    return initiatives["delivery"].map(lambda d: is_remote(list(d))).astype(bool)


def delivery_counts(initiatives: pd.DataFrame) -> pd.DataFrame:
    """Initiatives per delivery category, in category order: delivery, label_da, label_en, initiatives."""
    labels = VALUE_LABELS["delivery"]
    cells = initiatives["delivery"] if "delivery" in initiatives else pd.Series([[]] * len(initiatives))
    counts = {c: int(cells.map(lambda d, c=c: c in list(d)).sum()) for c in labels}
    return pd.DataFrame([{"delivery": c, "label_da": da, "label_en": en, "initiatives": counts[c]}
                         for c, (da, en) in labels.items()])


def evidence_shares(initiatives: pd.DataFrame, footnotes: pd.DataFrame) -> pd.DataFrame:
    """Share of initiatives with documented evaluation and with a working link:
    measure, label_da, label_en, initiatives, total, share (0..1)."""
    total = len(initiatives)
    rows = [("documentation", "Dokumenteret evaluering", "documented evaluation",
             int(has_documentation(initiatives).sum())),
            ("working_link", "Mindst ét brugbart link", "at least one working link",
             int(has_working_link(initiatives, footnotes).sum()))]
    return pd.DataFrame([{"measure": m, "label_da": da, "label_en": en, "initiatives": n, "total": total,
                          "share": n / total if total else 0.0} for m, da, en, n in rows])


def quality_groups(items: pd.DataFrame) -> list[tuple[str, str, pd.DataFrame]]:
    """Quality items grouped by check, CHECKS order first: (check, label, items of that check)."""
    present = list(items["check"].unique())
    order = [c for c in CHECKS if c in present] + sorted(c for c in present if c not in CHECKS)
    return [(c, CHECKS.get(c, ""), items[items["check"] == c].reset_index(drop=True)) for c in order]


def link_health(link_status: pd.DataFrame, initiatives: pd.DataFrame, footnotes: pd.DataFrame) -> pd.DataFrame:
    """Distinct footnote URLs per section (document order) and in all, by the status of the last link check:
    section, urls, then one column per status of LINK_STATUSES, and not_checked for URLs the check did not
    cover. A URL cited in two sections counts in each; URLs are matched to this release's footnotes by text."""
    status = dict(zip(link_status["url"].astype(str), link_status["status"].astype(str)))
    sections = initiatives.sort_values("initiative_id")[["initiative_id", "section"]]
    section_of = dict(zip(sections["initiative_id"].astype(int), sections["section"]))
    order = list(dict.fromkeys(sections["section"]))
    notes = footnotes.dropna(subset=["url"])
    pairs = {(section_of.get(int(i)) if not pd.isna(i) else None, str(u).strip())
             for i, u in zip(notes["initiative_id"], notes["url"]) if str(u).strip()}
    kinds = [*LINK_STATUSES, "not_checked"]
    rows = []
    for section in [*order, None]:
        urls = {u for s, u in pairs if s == section} if section is not None else {u for _, u in pairs}
        counts = {k: 0 for k in kinds}
        for u in urls:
            counts[status.get(u, "not_checked")] = counts.get(status.get(u, "not_checked"), 0) + 1
        rows.append({"section": section if section is not None else "I alt (all)", "urls": len(urls), **counts})
    return pd.DataFrame(rows, columns=["section", "urls", *kinds])


def _by_count(df: pd.DataFrame, key: str) -> pd.DataFrame:
    df = df.assign(initiatives=df["initiatives"].astype(int))
    return df.sort_values(["initiatives", key], ascending=[False, True], kind="stable").reset_index(drop=True)


# ---- charts ----

@dataclass(frozen=True)
class Chart:
    id: str
    title: str    # Danish, as in the chart
    caption: str  # English
    svg: bytes


def _barh(title: str, labels: list[str], values: list[float], xlabel: str, *, labels_en: list[str] | None = None,
          value_text: list[str] | None = None, stacked: list[float] | None = None,
          legend: tuple[str, str] | None = None, xmax: float | None = None) -> Figure:
    """A horizontal bar chart, first item on top, value at each bar's end; English labels on the right axis."""
    n = len(labels)
    # one width for every chart, so all show at the same scale; constrained layout makes room for labels
    fig = Figure(figsize=(10.5, 1.1 + 0.34 * max(n, 1)), layout="constrained")
    ax = fig.add_subplot()
    y = list(range(n))
    bars = ax.barh(y, values, color=BAR, height=0.65, label=legend[0] if legend else None)
    if stacked is not None:
        ax.barh(y, stacked, color=ACCENT, height=0.65, label=legend[1] if legend else None)
    ax.set_yticks(y, labels)
    ax.set_ylim(n - 0.5, -0.5)
    top = xmax if xmax is not None else max(values, default=0) * 1.15 or 1
    ax.set_xlim(0, top)
    texts = value_text or [f"{v:g}" for v in values]
    for bar, text in zip(bars, texts):
        inside = bar.get_width() > 0.6 * top  # a long bar carries its value inside, clear of the right labels
        ax.annotate(text, (bar.get_width(), bar.get_y() + bar.get_height() / 2), xytext=(-4 if inside else 4, 0),
                    textcoords="offset points", va="center", ha="right" if inside else "left", fontsize=9,
                    color="white" if inside else "#222222", fontweight="bold" if inside else "normal")
    if labels_en:
        right = ax.secondary_yaxis("right")
        right.set_yticks(y, labels_en, color=MUTED, fontstyle="italic")
        right.tick_params(length=0)
        right.spines["right"].set_visible(False)
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if legend:
        fig.legend(loc="outside lower center", ncols=2, frameon=False)
    return fig


def _svg(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return buf.getvalue()


def build_figures(initiatives: pd.DataFrame, footnotes: pd.DataFrame, municipalities: pd.DataFrame,
                  types: pd.DataFrame, section_labels_en: dict[str, str] | None = None) -> list[Chart]:
    """Every chart of the report as SVG, from the processed tables."""
    n = len(initiatives)
    sections = section_counts(initiatives, section_labels_en)
    kinds = type_counts(types)
    untyped = n - types["initiative_id"].nunique()
    regions = region_counts(municipalities)
    top = top_municipalities(municipalities)
    scopes = scope_counts(initiatives)
    shares = evidence_shares(initiatives, footnotes)
    online = int(scopes["online"].sum())
    channels = delivery_counts(initiatives)
    specs = [
        ("fig-sections", "Initiativer pr. sektion",
         f"Initiatives per age section of the document, in document order ({n} initiatives in all); "
         "English section names on the right.",
         lambda t: _barh(t, sections["section"].tolist(), sections["initiatives"].tolist(), "Antal initiativer",
                         labels_en=sections["label_en"].tolist())),
        ("fig-types", "Initiativer pr. interventionstype",
         "Initiatives per intervention type: Danish type on the left, English label on the right. "
         f"An initiative can have several types; {untyped} initiative(s) have none.",
         lambda t: _barh(t, kinds["intervention_type"].tolist(), kinds["initiatives"].tolist(), "Antal initiativer",
                         labels_en=kinds["label_en"].tolist())),
        ("fig-regions", "Initiativer pr. region",
         "Initiatives per region: distinct initiatives whose geography names at least one municipality "
         "in the region (an initiative counts once per region).",
         lambda t: _barh(t, regions["region"].tolist(), regions["initiatives"].tolist(), "Antal initiativer")),
        ("fig-municipalities", f"De {len(top)} hyppigst nævnte kommuner",
         f"The {len(top)} municipalities named by most initiatives (distinct initiatives; ties by name).",
         lambda t: _barh(t, top["municipality"].tolist(), top["initiatives"].tolist(), "Antal initiativer")),
        ("fig-scope", "Geografisk rækkevidde",
         f"Geographic reach (geography_scope) of the {n} initiatives: national, regional, municipal or "
         f"unspecified; the orange part reaches people remotely, by phone, chat or online ({online} of {n} "
         "initiatives; see delivery).",
         lambda t: _barh(t, scopes["label_da"].tolist(), scopes["initiatives"].tolist(), "Antal initiativer",
                         labels_en=scopes["label_en"].tolist(), stacked=scopes["online"].tolist(),
                         legend=("Alle (all)", "Heraf telefon, chat eller online (of which remote)"))),
        ("fig-delivery", "Hvordan initiativerne når ud",
         "How the initiatives reach people (delivery, read from the geography and content cells): in person, "
         "phone, chat, online (web, app, video, forum). An initiative can have several; in person also counts "
         "those whose cells describe no remote channel.",
         lambda t: _barh(t, channels["label_da"].tolist(), channels["initiatives"].tolist(), "Antal initiativer",
                         labels_en=channels["label_en"].tolist())),
        ("fig-evidence", "Dokumentation og links",
         "Share of initiatives with documented evaluation (documentation cell not empty) and with at least "
         "one working link (a footnote whose URL is an http(s) address with a host).",
         lambda t: _barh(t, shares["label_da"].tolist(), (shares["share"] * 100).round(1).tolist(),
                         "Andel af initiativer (%)", labels_en=shares["label_en"].tolist(), xmax=100,
                         value_text=[f"{r.initiatives} af {r.total} ({r.share:.0%})"
                                     for r in shares.itertuples()])),
    ]
    with matplotlib.rc_context(RC):
        return [Chart(ident, title, caption, _svg(make(title))) for ident, title, caption, make in specs]


# ---- the page ----

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0 auto;
max-width:1100px;padding:1.5rem;color:#222;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem} h2{margin-top:2.2rem;border-bottom:1px solid #ccc}
.en{color:#666;font-style:italic} .meta{color:#444;font-size:.9rem}
dl.keys{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:.6rem}
dl.keys div{background:#f3f6fa;border-radius:6px;padding:.6rem .8rem} dl.keys dt{font-size:.85rem;color:#555}
dl.keys dd{margin:0;font-size:1.4rem;font-weight:600}
figure{margin:1.5rem 0;padding:0} figure img{display:block;max-width:100%;height:auto}
figcaption{font-size:.9rem;color:#444;margin-top:.4rem}
table{border-collapse:collapse;width:100%;font-size:.88rem;margin:.5rem 0 1rem}
th,td{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3} td.num,th.num{text-align:right;white-space:nowrap} code{font-size:.85rem}
"""


def _key(label_da: str, label_en: str, value: str) -> str:
    return (f'<div><dt>{escape(label_da)} <span class="en">({escape(label_en)})</span></dt>'
            f"<dd>{escape(value)}</dd></div>")


def _quality_html(items: pd.DataFrame) -> str:
    groups = quality_groups(items)
    rows = "".join(f'<tr><td><a href="#q-{escape(c)}"><code>{escape(c)}</code></a></td><td>{escape(label)}</td>'
                   f'<td class="num">{len(g)}</td></tr>' for c, label, g in groups)
    parts = ['<h2 id="quality">Kvalitetsrapport <span class="en">(quality report)</span></h2>',
             f"<p>{len(items)} items: every guess and gap of the run, grouped by check.</p>"]
    if not groups:
        return "\n".join(parts + ["<p>No items.</p>"])
    parts.append('<table><thead><tr><th>check</th><th>what it means</th><th class="num">items</th></tr></thead>'
                 f"<tbody>{rows}</tbody></table>")
    for check, label, group in groups:
        body = "".join(
            f'<tr><td class="num">{"" if pd.isna(r.initiative_id) else int(r.initiative_id)}</td>'
            f'<td>{"" if pd.isna(r.name) else escape(str(r.name))}</td><td>{escape(str(r.detail))}</td></tr>'
            for r in group.itertuples())
        parts.append(f'<h3 id="q-{escape(check)}"><code>{escape(check)}</code> ({len(group)})</h3>'
                     f"<p>{escape(label)}</p><table><thead><tr><th class=\"num\">initiative</th><th>name</th>"
                     f"<th>detail</th></tr></thead><tbody>{body}</tbody></table>")
    return "\n".join(parts)


def _links_html(health: pd.DataFrame | None, checked_at: str) -> str:
    """The link health section: a table of statuses per section, or a note how to get one."""
    head = '<h2 id="links">Linksundhed <span class="en">(link health)</span></h2>'
    if health is None:
        return (f"{head}<p>The footnote links have not been checked. <code>make links</code> (or "
                "<code>python -m pipeline links</code>) checks every URL over HTTP and adds this section.</p>")
    shown = [c for c in health.columns[2:] if c in LINK_OK or int(health[c].sum()) > 0]
    total = health.iloc[-1]
    ok = sum(int(total[c]) for c in LINK_OK)
    broken = sum(int(total[c]) for c in LINK_BROKEN if c in health.columns)
    cols = "".join(f'<th class="num">{escape(c)}</th>' for c in shown)
    body = "".join(
        f"<tr><td>{escape(str(r['section']))}</td><td class=\"num\">{int(r['urls'])}</td>"
        + "".join(f'<td class="num">{int(r[c])}</td>' for c in shown) + "</tr>"
        for r in health.to_dict("records"))
    legend = "".join(f"<li><code>{escape(k)}</code>: {escape(v)}</li>" for k, v in LINK_STATUSES.items()
                     if k in shown)
    return (f"{head}<p>Last check {escape(checked_at)}: {ok} of {int(total['urls'])} distinct URLs answer "
            f"(ok or redirected), {broken} are broken; the broken ones are listed with their initiatives under "
            f'<a href="#q-broken_link"><code>broken_link</code></a> below and in <code>link_status.csv</code>.</p>'
            f'<table><thead><tr><th>section</th><th class="num">URLs</th>{cols}</tr></thead><tbody>{body}</tbody>'
            f"</table><ul>{legend}</ul>")


def render_html(charts: list[Chart], release: dict, quality_items: pd.DataFrame, keys: dict[str, int],
                links_html: str = "") -> str:
    """The page: header with the release, key figures, every chart in a <figure>, the quality items."""
    title = release.get("source_title") or "Bilag 3"
    n = keys.get("initiatives", 0)

    def pct(k: str) -> str:
        return f"{keys.get(k, 0)} ({keys.get(k, 0) / n:.0%})" if n else "0"

    key_html = "".join([
        _key("Initiativer", "initiatives", str(n)),
        _key("Fodnoter", "footnotes", str(keys.get("footnotes", 0))),
        _key("Dokumenteret evaluering", "documented evaluation", pct("documentation")),
        _key("Brugbart link", "working link", pct("working_link")),
        _key("Telefon, chat eller online", "phone, chat or online", str(keys.get("online", 0))),
        _key("Kvalitetspunkter", "quality items", str(len(quality_items))),
    ])
    counts = release.get("counts", {})
    meta = (f"Kilde <span class=\"en\">(source)</span>: <code>{escape(str(release.get('source_file', '')))}</code>, "
            f"sha256 <code>{escape(str(release.get('source_sha256', ''))[:12])}…</code>; pipeline "
            f"{escape(str(release.get('pipeline_version', '')))}; rows: "
            + ", ".join(f"{escape(str(k))} {int(v)}" for k, v in counts.items()))
    figures = "\n".join(
        f'<figure id="{escape(c.id)}"><img src="data:image/svg+xml;base64,{base64.b64encode(c.svg).decode("ascii")}" '
        f'alt="{escape(c.title)}: {escape(c.caption)}"><figcaption><strong>{escape(c.title)}</strong> '
        f'<span class="en">{escape(c.caption)}</span></figcaption></figure>' for c in charts)
    return f"""<!DOCTYPE html>
<html lang="da">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} – rapport</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>{escape(title)}</h1>
<p class="en">Report on the processed release: initiatives against loneliness in Denmark.</p>
<p class="meta">{meta}</p>
</header>
<dl class="keys">{key_html}</dl>
<h2 id="charts">Overblik <span class="en">(overview)</span></h2>
{figures}
{links_html}
{_quality_html(quality_items)}
</body>
</html>
"""


def write_report(out: Path, links: Path | None = None) -> Path:
    """Read the processed release in `out` and write `out/report.html`; return its path.
    The link health comes from `links` (default out/link_status.parquet) when that file exists."""
    out = Path(out)
    links = out / LINK_STATUS_PARQUET if links is None else Path(links)
    for name in INPUTS:
        if not (out / name).exists():
            raise InputError(out / name, "missing; run the pipeline (export) first")
    initiatives = read_parquet(out / "initiatives.parquet")
    footnotes = read_parquet(out / "footnotes.parquet")
    municipalities = read_parquet(out / "initiative_municipalities.parquet")
    types = read_parquet(out / "initiative_intervention_types.parquet")
    release = read_meta(out)
    items = read_quality(out)
    sections = reference.load("sections")
    labels_en = dict(zip(sections["section"], sections["label_en"]))
    charts = build_figures(initiatives, footnotes, municipalities, types, labels_en)
    shares = evidence_shares(initiatives, footnotes).set_index("measure")["initiatives"]
    keys = {"initiatives": len(initiatives), "footnotes": len(footnotes),
            "documentation": int(shares["documentation"]), "working_link": int(shares["working_link"]),
            "online": int(remote(initiatives).sum())}
    links_html = _links_html(None, "")
    if links.is_file():
        from .store import parquet_metadata
        link_status = read_parquet(links)
        links_html = _links_html(link_health(link_status, initiatives, footnotes),
                                 parquet_metadata(links).get("checked_at", ""))
    path, tmp = out / REPORT_HTML, out / f".{REPORT_HTML}.tmp"
    tmp.write_text(render_html(charts, release, items, keys, links_html), encoding="utf-8", newline="\n")
    os.replace(tmp, path)  # never a half-written page
    return path
