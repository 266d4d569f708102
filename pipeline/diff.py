"""Release diff: what changed between two processed folders, as data and as a changelog.

Initiatives are matched by a stable key, not by `initiative_id`, row order or
footnote numbers: the normalised name and the set of normalised organisations
(casefolded, punctuation dropped, whitespace collapsed; organisations sorted).
Several initiatives with the same key (one name twice, no organisation) are paired
by content, not by order: the old and new ones with the most similar source cells
and footnote URLs first (`pair_by_content`), so removing one of two same-named
rows reports that one removed and the other unchanged. The second and later ones
of a key get an occurrence counter in their key, in their own release's document
order: "navn|", "navn||#2".

    diff_releases(old, new) -> {"added": [...], "removed": [...], "changed": [...]}

Every entry has "key", "name" and "organisations" (added and removed entries
also "section"); a changed entry has "fields": [{"field", "old", "new"}, ...]
for each compared field that differs (COMPARED_FIELDS, "footnote_urls" last).
Values are JSON-ready: str, int, bool, list or None for missing.
`to_markdown` renders the diff as a changelog, `write_changes` writes it,
`run_diff` is what the CLI calls, `write_release_changes` what export calls.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pandas as pd

from .errors import InputError
from .metadata import INITIATIVES, SOURCE_COLUMNS, SOURCE_COLUMN_NAMES, TYPES
from .release import CHANGES_MD, meta_or_empty
from .store import is_missing, read_parquet

TEXT_FIELDS: tuple[str, ...] = ("section", *SOURCE_COLUMN_NAMES)
DERIVED_FIELDS: tuple[str, ...] = ("organisations", "age_min", "age_max", "age_source", "municipalities",
                                   "regions", "geography_scope", "delivery", "online", "municipality_count",
                                   "intervention_types")
# The typed comparison: each field's type as pipeline/metadata.py declares it; footnote_urls is the diff's own.
FIELD_TYPES: dict[str, str] = {**{f.name: f.type for f in INITIATIVES}, "footnote_urls": "list<string>"}
COMPARED_FIELDS: tuple[str, ...] = (*TEXT_FIELDS, *DERIVED_FIELDS, "footnote_urls")

# Fields that later pipeline versions added: a release written before has none, and they are not compared there.
LATER_FIELDS = frozenset({"delivery"})
INITIATIVE_COLUMNS = ("initiative_id", "name", *TEXT_FIELDS, *(f for f in DERIVED_FIELDS if f not in LATER_FIELDS))
ABSENT = object()
FOOTNOTE_COLUMNS = ("initiative_id", "url")

LABELS = {f.name: f"{f.name} ({f.source_label})" for f in SOURCE_COLUMNS}
LABELS.update(section="section (Aldersgruppe)", footnote_urls="footnote_urls (fodnotelinks)")

# Shortening in the changelog: texts up to LONG characters are shown whole,
# longer ones as the changed words with CONTEXT words either side.
LONG = 160
CONTEXT = 5
MAX_CHANGED_WORDS = 40
EMPTY = "—"


# ---------------------------------------------------------------- keys


def normalise_text(s) -> str:
    """Casefolded, punctuation-free, whitespace-collapsed form used in keys."""
    if s is None or is_missing(s):
        return ""
    s = unicodedata.normalize("NFKC", str(s)).casefold()
    s = re.sub(r"['’`´]", "", s)            # "children's" = "childrens"
    s = re.sub(r"[\W_]+", " ", s)            # other punctuation separates words
    return " ".join(s.split())


def base_key(name, organisations) -> str:
    """Name and sorted organisation set, normalised: "familieven|mødrehjælpen"."""
    n = normalise_text(name) or " ".join(str(name or "").casefold().split())
    orgs = sorted({o for o in (normalise_text(x) for x in (organisations or [])) if o})
    return f"{n}|{','.join(orgs)}"


def keyed(records: list[dict]) -> dict[str, dict]:
    """Records (in document order) by key; the n-th record (n >= 2) with one base key gets "|#n"."""
    seen: dict[str, int] = defaultdict(int)
    out: dict[str, dict] = {}
    for r in records:
        base = base_key(r["name"], r["organisations"])
        seen[base] += 1
        out[base if seen[base] == 1 else f"{base}|#{seen[base]}"] = r
    return out


# ---------------------------------------------------------------- reading


def _is_list(field: str) -> bool:
    return TYPES[FIELD_TYPES.get(field, "string")].pandas is None


def _value(field: str, v):
    """A cell as a plain JSON value: str/int/bool/list[str], None for missing or empty text."""
    kind = FIELD_TYPES.get(field, "string")
    if _is_list(field):
        if v is None or (not hasattr(v, "__len__") and is_missing(v)):
            return []
        return [str(x) for x in v if x is not None and not is_missing(x)]
    if v is None or is_missing(v):
        return None
    if kind == "integer":
        return int(v)
    if kind == "boolean":
        return bool(v)
    s = str(v).strip()
    return s or None


def _read(folder: Path, name: str, columns: tuple[str, ...]) -> pd.DataFrame:
    path = folder / f"{name}.parquet"
    if not path.is_file():
        raise InputError(path, "missing; not a processed release folder")
    try:
        df = read_parquet(path)
    except Exception as e:  # noqa: BLE001 - any unreadable file is an input problem
        raise InputError(path, f"not a readable Parquet file ({e})") from None
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(path, f"missing column(s) {', '.join(missing)}")
    return df


def _check_folder(folder: Path) -> Path:
    folder = Path(folder)
    if not folder.exists():
        raise InputError(folder, "no such folder")
    if not folder.is_dir():
        raise InputError(folder, "not a folder")
    return folder


def initiative_records(folder: Path) -> list[dict]:
    """The initiatives of a processed folder in document order, as plain dicts with footnote_urls."""
    folder = _check_folder(folder)
    initiatives = _read(folder, "initiatives", INITIATIVE_COLUMNS)
    footnotes = _read(folder, "footnotes", FOOTNOTE_COLUMNS)
    urls: dict[int, set[str]] = defaultdict(set)
    for iid, url in zip(footnotes["initiative_id"], footnotes["url"]):
        url = _value("url", url)
        if url and not is_missing(iid):
            urls[int(iid)].add(url)
    order = initiatives.reset_index(drop=True)
    order = order.assign(_row=range(len(order))).sort_values(["initiative_id", "_row"], kind="stable",
                                                             na_position="last")
    records = []
    for row in order.to_dict("records"):
        rec = {f: _value(f, row[f]) if f in row else ABSENT for f in ("name", *TEXT_FIELDS, *DERIVED_FIELDS)}
        iid = None if is_missing(row["initiative_id"]) else int(row["initiative_id"])
        rec["footnote_urls"] = sorted(urls.get(iid, ())) if iid is not None else []
        records.append(rec)
    return records


# ---------------------------------------------------------------- diff


def _entry(key: str, rec: dict, with_section: bool = False) -> dict:
    out = {"key": key, "name": rec["name"], "organisations": list(rec["organisations"])}
    if with_section:
        out["section"] = rec["section"]
    return out


def _words(v) -> list[str]:
    return normalise_text(v).split()


def similarity(a: dict, b: dict) -> float:
    """0..1: how alike two records' seven source cells and footnote URLs are (mean over the eight)."""
    scores = []
    for f in SOURCE_COLUMN_NAMES:
        x, y = _words(a.get(f)), _words(b.get(f))
        scores.append(1.0 if x == y else difflib.SequenceMatcher(None, x, y, autojunk=False).ratio())
    ua, ub = set(a.get("footnote_urls") or ()), set(b.get("footnote_urls") or ())
    scores.append(len(ua & ub) / len(ua | ub) if ua | ub else 1.0)
    return sum(scores) / len(scores)


