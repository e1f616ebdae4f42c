"""The `imvo` command: serve the web app, load data, and answer parliament's questions.

Commands parse their input, call one selector or service, and render the result as a table,
CSV or JSON. Bad input ends with exit code 2 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any, NoReturn

import click

FORMATS = ("table", "csv", "json")


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imvo.web.settings")
    import django

    django.setup()
    from django.utils import translation

    translation.activate(os.environ.get("IMVO_LANGUAGE", "en"))


class DateType(click.ParamType[date, Any]):
    """An ISO date, YYYY-MM-DD."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a date; use YYYY-MM-DD, e.g. 2018-03-06", param, ctx)


DATE = DateType()


def on_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--on", "on", type=DATE, default=None, help="The date to report on (default: today)."
    )(command)


def format_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="Output format.",
    )(command)


def _today() -> date:
    from imvo.web.registry.selectors import today

    return today()


# ---------------------------------------------------------------- rendering


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return str(value.get("key") or value.get("title") or json.dumps(value, default=str))
    return str(value)


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def emit(
    data: Any,
    fmt: str,
    *,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[dict[str, Any]],
    title: str = "",
    cell: Callable[[str, Any], str] | None = None,
) -> None:
    """Print `data` as JSON, or `rows` as a table or CSV with the given (key, heading) columns."""
    if fmt == "json":
        from imvo.web.registry.jsonable import to_jsonable

        click.echo(json.dumps(to_jsonable(data), indent=2, ensure_ascii=False))
        return
    render = cell or (lambda _key, value: _cell(value))
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow([key for key, _ in columns])
        for row in rows:
            writer.writerow([_safe_csv(render(key, row.get(key))) for key, _ in columns])
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title or None, show_lines=False)
    for _key, heading in columns:
        table.add_column(heading, overflow="fold")
    for row in rows:
        table.add_row(*(render(key, row.get(key)) for key, _ in columns))
    Console(soft_wrap=False).print(table)


def _safe_csv(text: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula."""
    return (
        "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _number(text) else text
    )


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _share_cell(key: str, value: Any) -> str:
    if key in {"market_share", "actual", "baseline", "target", "expected"} and isinstance(
        value, float
    ):
        return _percent(value) if value <= 1 else _cell(value)
    return _cell(value)


# ---------------------------------------------------------------- commands


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="imvo-monitor", prog_name="imvo")
def cli() -> None:
    """IMVO Monitor: covenants, participation, targets and themes of Dutch IMVO policy.

    Every command uses DATABASE_URL (default: the SQLite file var/imvo.sqlite3).
    """


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
def serve(host: str, port: int, threads: int) -> None:
    """Serve the web app with a production WSGI server (waitress)."""
    _django()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    with _database():
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise click.ClickException("the database is not up to date: run `imvo migrate` first")
    import waitress

    from imvo.web.wsgi import application

    click.echo(f"IMVO Monitor on http://{host}:{port}/ (Ctrl+C stops)")
    waitress.serve(application, host=host, port=port, threads=threads, ident="imvo")


@cli.command()
def migrate() -> None:
    """Create or update the database tables."""
    _django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    click.echo("database is up to date")


@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command (e.g. `imvo manage createsuperuser`)."""
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["imvo manage", *args])


@cli.group()
def load() -> None:
    """Load the shipped reference data or the synthetic demo population."""


@load.command("reference")
@click.option("--force", is_flag=True, help="Reload even when the files did not change.")
def load_reference(force: bool) -> None:
    """Load the sourced reference data (sectors, themes, covenants); safe to repeat."""
    _django()
    from imvo.web.registry.services import reference_load

    with _database():
        summary = reference_load(force=force)
    if summary.get("skipped"):
        click.echo("reference data already up to date (use --force to reload)")
        return
    counts = ", ".join(
        f"{v} {k}" for k, v in summary.items() if isinstance(v, int) and k != "skipped"
    )
    click.echo(f"reference data loaded: {counts}")


