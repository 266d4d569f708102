"""Name and organisations from the first column: "Navn (Forening A, Forening B)" -> "Navn", ["Forening A", "Forening B"]."""

from __future__ import annotations

import re
from dataclasses import dataclass

YEARS = re.compile(r"\s*\b\d{4}\s*[-–]\s*\d{4}\b\s*$")


@dataclass(frozen=True)
class OrganisationRules:
    prefixes: tuple[str, ...]   # "Samarbejde ml." ...: not organisations, stripped
    unsplit: tuple[str, ...]    # names that contain "og" but are one organisation


def trailing_group(text: str) -> tuple[str, str] | None:
    """(before, inside) for a bracketed group that ends the text, nested brackets allowed."""
    text = text.rstrip()
    if not text.endswith(")"):
        return None
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        depth += text[i] == ")"
        depth -= text[i] == "("
        if depth == 0:
            return text[:i], text[i + 1:-1]
    return None


def split_top_level(text: str, unsplit: tuple[str, ...]) -> list[str]:
    """Split at commas and " og " outside brackets, keeping names listed as unsplit whole."""
    protected = {}
    for i, name in enumerate(sorted(unsplit, key=len, reverse=True)):
        key = f"\x00{i}\x00"
        if name in text:
            text = text.replace(name, key)
            protected[key] = name
    parts, depth, cur = [], 0, ""
    i = 0
    while i < len(text):
        ch = text[i]
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and ch == ",":
            parts.append(cur)
            cur = ""
        elif depth == 0 and text.startswith(" og ", i):
            parts.append(cur)
            cur = ""
            i += 3
        else:
            cur += ch
        i += 1
    parts.append(cur)
    out = []
    for part in parts:
        for key, name in protected.items():
            part = part.replace(key, name)
        part = part.strip(" ,")
        if part:
            out.append(part)
    return out


def parse_name(text: str, rules: OrganisationRules) -> tuple[str, list[str]]:
    """(name, organisations). No bracket at the end: no organisations."""
    text = " ".join(text.split())
    group = trailing_group(text)
    if group is None:
        return text, []
    before, inside = group
    name = before.strip().rstrip(",-–").strip()
    if not name:
        return text, []
    inside = inside.strip()
    for prefix in sorted(rules.prefixes, key=len, reverse=True):
        if inside.lower().startswith(prefix.lower()):
            inside = inside[len(prefix):].strip()
            break
    inside = YEARS.sub("", inside)
    # a lowercase phrase of several words describes the initiative; it names no organisation
    if inside[:1].islower() and len(inside.split()) >= 3:
        return name, []
    return name, split_top_level(inside, rules.unsplit)