def pair_by_content(old: list[dict], new: list[dict]) -> list[tuple[int, int]]:
    """Pairs (i, j) of old[i] with new[j], most similar first; ties in document order.

    Greedy on the similarity matrix: the groups that share a key are a handful of
    rows, and greedy keeps identical rows paired whatever else changed."""
    scored = sorted(((-similarity(a, b), i, j) for i, a in enumerate(old) for j, b in enumerate(new)))
    used_i, used_j, pairs = set(), set(), []
    for _, i, j in scored:
        if i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def _groups(records: list[dict]) -> dict[str, list[tuple[str, dict]]]:
    """Records by base key, each group in document order with its occurrence key (see `keyed`)."""
    groups: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for key, rec in keyed(records).items():
        groups[base_key(rec["name"], rec["organisations"])].append((key, rec))
    return groups


def diff_records(old: list[dict], new: list[dict]) -> dict:
    """Diff two lists of initiative records (as initiative_records gives them), each in document order."""
    a, b = _groups(old), _groups(new)
    matched_old, pairs = set(), {}
    for base in b.keys() & a.keys():
        olds, news = a[base], b[base]
        for i, j in pair_by_content([r for _, r in olds], [r for _, r in news]):
            matched_old.add(olds[i][0])
            pairs[news[j][0]] = olds[i][1]
    added = [_entry(k, r, True) for k, r in keyed(new).items() if k not in pairs]
    removed = [_entry(k, r, True) for k, r in keyed(old).items() if k not in matched_old]
    changed = []
    for k, r in keyed(new).items():
        if k not in pairs:
            continue
        before = pairs[k]
        fields = [{"field": f, "old": before[f], "new": r[f]} for f in COMPARED_FIELDS
                  if before[f] is not ABSENT and r[f] is not ABSENT and before[f] != r[f]]
        if fields:
            changed.append({**_entry(k, r), "fields": fields})
    return {"added": added, "removed": removed, "changed": changed}


