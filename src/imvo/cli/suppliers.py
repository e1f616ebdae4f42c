"""Supplier-list and facility commands: import a list, export the registry, review matches."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from imvo.cli.base import (
    cli,
    database,
    django_setup,
    emit,
    fail,
    format_option,
    one_line,
    output_file,
    progress_bar,
    today,
    written_whole,
)
from imvo.core.years import year_check

IMPORT_FORMATS = ("table", "json")
FIRST_ERRORS = 20


def _sheet(value: str | None) -> str | int | None:
    """A sheet by name, or by its number counting from 0 when the value is a whole number."""
    if value is None:
        return None
    return int(value) if value.strip().isdigit() else value


@cli.group()
def suppliers() -> None:
    """Supplier lists: the production locations companies hand in every year."""


@suppliers.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--company", required=True, help="The company's name or slug.")
@click.option("--year", required=True, type=int, help="The year the list is for.")
@click.option("--covenant", default=None, help="The covenant's slug.")
@click.option(
    "--sheet",
    default=None,
    help="The sheet's name or number (from 0); default: the sheet whose header names the most "
    "fields.",
)
@click.option(
    "--header-row",
    type=click.IntRange(min=1),
    default=None,
    help="The header's row number as a spreadsheet program shows it; default: the row among the "
    "first 30 that names the most fields.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(IMPORT_FORMATS),
    default="table",
    show_default=True,
    help="Output format.",
)
def suppliers_import(
    path: Path,
    company: str,
    year: int,
    covenant: str | None,
    sheet: str | None,
    header_row: int | None,
    fmt: str,
) -> None:
    """Import a supplier list (CSV, XLSX, XLS or ODS) and link its rows to facilities."""
    django_setup()
    from imvo.core.errors import ImvoError
    from imvo.core.intake import DEFAULT_LIMITS
    from imvo.web.suppliers.selectors import covenant_get, supplier_list_summary
    from imvo.web.suppliers.services import supplier_company_resolve, supplier_list_import

    # Read no more than the limit: a larger file is refused by size, whatever its length.
    try:
        with path.open("rb") as handle:
            data = handle.read(DEFAULT_LIMITS.max_bytes + 1)
    except OSError as error:
        fail(f"{path.name}: cannot read the file ({error.strerror or error})")
    with database(), progress_bar("matching and writing rows", enabled=fmt == "table") as progress:
        try:
            # No transaction around the import: it writes in short ones of its own, so that
            # the site stays responsive. The company must exist and take part in the
            # covenant that year (a company is added in the registry, not here).
            supplier_list = supplier_list_import(
                company=supplier_company_resolve(name_or_slug=company),
                year=year,
                covenant=covenant_get(slug=covenant) if covenant else None,
                data=data,
                filename=path.name,
                sheet=_sheet(sheet),
                header_row=header_row,
                progress=progress,
            )
        except ImvoError as error:
            if error.file is None and error.field in {"company", "covenant", "year"}:
                error.file = path.name  # the one line names the file, as for a bad file
            raise
        summary = supplier_list_summary(supplier_list)
    if fmt == "json":
        emit(summary, "json", columns=[], rows=[])
        return
    _summary_print(summary)
    _where_print(supplier_list.sheet, supplier_list.header_row)


def _where_print(sheet: str, header_row: int) -> None:
    """Where the list was read, when it was looked for: a later sheet or a header below row 1."""
    if not sheet and header_row == 1:
        return
    where = [f"sheet {sheet!r}"] if sheet else []
    click.echo(f"read from {', '.join([*where, f'header in row {header_row}'])}")


def _summary_print(summary: dict[str, Any]) -> None:
    click.echo(
        f"list {summary['list_id']}: {summary['company']} {summary['year']} "
        f"version {summary['version']} ({summary['filename']}, {summary['format'].upper()})"
    )
    counts = ("rows", "accepted", "rejected", "duplicates", "matched", "new", "review")
    emit(
        summary,
        "table",
        columns=[(key, key) for key in counts],
        rows=[summary],
    )
    errors = summary["errors"]
    if errors:
        emit(
            errors,
            "table",
            title=(
                f"Rejected rows: the first {FIRST_ERRORS} of {len(errors)} problems"
                if len(errors) > FIRST_ERRORS
                else "Rejected rows"
            ),
            columns=[("row", "row"), ("field", "field"), ("message", "problem")],
            rows=errors[:FIRST_ERRORS],
        )


# ------------------------------------------------------------------------------------ facilities


@cli.group()
def facilities() -> None:
    """The facility registry: production locations with stable ids."""


@facilities.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx", "geojson", "json"]),
    default="csv",
    show_default=True,
)
@click.option(
    "--confidential",
    is_flag=True,
    help="Every source row with its company and facility, instead of the aggregated list.",
)
@click.option("--year", type=int, default=None, help="Only the lists for this year.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Write to this file (default: standard output).",
)
def facilities_export(fmt: str, confidential: bool, year: int | None, out: Path | None) -> None:
    """Export the aggregated facility list, or with --confidential every linked source row."""
    if out is None and fmt == "xlsx" and sys.stdout.isatty():
        fail("an XLSX file does not belong on a terminal; use --out FILE")
    if out is not None:
        output_file(out)
    django_setup()
    if year is not None:
        year_check(year, today=today(), field="--year")
    with database():
        if out is None:
            _export(fmt, confidential, year, sys.stdout.buffer)
            sys.stdout.flush()
            return
        try:
            with written_whole(out) as stream:  # a failed export leaves no half a file
                count = _export(fmt, confidential, year, stream)
        except OSError as error:
            fail(f"--out {out}: {error.strerror or one_line(error)}", code=1)
    what = "source rows" if confidential else "facilities"
    click.echo(f"{count} {what} written to {out}", err=True)


def _export(fmt: str, confidential: bool, year: int | None, stream: Any) -> int:
    from imvo.core.exports import FacilityExportRow, SourceRowExport, export_write
    from imvo.web.suppliers.selectors import facility_export_rows, source_row_export_rows

    if confidential:
        return export_write(
            source_row_export_rows(year=year),
            record_type=SourceRowExport,
            fmt=fmt,  # type: ignore[arg-type]
            out=stream,
        )
    return export_write(
        facility_export_rows(year=year),
        record_type=FacilityExportRow,
        fmt=fmt,  # type: ignore[arg-type]
        out=stream,
    )


@facilities.command("show")
@click.argument("facility_id")
@click.option(
    "--format", "fmt", type=click.Choice(IMPORT_FORMATS), default="table", show_default=True
)
def facilities_show(facility_id: str, fmt: str) -> None:
    """Show a facility; an old id of a merged facility shows the facility it is part of."""
    django_setup()
    from imvo.web.suppliers.selectors import facility_detail, facility_resolve

    with database():
        facility = facility_resolve(facility_id)
        detail = {"requested": facility_id, **facility_detail(facility)}
    if fmt == "json":
        emit(detail, "json", columns=[], rows=[])
        return
    if detail["facility_id"] != facility_id.strip().upper():
        click.echo(f"{facility_id} is now part of {detail['facility_id']}")
    fields = (
        "facility_id",
        "name",
        "address",
        "city",
        "province",
        "postal_code",
        "country",
        "latitude",
        "longitude",
        "product_types",
        "workers_band",
        "companies",
        "rows",
        "merged_from",
    )
    emit(
        detail,
        "table",
        columns=[("field", "field"), ("value", "value")],
        rows=[{"field": name, "value": detail[name]} for name in fields],
    )
    emit(
        detail["aliases"],
        "table",
        title="Reported as",
        columns=[
            ("alias_id", "alias"),
            ("name", "name"),
            ("address", "address"),
            ("city", "city"),
            ("postal_code", "postal code"),
        ],
        rows=detail["aliases"],
    )


@facilities.command("merge")
@click.argument("source")
@click.argument("target")
def facilities_merge(source: str, target: str) -> None:
    """Merge facility SOURCE into TARGET; SOURCE's id keeps resolving to TARGET."""
    django_setup()
    from imvo.web.suppliers.selectors import facility_resolve
    from imvo.web.suppliers.services import facility_merge

    with database():
        merged = facility_merge(source=facility_resolve(source), target=facility_resolve(target))
    click.echo(f"{source} merged into {merged.facility_id}")


