"""The supplier-list intake's messages in the page's language.

The core names every intake message by a code with named parameters
(`imvo.core.intake.messages.MESSAGES`, English); `TEMPLATES` holds the same messages for
translation, with the same placeholders. `text` fills one in for the active language. The result
is plain text: user data in it (a cell value, a file name) is escaped where a template shows it,
never marked safe. A message without a code (stored before codes, or from a caller of its own)
is shown as it was stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from imvo.core.errors import ImvoError

FIELD_LABELS: dict[str, Promise] = {
    "name": _("name"),
    "address": _("address"),
    "country": _("country"),
    "city": _("city"),
    "province": _("province or state"),
    "postal_code": _("postal code"),
    "latitude": _("latitude"),
    "longitude": _("longitude"),
    "product_types": _("product types"),
    "processing_type": _("processing type"),
    "workers": _("number of workers"),
    "parent_company": _("parent company"),
    "tier": _("tier"),
}

TEMPLATES: dict[str, Promise] = {
    # Rows (row errors)
    "row.empty": _("%(field)s is empty"),
    "row.latitude_missing": _("latitude is empty while longitude is given"),
    "row.longitude_missing": _("longitude is empty while latitude is given"),
    "row.zero_location": _("0, 0 is not a location; leave unknown coordinates empty"),
    "coordinate.not_number": _("%(field)s %(value)s is not a number of decimal degrees"),
    "coordinate.hemisphere_twice": _("%(field)s %(value)s names its hemisphere twice"),
    "coordinate.wrong_hemisphere": _(
        "%(field)s %(value)s has hemisphere %(hemisphere)s, not %(first)s or %(second)s"
    ),
    "coordinate.out_of_range": _("%(field)s %(value)s lies outside -%(bound)s..%(bound)s"),
    "workers.band_reversed": _("workers %(value)s is a band whose low end exceeds its high end"),
    "workers.negative": _("workers %(value)s is negative"),
    "workers.not_count": _("workers %(value)s is not a whole number or a band such as 500-1000"),
    "workers.not_whole": _("workers %(value)s is not a whole number"),
    "workers.too_many": _("workers %(value)s is more than %(limit)s; is it a typo?"),
    "tier.not_tier": _("tier %(value)s is not a tier number such as 1, 'Tier 2' or 'T3'"),
    "country.empty": _("country is empty"),
    "country.unknown": _("unknown country %(value)s"),
    "country.ambiguous": _("ambiguous country %(value)s: %(options)s"),
    "country.unknown_code": _("unknown country code %(value)s"),
    "row.totals": _("a totals row, not a facility (%(value)s)"),
    "row.note": _("a note row, not a facility: %(value)s"),
    "row.header": _("the header repeated (the header is row %(header)s), not a facility"),
    # Columns
    "mapping.other_table": _("the column mapping was made for another table"),
    "mapping.missing": _("no column holds the required %(fields)s; the columns are %(columns)s"),
    "mapping.missing_unrecognised": _(
        "no column holds the required %(fields)s; columns not recognised: %(unknown)s"
    ),
    "mapping.missing_all_recognised": _(
        "no column holds the required %(fields)s; columns not recognised: none"
    ),
    "mapping.two_columns": _(
        "the columns %(first)s and %(second)s both hold %(field)s; say which one to use"
    ),
    "mapping.no_column_number": _("there is no column number %(column)s (counting from 0)"),
    "mapping.ambiguous_column": _(
        "more than one column is called %(column)s; name it by its label (%(labels)s)"
    ),
    "mapping.no_column": _("there is no column %(column)s"),
    "mapping.unknown_field": _(
        "column %(column)s cannot hold %(value)s; the fields are %(choices)s"
    ),
    # Files
    "file.empty": _("the file is empty"),
    "file.too_large": _("the file is larger than the limit of %(limit_mb)s MB"),
    "file.binary": _("the file is not a CSV or spreadsheet file: it contains binary data"),
    "file.markup": _(
        "the file is a web page or XML document, not CSV (some systems export HTML tables "
        "under a spreadsheet name); open it in a spreadsheet program and save it as XLSX"
    ),
    "file.bad_byte_order_mark": _(
        "the file starts with a %(encoding)s byte-order mark but is not valid in that encoding"
    ),
    "file.unreadable": _("the file cannot be read as %(format)s (%(reason)s)"),
    "file.reader_stopped": _(
        "the file could not be read: reading it stopped the reader (is it damaged?)"
    ),
    "file.no_header": _("the file has no header row: every row is empty"),
    "file.too_many_rows": _("the file has more than %(limit)s rows; split it into smaller files"),
    "file.too_many_columns": _("the row has %(columns)s columns; at most %(limit)s are read"),
    "file.cell_too_long": _("a cell holds %(chars)s characters; at most %(limit)s are read"),
    "file.too_many_cells": _(
        "the sheets together: %(cells)s cells; at most %(limit)s cells are read"
    ),
    "file.sheet_too_many_cells": _(
        "sheet %(sheet)s: %(cells)s cells (%(rows)s rows by %(columns)s columns); "
        "at most %(limit)s cells are read"
    ),
    "header.not_row": _("the header row %(header)s is not a row number (1 or more)"),
    "header.blank_row": _("row %(header)s is blank and cannot be the header"),
    "header.beyond": _("the header row %(header)s lies below the last filled row, %(last)s"),
    "csv.no_sheets": _("a CSV file has no sheets to choose from (%(sheet)s)"),
    "csv.unclosed_quote": _("a quoted value is never closed (mismatched quotes)"),
    "csv.text_after_quote": _(
        "text follows a closing quote; quotes inside a quoted value must be doubled"
    ),
    "csv.cell_too_long": _("a cell is too long"),
    "csv.unreadable_row": _("the row cannot be read as CSV (%(reason)s)"),
    "sheet.none": _("the workbook has no sheets"),
    "sheet.no_number": _(
        "there is no sheet number %(sheet)s (counting from 0); the sheets are %(sheets)s"
    ),
    "sheet.no_name": _("there is no sheet %(sheet)s; the sheets are %(sheets)s"),
    "xls.damaged": _("the file looks like an XLS file but is damaged (%(reason)s)"),
    "xls.protected": _("the workbook is protected with a password; save it again without one"),
    "xls.not_workbook": _("the file is a Microsoft Office document but not an Excel workbook"),
    "zip.damaged": _("the file looks like an XLSX or ODS file but is damaged (%(reason)s)"),
    "zip.xlsb": _("binary Excel workbooks (XLSB) are not read; save the file as XLSX or CSV"),
    "zip.not_spreadsheet": _(
        "the file is a zip archive but not an XLSX or ODS spreadsheet "
        "(a Word document or another archive?)"
    ),
    "zip.too_large": _(
        "the file would unpack to %(size_mb)s MB, more than the limit of %(limit_mb)s MB "
        "(a zip bomb?)"
    ),
    "zip.ratio": _(
        "the part %(part)s unpacks to %(ratio)s times its packed size, more than the limit "
        "of %(limit)s (a zip bomb?)"
    ),
    "zip.part_locked": _(
        "the part %(part)s cannot be unpacked (%(reason)s); save the file again without a password"
    ),
    "zip.part_damaged": _("the file is damaged: its part %(part)s cannot be unpacked (%(reason)s)"),
    "zip.string_table": _(
        "the part %(part)s declares %(strings)s strings in %(bytes)s bytes; "
        "the file is damaged or hostile"
    ),
    "ods.space_run": _(
        "a cell holds a run of %(spaces)s spaces; a cell may hold at most %(limit)s characters"
    ),
    # The upload kept between the steps of the web upload, and the import job
    "upload.gone": _(
        "the uploaded file is no longer kept (after a day it is removed); upload it again"
    ),
    "upload.unknown": _("the uploaded file is not known here; upload it again"),
    "import.failed": _("the import failed because of an error on our side; nothing was saved"),
}


def text(code: str | None, params: Mapping[str, Any] | None, fallback: str) -> str:
    """The message of `code` in the active language, or `fallback` for an unknown code."""
    template = TEMPLATES.get(code) if code else None
    if template is None:
        return fallback
    values = {name: _shown(name, value) for name, value in (params or {}).items()}
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):  # parameters stored by another version
        return fallback


def field_label(field: str | None) -> str:
    """A field's name in the active language; a column label or other name as it is."""
    if not field:
        return ""
    label = FIELD_LABELS.get(field)
    return str(label) if label is not None else field


