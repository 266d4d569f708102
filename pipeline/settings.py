"""Tunable settings of the stages, kept as plain frozen data.

Every threshold is relative to the body font size of the page, so the same
settings work for other fonts, page sizes and zoom levels. Nothing here is a
coordinate, page number or count of one particular rendering.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LayoutSettings:
    # A char this much smaller than the body text is a raised footnote marker.
    superscript_max_size_ratio: float = 0.8
    # A digit up to this share of the body size is a marker when raised above the text beside it
    # by at least raised_min_rise_ratio of the body size (markers printed at ~85 % size).
    raised_max_size_ratio: float = 0.95
    raised_min_rise_ratio: float = 0.15
    # How far (share of body size) left and right of such a digit the text it is compared with lies.
    raised_neighbour_reach_ratio: float = 3.0
    # Chars whose baselines differ by less than this share of the body size are on one line.
    line_tolerance_ratio: float = 0.35
    # Gap between chars, as a share of their size, above which they are separate words.
    word_gap_ratio: float = 0.15
    # A horizontal rule separates rows when it spans this share of the table width.
    row_rule_min_width_share: float = 0.5
    # A footnote separator is a short rule: at most this share of the table width.
    footnote_rule_max_width_share: float = 0.5
    # Without rules: a vertical gap this much larger than the usual line gap starts a row (cell
    # padding alone, above and below, makes the gap between rows about this much larger).
    row_gap_extra_ratio: float = 0.15
    # A line whose right edge is this close (share of body size) to the cell's right text
    # limit is "full": a single word on a full line was broken by the column width.
    full_line_tolerance_ratio: float = 0.6
    # At the page foot the next letter is on the next page, unseen: a single word that leaves less
    # room than the widest letter (about one em) may have been cut by the column ("imødekommenhe" /
    # "d", 0.64 em left: the "d" is 0.64 em wide).
    page_end_room_ratio: float = 1.0
    # A line that leaves room (beyond this share of the body size) for the next line's first
    # letter ended at a space: a word is cut only where not one more letter fits.
    cut_room_tolerance_ratio: float = 0.05
    # A page's renderer keeps the space char at a wrap when at least this share of its lines end
    # with one (last lines of cells have none; some renderers keep one now and then).
    kept_space_min_share: float = 0.25
    # Two rules or edges closer than this (points) are the same.
    snap_tolerance: float = 1.5
    # Page furniture (page numbers, running headers and footers) lives in this share of the
    # page height at its top and at its foot.
    margin_band_share: float = 0.15
    # Body size (points) assumed for a page whose text gives none.
    fallback_body_size: float = 9.0
    # Slack (points) for chars on a boundary (header bottom, footnote area top, column start):
    # PDF coordinates of one line's glyphs differ by rounding.
    edge_slack: float = 0.5
    # Two chars whose tops (or a char's bottom and a line's top) differ by less than this many
    # points sit on one line; a marker glued to the word before it is closer than
    # marker_glue_gap_ratio of its size.
    touch_tolerance: float = 1.0
    marker_glue_gap_ratio: float = 0.3
    # A space char overlapping a letter by this share of its width is a renderer's duplicate.
    space_overlap_share: float = 0.5
    # Line pitch (share of body size) assumed on a page with too few lines to measure it:
    # the usual leading.
    fallback_line_pitch_ratio: float = 1.2
    # A line starting less than this share of the body size below a band of lines belongs to it.
    band_overlap_ratio: float = 0.05
    # The usual gap between a cell's lines is measured from at least this many gaps, else
    # assumed to be this share of the body size.
    min_gap_samples: int = 5
    fallback_line_gap_ratio: float = 0.25
    # Lines (or words) whose tops differ by less than this share of the body size (or word
    # height) start together: the columns that start a row, the lines of a header label.
    same_top_ratio: float = 0.3
    # A header cell may be vertically centred: its first word can sit this many word heights lower.
    header_centring_ratio: float = 1.5
    # A header label of n words wraps onto at most n / header_words_per_line + 1 lines, each
    # header_line_pitch_ratio word heights apart; its words are read in rows of half a height.
    header_words_per_line: int = 3
    header_line_pitch_ratio: float = 1.6
    header_row_ratio: float = 0.5
    # Column gutters without rules are found on a grid of this many points: the x where at least
    # gutter_min_words words start and at most gutter_max_crossing_share as many words cross.
    gutter_step: float = 0.5
    gutter_min_words: int = 3
    gutter_max_crossing_share: float = 0.25
    # Page furniture: a margin line in this share of the page height from its top is a header,
    # below it a footer.
    page_head_share: float = 0.5
    # The footnote separator starts within this many body sizes of the table's left edge, and a
    # rule this close (body sizes) below a line underlines it (a link, not a separator).
    footnote_rule_reach_ratio: float = 2.0
    underline_max_gap_ratio: float = 0.4
    # Without a separator, the footnote block is the lines at the page foot that start within
    # footnote_indent_ratio body sizes of the left edge and follow each other with gaps below
    # footnote_block_gap_ratio; its top lies footnote_top_pad_ratio above its first line.
    footnote_indent_ratio: float = 3.0
    footnote_block_gap_ratio: float = 0.8
    footnote_top_pad_ratio: float = 0.1
    # A footnote line reaching within this many body sizes of the widest footnote line is full:
    # its text goes on on the next line.
    footnote_full_line_ratio: float = 2.0
    # Margin text recurring on this many sampled pages is running text (a header, a footer).
    running_min_pages: int = 2
    # A row is read as a section heading only when its text is at most this many times as long
    # as the longest heading listed.
    heading_max_length_ratio: float = 2.0
    # Marker runs that can be read several ways ("1718": 17 and 18, or 1718) are tried together
    # up to this many combinations per page; past it, the first readings stand.
    max_marker_readings: int = 4096


@dataclass(frozen=True)
class ExtractSettings:
    layout: LayoutSettings = LayoutSettings()
    # Worker processes for page-parallel extraction (0 = one per core); no pool for a document
    # shorter than this many tasks (a process pool costs more than it saves).
    workers: int = 0
    min_tasks_for_pool: int = 2
    # Pages a worker reads per task: small enough for even load and progress, large enough
    # that opening the PDF in the worker is cheap beside reading the pages.
    pages_per_task: int = 8
    # Pages from the table header on whose margins are compared to find running headers/footers.
    running_text_sample: int = 6


DEFAULT_SETTINGS = ExtractSettings()


@dataclass(frozen=True)
class LexiconSettings:
    """How the assemble stage decides the line breaks the geometry leaves open (pipeline/lexicon.py)."""
    # The shortest part a compound is split into: shorter ones ("i", "og", "at") make any pair a
    # "compound".
    min_part: int = 4
    # The shortest stem whose definite form ("evaluering-en") is taken for one: shorter ones are
    # often words of their own ("vid-en", "plan-et").
    min_stem: int = 5
    # Letters that link the parts of a Danish compound ("ungdom-s-uddannelse", "børn-e-have").
    linking: str = "se"
    # The shortest listed word that a word the lists lack may end in to count as a word before the
    # next line's ("øjen-højde" / "i"); shorter ones ("muse", "cafe") are often a cut word's middle,
    # but not before a one-letter word, where min_part letters do ("amnestue-snak" / "i").
    min_tail: int = 5
    # Passes over a cell's open breaks after the first (each decides with its neighbours' decisions).
    resolve_rounds: int = 3
    # A word this frequent in wordfreq's list (Zipf scale: 7 is "og", 3 is rare) is a common
    # word, and one this frequent a function word ("til", "som", "af").
    common_zipf: float = 4.5
    function_zipf: float = 6.0
    # A word this frequent has the compounds it starts in the list ("gennem" 5.6: "gennemføre"),
    # so a join of it the list lacks is no word; below ("undersøgelse" 4.7, "projekt" 4.8) the list
    # misses too many of its inflected forms ("undersøgelse" / "ns").
    lexicalised_zipf: float = 5.0
    # A word with a linking "s" this frequent on its own is a genitive ("børns", "interviews"),
    # not only a compound's first part ("undervisnings" 3.1, "sundheds" 3.4).
    genitive_zipf: float = 3.9
    # A word printed this often in the document is one of its common words ("frivillige").
    document_common: int = 3
    # A function word printed before this share of another function word's occurrences goes with
    # it ("er at"); below, the pair is chance ("er med": the plural "-er" before "med").
    associated: float = 0.1


LEXICON = LexiconSettings()


@dataclass(frozen=True)
class ReleaseSettings:
    # A new release with this share fewer initiatives or footnotes than the last one stops the run.
    max_shrink: float = 0.10
    # Great Expectations: row counts within this share of the previous release's.
    row_count_band: float = 0.25
    # Great Expectations: at least this share of initiatives has a footnote with a usable link.
    min_share_with_link: float = 0.5


RELEASE = ReleaseSettings()


@dataclass(frozen=True)
class PlausibilitySettings:
    """What the plausibility checks (pipeline/plausibility.py) learn from the document, and how.

    Every expectation is learned from the table itself; these are only the shares that
    make a habit of the document a rule worth checking.
    """
    # A column needs this many non-empty cells before any habit is learned from it.
    min_cells: int = 10
    # A phrase of up to `opening_max_words` words that starts at least this share of a
    # column's non-empty cells is that column's usual opening.
    opening_min_share: float = 0.5
    opening_max_words: int = 2
    # The first column is read as "Name (Organisation)" when at least this share of its
    # cells end with a bracketed group: then two such groups in one cell are suspect.
    name_group_min_share: float = 0.5
    # Two intervention types are in an unusual order when at least this many cells, and this
    # many times as many as list them this way, list them the other way round.
    term_order_min_cells: int = 3
    term_order_min_ratio: float = 3.0
    # A fragment's detail says when none of its columns opens as usual (counting only openings
    # shared by this share of their column); a cell "opens as usual" when its first word shares
    # this much of the opening's first word ("Indsatsen" for "Indsatsens").
    fragment_opening_min_share: float = 0.8
    opening_stem_share: float = 0.7
    # A column's cells start with a capital in at least this share of rows: a first cell that
    # starts in lowercase is the tail of a split name, and a row with this many other such cells
    # starting in lowercase is the rest of the row before.
    capital_start_min_share: float = 0.95
    fragment_lowercase_cells: int = 2


PLAUSIBILITY = PlausibilitySettings()


@dataclass(frozen=True)
class LinkSettings:
    """`pipeline links`: how hard and how politely the footnote URLs are checked."""
    # Requests in flight at once, overall and per host (per-host keeps one site from being hammered).
    concurrency: int = 16
    per_host: int = 2
    # Seconds one request may take in all (connect, TLS, headers); a slower answer is a timeout.
    timeout: float = 15.0
    # Further tries after a timeout, 429 or 5xx, waiting backoff * 2**n seconds (or the
    # server's Retry-After, when it asks for at most max_retry_after seconds).
    retries: int = 2
    backoff: float = 1.0
    max_retry_after: float = 60.0
    max_redirects: int = 10
    # HEAD answers that mean "ask again with GET": servers that refuse or mishandle HEAD.
    head_refused: tuple[int, ...] = (400, 403, 405, 406, 501)
    user_agent: str = "bilag3-pipeline-linkcheck/{version} (+footnote link check; python-httpx)"


LINKS = LinkSettings()
