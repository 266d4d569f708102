"""The source PDF: its checksum and whether it is the release recorded in raw/."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class SourceInfo:
    path: Path
    sha256: str
    title: str
    known: bool  # the sha256 is the one recorded in the manifest beside the PDF

    def describe(self) -> str:
        if self.known:
            return f"{self.path.name}: the release recorded in {MANIFEST} (sha256 {self.sha256[:12]}…)"
        return (f"{self.path.name}: NEW RELEASE, sha256 {self.sha256[:12]}… differs from "
                f"{MANIFEST}; record it there once reviewed")


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def pdf_date(path: Path) -> str:
    """The PDF's own creation (else modification) date as YYYY-MM-DD, or "" when it records none."""
    import re

    import pdfplumber  # only the stage that reads the PDF needs it
    try:
        with pdfplumber.open(path) as pdf:
            info = pdf.metadata or {}
    except Exception:  # noqa: BLE001 - a date is optional; extract reports unreadable PDFs itself
        return ""
    raw = info.get("CreationDate") or info.get("ModDate") or ""
    if isinstance(raw, bytes):
        raw = raw.decode("latin-1", "replace")
    m = re.match(r"(?:D:)?(\d{4})(\d{2})(\d{2})", str(raw))
    return f"{m[1]}-{m[2]}-{m[3]}" if m else ""


def inspect_source(path: Path) -> SourceInfo:
    path = Path(path)
    if not path.exists():
        raise InputError(path, "file does not exist")
    if not path.is_file():
        raise InputError(path, "not a file")
    digest = sha256_of(path)
    manifest_path = path.parent / MANIFEST
    title = ""
    known = False
    if manifest_path.exists():
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise InputError(manifest_path, f"not valid JSON ({e})") from None
        known = manifest.get("sha256") == digest and manifest.get("file") == path.name
        title = manifest.get("title", "") if known else ""
    return SourceInfo(path=path, sha256=digest, title=title, known=known)
