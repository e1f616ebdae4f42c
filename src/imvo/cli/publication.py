"""Publication commands: publish a covenant's list of production locations, list releases."""

from __future__ import annotations

from pathlib import Path

import click

from imvo.cli.base import (
    cli,
    database,
    django_setup,
    emit,
    fail,
    format_option,
    one_line,
    output_folder,
    progress_bar,
    today,
)
from imvo.core.years import year_check

RELEASE_COLUMNS = [
    ("release_id", "Release"),
    ("covenant", "Covenant"),
    ("year", "Year"),
    ("version", "Version"),
    ("published_at", "Published"),
    ("facilities", "Facilities"),
    ("participants", "Participants"),
    ("named_participants", "Named"),
    ("new", "New"),
    ("gone", "Gone"),
    ("changed", "Changed"),
]


@cli.command("publish")
@click.argument("covenant")
@click.argument("year", type=int)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write the release's CSV, XLSX, GeoJSON and datapackage.json to this directory.",
)
@format_option
def publish(covenant: str, year: int, out: Path | None, fmt: str) -> None:
    """Publish COVENANT's aggregated list of production locations for YEAR (immutable)."""
    # Checked before anything is published: a release cannot be taken back.
    if out is not None:
        output_folder(out)
    django_setup()
    year_check(year, today=today(), field="YEAR")
    from imvo.web.publication.files import release_files_write
    from imvo.web.publication.selectors import release_detail
    from imvo.web.publication.services import release_publish
    from imvo.web.suppliers.selectors import covenant_get

    with database():
        with progress_bar(f"publishing {covenant} {year}", enabled=fmt == "table"):
            release = release_publish(covenant=covenant_get(slug=covenant), year=year, user=None)
        try:
            written = release_files_write(release, out) if out is not None else []
        except OSError as error:
            fail(
                f"published release {release.version} of {covenant} {year}, but writing its "
                f"files to {out} failed: {error.strerror or one_line(error)}",
                code=1,
            )
        detail = release_detail(release)
    if fmt == "json":
        emit({**detail, "files_written": [str(p) for p in written]}, "json", columns=[], rows=[])
        return
    emit(detail, fmt, columns=RELEASE_COLUMNS, rows=[detail], title="Published")
    for path in written:
        click.echo(f"wrote {path}")


@cli.command("releases")
@click.option("--covenant", default=None, help="Only this covenant's releases (its slug).")
@format_option
def releases(covenant: str | None, fmt: str) -> None:
    """List the published releases of the open list of production locations."""
    django_setup()
    from imvo.web.publication.selectors import releases_list
    from imvo.web.suppliers.selectors import covenant_get

    with database():
        rows = releases_list(covenant=covenant_get(slug=covenant) if covenant else None)
    emit(rows, fmt, columns=RELEASE_COLUMNS, rows=rows, title="Releases")
