"""A fixed handful of layout-fuzz variants (tests/fuzz): the golden table re-typeset by LibreOffice Writer and
by WeasyPrint, the pipeline's output scored against the golden records. `make fuzz N=40` runs many more."""

import pytest

from tests.fuzz import params, source
from tests.fuzz.run import MIN_CELLS, run_variant

# A handful of seeds: both typesetters, both orientations, all four rule styles, wrapped and repeated headers,
# raised and full-size footnote numbers, justified text, page numbers centred and right, and a narrow portrait
# table where most line breaks are open and the lexicon decides them (`make fuzz` runs many).
SEEDS = (4, 6, 7, 15, 21)


def _available(typesetter: str) -> str | None:
    if typesetter == "writer":
        from tests.fuzz.typeset_writer import available
        if not available():
            return "LibreOffice Writer or its Python bridge is missing: apt-get install libreoffice-writer-nogui python3-uno"
    if typesetter == "html":
        try:
            import weasyprint  # noqa: F401
        except (ImportError, OSError) as e:
            return f"WeasyPrint is not usable: {e}"
    return None


@pytest.mark.parametrize("seed", SEEDS)
def test_fuzz_variant(seed, tmp_path):
    table = source.load()
    p = params.draw(seed, len(table.rows))
    missing = _available(p.typesetter)
    if missing:
        pytest.skip(missing)
    s, _ = run_variant(p, tmp_path, table)
    print(f"\nseed {seed}: {p.describe()}: {s.cells_equal}/{s.cells_total} cells, "
          f"{s.notes_right}/{s.notes_total} footnotes, {s.records} records, {s.suspects} suspects {s.error}")
    for m in s.misses:
        print("  ", m)
    assert not s.error
    assert s.records == s.golden_records
    assert s.cells_share >= MIN_CELLS
    assert s.perfect_notes
    assert s.suspects == 0