@load.command("demo")
@click.option("--seed", default=2018, show_default=True, type=int)
def load_demo(seed: int) -> None:
    """Add the deterministic synthetic demo population (about 1,000 companies)."""
    _django()
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

    from imvo.web.registry.services import demo_load

    with (
        _database(),
        Progress(
            TextColumn("loading demo data"), BarColumn(), TaskProgressColumn(), transient=True
        ) as progress,
    ):
        task = progress.add_task("demo", total=None)

        def report(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        summary = demo_load(seed=seed, progress=report)
    counts = ", ".join(f"{v} {k}" for k, v in summary.items() if isinstance(v, int))
    click.echo(f"synthetic demo data loaded (seed {seed}): {counts}")


@cli.command()
@on_option
@click.option("--all", "include_all", is_flag=True, help="Also covenants without a status then.")
@format_option
def covenants(on: date | None, include_all: bool, fmt: str) -> None:
    """The covenants and their status on a date."""
    _django()
    from imvo.web.registry.selectors import covenant_list

    day = on or _today()
    with _database():
        items = covenant_list(on=day, include_all=include_all)
    emit(
        items,
        fmt,
        title=f"Covenants on {day.isoformat()}",
        columns=[
            ("slug", "covenant"),
            ("name", "name"),
            ("sectors", "sectors"),
            ("status", "status"),
            ("ser_process", "SER process"),
            ("signed_on", "signed"),
            ("ends_on", "ends"),
        ],
        rows=items,
    )


@cli.command()
@on_option
@format_option
def sectors(on: date | None, fmt: str) -> None:
    """The 13 risk sectors: covenant, negotiating, or none, with coverage."""
    _django()
    from imvo.web.registry.selectors import sector_list

    day = on or _today()
    with _database():
        items = sector_list(on=day)
    rows = [
        {
            **item,
            "companies": (item["coverage"] or {}).get("companies"),
            "market_share": (item["coverage"] or {}).get("market_share"),
        }
        for item in items
    ]
    emit(
        items,
        fmt,
        title=f"Risk sectors on {day.isoformat()}",
        columns=[
            ("slug", "sector"),
            ("name", "name"),
            ("status", "status"),
            ("covenants", "covenants"),
            ("companies", "companies"),
            ("market_share", "market share"),
        ],
        rows=rows,
        cell=_share_cell,
    )


@cli.command()
@click.argument("covenant")
@on_option
@format_option
def coverage(covenant: str, on: date | None, fmt: str) -> None:
    """Participation in COVENANT: companies, brands and market share."""
    _django()
    from imvo.web.registry.selectors import coverage_get

    day = on or _today()
    with _database():
        result = coverage_get(covenant=covenant, on=day)
    row = {**result, "source": (result["source"] or {}).get("title")}
    emit(
        result,
        fmt,
        title=f"Coverage of {covenant} on {day.isoformat()}",
        columns=[
            ("covenant", "covenant"),
            ("status", "status"),
            ("companies", "companies"),
            ("brands", "brands"),
            ("market_share", "market share"),
            ("basis", "basis"),
            ("observed_on", "observed"),
            ("source", "source"),
            ("note", "note"),
        ],
        rows=[row],
        cell=_share_cell,
    )


@cli.command()
@on_option
@click.option("--covenant", default=None, help="Only this covenant's targets.")
@format_option
def targets(on: date | None, covenant: str | None, fmt: str) -> None:
    """Targets with their status: on-track, at-risk, off-track, met or missed."""
    _django()
    from imvo.web.registry.selectors import target_list

    day = on or _today()
    with _database():
        items = target_list(on=day, covenant=covenant)
    rows = [{**t, "source": (t["source"] or {}).get("title")} for t in items]
    emit(
        items,
        fmt,
        title=f"Targets on {day.isoformat()}",
        columns=[
            ("covenant", "covenant"),
            ("metric", "metric"),
            ("baseline", "baseline"),
            ("target", "target"),
            ("deadline", "deadline"),
            ("actual", "actual"),
            ("expected", "expected"),
            ("status", "status"),
            ("projected_on", "projected"),
            ("source", "source"),
        ],
        rows=rows,
        cell=_share_cell,
    )


@cli.command()
@on_option
@format_option
def themes(on: date | None, fmt: str) -> None:
    """Which themes the covenants in force cover, and the gaps in the core themes."""
    _django()
    from imvo.web.registry.selectors import theme_matrix_get

    day = on or _today()
    with _database():
        matrix = theme_matrix_get(on=day)
    theme_slugs = [t["slug"] for t in matrix["themes"]]
    gaps = {(g["covenant"], g["theme"]) for g in matrix["gaps"]}
    symbols = {"none": "-", "mentioned": "m", "goal": "G", "mandatory": "M"}

    def shown(covenant: str, theme: str, level: str) -> str:
        if fmt != "table":
            return level
        return "GAP" if (covenant, theme) in gaps else symbols.get(level, "?")

    rows = [
        {
            "covenant": c["slug"],
            **{theme: shown(c["slug"], theme, level) for theme, level in c["coverage"].items()},
        }
        for c in matrix["covenants"]
    ]
    emit(
        matrix,
        fmt,
        title=f"Themes on {day.isoformat()} (M mandatory, G goal, m mentioned, - none)",
        columns=[("covenant", "covenant"), *((slug, slug) for slug in theme_slugs)],
        rows=rows,
    )


# ---------------------------------------------------------------- errors and entry point


@contextmanager
def _database() -> Iterator[None]:
    """Turn a missing or unprepared database into one clear line."""
    from django.db import DatabaseError, OperationalError

    try:
        yield
    except OperationalError as error:
        _fail(
            f"cannot use the database ({_one_line(error)}); run `imvo migrate` and "
            "`imvo load reference` first, or check DATABASE_URL",
            code=1,
        )
    except DatabaseError as error:
        _fail(f"database error: {_one_line(error)}", code=1)


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:300]


def _fail(message: str, *, code: int = 2) -> NoReturn:
    click.echo(f"imvo: error: {message}", err=True)
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: exit 2 with one line for bad input, never a traceback."""
    from imvo.core.errors import ImvoError

    try:
        code = cli.main(
            args=list(argv) if argv is not None else None, prog_name="imvo", standalone_mode=False
        )
    except click.UsageError as error:
        _fail(error.format_message())
    except click.ClickException as error:
        _fail(error.format_message(), code=error.exit_code if error.exit_code != 1 else 1)
    except click.Abort:
        _fail("aborted", code=130)
    except ImvoError as error:
        _fail(_one_line(error))
    except Exception as error:  # the database settings themselves may be broken
        from django.core.exceptions import ImproperlyConfigured

        if isinstance(error, ImproperlyConfigured):
            _fail(f"configuration: {_one_line(error)}", code=1)
        raise
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