@facilities.command("split")
@click.argument("facility_id")
@click.argument("aliases", nargs=-1, required=True, type=int)
def facilities_split(facility_id: str, aliases: tuple[int, ...]) -> None:
    """Split the ALIASES (ids as `imvo facilities show` lists them) off FACILITY_ID."""
    django_setup()
    from imvo.web.suppliers.selectors import facility_aliases_get, facility_resolve
    from imvo.web.suppliers.services import facility_split

    with database():
        facility = facility_resolve(facility_id)
        chosen = facility_aliases_get(ids=aliases)
        split_off = facility_split(facility=facility, aliases=chosen)
    click.echo(
        f"{len(chosen)} aliases of {facility.facility_id} split off as {split_off.facility_id}"
    )


@facilities.command("deduplicate")
@click.option(
    "--format", "fmt", type=click.Choice(IMPORT_FORMATS), default="table", show_default=True
)
def facilities_deduplicate(fmt: str) -> None:
    """Look for duplicates in the whole registry: merge sure pairs, queue the rest for review."""
    django_setup()
    from imvo.web.suppliers.services import facilities_deduplicate as deduplicate

    with database(), progress_bar("settling pairs", enabled=fmt == "table") as progress:
        summary = deduplicate(progress=progress)
    if fmt == "json":
        emit(summary, "json", columns=[], rows=[])
        return
    click.echo(
        f"{summary['pairs']} candidate pairs: {summary['merged']} merged, "
        f"{summary['review']} sent to review, {summary['skipped']} already settled"
    )