def diff_releases(old: Path, new: Path) -> dict:
    """What changed from the processed folder `old` to `new` (see the module doc for the shape)."""
    return diff_records(initiative_records(Path(old)), initiative_records(Path(new)))


def is_empty(diff: dict) -> bool:
    return not (diff["added"] or diff["removed"] or diff["changed"])


# ---------------------------------------------------------------- changelog


def _esc(s: str) -> str:
    """Text safe inside a Markdown table cell."""
    return (s.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*")
            .replace("\r", " ").replace("\n", " ").replace("<", "&lt;"))


def _bold(words: list[str]) -> str:
    if not words:
        return ""
    if len(words) > MAX_CHANGED_WORDS:
        half = MAX_CHANGED_WORDS // 2
        words = [*words[:half], f"…[{len(words) - 2 * half} ord/words]…", *words[-half:]]
    return "**" + _esc(" ".join(words)) + "**"


def _text_pair(old: str | None, new: str | None) -> tuple[str, str]:
    """Old and new text for the table, the changed words in bold ("‸" where words were inserted
    or deleted): whole when short, else only the changes with CONTEXT words either side."""
    if old is None or new is None:
        return _clip(old), _clip(new)
    if old.split() == new.split():                     # whitespace only: make it visible
        return _esc(repr(old)), _esc(repr(new))
    context = 10 ** 9 if len(old) <= LONG and len(new) <= LONG else CONTEXT
    a, b = old.split(), new.split()
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    # hunks of changed opcodes whose contexts touch
    hunks: list[list[tuple]] = []
    for op in ops:
        if op[0] == "equal":
            continue
        if hunks and op[1] - hunks[-1][-1][2] <= 2 * context:
            hunks[-1].append(op)
        else:
            hunks.append([op])
    old_parts, new_parts = [], []
    for hunk in hunks:
        i1, j1 = hunk[0][1], hunk[0][3]
        i2, j2 = hunk[-1][2], hunk[-1][4]
        lo_a, lo_b = max(0, i1 - context), max(0, j1 - context)
        hi_a, hi_b = min(len(a), i2 + context), min(len(b), j2 + context)
        sa, sb = [], []
        if lo_a:
            sa.append("…")
        if lo_b:
            sb.append("…")
        sa.append(_esc(" ".join(a[lo_a:i1])))
        sb.append(_esc(" ".join(b[lo_b:j1])))
        prev_a, prev_b = i1, j1
        for tag, x1, x2, y1, y2 in hunk:
            sa.append(_esc(" ".join(a[prev_a:x1])))
            sb.append(_esc(" ".join(b[prev_b:y1])))
            sa.append(_bold(a[x1:x2]) if x2 > x1 else "‸")  # ‸ marks where words were inserted
            sb.append(_bold(b[y1:y2]) if y2 > y1 else "‸")  # ... or deleted
            prev_a, prev_b = x2, y2
        sa.append(_esc(" ".join(a[i2:hi_a])))
        sb.append(_esc(" ".join(b[j2:hi_b])))
        if hi_a < len(a):
            sa.append("…")
        if hi_b < len(b):
            sb.append("…")
        old_parts.append(" ".join(p for p in sa if p))
        new_parts.append(" ".join(p for p in sb if p))
    return " ".join(old_parts), " ".join(new_parts)


