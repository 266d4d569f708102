"""Layout fuzzing: the golden table re-typeset by real typesetters under random layouts, scored cell by cell.

Modules: `params` (one variant's layout, drawn from a seed), `source` (the golden table as items and
footnotes), `typeset_writer` (LibreOffice Writer), `typeset_html` (WeasyPrint), `score` (the pipeline's
output against the golden records), `run` (`make fuzz N=...`).
"""