# ------------------------------------------------------------------------------------ review


@cli.group()
def review() -> None:
    """The review queue: uncertain facility matches for the secretariat to decide."""


@review.command("list")
@click.option(
    "--status",
    type=click.Choice(["open", "confirmed", "rejected", "new", "superseded"]),
    default="open",
    show_default=True,
)
@format_option
def review_list_command(status: str, fmt: str) -> None:
    """Reviews with their row and best candidate."""
    django_setup()
    from imvo.web.suppliers.selectors import review_list

    with database():
        items = review_list(status=status)
    rows = []
    for item in items:
        subject = item["subject"]
        best = item["candidates"][0] if item["candidates"] else {}
        rows.append(
            {
                "review_id": item["review_id"],
                "kind": item["kind"],
                "subject": (
                    f"list {subject['list_id']} row {subject['row']}"
                    if item["kind"] == "row"
                    else subject["facility_id"]
                ),
                "name": subject["name"],
                "country": subject["country"],
                "candidate": best.get("facility_id"),
                "probability": best.get("probability"),
                "candidates": len(item["candidates"]),
            }
        )
    emit(
        items,
        fmt,
        title=f"Reviews ({status})",
        columns=[
            ("review_id", "review"),
            ("kind", "kind"),
            ("subject", "subject"),
            ("name", "name"),
            ("country", "country"),
            ("candidate", "best candidate"),
            ("probability", "probability"),
            ("candidates", "candidates"),
        ],
        rows=rows,
    )


@review.command("decide")
@click.argument("review_id", type=int)
@click.argument("verdict", type=click.Choice(["confirm", "reject", "new"]))
@click.option("--facility", default=None, help="The facility meant (default: the best candidate).")
def review_decide_command(review_id: int, verdict: str, facility: str | None) -> None:
    """Decide a review: confirm a candidate, reject it, or register a new facility."""
    django_setup()
    from imvo.web.suppliers.selectors import facility_resolve, review_get
    from imvo.web.suppliers.services import review_decide

    with database():
        decided = review_decide(
            review=review_get(review_id=review_id),
            verdict=verdict,
            facility=facility_resolve(facility) if facility else None,
        )
    click.echo(f"review {decided.pk}: {decided.get_status_display()}")
