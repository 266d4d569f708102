"""Bilag 3 pipeline: the Danish loneliness-strategy initiatives table as data.

Module map (PDF -> interim/ -> processed/; README.md has the details):

  command line   __main__ (the `bilag3` script, `python -m pipeline`), stages (each stage file to file),
                 cache (skips a stage whose inputs and code are unchanged), errors (`error: PATH: problem`)
  definitions    metadata (every table's fields, types, descriptions and constraints), settings (thresholds),
                 reference + reference_data/ (lookup CSVs shipped as package data)
  extract        source (which PDF, its sha256), extract, layout (page geometry)
  assemble       assemble, continuation (rows across pages), textjoin, lexicon (line breaks inside words)
  normalise      normalise (the named steps), organisations, ages, geography, delivery, intervention_types,
                 plausibility (rows that look merged or split)
  checks         schemas (Pandera, from metadata), validate (Pandera + Great Expectations over a release)
  export         store (Parquet, CSV, staged writes), release (release.json and the quality items of a
                 processed folder), quality_report, datapackage (datapackage.json, codebook), report_page
                 (report.html), explorer (+ explorer_template.html), workbook (the .xlsx), diff (CHANGES.md)
  published      table_schemas (schemas/: Table Schema JSON and Pandera YAML per table)
  links          links (usable URLs; the HTTP link check of `make links`)
"""

__version__ = "0.1.0"
