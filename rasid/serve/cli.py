"""Command line: ``rasid run``, ``export``, ``stories``, ``story``, ``skips``, ``outlets`` (and ``serve``/``watch``)."""

from __future__ import annotations

import dataclasses
import errno
import logging
import os
from datetime import datetime
from pathlib import Path
from typing import Annotated

import click
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from sqlalchemy.exc import DBAPIError
from typer.core import TyperGroup

from rasid.config import ConfigError, OutletsConfig, RunConfig
from rasid.ingest.common import WARNING
from rasid.run.faults import RunInterrupted, graceful_interrupts
from rasid.run.pipeline import run
from rasid.store import Store, StoreMissingError

console = Console(stderr=True)
_debug = {"on": bool(os.environ.get("RASID_DEBUG"))}


def storage_error_line(exc: BaseException, db: str | None) -> str | None:
    """One line saying what went wrong with the database and what to do, or None if ``exc`` is not that."""
    where = db or "the database"
    if isinstance(exc, StoreMissingError):
        return str(exc)
    msg = str(getattr(exc, "orig", None) or exc).lower()
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC or "disk is full" in msg or "no space" in msg:
        return f"disk full while writing {where}: free some space, then run the same command again to resume"
    if isinstance(exc, OSError) and exc.errno in (errno.EROFS, errno.EACCES) or "readonly" in msg \
            or "read-only" in msg or "read only" in msg:
        return (f"{where} is read-only: it can be browsed and exported, but to add articles copy it somewhere "
                "writable or fix its permissions")
    if "locked" in msg:
        return f"{where} is locked by another program: wait for it to finish, then run again"
    if "unable to open" in msg:
        return f"cannot open {where}: check that the folder exists and is writable"
    if isinstance(exc, DBAPIError):
        return f"database error on {where}: {str(getattr(exc, 'orig', exc)).splitlines()[0][:200]}"
    return None


