"""Command line of the desk: ``rasid alerts``, ``rasid watchlist add|list|remove``, ``rasid runs``.

Registered on ``rasid.serve.cli.app`` by ``register`` (called at the end of that module; this module does
not import it, so ``python -m rasid.serve.cli`` gets these commands too). Human output is Arabic and
plain (no rich markup: titles in brackets are text); ``--json`` prints exactly what ``/api/alerts``
answers, so a script sees the same thing as the web page.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from rasid.serve.monitor import (
    KIND_AR,
    Delivery,
    alerts_text,
    build_alerts,
    deliver_hook,
    hook_url_problem,
    run_command,
)
from rasid.store import MonitorError, Store
from rasid.text.normalize import normalize

console = Console(stderr=True)
DbOpt = Annotated[str, typer.Option("--db", help="SQLite file path or SQLAlchemy URL (postgresql://...)")]

HookOpt = Annotated[list[str] | None, typer.Option(
    "--hook", help="POST the alerts as JSON to this http(s) URL (repeatable); a failure is reported, not fatal")]
ExecOpt = Annotated[list[str] | None, typer.Option(
    "--exec", help="Run this command with the alerts JSON on stdin (repeatable; split like a shell, run "
                   "without one)")]
TimeoutOpt = Annotated[float, typer.Option("--hook-timeout", min=0.1, max=600, help="Seconds per hook or command")]


def check_hooks(hooks: list[str]) -> None:
    """Refuse a non-http(s) hook URL before any work (a typo must not be found after a long run)."""
    for url in hooks:
        if (problem := hook_url_problem(url)) is not None:
            raise typer.BadParameter(f"{url[:200]}: {problem}", param_hint="--hook")


def deliver(alerts: dict, hooks: list[str], commands: list[str], timeout: float) -> list[Delivery]:
    """Hand ``alerts`` to every hook and command; each outcome is printed (stderr) and returned."""
    out = [deliver_hook(url, alerts, timeout) for url in hooks]
    out += [run_command(cmd, alerts, timeout) for cmd in commands]
    for d in out:
        console.print(("[green]delivered[/] " if d.ok else "[yellow]delivery failed[/] ") + escape(d.detail),
                      soft_wrap=True)
    return out


def alerts_cmd(
    db: DbOpt = "rasid.db",
    as_json: Annotated[bool, typer.Option("--json", help="Print the alerts as JSON (as /api/alerts answers)")] = False,
    mark_seen: Annotated[bool, typer.Option("--mark-seen", help="Mark what was shown as seen (not done when a "
                                                                 "hook or command failed)")] = False,
    since: Annotated[int | None, typer.Option(min=0, help="Change counter to start after (default: the seen mark)")] = None,
    hook: HookOpt = None,
    exec_: ExecOpt = None,
    timeout: TimeoutOpt = 10.0,
) -> None:
    """What is new since the last visit (new stories, new conflicts, storyline updates), by watchlist item."""
    hooks, commands = hook or [], exec_ or []
    check_hooks(hooks)
    store = Store(db, must_exist=True)
    data = build_alerts(store, since=since)
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        for line in alerts_text(data):
            typer.echo(line)
    results = deliver(data, hooks, commands, timeout)
    if mark_seen:
        if all(d.ok for d in results):
            mark = store.mark_seen(data["until"])
            console.print(f"marked seen up to change {mark}")
        else:
            console.print("[yellow]not marked seen[/]: a hook or command failed, so the next `rasid alerts` "
                          "shows the same items again")
    store.close()


def _resolve_entity(store: Store, kind: str, value: str) -> tuple[str, str]:
    """(entity id, name) for an id or an exact name/alias; a clear error when none or several match."""
    found = store.entities([value])
    if not found:
        key = normalize(value.strip())
        found = [e for e in store.entities(type="LOC" if kind == "place" else None)
                 if key in {normalize(n) for n in (e.name, *e.aliases)}]
    if kind == "place":
        found = [e for e in found if e.type == "LOC"]
    if not found:
        console.print(f"[red]error[/]: no {'place' if kind == 'place' else 'entity'} with id or name "
                      f"{escape(value)!r}", soft_wrap=True)
        raise typer.Exit(1)
    if len(found) > 1:
        console.print(f"[red]error[/]: {escape(value)!r} names several entities; give one id: "
                      + ", ".join(f"{e.id} ({escape(e.name)}, {e.type})" for e in found[:10]), soft_wrap=True)
        raise typer.Exit(1)
    return found[0].id, found[0].name


watchlist = typer.Typer(help="What to follow: entities, places and search queries (shown first in alerts).",
                        no_args_is_help=True)


@watchlist.command("add")
def watch_add(
    kind: Annotated[str, typer.Argument(help="entity, place or query")],
    value: Annotated[str, typer.Argument(help="Entity id or exact name (entity/place), or search words (query)")],
    db: DbOpt = "rasid.db",
    label: Annotated[str, typer.Option(help="Name shown in alerts (default: the entity's name or the query)")] = "",
) -> None:
    """Follow an entity, a place or a query."""
    if kind not in KIND_AR:
        raise typer.BadParameter("kind must be entity, place or query", param_hint="KIND")
    store = Store(db, must_exist=True)
    if kind in ("entity", "place"):
        value, name = _resolve_entity(store, kind, value)
        label = label or name
    else:
        from rasid.serve.search import QueryError, parse_query

        try:
            pq = parse_query(value)
        except QueryError as exc:
            raise typer.BadParameter(str(exc), param_hint="VALUE") from None
        if not pq.groups:
            raise typer.BadParameter("no words to search for in this query", param_hint="VALUE")
    try:
        item, created = store.add_watch_item(kind, value, label)
    except MonitorError as exc:
        raise typer.BadParameter(str(exc)) from None
    typer.echo(f"{'متابعة جديدة' if created else 'متابَع من قبل'}: #{item['id']} {KIND_AR[kind]} "
               f"{item['label'] or item['value']} ({item['value']})")


@watchlist.command("list")
def watch_list(db: DbOpt = "rasid.db",
               as_json: Annotated[bool, typer.Option("--json", help="Print the items as JSON")] = False) -> None:
    """Everything followed."""
    items = Store(db, must_exist=True).watch_items()
    if as_json:
        typer.echo(json.dumps(items, ensure_ascii=False, indent=1))
        return
    if not items:
        typer.echo("لا متابعات بعد: أضف بالأمر rasid watchlist add")
    for it in items:
        typer.echo(f"#{it['id']}\t{KIND_AR.get(it['kind'], it['kind'])}\t{it['label'] or it['value']}\t{it['value']}")


@watchlist.command("remove")
def watch_remove(item_id: Annotated[int, typer.Argument(help="The # of `rasid watchlist list`")],
                 db: DbOpt = "rasid.db") -> None:
    """Stop following an item."""
    if not Store(db, must_exist=True).remove_watch_item(item_id):
        console.print(f"[red]error[/]: no watchlist item #{item_id}")
        raise typer.Exit(1)
    typer.echo(f"أُلغيت المتابعة #{item_id}")


def runs_cmd(db: DbOpt = "rasid.db", limit: Annotated[int, typer.Option(min=1, max=1000)] = 20) -> None:
    """The most recent runs: when, how they ended, what they added."""
    for r in Store(db, must_exist=True).runs(limit):
        c = r["counts"]
        typer.echo(f"#{r['id']}\t{r['started'][:19]}\t{r['status']}\tadded {c.get('added', 0)}, stories updated "
                   f"{c.get('stories_updated', 0)}\tchanges {r['change_from']}→{r['change_to'] if r['change_to'] is not None else '?'}")


def register(app: typer.Typer) -> None:
    """Add ``alerts``, ``watchlist`` and ``runs`` to the ``rasid`` command."""
    app.command("alerts")(alerts_cmd)
    app.add_typer(watchlist, name="watchlist")
    app.command("runs")(runs_cmd)
