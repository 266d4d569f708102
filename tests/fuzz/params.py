"""One fuzz variant's layout, drawn from a seed: plain frozen data that a typesetter renders.

Every parameter is something the producers of such appendices vary between years: the
typesetter, font, size, page, column widths, rules, header style, page breaks, footnote
numbering, links, page numbers and justification.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass

TYPESETTERS = ("writer", "html")
# (family, kind) of fonts that Debian's font packages install (see .ci/run)
FONTS = (("Liberation Serif", "serif"), ("Liberation Sans", "sans"), ("DejaVu Serif", "serif"),
         ("DejaVu Sans", "sans"), ("Carlito", "sans"), ("Caladea", "serif"), ("Liberation Sans Narrow", "sans"))
# the share of the table width each column gets in the bundled layout
BASE_WIDTHS = (0.17, 0.15, 0.12, 0.17, 0.15, 0.10, 0.14)


@dataclass(frozen=True)
class Params:
    seed: int
    typesetter: str            # "writer" (LibreOffice from ODT) or "html" (WeasyPrint)
    font: str                  # font family, installed through fontconfig
    size: float                # body text size, pt
    footnote_size: float       # footnote text size, pt
    landscape: bool
    page: str                  # "A4" or "Letter"
    margin_cm: float
    col_widths: tuple[float, ...]  # seven shares of the table width, summing to 1
    rules: str                 # "grid", "horizontal", "vertical" or "none"
    header_wrap: bool          # labels broken onto two lines ("Initiativ og / organisation")
    header_shading: bool       # a grey header row
    header_bold: bool
    header_repeat: bool        # the header repeated on top of every page
    rows_split: bool           # rows may break across pages (else a row that does not fit moves whole)
    page_breaks: tuple[int, ...]  # row indices (into the golden rows) before which a page break is forced
    note_number_raised: bool   # footnote numbers at the page foot raised and small (else full size)
    note_number_space: bool    # a space between the footnote number and its text
    marker_space: bool         # a space between a cell's text and its marker (else glued: "word¹")
    links: bool                # footnote URLs carry link annotations
    page_numbers: str          # "none", "center" or "right" at the page foot
    justify: bool              # justified cell text (else ragged right)
    cell_padding_pt: float

    def describe(self) -> str:
        """A short one-line form for result tables."""
        d = asdict(self)
        parts = [d["typesetter"], d["font"].replace(" ", ""), f'{d["size"]:g}pt',
                 "land" if d["landscape"] else "port", d["page"], d["rules"]]
        flags = {"header_wrap": "hwrap", "header_shading": "shade", "header_repeat": "hrep",
                 "rows_split": "split", "note_number_raised": "rnote", "links": "links", "justify": "just"}
        parts += [short for key, short in flags.items() if d[key]]
        if d["page_numbers"] != "none":
            parts.append(f'pn-{d["page_numbers"]}')
        return " ".join(parts)


def draw(seed: int, n_rows: int, typesetter: str | None = None) -> Params:
    """The layout of variant `seed` (the same seed always gives the same layout)."""
    rng = random.Random(seed)
    typesetter = typesetter or TYPESETTERS[seed % len(TYPESETTERS)]
    font = rng.choice(FONTS)[0]
    size = rng.choice((7.0, 7.5, 8.0, 8.5, 9.0, 9.5, 10.0))
    landscape = rng.random() < 0.6
    widths = [w * rng.uniform(0.75, 1.3) for w in BASE_WIDTHS]
    total = sum(widths)
    breaks = tuple(sorted(rng.sample(range(1, n_rows), k=rng.randint(0, 4)))) if n_rows > 1 else ()
    return Params(
        seed=seed,
        typesetter=typesetter,
        font=font,
        size=size,
        footnote_size=max(6.0, size - rng.choice((1.0, 1.5, 2.0))),
        landscape=landscape,
        page=rng.choice(("A4", "A4", "Letter")),
        margin_cm=rng.choice((1.5, 2.0, 2.5)),
        col_widths=tuple(round(w / total, 4) for w in widths),
        rules=rng.choice(("grid", "horizontal", "vertical", "none")),
        header_wrap=rng.random() < 0.5,
        header_shading=rng.random() < 0.5,
        header_bold=rng.random() < 0.8,
        header_repeat=rng.random() < 0.6,
        rows_split=rng.random() < 0.7,
        page_breaks=breaks,
        note_number_raised=rng.random() < 0.5,
        note_number_space=rng.random() < 0.6,
        marker_space=rng.random() < 0.6,
        links=rng.random() < 0.75,
        page_numbers=rng.choice(("none", "center", "right")),
        justify=rng.random() < 0.3,
        cell_padding_pt=rng.choice((1.5, 2.5, 4.0)),
    )
