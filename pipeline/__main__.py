"""Command line: python -m pipeline run|extract|assemble|normalise|export."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import typer

from . import stages
from .errors import PipelineError
from .settings import DEFAULT_SETTINGS, LINKS, ExtractSettings

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Bilag 3 pipeline: PDF -> interim/ -> processed/.")
STATE = {"quiet": False, "debug": False}

PDF = typer.Option(Path("raw/bilag3_initiativer_ensomhed.pdf"), "--pdf", help="Source PDF.")
OUT = typer.Option(Path("processed"), "--out", help="Folder for the published tables.")
INTERIM = typer.Option(Path("interim"), "--interim", help="Folder for the stages' intermediate tables.")


def log(msg: str) -> None:
    if not STATE["quiet"]:
        print(msg, file=sys.stderr)


def progress(done: int, total: int) -> None:
    if STATE["quiet"] or not sys.stderr.isatty():
        return
    end = "\n" if done == total else ""
    print(f"\rextract: page {done}/{total}", end=end, file=sys.stderr, flush=True)


@app.callback()
def main(quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress or log on stderr."),
         debug: bool = typer.Option(False, "--debug", help="Show tracebacks.")) -> None:
    STATE.update(quiet=quiet, debug=debug)


def _guard(fn, *args, unchanged: Path | None = None, **kwargs) -> None:
    try:
        fn(*args, **kwargs)
    except PipelineError as e:
        if STATE["debug"]:
            raise
        note = f" ({unchanged}/ left unchanged)" if unchanged is not None else ""
        print(f"error: {e}{note}", file=sys.stderr)
        raise typer.Exit(code=2)


SHRINK = typer.Option(False, "--allow-shrink", help="Publish even if the release lost many rows.")
FORCE = typer.Option(False, "--force", help="Recompute even when inputs and code are unchanged.")
WORKERS = typer.Option(0, "--workers", help="Processes reading pages (0 = one per core).")
SUSPECTS = typer.Option(False, "--allow-suspects",
                        help="Publish even if rows look merged or split (they stay in the quality report).")
REVIEWED = typer.Option(Path("raw/reviewed_suspects.csv"), "--reviewed",
                        help="CSV of suspect rows accepted on review (check,row_key,initiative_id,name,reason).")


def _settings(workers: int) -> ExtractSettings:
    return replace(DEFAULT_SETTINGS, workers=workers)


@app.command()
def run(pdf: Path = PDF, out: Path = OUT, interim: Path = INTERIM, allow_shrink: bool = SHRINK,
        force: bool = FORCE, workers: int = WORKERS, allow_suspects: bool = SUSPECTS,
        reviewed: Path = REVIEWED) -> None:
    """All stages on one PDF."""
    _guard(stages.run, pdf, out, interim, log, progress, allow_shrink, force, _settings(workers), allow_suspects,
           reviewed, unchanged=out)


@app.command()
def extract(pdf: Path = PDF, interim: Path = INTERIM, force: bool = FORCE, workers: int = WORKERS) -> None:
    """Read the table fragments and footnotes off the PDF into interim/."""
    _guard(stages.extract, pdf, interim, log, progress, force, _settings(workers))


@app.command()
def assemble(interim: Path = INTERIM, force: bool = FORCE) -> None:
    """Join row fragments into initiatives and attribute footnote markers."""
    _guard(stages.assemble, interim, log, force)


@app.command("normalise")
def normalise_command(interim: Path = INTERIM, force: bool = FORCE) -> None:
    """Names, organisations, ages, municipalities and intervention types as typed columns."""
    _guard(stages.normalise, interim, log, force)


@app.command()
def export(interim: Path = INTERIM, out: Path = OUT, allow_shrink: bool = SHRINK, force: bool = FORCE,
           allow_suspects: bool = SUSPECTS, reviewed: Path = REVIEWED) -> None:
    """Write the published tables (Parquet and CSV), reports and datapackage.json to processed/."""
    _guard(stages.export, interim, out, log, allow_shrink, force, allow_suspects, reviewed, unchanged=out)


@app.command()
def validate(out: Path = OUT) -> None:
    """Pandera and Great Expectations over a processed release; report in OUT/reports/."""
    from .validate import validate as run_validation

    def check() -> None:
        report = run_validation(out)
        for c in report.failed:
            print(f"FAILED [{c.tool}] {c.table}: {c.name}: {c.detail}", file=sys.stderr)
        log(f"validate: {len(report.checks) - len(report.failed)}/{len(report.checks)} checks passed; "
            f"report in {out / 'reports' / 'validation.html'}")
        if report.failed:
            raise PipelineError(f"{out}: {len(report.failed)} validation check(s) failed")

    _guard(check)


@app.command()
def report(out: Path = OUT) -> None:
    """Write OUT/report.html: charts and quality items of a processed release, one self-contained page."""
    from .report_page import write_report

    _guard(lambda: log(f"report: wrote {write_report(out)}"))


@app.command()
def diff(old: Path = typer.Argument(..., help="Processed folder of the earlier release."),
         new: Path = typer.Argument(..., help="Processed folder of the later release."),
         json_path: Path = typer.Option(None, "--json", help="Also write the diff as JSON to this file.")) -> None:
    """What changed between two processed releases: added, removed and changed initiatives (Markdown on stdout)."""
    from .diff import release_label, run_diff, to_markdown

    def show() -> None:
        result = run_diff(old, new, json_path=json_path)
        print(to_markdown(result, f"{old}: {release_label(old)}", f"{new}: {release_label(new)}"))

    _guard(show)


@app.command()
def schemas(out: Path = typer.Option(Path("schemas"), "--out", help="Folder for the published schemas.")) -> None:
    """Write the published schemas (Frictionless Table Schema JSON and Pandera YAML per table) from metadata.py."""
    from .table_schemas import write_all

    _guard(lambda: log(f"schemas: wrote {len(write_all(out))} files to {out}"))


@app.command()
def links(out: Path = OUT,
          concurrency: int = typer.Option(LINKS.concurrency, "--concurrency", help="Requests in flight at once."),
          per_host: int = typer.Option(LINKS.per_host, "--per-host", help="Requests in flight to one host."),
          timeout: float = typer.Option(LINKS.timeout, "--timeout", help="Seconds one request may take."),
          retries: int = typer.Option(LINKS.retries, "--retries", help="Further tries after timeouts, 429 and 5xx.")
          ) -> None:
    """Check every footnote URL of a processed release over HTTP: OUT/link_status.parquet and .csv,
    broken links in the quality report, link health in report.html. Needs the network; never run by `run`."""
    from . import links as links_mod

    settings = replace(LINKS, concurrency=concurrency, per_host=per_host, timeout=timeout, retries=retries)

    def check() -> None:
        if STATE["quiet"] or not sys.stderr.isatty():
            links_mod.run(out, settings, log)
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
        console = Console(stderr=True)

        def say(msg: str) -> None:   # through the bar's console, whole, so the bar stays below
            console.print(msg, markup=False, highlight=False, soft_wrap=True)

        with Progress("links", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True,
                      console=console) as bar:
            task = bar.add_task("links", total=None)
            links_mod.run(out, settings, say, lambda done, total: bar.update(task, completed=done, total=total))

    _guard(check, unchanged=None)


if __name__ == "__main__":
    app()
