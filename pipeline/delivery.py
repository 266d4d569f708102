"""How an initiative reaches people (`delivery`), from its geography and content cells.

The terms of `pipeline/reference_data/delivery_terms.csv` are matched case-insensitively, longest first, each span of
text read once: "onlinechat" is a chat, not also online; a phrase of kind `ignore` ("digitale fællesskaber" as
the topic of a course) hides the channel words inside it. A term matches as a whole `word`, at the `start` of a
word (Danish compounds: "telefonrådgivning"), or as a `part` of a word ("fællesskabsportal").

An initiative is `in_person` when an in-person term is found or when no remote channel is: the document's
initiatives are activities where people meet unless the cells say otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from .metadata import VALUE_LABELS

# the categories are the delivery field's values (pipeline/metadata.py), in their order
CATEGORIES: tuple[str, ...] = tuple(VALUE_LABELS["delivery"])
IN_PERSON = "in_person"
REMOTE: frozenset[str] = frozenset(CATEGORIES) - {IN_PERSON}
IGNORE = "ignore"
MATCHES = ("word", "start", "part")
LETTER = r"[^\W\d_]"  # a letter in any alphabet, æøå included


@dataclass(frozen=True)
class DeliveryRules:
    # (term, category or "ignore", match: word / start / part)
    terms: tuple[tuple[str, str, str], ...]
    default: str = IN_PERSON

    def __post_init__(self) -> None:
        for term, kind, match in self.terms:
            if kind not in (*CATEGORIES, IGNORE) or match not in MATCHES:
                raise ValueError(f"delivery term {term!r}: kind {kind!r} / match {match!r} unknown")

    @cached_property
    def kinds(self) -> dict[str, str]:
        return {term.casefold(): kind for term, kind, _ in self.terms}

    @cached_property
    def pattern(self) -> re.Pattern:
        def alt(term: str, match: str) -> str:
            before = "" if match == "part" else rf"(?<!{LETTER})"
            after = rf"(?!{LETTER})" if match == "word" else ""
            return before + re.escape(term.casefold()) + after
        ordered = sorted(self.terms, key=lambda t: (-len(t[0]), t[0]))
        return re.compile("|".join(alt(term, match) for term, _, match in ordered))


def parse_delivery(geography: str | None, content: str | None, rules: DeliveryRules) -> list[str]:
    """The delivery categories the two cells describe, in CATEGORIES order."""
    text = " ".join(f"{geography or ''} {content or ''}".split()).casefold()
    found = {rules.kinds[m.group(0)] for m in rules.pattern.finditer(text)} - {IGNORE}
    if not found & REMOTE:
        found.add(rules.default)
    return [c for c in CATEGORIES if c in found]


def is_remote(delivery: list[str]) -> bool:
    """Any remote channel (phone, chat or online): the published `online` flag."""
    return bool(set(delivery) & REMOTE)