def placed(message: str, *, file: str | None = None, row: int | str | None = None) -> str:
    """The message after the file and row it concerns, in the active language."""
    where: list[str] = [file] if file else []
    if isinstance(row, int) and not isinstance(row, bool):
        where.append(gettext("row %(row)s") % {"row": row})
    elif row:
        where.append(str(row))
    return ": ".join([*where, message])


def error_text(error: ImvoError, *, file: str | None = None) -> str:
    """An ImvoError's message in the active language, after `file` (default: the error's own)
    and the row it concerns."""
    message = text(error.code, error.params, error.message)
    return placed(message, file=file if file is not None else error.file, row=error.row)


def job_problem_text(problem: Mapping[str, Any], fallback: str) -> str:
    """A failed import job's stored problem in the active language; `fallback` (the English
    message the job keeps) when the job stored no code."""
    code = problem.get("code")
    if not isinstance(code, str) or code not in TEMPLATES:
        return fallback
    params = problem.get("params")
    message = text(code, params if isinstance(params, dict) else {}, fallback)
    row = problem.get("row")
    return placed(
        message,
        file=str(problem.get("file") or "") or None,
        row=row if isinstance(row, int | str) else None,
    )


def row_errors_shown(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Stored row errors ({row, field, message[, code, params]}) with the field name and the
    message in the active language."""
    shown = []
    for error in errors:
        params = error.get("params")
        shown.append(
            {
                "row": error.get("row"),
                "field": field_label(error.get("field")),
                "message": text(
                    error.get("code"),
                    params if isinstance(params, dict) else {},
                    str(error.get("message") or ""),
                ),
            }
        )
    return shown


def _shown(name: str, value: Any) -> str:
    if name == "field" and isinstance(value, str):
        return field_label(value)
    if name == "fields" and isinstance(value, str):
        return ", ".join(field_label(key) for key in value.split(","))
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return formats.number_format(value, force_grouping=True)
    if isinstance(value, float):
        return formats.number_format(value, 0, force_grouping=True)
    return str(value)