def _clip(text: str | None) -> str:
    """A whole text (or the empty mark); a long one as its first words and the number left out."""
    if text is None:
        return EMPTY
    if len(text) <= LONG:
        return _esc(text)
    words, shown = text.split(), []
    while len(" ".join(shown + words[len(shown):len(shown) + 1])) <= LONG:
        shown.append(words[len(shown)])
    shown = shown or words[:1]
    return _esc(" ".join(shown)) + f" … (+ {len(words) - len(shown)} ord/words)"


def _list_pair(old: list, new: list) -> tuple[str, str]:
    """Lists with the items only on one side in bold; long lists as those items and a count of the rest."""
    if not old and not new:
        return EMPTY, EMPTY
    gone, came = [x for x in old if x not in new], [x for x in new if x not in old]
    if sorted(old) == sorted(new) or len("; ".join(old + new)) <= 2 * LONG:
        def show(items, marked):
            return "; ".join(f"**{_esc(x)}**" if x in marked else _esc(x) for x in items) or EMPTY
        return show(old, gone), show(new, came)

    def short(items, marked):
        rest = len(items) - len(marked)
        parts = [f"**{_esc(x)}**" for x in marked]
        if rest:
            parts.append(f"(+ {rest} {'uændret/unchanged'})")
        return "; ".join(parts) or EMPTY
    return short(old, gone), short(new, came)


def _scalar(v) -> str:
    if v is None:
        return EMPTY
    if isinstance(v, bool):
        return "ja / true" if v else "nej / false"
    return _esc(str(v))


def format_change(field: str, old, new) -> tuple[str, str]:
    """The old and new cell of one changed field in the changelog table."""
    if _is_list(field):
        return _list_pair(old or [], new or [])
    if field in TEXT_FIELDS:
        return _text_pair(old, new)
    return _scalar(old), _scalar(new)


def _title(entry: dict, bold: bool = True) -> str:
    orgs = entry.get("organisations") or []
    title = _esc(entry["name"] or EMPTY)
    title = f"**{title}**" if bold else title
    if orgs:
        title += f" ({_esc(', '.join(orgs))})"
    m = re.search(r"\|#(\d+)$", entry["key"])
    if m:
        title += f" — nr. {m.group(1)} af samme navn / occurrence {m.group(1)}"
    return title