class _GuardedGroup(TyperGroup):
    """Storage failures and Ctrl-C end a command with one clear line and a non-zero exit, not a traceback
    (which may quote article text); ``rasid --debug ...`` or ``RASID_DEBUG=1`` shows the traceback."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        self._argv = list(args)  # kept to name the database in an error line
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            if _debug["on"]:
                raise
            console.print("[yellow]interrupted[/]: what was committed is kept; run the same command again "
                          "to resume where it stopped")
            raise typer.Exit(130) from None
        except (DBAPIError, OSError) as exc:
            line = storage_error_line(exc, _db_arg(getattr(self, "_argv", [])))
            if line is None or _debug["on"]:
                raise
            console.print(f"[red]error[/]: {escape(line)}", soft_wrap=True)
            raise typer.Exit(2) from None


def _db_arg(args: list[str]) -> str:
    """The ``--db`` value on the command line (the default file when none was given)."""
    for i, a in enumerate(args):
        if a == "--db" and i + 1 < len(args):
            return args[i + 1]
        if a.startswith("--db="):
            return a.split("=", 1)[1]
    return "rasid.db"


app = typer.Typer(add_completion=False, help="راصد — offline Arabic news event intelligence.", no_args_is_help=True,
                  cls=_GuardedGroup)


@app.callback()
def _main(debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks on errors")] = False) -> None:
    if debug:
        _debug["on"] = True

DbOpt = Annotated[str, typer.Option("--db", help="SQLite file path or SQLAlchemy URL (postgresql://...)")]
ConfigOpt = Annotated[Path | None, typer.Option(
    "--config", help="TOML file of tuning values (every key: docs/config.example.toml); default: built-in")]
ReconfigureOpt = Annotated[bool, typer.Option(
    "--reconfigure", help="If the stored stories were built with another [stories] config, rebuild them all")]


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
    config: ConfigOpt = None,
    reconfigure: ReconfigureOpt = False,
    batch_size: Annotated[int | None, typer.Option(min=1, help="Articles per transaction (overrides --config)")] = None,
    engine: Annotated[str, typer.Option(help="local or dask")] = "local",
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address (default: LocalCluster)")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes (default: free cores; 1: in process)")] = None,
    no_extract: Annotated[bool, typer.Option("--no-extract", help="Only ingest, clean and dedup")] = False,
    outlet: Annotated[str | None, typer.Option(
        help="Outlet of every article read (otherwise found per article: field, URL host, site name, dateline; "
             "never the folder name)")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
    alerts_hook: Annotated[list[str] | None, typer.Option(
        "--alerts-hook", help="After the run, POST what it changed (the alerts JSON) to this http(s) URL")] = None,
    alerts_exec: Annotated[list[str] | None, typer.Option(
        "--alerts-exec", help="After the run, run this command with what it changed (alerts JSON) on stdin")] = None,
    ner: Annotated[str | None, typer.Option(
        "--ner", help="Name tagger: fast (CRF, default) or accurate (fine-tuned e5; needs rasid[accurate])")] = None,
) -> None:
    """Ingest, clean, deduplicate, extract and cluster articles into the store."""
    from rasid.serve.cli_desk import check_hooks

    check_hooks(alerts_hook or [])
    cfg = _load_config(config)
    if ner is not None:
        if ner not in ("fast", "accurate"):
            raise typer.BadParameter(f"--ner must be fast or accurate, not {ner!r}")
        ner_cfg = dataclasses.replace(cfg.extraction.ner, tagger=ner)
        cfg = dataclasses.replace(cfg, extraction=dataclasses.replace(cfg.extraction, ner=ner_cfg))
    if cfg.extract and cfg.extraction.ner.tagger == "accurate":
        from rasid.extract.ner.neural import NeuralModelUnavailable, check_available

        try:
            check_available()
        except NeuralModelUnavailable as exc:
            console.print(f"[red]error[/] --ner accurate: {escape(str(exc))}")
            raise typer.Exit(2) from None
    if outlet is not None:
        if not outlet.strip():
            raise typer.BadParameter("--outlet needs a name")
        cfg = dataclasses.replace(cfg, outlet=outlet.strip())
    if batch_size is not None:
        cfg = dataclasses.replace(cfg, batch_size=batch_size)
    if no_extract:
        cfg = dataclasses.replace(cfg, extract=False, cluster=False)
    if workers is not None:
        cfg = dataclasses.replace(cfg, workers=workers)
    store = Store(db)
    _check_stories_config(store, cfg, reconfigure)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, disable=quiet, transient=False) as progress:
        def factory(label: str, total: int | None) -> _RichProgress:
            return _RichProgress(progress, label, total)

        def stopping() -> None:
            console.print("[yellow]stopping after the current batch[/] (press Ctrl-C again to stop at once)")

        try:
            with graceful_interrupts(stopping):
                if engine == "dask":
                    from rasid.run.dask_engine import run_dask

                    report = run_dask(list(paths), store, cfg, scheduler=scheduler, progress=factory,
                                      workers=workers or 2)
                elif engine == "local":
                    report = run(list(paths), store, cfg, progress=factory)
                else:
                    raise typer.BadParameter(f"unknown engine {engine!r}: use local or dask")
        except RunInterrupted as exc:
            console.print(f"[yellow]interrupted[/] ({exc}): everything before it is saved; run the same command "
                          "again to resume")
            store.close()
            raise typer.Exit(130) from None
    warned = 0
    for skip in report.skipped:
        if skip.reason.startswith(WARNING):  # stored, with a note (e.g. damaged bytes replaced)
            warned += 1
            console.print(f"[yellow]warning[/] {skip.source_path}: {skip.reason.removeprefix(WARNING)}")
        else:
            console.print(f"[yellow]skipped[/] {skip.source_path}: {skip.reason}")
    for note in report.notes:
        console.print(f"[cyan]note[/] {note}")
    console.print(
        f"read {report.read}, added {report.added}, already present {report.already_present}, "
        f"duplicates {report.duplicates}, skipped {len(report.skipped) - warned}, warnings {warned}, extracted {report.extracted}, "
        f"stories updated {report.stories_updated}, storylines updated {report.storylines_updated} → {store.url}"
    )
    if (alerts_hook or alerts_exec) and report.changes is not None:
        from rasid.serve.cli_desk import deliver
        from rasid.serve.monitor import build_alerts

        since, until = report.changes  # what this run changed, whatever the analyst has seen
        deliver(build_alerts(store, since=since, until=until), alerts_hook or [], alerts_exec or [], 10.0)
    store.close()


def _load_config(path: Path | None) -> RunConfig:
    """The run config from ``--config`` (defaults without it); a bad file is a one-line error, no traceback."""
    if path is None:
        return RunConfig()
    try:
        return RunConfig.from_toml(path)
    except ConfigError as exc:
        console.print(f"[red]config error[/] {escape(str(exc))}")
        raise typer.Exit(2) from None


def _check_stories_config(store: Store, cfg: RunConfig, reconfigure: bool) -> None:
    """Refuse, before any work, to extend stories built under another [stories] config; ``--reconfigure``
    forgets them so this run rebuilds every story under ``cfg`` (entities, events and claims are kept)."""
    if not cfg.cluster:
        return
    from rasid.stories.cluster import config_mismatch

    problem = config_mismatch(store.get_state("clusterer"), cfg.stories)
    if problem is None:
        return
    if not reconfigure:
        console.print(f"[red]config mismatch[/] {escape(problem)}")
        store.close()
        raise typer.Exit(2)
    n = store.reset_stories()
    console.print(f"[yellow]reconfigure[/] the \\[stories] config changed: rebuilding every story ({n} documents)")


@app.command("export")
def export_cmd(
    db: DbOpt = "rasid.db",
    format: Annotated[str, typer.Option("--format", "-f", help="json, csv, parquet or polecat (events CSV)")] = "json",
    output: Annotated[Path, typer.Option("--output", "-o", help="File (json, polecat) or folder (csv/parquet)")] = Path(
        "rasid-export.json"),
) -> None:
    """Export documents, stories, entities, events, claims and conflicts (``polecat``: one row per event)."""
    from rasid.serve.export import export

    if format not in {"json", "csv", "parquet", "polecat"}:
        raise typer.BadParameter("format must be json, csv, parquet or polecat")
    store = Store(db, must_exist=True)
    for path in export(store, format, output):
        console.print(f"wrote {path}")


@app.command("stories")
def stories_cmd(db: DbOpt = "rasid.db", limit: Annotated[int, typer.Option()] = 50) -> None:
    """List stories, newest first: size, outlets, date range, title."""
    store = Store(db, must_exist=True)
    table = Table("id", "size", "outlets", "from", "to", "title", title="stories")
    for row in store.story_page(limit, 0)[1]:  # paged by the database: a large archive is not read whole
        table.add_row(row["id"], str(row["size"]), ", ".join(row["outlets"]), (row["first_date"] or "")[:10],
                      (row["last_date"] or "")[:10], row["title"] or "")
    Console().print(table)


@app.command("story")
def story_cmd(story_id: str, db: DbOpt = "rasid.db") -> None:
    """Show one story: title, summary, timeline, articles, conflicts."""
    store = Store(db, must_exist=True)
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
        table.add_row(d.id, d.outlet or "", d.published_local.date().isoformat() if d.published_local else "",
                      d.duplicate_of or "", d.title or "")
    out.print(table)
    for c in store.conflicts(s.id):
        out.print(f"[red]conflict[/] {c.slot}: " + " | ".join(
            f"{v} ← {', '.join(c.outlets.get(v, []))}" for v in c.values))


def _day(d: datetime | None) -> str:
    return d.date().isoformat() if d else ""


@app.command("storylines")
def storylines_cmd(db: DbOpt = "rasid.db", limit: Annotated[int, typer.Option()] = 50) -> None:
    """List storylines (affairs), newest first: how many stories and articles, date range, title."""
    store = Store(db, must_exist=True)
    table = Table("id", "stories", "size", "from", "to", "title", title="storylines")
    for line in store.storyline_page(limit)[1]:
        table.add_row(line.id, str(len(line.story_ids)), str(line.size), _day(line.first_date),
                      _day(line.last_date), line.title or "")
    Console().print(table)


@app.command("storyline")
def storyline_cmd(storyline_id: str, db: DbOpt = "rasid.db") -> None:
    """Show one storyline: its stories in time order (dates, size, outlets, title)."""
    store = Store(db, must_exist=True)
    found = store.storylines([storyline_id])
    if not found:
        console.print(f"[red]no storyline {storyline_id!r}[/]")
        raise typer.Exit(1)
    line = found[0]
    out = Console()
    out.rule(line.title or line.id)
    out.print(f"{_day(line.first_date)} → {_day(line.last_date)}; {line.size} articles; {', '.join(line.outlets)}")
    briefs = {b.id: b for b in store.story_briefs(story_ids=line.story_ids)}
    table = Table("story", "from", "to", "size", "outlets", "title", title="stories")
    for sid in line.story_ids:
        b = briefs.get(sid)
        if b is not None:
            table.add_row(b.id, _day(b.first_date), _day(b.last_date), str(b.size), ", ".join(b.outlets), b.title)
    out.print(table)


@app.command("skips")
def skips_cmd(db: DbOpt = "rasid.db") -> None:
    """Inputs that were skipped, with the reason."""
    store = Store(db, must_exist=True)
    for k in store.skips():
        Console().print(f"{k.source_path}\t{k.reason}")


OutletsOpt = Annotated[Path | None, typer.Option(
    "--outlets", help="TSV of outlet registry rows overriding/extending the shipped one (columns of "
                      "rasid/data/outlet_registry.tsv); overrides [outlets] registry of --config")]


def _outlets_config(config: Path | None, outlets: Path | None) -> OutletsConfig:
    """The [outlets] section of ``--config``, with ``--outlets FILE`` taking precedence over its registry."""
    cfg = _load_config(config).outlets
    return dataclasses.replace(cfg, registry=str(outlets)) if outlets is not None else cfg


@app.command("outlets")
def outlets_cmd(db: DbOpt = "rasid.db", config: ConfigOpt = None, outlets: OutletsOpt = None,
                all_rows: Annotated[bool, typer.Option("--all", help="Also registry outlets with no article in the store")]
                = False) -> None:
    """List outlets: registry facts (name, country, ownership, affiliation) and their articles and stories in the
    store, most articles first; outlets the registry does not know are marked."""
    from rasid.serve.outlets import registry_for

    registry = registry_for(_outlets_config(config, outlets))  # a skipped row is logged with its reason
    store = Store(db, must_exist=True)
    counts = dict(store.outlet_counts())
    stories = dict(store.outlet_story_counts())
    shown = set(counts)
    if all_rows:
        covered = {registry.lookup(o).id for o in counts if registry.lookup(o) is not None}  # type: ignore[union-attr]
        shown |= {rid for rid in registry.records if rid not in covered}
    table = Table("outlet", "name", "country", "ownership", "affiliation", "articles", "stories", title="outlets")
    for o in sorted(shown, key=lambda o: (-counts.get(o, 0), o)):
        d = registry.describe(o)
        table.add_row(o, d["name"] or "[dim](not in the registry)[/]", d["country"] or "", d["ownership"],
                      d["affiliation"] or "", str(counts.get(o, 0)), str(stories.get(o, 0)))
    Console().print(table)
    store.close()


@app.command("serve")
def serve_cmd(
    db: DbOpt = "rasid.db",
    host: Annotated[str, typer.Option(help="Interface to bind (localhost by default)")] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    token: Annotated[str | None, typer.Option(
        "--token", envvar="RASID_TOKEN", show_envvar=True,
        help="Access token every request must carry (Authorization: Bearer, or the cookie the UI's "
             "login form sets); required when --host is not localhost. Prefer the RASID_TOKEN variable: "
             "a command line is visible to other users")] = None,
    allowed_host: Annotated[list[str] | None, typer.Option(
        "--allowed-host", help="Host name clients use to reach the server (repeatable); besides "
                               "localhost, 127.0.0.1, [::1] and --host")] = None,
    insecure: Annotated[bool, typer.Option(
        "--insecure", help="Serve a non-localhost --host WITHOUT a token: anyone who can reach it reads "
                           "the whole corpus")] = False,
    config: ConfigOpt = None,
    outlets: OutletsOpt = None,
) -> None:
    """Serve the REST API (OpenAPI at /docs) and the Arabic web UI."""
    from rasid.serve.api import serve
    from rasid.serve.security import (
        ANY_ADDRESS,
        SecurityConfig,
        allowed_hosts_for,
        host_name,
        is_loopback,
        token_problem,
    )

    token = token or None  # RASID_TOKEN="" means no token
    if token is not None and (problem := token_problem(token)):
        console.print(f"[red]error[/]: {problem}; e.g. python -c \"import secrets; print(secrets.token_urlsafe(24))\"",
                      soft_wrap=True)
        raise typer.Exit(2)
    local = is_loopback(host)
    if not local and token is None and not insecure:
        console.print(f"[red]error[/]: refusing to serve on {escape(host)} without a token: anyone on the "
                      "network could read the whole corpus. Set RASID_TOKEN (or --token), or pass --insecure "
                      "if that is really what you want.", soft_wrap=True)
        raise typer.Exit(2)
    Store(db, must_exist=True).close()  # a mistyped path must not create (and serve) an empty database
    hosts = allowed_hosts_for(host, allowed_host or [])
    if not local and token is None:
        console.print(f"[bold red]WARNING[/]: --insecure: serving {escape(host)}:{port} with NO token; anyone "
                      "who can reach this port reads every document, entity and claim.", soft_wrap=True)
    elif token is not None:
        console.print("token required: send 'Authorization: Bearer <token>', or open the UI and enter it once")
    if host_name(host) in ANY_ADDRESS and not allowed_host:
        console.print("[yellow]note[/]: bound to every interface, but only requests addressed to localhost are "
                      "answered; add --allowed-host NAME for each name or address clients use", soft_wrap=True)
    console.print(f"allowed hosts: {', '.join(sorted(hosts))}")
    outlets_cfg = _outlets_config(config, outlets)  # the app loads it once; skipped rows are logged
    serve(db, host=host, port=port, security=SecurityConfig(allowed_hosts=hosts, token=token), outlets=outlets_cfg,
          lists=_load_config(config).lists)


@app.command("watch")
def watch_cmd(
    folder: Annotated[Path, typer.Argument(help="Folder to watch for new article files")],
    db: DbOpt = "rasid.db",
    interval: Annotated[float, typer.Option(help="Seconds between scans")] = 5.0,
    once: Annotated[bool, typer.Option("--once", help="Process what is there, then exit")] = False,
    config: ConfigOpt = None,
    reconfigure: ReconfigureOpt = False,
) -> None:
    """Ingest new files as they appear in a folder."""
    from rasid.ingest.watch import watch_folder

    cfg = _load_config(config)
    store = Store(db)
    _check_stories_config(store, cfg, reconfigure)
    watch_folder(folder, store, cfg, interval=interval, once=once, console=console)


from rasid.serve.cli_desk import register as _register_desk  # noqa: E402 - needs ``app`` defined above

_register_desk(app)


def main() -> None:  # pragma: no cover
    logging.basicConfig(level=logging.WARNING)
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
