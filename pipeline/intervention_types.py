"""Intervention types: the "Typen af intervention" cell split against the vocabulary.

Cells join several types with spaces while types contain spaces
("Aktivitetstilbud Opholds- eller mødested Rådgivning"), so the cell is read
left to right taking the longest known spelling at each point.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import PipelineError


@dataclass(frozen=True)
class Vocabulary:
    # spelling -> canonical type, every variant listed in intervention_types.csv
    spellings: tuple[tuple[str, str], ...]


class UnknownInterventionType(PipelineError):
    pass


def split_types(text: str, vocab: Vocabulary) -> list[str]:
    rest = " ".join(text.split()).strip()
    ordered = sorted(vocab.spellings, key=lambda s: len(s[0]), reverse=True)
    out: list[str] = []
    while rest:
        for spelling, canonical in ordered:
            if rest.casefold().startswith(spelling.casefold()) and (
                    len(rest) == len(spelling) or rest[len(spelling)] in " .,;"):
                if canonical not in out:
                    out.append(canonical)
                rest = rest[len(spelling):].lstrip(" .,;")
                break
        else:
            unknown = rest.split(" ")[0] if rest else rest
            raise UnknownInterventionType(
                f"unknown intervention type {rest!r} (at {unknown!r}) in {text!r}: add it to "
                "pipeline/reference_data/intervention_types.csv")
    return out
