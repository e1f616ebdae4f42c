"""Registry commands: serve, migrate, load, and the questions parliament asked."""

from __future__ import annotations

import signal
from datetime import date
from types import FrameType

import click

from imvo.cli.base import (
    cli,
    database,
    django_setup,
    emit,
    format_option,
    on_option,
    share_cell,
    today,
)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--worker/--no-worker",
    default=True,
    show_default=True,
    help="Also run a background worker (`imvo worker`), started again should it die.",
)
def serve(host: str, port: int, threads: int, worker: bool) -> None:
    """Serve the web app with a production WSGI server (waitress), and a background worker."""
    django_setup()
    from django.conf import settings

    from imvo.cli.work import Supervisor, database_ready, worker_command

    database_ready()
    import waitress

    from imvo.web.wsgi import application

    supervisor = (
        Supervisor(worker_command()) if worker and settings.IMVO_TASKS == "database" else None
    )
    if supervisor is not None:
        supervisor.start()
        signal.signal(signal.SIGTERM, _stop_serving)  # let `finally` stop the worker
    click.echo(f"IMVO Monitor on http://{host}:{port}/ (Ctrl+C stops)")
    try:
        waitress.serve(application, host=host, port=port, threads=threads, ident="imvo")
    finally:
        if supervisor is not None:
            supervisor.stop()


def _stop_serving(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@cli.command()
def migrate() -> None:
    """Create or update the database tables."""
    django_setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    click.echo("database is up to date")


@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command (e.g. `imvo manage createsuperuser`)."""
    django_setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["imvo manage", *args])


@cli.group()
def load() -> None:
    """Load the shipped reference data or the synthetic demo population."""


@load.command("reference")
@click.option("--force", is_flag=True, help="Reload even when the files did not change.")
def load_reference(force: bool) -> None:
    """Load the sourced reference data (sectors, themes, covenants); safe to repeat."""
    django_setup()
    from imvo.web.registry.services import reference_load

    with database():
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
    django_setup()
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

    from imvo.web.registry.services import demo_load

    with (
        database(),
        Progress(
            TextColumn("loading demo data"), BarColumn(), TaskProgressColumn(), transient=True
        ) as progress,
    ):
        task = progress.add_task("demo", total=None)

        def report(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        summary = demo_load(seed=seed, progress=report, supplier_lists=True)
    counts = ", ".join(f"{v} {k}" for k, v in summary.items() if isinstance(v, int))
    click.echo(f"synthetic demo data loaded (seed {seed}): {counts}")


@cli.command()
@on_option
@click.option("--all", "include_all", is_flag=True, help="Also covenants without a status then.")
@format_option
def covenants(on: date | None, include_all: bool, fmt: str) -> None:
    """The covenants and their status on a date."""
    django_setup()
    from imvo.web.registry.selectors import covenant_list

    day = on or today()
    with database():
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
    django_setup()
    from imvo.web.registry.selectors import sector_list

    day = on or today()
    with database():
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
        cell=share_cell,
    )


@cli.command()
@click.argument("covenant")
@on_option
@format_option
def coverage(covenant: str, on: date | None, fmt: str) -> None:
    """Participation in COVENANT: companies, brands and market share."""
    django_setup()
    from imvo.web.registry.selectors import coverage_get

    day = on or today()
    with database():
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
        cell=share_cell,
    )


@cli.command()
@on_option
@click.option("--covenant", default=None, help="Only this covenant's targets.")
@format_option
def targets(on: date | None, covenant: str | None, fmt: str) -> None:
    """Targets with their status: on-track, at-risk, off-track, met or missed."""
    django_setup()
    from imvo.web.registry.selectors import target_list

    day = on or today()
    with database():
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
        cell=share_cell,
    )


@cli.command()
@on_option
@format_option
def themes(on: date | None, fmt: str) -> None:
    """Which themes the covenants in force cover, and the gaps in the core themes."""
    django_setup()
    from imvo.web.registry.selectors import theme_matrix_get

    day = on or today()
    with database():
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
