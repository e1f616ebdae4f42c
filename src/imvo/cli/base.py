"""Shared parts of the `imvo` command: the group, options, rendering and error handling."""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import IO, Any, NoReturn

import click

FORMATS = ("table", "csv", "json")


def django_setup() -> None:
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


def today() -> date:
    from imvo.web.registry.selectors import today

    return today()


# ---------------------------------------------------------------- rendering


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    if isinstance(value, list | tuple):
        return "; ".join(cell_text(v) for v in value)
    if isinstance(value, dict):
        return str(value.get("key") or value.get("title") or json.dumps(value, default=str))
    return str(value)


def percent_text(value: float | None) -> str:
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
    render = cell or (lambda _key, value: cell_text(value))
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


def share_cell(key: str, value: Any) -> str:
    if key in {"market_share", "actual", "baseline", "target", "expected"} and isinstance(
        value, float
    ):
        return percent_text(value) if value <= 1 else cell_text(value)
    return cell_text(value)


# ---------------------------------------------------------------- errors and entry point


@contextmanager
def database() -> Iterator[None]:
    """Turn a missing or unprepared database into one clear line."""
    from django.db import DatabaseError, OperationalError

    try:
        yield
    except OperationalError as error:
        fail(
            f"cannot use the database ({one_line(error)}); run `imvo migrate` and "
            "`imvo load reference` first, or check DATABASE_URL",
            code=1,
        )
    except DatabaseError as error:
        fail(f"database error: {one_line(error)}", code=1)


# ---------------------------------------------------------------- output paths


def output_folder(path: Path, *, option: str = "--out") -> Path:
    """`path` when it is a folder that exists and takes new files; otherwise exit 2 with one
    line. Commands check this before they do any work."""
    if not path.is_dir():
        what = "is not a folder" if path.exists() else "does not exist"
        fail(f"{option} {path}: the folder {what}")
    if problem := _unwritable(path):
        fail(f"{option} {path}: cannot write in this folder ({problem})")
    return path


def output_file(path: Path, *, option: str = "--out") -> Path:
    """`path` when a file can be written there: not a folder, in a folder that exists and
    takes new files; otherwise exit 2 with one line."""
    if path.is_dir():
        fail(f"{option} {path}: is a folder; name a file")
    folder = path.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        fail(f"{option} {path}: the folder {folder} {what}")
    if problem := _unwritable(folder):
        fail(f"{option} {path}: cannot write in the folder {folder} ({problem})")
    return path


def _unwritable(folder: Path) -> str | None:
    """Why no file can be made in `folder`, or None: tried, as permissions alone do not tell
    (root, read-only file systems)."""
    try:
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".imvo-", suffix=".probe")
    except OSError as error:
        return error.strerror or str(error)
    os.close(handle)
    os.unlink(probe)
    return None


@contextmanager
def written_whole(path: Path) -> Iterator[IO[bytes]]:
    """A binary stream to a temporary file next to `path`, renamed to `path` when the block
    ends without an error and removed when it does not: `path` appears whole or not at all."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@contextmanager
def progress_bar(label: str, *, enabled: bool = True) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr for long work, when stderr is a terminal: yields the
    `progress(done, total)` callback to hand to the work; until it is first called the bar
    pulses (work of unknown length)."""
    if not (enabled and sys.stderr.isatty()):
        yield lambda done, total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

    with Progress(
        TextColumn(label),
        BarColumn(),
        TaskProgressColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def one_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:300]


def fail(message: str, *, code: int = 2) -> NoReturn:
    click.echo(f"imvo: error: {message}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="imvo-monitor", prog_name="imvo")
def cli() -> None:
    """IMVO Monitor: covenants, participation, targets and themes of Dutch IMVO policy.

    Every command uses DATABASE_URL (default: the SQLite file var/imvo.sqlite3).
    """
