"""The source PDF: its checksum and whether it is a release recorded in a manifest.

A PDF is recognised by its sha256 alone, wherever it lies and whatever it is
called: the manifest beside it is read first, then the project's own
raw/manifest.json (from the working directory and from the repository this
package sits in). A manifest records one release ({"file", "sha256", "title"})
and may list earlier ones under "releases" in the same form.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

MANIFEST = "manifest.json"
# The project's manifest: relative to the working directory (as the CLI's default PDF is)
# and to the repository this package is part of.
PROJECT_MANIFESTS = (Path("raw") / MANIFEST, Path(__file__).resolve().parent.parent / "raw" / MANIFEST)
PDF_MAGIC = b"%PDF"


@dataclass(frozen=True)
class SourceInfo:
    path: Path
    sha256: str
    title: str
    known: bool  # the sha256 is one recorded in a manifest
    manifest: Path | None = None  # where it is recorded
    recorded_as: str = ""          # the file name it is recorded under

    def describe(self) -> str:
        if self.known:
            alias = f" as {self.recorded_as}" if self.recorded_as and self.recorded_as != self.path.name else ""
            return (f"{self.path.name}: the release recorded in {self.manifest}{alias} "
                    f"(sha256 {self.sha256[:12]}…)")
        return (f"{self.path.name}: NEW RELEASE, sha256 {self.sha256[:12]}… is not recorded in "
                f"{self.manifest or MANIFEST}; record it there once reviewed")


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


def is_pdf(path: Path) -> bool:
    """The file starts (after any leading whitespace) with the PDF header."""
    with Path(path).open("rb") as fh:
        return fh.read(1024).lstrip().startswith(PDF_MAGIC)


def manifest_candidates(pdf: Path) -> list[Path]:
    """Manifests to look the PDF up in: beside it first, then the project's; each once."""
    out: list[Path] = []
    seen: set[Path] = set()
    for candidate in (Path(pdf).parent / MANIFEST, *PROJECT_MANIFESTS):
        try:
            resolved = candidate.resolve()
        except OSError:
            continue
        if resolved not in seen and candidate.is_file():
            seen.add(resolved)
            out.append(candidate)
    return out


def recorded_releases(manifest: dict) -> list[dict]:
    """The releases a manifest records: its own top-level entry, then any under "releases"."""
    entries = [manifest, *(manifest.get("releases") or [])]
    return [e for e in entries if isinstance(e, dict) and e.get("sha256")]


def _load(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise InputError(path, f"not valid JSON ({e})") from None
    if not isinstance(data, dict):
        raise InputError(path, "not a manifest (expected a JSON object)")
    return data


def inspect_source(path: Path, manifests: list[Path] | None = None) -> SourceInfo:
    """Checksum of the PDF at `path` and the manifest entry with that checksum, if any.

    Raises InputError for a missing file or one that is not a PDF, so that no
    release notice is given for an input that is then rejected.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, "file does not exist")
    if not path.is_file():
        raise InputError(path, "not a file")
    if not is_pdf(path):
        raise InputError(path, "not a PDF (no %PDF header)")
    digest = sha256_of(path)
    candidates = manifest_candidates(path) if manifests is None else [Path(m) for m in manifests]
    for manifest_path in candidates:
        for entry in recorded_releases(_load(manifest_path)):
            if entry["sha256"] == digest:
                return SourceInfo(path=path, sha256=digest, title=entry.get("title", ""), known=True,
                                  manifest=manifest_path, recorded_as=entry.get("file", ""))
    return SourceInfo(path=path, sha256=digest, title="", known=False,
                      manifest=candidates[0] if candidates else None)
