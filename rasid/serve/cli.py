"""Command line: ``rasid run``, ``export``, ``stories``, ``story``, ``skips`` (and ``serve``/``watch``)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from rasid.run.pipeline import RunConfig, run
from rasid.store import Store

app = typer.Typer(add_completion=False, help="راصد — offline Arabic news event intelligence.", no_args_is_help=True)
console = Console(stderr=True)

DbOpt = Annotated[str, typer.Option("--db", help="SQLite file path or SQLAlchemy URL (postgresql://...)")]


class _RichProgress:
    def __init__(self, progress: Progress, label: str, total: int | None) -> None:
        self._p = progress
        self._task = progress.add_task(label, total=total)

    def advance(self, n: int = 1) -> None:
        self._p.advance(self._task, n)

    def __enter__(self) -> _RichProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self._p.update(self._task, visible=True)


@app.command("run")
def run_cmd(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (.txt .html .jsonl .rss/.xml .warc) or feed URLs")],
    db: DbOpt = "rasid.db",
    batch_size: Annotated[int, typer.Option(help="Articles per transaction")] = 500,
    engine: Annotated[str, typer.Option(help="local or dask")] = "local",
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address (default: LocalCluster)")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes (default: free cores; 1: in process)")] = None,
    no_extract: Annotated[bool, typer.Option("--no-extract", help="Only ingest, clean and dedup")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Ingest, clean, deduplicate, extract and cluster articles into the store."""
    store = Store(db)
    cfg = RunConfig(batch_size=batch_size, extract=not no_extract, cluster=not no_extract, workers=workers)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, disable=quiet, transient=False) as progress:
        def factory(label: str, total: int | None) -> _RichProgress:
            return _RichProgress(progress, label, total)

        if engine == "dask":
            from rasid.run.dask_engine import run_dask

            report = run_dask(list(paths), store, cfg, scheduler=scheduler, progress=factory, workers=workers or 2)
        elif engine == "local":
            report = run(list(paths), store, cfg, progress=factory)
        else:
            raise typer.BadParameter(f"unknown engine {engine!r}: use local or dask")
    for skip in report.skipped:
        console.print(f"[yellow]skipped[/] {skip.source_path}: {skip.reason}")
    for note in report.notes:
        console.print(f"[cyan]note[/] {note}")
    console.print(
        f"read {report.read}, added {report.added}, already present {report.already_present}, "
        f"duplicates {report.duplicates}, skipped {len(report.skipped)}, extracted {report.extracted}, "
        f"stories updated {report.stories_updated} → {store.url}"
    )
    store.close()


@app.command("export")
def export_cmd(
    db: DbOpt = "rasid.db",
    format: Annotated[str, typer.Option("--format", "-f", help="json, csv or parquet")] = "json",
    output: Annotated[Path, typer.Option("--output", "-o", help="File (json) or folder (csv/parquet)")] = Path(
        "rasid-export.json"),
) -> None:
    """Export documents, stories, entities, events, claims and conflicts."""
    from rasid.serve.export import export

    if format not in {"json", "csv", "parquet"}:
        raise typer.BadParameter("format must be json, csv or parquet")
    store = Store(db)
    for path in export(store, format, output):
        console.print(f"wrote {path}")


@app.command("stories")
def stories_cmd(db: DbOpt = "rasid.db", limit: Annotated[int, typer.Option()] = 50) -> None:
    """List stories, newest first: size, outlets, date range, title."""
    store = Store(db)
    table = Table("id", "size", "outlets", "from", "to", "title", title="stories")
    for row in store.story_rows()[:limit]:
        table.add_row(row["id"], str(row["size"]), ", ".join(row["outlets"]), (row["first_date"] or "")[:10],
                      (row["last_date"] or "")[:10], row["title"] or "")
    Console().print(table)


@app.command("story")
def story_cmd(story_id: str, db: DbOpt = "rasid.db") -> None:
    """Show one story: title, summary, timeline, articles, conflicts."""
    store = Store(db)
    found = store.stories([story_id])
    if not found:
        console.print(f"[red]no story {story_id!r}[/]")
        raise typer.Exit(1)
    s = found[0]
    out = Console()
    out.rule(s.title or s.id)
    for sent in s.summary:
        out.print(f"• {sent.text}  [dim]({sent.doc_id})[/]")
    if s.timeline:
        out.print("\n[bold]timeline[/]")
        for e in s.timeline:
            flag = " (background)" if e.background else ""
            out.print(f"{e.date or '?'}{flag}: {e.text}  [dim]{', '.join(e.sources)}[/]")
    table = Table("id", "outlet", "published", "duplicate of", "title", title="articles")
    for d in store.documents(s.doc_ids):
        table.add_row(d.id, d.outlet or "", d.published.date().isoformat() if d.published else "",
                      d.duplicate_of or "", d.title or "")
    out.print(table)
    for c in store.conflicts(s.id):
        out.print(f"[red]conflict[/] {c.slot}: " + " | ".join(
            f"{v} ← {', '.join(c.outlets.get(v, []))}" for v in c.values))


@app.command("skips")
def skips_cmd(db: DbOpt = "rasid.db") -> None:
    """Inputs that were skipped, with the reason."""
    store = Store(db)
    for k in store.skips():
        Console().print(f"{k.source_path}\t{k.reason}")


@app.command("serve")
def serve_cmd(
    db: DbOpt = "rasid.db",
    host: Annotated[str, typer.Option(help="Interface to bind (localhost by default)")] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
) -> None:
    """Serve the REST API (OpenAPI at /docs) and the Arabic web UI."""
    from rasid.serve.api import serve

    serve(db, host=host, port=port)


@app.command("watch")
def watch_cmd(
    folder: Annotated[Path, typer.Argument(help="Folder to watch for new article files")],
    db: DbOpt = "rasid.db",
    interval: Annotated[float, typer.Option(help="Seconds between scans")] = 5.0,
    once: Annotated[bool, typer.Option("--once", help="Process what is there, then exit")] = False,
) -> None:
    """Ingest new files as they appear in a folder."""
    from rasid.ingest.watch import watch_folder

    store = Store(db)
    watch_folder(folder, store, RunConfig(), interval=interval, once=once, console=console)


def main() -> None:  # pragma: no cover
    logging.basicConfig(level=logging.WARNING)
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
