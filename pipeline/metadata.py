"""The one place for table and column names, types, descriptions and constraints.

Pandera schemas (pipeline/schemas.py), the Great Expectations suite (pipeline/validate.py), the
Parquet schema and CSV column order (pipeline/store.py), datapackage.json and the codebook
(pipeline/datapackage.py), the published Table Schemas in schemas/ (pipeline/table_schemas.py),
the diff's typed comparison and the labels of the report and explorer are all generated from
the definitions here. No constraint is written anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LogicalType:
    pandas: str | None   # pandas dtype of a scalar column; None for list columns (Python lists)
    frictionless: str    # Table Schema type (a list column is an array in Parquet, joined text in the CSV)
    arrow: str           # pyarrow type alias of the column, or of a list column's items


# The logical types a Field may have, and what each is in pandas, Table Schema and Arrow.
TYPES: dict[str, LogicalType] = {
    "string": LogicalType("string", "string", "string"),
    "integer": LogicalType("Int64", "integer", "int64"),
    "number": LogicalType("float64", "number", "double"),
    "boolean": LogicalType("boolean", "boolean", "bool"),
    "list<string>": LogicalType(None, "array", "string"),
    "list<integer>": LogicalType(None, "array", "int64"),
}


@dataclass(frozen=True)
class Reference:
    """Allowed values: one column of a reference table (pipeline/reference_data/<table>.csv)."""
    table: str
    column: str
    label: str   # how a failure names it: "... is in the vocabulary"


SECTIONS = Reference("sections", "section", "the known sections")
MUNICIPALITY_CODES = Reference("municipalities", "municipality_code", "the reference table")
INTERVENTION_TYPES = Reference("intervention_types", "type", "the vocabulary")


@dataclass(frozen=True)
class Field:
    name: str
    # Logical type: a key of TYPES
    type: str
    description: str
    nullable: bool = False
    # Header label of the column in the source PDF (source columns only).
    source_label: str | None = None
    # Constraints; on a list column enum, reference and not_blank apply to each item.
    unique: bool = False
    minimum: int | None = None
    maximum: int | None = None
    enum: tuple[str, ...] = ()
    reference: Reference | None = None
    not_blank: bool = False          # text with at least one non-space character
    min_items: int | None = None     # list columns: fewest items
    # Declared (and documented) as may-be-empty, as releases have always described it, but a
    # table with an empty value is refused: e.g. every footnote must be attributed.
    always_set: bool = False
    # A pattern most values should match (share `pattern_share`); a release check, not a hard rule.
    pattern: str | None = None
    pattern_share: float = 1.0

    @property
    def is_list(self) -> bool:
        return TYPES[self.type].pandas is None


def initiative_id(description: str, **constraints) -> Field:
    """The `initiative_id` column: the initiatives' key, and the reference to it of every table whose rows
    belong to an initiative."""
    return Field("initiative_id", "integer", description, **constraints)


# The seven columns of the Bilag 3 table, in source order, with the header text
# that identifies each of them in the PDF.
SOURCE_COLUMNS: tuple[Field, ...] = (
    Field("initiative", "string", "Initiative and organisation, as printed (first column).",
          source_label="Initiativ og organisation", not_blank=True),
    Field("target_group", "string", "Target group (Målgruppe), as printed.",
          nullable=True, source_label="Målgruppe"),
    Field("geography", "string", "Geography (Geografi): where the initiative runs, as printed.",
          nullable=True, source_label="Geografi"),
    Field("content", "string", "Content of the initiative (Indsatsens indhold), as printed.",
          nullable=True, source_label="Indsatsens indhold"),
    Field("goal", "string", "Goal (Målsætning), as printed.",
          nullable=True, source_label="Målsætning"),
    Field("intervention_type", "string",
          "Type of intervention (Typen af intervention), as printed.",
          nullable=True, source_label="Typen af intervention"),
    Field("documentation", "string",
          "Documentation of effect (Dokumentation), as printed; empty when none.",
          nullable=True, source_label="Dokumentation"),
)
SOURCE_COLUMN_NAMES: tuple[str, ...] = tuple(f.name for f in SOURCE_COLUMNS)

# Ages are years of life; a bound outside this range is a misreading.
AGE_MIN, AGE_MAX = 0, 120
# A usable footnote link: http(s), a host with a dot, no space.
URL_PATTERN = r"^https?://[^/\s]+\.[^/\s]+"

# What the assemble stage writes: one row per initiative, source text only.
ASSEMBLED: tuple[Field, ...] = (
    initiative_id("Position of the initiative in the document, 1..n.", unique=True, minimum=1),
    Field("section", "string", "Age section heading the initiative stands under.", reference=SECTIONS),
    *SOURCE_COLUMNS,
    Field("page_start", "integer", "PDF page (1-based) where the initiative's row starts.", minimum=1),
    Field("page_end", "integer", "PDF page (1-based) where the initiative's row ends."),
)

# Danish and English labels of coded values, in display order (report.html, explorer.html, the workbook).
VALUE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "geography_scope": {"national": ("Landsdækkende", "national"), "regional": ("Regional", "regional"),
                        "municipal": ("Kommunal", "municipal"), "unspecified": ("Ikke angivet", "unspecified")},
    "delivery": {"in_person": ("Fremmøde", "in person"), "phone": ("Telefon", "phone"), "chat": ("Chat", "chat"),
                 "online": ("Online (web, app, video)", "online: web, app, video, forum")},
    "age_source": {"explicit": ("Angivet", "explicit"), "section": ("Sektionens aldersgruppe", "section"),
                   "ambiguous": ("Tvetydig", "ambiguous")},
}

# What the normalise stage adds (the published initiatives table is ASSEMBLED + these).
NORMALISED: tuple[Field, ...] = (
    Field("name", "string", "Name of the initiative: the first column without its bracketed organisations.",
          not_blank=True),
    Field("organisations", "list<string>",
          "Organisations named in brackets after the name; empty when none are named.", not_blank=True),
    Field("age_min", "integer", "Youngest age targeted, inclusive; empty when open or ambiguous.",
          nullable=True, minimum=AGE_MIN, maximum=AGE_MAX),
    Field("age_max", "integer", "Oldest age targeted, inclusive; empty when open or ambiguous.",
          nullable=True, minimum=AGE_MIN, maximum=AGE_MAX),
    Field("age_text", "string", "The age notation the target group uses, as printed.", nullable=True),
    Field("age_source", "string",
          "explicit (read from the target group), section (the section's band) or ambiguous.",
          enum=tuple(VALUE_LABELS["age_source"])),
    Field("municipalities", "list<string>", "Official names of the municipalities the geography names."),
    Field("municipality_codes", "list<string>", "3-digit kommunekoder of those municipalities.",
          reference=MUNICIPALITY_CODES),
    Field("regions", "list<string>", "Regions named in the geography text."),
    Field("geography_scope", "string", "national, regional, municipal or unspecified.",
          enum=tuple(VALUE_LABELS["geography_scope"])),
    Field("delivery", "list<string>",
          "How the initiative reaches people, from the geography and content cells: in_person, phone, chat, "
          "online (web, app, video, forum); in_person also when the cells describe no remote channel.",
          enum=tuple(VALUE_LABELS["delivery"]), min_items=1),
    Field("online", "boolean", "Any remote delivery: delivery holds phone, chat or online."),
    Field("municipality_count", "integer",
          "Number of municipalities the geography says it covers ('60 kommuner'); empty when not said.",
          nullable=True),
    Field("intervention_types", "list<string>", "Canonical intervention types, in the cell's order.",
          reference=INTERVENTION_TYPES),
)

INITIATIVES: tuple[Field, ...] = ASSEMBLED + NORMALISED

INITIATIVE_MUNICIPALITIES: tuple[Field, ...] = (
    initiative_id("Initiative."),
    Field("municipality_code", "string", "3-digit kommunekode.", reference=MUNICIPALITY_CODES),
    Field("municipality", "string", "Official municipality name."),
    Field("region", "string", "Region the municipality lies in."),
)

INITIATIVE_INTERVENTION_TYPES: tuple[Field, ...] = (
    initiative_id("Initiative."),
    Field("intervention_type", "string", "Canonical intervention type (Danish).", reference=INTERVENTION_TYPES),
    Field("label_en", "string", "English label of the type.", not_blank=True),
)

QUALITY: tuple[Field, ...] = (
    Field("check", "string", "What was found: ambiguous_age, unknown_place, no_organisation, ...; "
                             "suspect_* for rows that look merged or split."),
    initiative_id("Initiative concerned, if any.", nullable=True),
    Field("name", "string", "Name of the initiative, if any.", nullable=True),
    Field("detail", "string", "The text that caused the item."),
)

FOOTNOTES: tuple[Field, ...] = (
    Field("number", "integer", "Footnote number as printed.", unique=True, minimum=1),
    initiative_id("Initiative whose row holds the footnote's marker.", nullable=True, always_set=True),
    Field("column", "string", "Source column whose cell holds the marker.", nullable=True, always_set=True,
          enum=SOURCE_COLUMN_NAMES),
    Field("text", "string", "Footnote text without its number, whitespace collapsed.", not_blank=True),
    Field("url", "string", "Link target of the footnote (annotation, else URL in the text).",
          nullable=True, pattern=URL_PATTERN, pattern_share=0.95),
    Field("page", "integer", "PDF page (1-based) where the footnote is printed."),
)

# Interim tables: what the extract stage reads off the PDF, before rows are joined.
FRAGMENTS: tuple[Field, ...] = (
    Field("page", "integer", "PDF page (1-based).", minimum=1),
    Field("order", "integer", "Position of the fragment on its page, from 0."),
    # every text column of the fragments may be empty (the checks have always allowed it)
    Field("kind", "string", "'row' for a table row fragment, 'section' for a section heading.",
          nullable=True, enum=("row", "section")),
    Field("section", "string", "Section heading text (kind 'section'), else empty.",
          nullable=True, reference=SECTIONS),
    # a section row has no cell text
    *(Field(f.name, "string", f"{f.description} Footnote markers inline as [^N].", nullable=True)
      for f in SOURCE_COLUMNS),
    Field("top", "number", "Top of the fragment on its page, points from the page top."),
    Field("bottom", "number", "Bottom of the fragment, points from the page top."),
    Field("area_bottom", "number", "Lowest point the table may reach on this page."),
    Field("line_height", "number", "Body line pitch on this page, points."),
    Field("open_ends", "list<string>",
          "Columns whose last line on this page ended inside a word, by the PDF's evidence (no space kept "
          "at the wrap, or a single word filling the line): the next page goes on with the same word."),
)

RAW_FOOTNOTES: tuple[Field, ...] = (
    Field("page", "integer", "PDF page (1-based).", minimum=1),
    Field("order", "integer", "Position of the footnote on its page, from 0."),
    Field("number", "integer",
          "Footnote number; empty for text continuing a footnote from the previous page.",
          nullable=True, minimum=1),
    Field("text", "string", "Footnote text without its number.", not_blank=True),
    Field("url", "string", "Link target of the footnote, if any.", nullable=True),
)

TABLES: dict[str, tuple[Field, ...]] = {
    "initiatives": INITIATIVES,
    "footnotes": FOOTNOTES,
    "initiative_municipalities": INITIATIVE_MUNICIPALITIES,
    "initiative_intervention_types": INITIATIVE_INTERVENTION_TYPES,
}
# Every table a stage writes, by the name its checks report (pipeline/schemas.py).
STAGE_TABLES: dict[str, tuple[Field, ...]] = {
    "fragments": FRAGMENTS, "raw_footnotes": RAW_FOOTNOTES, "assembled": ASSEMBLED, **TABLES, "quality": QUALITY,
}

# Rules over whole tables, by table; pipeline/schemas.py implements each name.
TABLE_RULES: dict[str, tuple[str, ...]] = {
    "assembled": ("initiative_id is 1..n in document order", "page_start <= page_end"),
    "initiatives": ("initiative_id is 1..n in document order", "page_start <= page_end", "age_min <= age_max"),
    "footnotes": ("footnote numbers are 1..N without gaps",),
}

PACKAGE = {
    "name": "bilag3-initiativer-ensomhed",
    "title": "Initiatives against loneliness in Denmark (Bilag 3 of the national strategy)",
    "description": ("The table of 'Bilag 3: Overblik over initiativer relateret til ensomhed', the appendix to "
                    "Denmark's national strategy against loneliness: one row per initiative with its target "
                    "group, geography, content, goal, intervention type and documentation, the footnote links, "
                    "and columns derived from the text (organisations, age range, municipalities, types)."),
    "source_title": "Bilag 3: Overblik over initiativer relateret til ensomhed",
    "licenses": [{"name": "other-at", "title": "Danish public-sector publication: the facts may be reused "
                  "with attribution to the source; check the publisher's terms before redistribution"}],
    "tables": {
        "initiatives": "One row per initiative, in document order: the seven source columns as printed "
                       "(cleaned text) and the normalised columns.",
        "footnotes": "One row per footnote: its text, link and the initiative and column whose cell holds "
                     "its marker.",
        "initiative_municipalities": "One row per initiative and municipality its geography names.",
        "initiative_intervention_types": "One row per initiative and intervention type.",
    },
}

# `pipeline links`: the health of every distinct footnote URL (an optional output, not part of
# the release's deterministic set: checked_at and the answers change from one check to the next).
LINK_STATUSES: dict[str, str] = {
    "ok": "answered 2xx at the URL itself",
    "redirected": "answered 2xx after one or more redirects (see final_url)",
    "client_error": "answered 4xx (404 gone, 410 removed, 403 refused, 429 still rate-limited, ...)",
    "server_error": "answered 5xx, also after the retries",
    "redirect_loop": "redirects that come back to a URL already visited, or too many of them",
    "timeout": "no answer within the timeout, also after the retries",
    "dns_error": "the host name does not resolve",
    "tls_error": "the TLS handshake or certificate failed",
    "connection_error": "the connection was refused, reset or broke off",
    "not_http": "not an http(s) URL with a host (or redirected to one)",
}
LINK_OK = frozenset({"ok", "redirected"})
LINK_BROKEN = frozenset(LINK_STATUSES) - LINK_OK

LINK_STATUS: tuple[Field, ...] = (
    Field("url", "string", "Footnote URL as published in footnotes.url (distinct)."),
    Field("footnote_numbers", "list<integer>", "Footnotes whose link is this URL."),
    Field("initiative_ids", "list<integer>", "Initiatives whose footnotes link to this URL."),
    Field("status", "string", "Outcome of the check: " + "; ".join(f"{k}: {v}" for k, v in LINK_STATUSES.items())
          + "."),
    Field("http_status", "integer", "HTTP status code of the last answer; empty when none came.", nullable=True),
    Field("final_url", "string", "URL that gave the last answer, after redirects.", nullable=True),
    Field("redirects", "integer", "Redirects followed."),
    Field("method", "string", "HEAD, or GET where the server refused HEAD; empty when no request was made.",
          nullable=True),
    Field("attempts", "integer", "HTTP requests made for this URL, retries and redirects included."),
    Field("elapsed_ms", "integer", "Time in this URL's HTTP requests, retries and redirects included (not the "
          "waits for a free slot or between retries, nor the host lookup), milliseconds."),
    Field("error", "string", "What went wrong, for a link that is not ok or redirected.", nullable=True),
    Field("checked_at", "string", "When this check ran: UTC, ISO 8601 (YYYY-MM-DDTHH:MM:SSZ)."),
    Field("previous_status", "string", "Status at the check before this one; empty at the first.", nullable=True),
    Field("failing_since", "string",
          "checked_at of the first of the consecutive checks, this one included, on which the link failed; "
          "empty when it answers.", nullable=True),
    Field("consecutive_failures", "integer", "Checks in a row, this one included, on which the link failed."),
    Field("last_ok_at", "string", "checked_at of the last check on which the link answered; empty if never.",
          nullable=True),
)