def to_markdown(diff: dict, old_label: str, new_label: str) -> str:
    """The diff as a readable changelog in Markdown."""
    added, removed, changed = diff["added"], diff["removed"], diff["changed"]
    lines = ["# Ændringer / Changes", "",
             f"Fra / from: {_esc(str(old_label))}  ", f"Til / to: {_esc(str(new_label))}", ""]
    if is_empty(diff):
        lines += ["Ingen ændringer i initiativerne / No changes to the initiatives.", ""]
        return "\n".join(lines)
    lines += ["| | initiativer / initiatives |", "|---|---:|",
              f"| Tilføjet / added | {len(added)} |", f"| Fjernet / removed | {len(removed)} |",
              f"| Ændret / changed | {len(changed)} |", ""]
    for title, entries in (("Tilføjet / Added", added), ("Fjernet / Removed", removed)):
        if not entries:
            continue
        lines += [f"## {title} ({len(entries)})", ""]
        for e in entries:
            section = f" — {_esc(e['section'])}" if e.get("section") else ""
            lines.append(f"- {_title(e)}{section}")
        lines.append("")
    if changed:
        lines += [f"## Ændret / Changed ({len(changed)})", ""]
        for e in changed:
            lines += [f"### {_title(e, bold=False)}", "", "| felt / field | før / old | nu / new |", "|---|---|---|"]
            for f in e["fields"]:
                o, n = format_change(f["field"], f["old"], f["new"])
                lines.append(f"| {LABELS.get(f['field'], f['field'])} | {o} | {n} |")
            lines.append("")
    return "\n".join(lines)


def write_changes(diff: dict, path: Path, old_label: str = "forrige udgivelse / previous release",
                  new_label: str = "denne udgivelse / this release") -> None:
    """Write the diff to `path`: JSON if it ends in .json, else the Markdown changelog."""
    path = Path(path)
    text = to_json(diff) if path.suffix.lower() == ".json" else to_markdown(diff, old_label, new_label)
    path.write_text(text, encoding="utf-8")


def to_json(diff: dict) -> str:
    return json.dumps(diff, ensure_ascii=False, indent=2) + "\n"


def release_label(folder: Path) -> str:
    """A deterministic description of a release: its source file, sha256 and pipeline version."""
    folder = Path(folder)
    meta = meta_or_empty(folder)
    if not meta:
        return str(folder)
    parts = [meta.get("source_file") or str(folder)]
    if meta.get("source_sha256"):
        parts.append(f"sha256 {meta['source_sha256'][:12]}")
    if meta.get("pipeline_version"):
        parts.append(f"pipeline {meta['pipeline_version']}")
    return f"{parts[0]} ({', '.join(parts[1:])})" if len(parts) > 1 else parts[0]


# ---------------------------------------------------------------- entry points


def run_diff(old: Path, new: Path, json_path: Path | None = None) -> dict:
    """Diff two processed folders; write the JSON when asked. Returns the diff."""
    diff = diff_releases(Path(old), Path(new))
    if json_path is not None:
        Path(json_path).write_text(to_json(diff), encoding="utf-8")
    return diff


def has_release(folder: Path) -> bool:
    folder = Path(folder)
    return (folder / "initiatives.parquet").is_file() and (folder / "footnotes.parquet").is_file()


def write_release_changes(previous: Path, staged: Path, log=None, name: str = CHANGES_MD) -> dict | None:
    """For export: write staged/CHANGES.md describing the changes since the release in `previous`.

    `previous` is the out folder before the staged files replace its files; `staged`
    the folder with the new tables and release.json. Returns the diff, or None when
    nothing was written: no previous release, a previous release that cannot be
    read (logged; it must not stop a new release), or the same source with no
    change (a rerun keeps the changelog of the last real change, and its bytes).
    Labels come from release.json, never from folder names, so the file is deterministic.
    """
    previous, staged = Path(previous), Path(staged)
    if not has_release(previous):
        return None
    try:
        diff = diff_releases(previous, staged)
    except InputError as e:
        if log:
            log(f"changes: previous release not compared ({e}); {name} not written")
        return None
    if is_empty(diff) and _sha(previous) is not None and _sha(previous) == _sha(staged):
        return None
    write_changes(diff, staged / name, release_label(previous), release_label(staged))
    if log:
        log(f"changes: {len(diff['added'])} added, {len(diff['removed'])} removed, "
            f"{len(diff['changed'])} changed since the previous release; see {name}")
    return diff


def _sha(folder: Path) -> str | None:
    return meta_or_empty(folder).get("source_sha256")
