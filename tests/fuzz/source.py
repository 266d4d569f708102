"""The golden table (tests/golden/, built from reading the document, not from the extractor) as the
input a typesetter renders: the title, the introduction, items in document order and footnotes."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
COLUMNS = ("initiative", "target_group", "geography", "content", "goal", "intervention_type", "documentation")
HEADER_LABELS = ("Initiativ og organisation", "Målgruppe", "Geografi", "Indsatsens indhold",
                 "Målsætning", "Typen af intervention", "Dokumentation")
# where a wrapped header breaks each label (the original's narrow header cells do this)
HEADER_LABELS_WRAPPED = (("Initiativ og", "organisation"), ("Målgruppe",), ("Geografi",),
                         ("Indsatsens", "indhold"), ("Målsætning",), ("Typen af", "intervention"),
                         ("Dokumentation",))
TITLE = "Bilag 3: Overblik over initiativer relateret til ensomhed"
INTRO = ("Tabellen nedenfor har til formål at skabe et overblik over eksisterende initiativer, der er rettet "
         "mod personer, som har behov for at styrke eller udvide deres sociale relationer.")


@dataclass(frozen=True)
class Row:
    id: int
    section: str
    cells: tuple[str, ...]                  # seven cell texts, no markers
    notes: tuple[tuple[int, ...], ...]      # per cell: the footnote numbers its marker run cites


@dataclass(frozen=True)
class Note:
    number: int
    text: str       # as printed, without the number
    url: str        # the link target ("" when none)


@dataclass(frozen=True)
class Table:
    rows: tuple[Row, ...]
    notes: dict  # number -> Note

    def items(self):
        """("section", label) and ("row", Row) in document order."""
        section = None
        for r in self.rows:
            if r.section != section:
                section = r.section
                yield "section", section
            yield "row", r


def load(golden: Path = GOLDEN) -> Table:
    with (golden / "initiatives.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with (golden / "footnotes.csv").open(encoding="utf-8") as fh:
        notes = list(csv.DictReader(fh))
    cited: dict[tuple[str, str], list[int]] = {}
    for n in notes:
        cited.setdefault((n["initiative_id"], n["column"]), []).append(int(n["number"]))
    out = tuple(Row(int(r["initiative_id"]), r["section"], tuple(r[c] for c in COLUMNS),
                    tuple(tuple(sorted(cited.get((r["initiative_id"], c), []))) for c in COLUMNS))
                for r in rows)
    return Table(out, {int(n["number"]): Note(int(n["number"]), n["text"], n["url"]) for n in notes})
