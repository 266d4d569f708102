"""Content-hash cache: a stage whose inputs and code are unchanged is skipped.

Each stage records, in interim/cache/<stage>.json, the sha256 of its input
files, of the pipeline's code and reference data, and of the files it wrote.
A re-run with the same fingerprint whose outputs are still as written skips
the stage; `--force` recomputes everything.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from . import __version__, reference
from .source import sha256_of

PACKAGE_DIR = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def code_version() -> str:
    """sha256 over the pipeline's source and reference data, with its version."""
    h = hashlib.sha256(__version__.encode())
    for path in sorted(PACKAGE_DIR.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    for resource in reference.files():
        h.update(resource.name.encode())
        h.update(resource.read_bytes())
    return h.hexdigest()


def fingerprint(inputs: list[Path], **params) -> dict:
    return {"code": code_version(), "inputs": {p.name: sha256_of(p) for p in inputs if p.exists()},
            "params": {k: str(v) for k, v in params.items()}}


def _stamp(interim: Path, stage: str) -> Path:
    return interim / "cache" / f"{stage}.json"


def is_fresh(interim: Path, stage: str, print_: dict, outputs: list[Path]) -> bool:
    path = _stamp(interim, stage)
    if not path.exists():
        return False
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return False
    if recorded.get("fingerprint") != print_:
        return False
    written = recorded.get("outputs", {})
    return all(p.exists() and written.get(str(p)) == sha256_of(p) for p in outputs)


def record(interim: Path, stage: str, print_: dict, outputs: list[Path]) -> None:
    path = _stamp(interim, stage)
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = {"fingerprint": print_, "outputs": {str(p): sha256_of(p) for p in outputs}}
    path.write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")
