"""The messages of the supplier-list intake: a stable code and named parameters per message.

`MESSAGES` maps every code to its English template with `%(name)s` placeholders; the web layer
holds a translation of each with the same placeholders. Parameter values are display values
(a quoted cell value, a file name, a number), with two conventions: `field` holds one field
key ("postal_code") and `fields` several, comma-separated ("name,address"); both are shown as
words ("postal code"), so a translation can show them in its own language.
"""

from __future__ import annotations

from collections.abc import Mapping

from imvo.core.errors import ImvoError

Param = str | int | float
Params = tuple[tuple[str, Param], ...]

MESSAGES: dict[str, str] = {
    # Rows (row errors)
    "row.empty": "%(field)s is empty",
    "row.latitude_missing": "latitude is empty while longitude is given",
    "row.longitude_missing": "longitude is empty while latitude is given",
    "row.zero_location": "0, 0 is not a location; leave unknown coordinates empty",
    "coordinate.not_number": "%(field)s %(value)s is not a number of decimal degrees",
    "coordinate.hemisphere_twice": "%(field)s %(value)s names its hemisphere twice",
    "coordinate.wrong_hemisphere": (
        "%(field)s %(value)s has hemisphere %(hemisphere)s, not %(first)s or %(second)s"
    ),
    "coordinate.out_of_range": "%(field)s %(value)s lies outside -%(bound)s..%(bound)s",
    "workers.band_reversed": "workers %(value)s is a band whose low end exceeds its high end",
    "workers.negative": "workers %(value)s is negative",
    "workers.not_count": "workers %(value)s is not a whole number or a band such as 500-1000",
    "workers.not_whole": "workers %(value)s is not a whole number",
    "workers.too_many": "workers %(value)s is more than %(limit)s; is it a typo?",
    "tier.not_tier": "tier %(value)s is not a tier number such as 1, 'Tier 2' or 'T3'",
    "country.empty": "country is empty",
    "country.unknown": "unknown country %(value)s",
    "country.ambiguous": "ambiguous country %(value)s: %(options)s",
    "country.unknown_code": "unknown country code %(value)s",
    "row.totals": "a totals row, not a facility (%(value)s)",
    "row.note": "a note row, not a facility: %(value)s",
    "row.header": "the header repeated (the header is row %(header)s), not a facility",
    # Columns
    "mapping.other_table": "the column mapping was made for another table",
    "mapping.missing": "no column holds the required %(fields)s; the columns are %(columns)s",
    "mapping.missing_unrecognised": (
        "no column holds the required %(fields)s; columns not recognised: %(unknown)s"
    ),
    "mapping.missing_all_recognised": (
        "no column holds the required %(fields)s; columns not recognised: none"
    ),
    "mapping.two_columns": (
        "the columns %(first)s and %(second)s both hold %(field)s; say which one to use"
    ),
    "mapping.no_column_number": "there is no column number %(column)s (counting from 0)",
    "mapping.ambiguous_column": (
        "more than one column is called %(column)s; name it by its label (%(labels)s)"
    ),
    "mapping.no_column": "there is no column %(column)s",
    "mapping.unknown_field": "column %(column)s cannot hold %(value)s; the fields are %(choices)s",
    # Files
    "file.empty": "the file is empty",
    "file.too_large": "the file is larger than the limit of %(limit_mb)s MB",
    "file.binary": "the file is not a CSV or spreadsheet file: it contains binary data",
    "file.markup": (
        "the file is a web page or XML document, not CSV (some systems export HTML tables "
        "under a spreadsheet name); open it in a spreadsheet program and save it as XLSX"
    ),
    "file.bad_byte_order_mark": (
        "the file starts with a %(encoding)s byte-order mark but is not valid in that encoding"
    ),
    "file.unreadable": "the file cannot be read as %(format)s (%(reason)s)",
    "file.reader_stopped": (
        "the file could not be read: reading it stopped the reader (is it damaged?)"
    ),
    "file.no_header": "the file has no header row: every row is empty",
    "file.too_many_rows": "the file has more than %(limit)s rows; split it into smaller files",
    "file.too_many_columns": "the row has %(columns)s columns; at most %(limit)s are read",
    "file.cell_too_long": "a cell holds %(chars)s characters; at most %(limit)s are read",
    "file.too_many_cells": (
        "the sheets together: %(cells)s cells; at most %(limit)s cells are read"
    ),
    "file.sheet_too_many_cells": (
        "sheet %(sheet)s: %(cells)s cells (%(rows)s rows by %(columns)s columns); "
        "at most %(limit)s cells are read"
    ),
    "header.not_row": "the header row %(header)s is not a row number (1 or more)",
    "header.blank_row": "row %(header)s is blank and cannot be the header",
    "header.beyond": "the header row %(header)s lies below the last filled row, %(last)s",
    "csv.no_sheets": "a CSV file has no sheets to choose from (%(sheet)s)",
    "csv.unclosed_quote": "a quoted value is never closed (mismatched quotes)",
    "csv.text_after_quote": (
        "text follows a closing quote; quotes inside a quoted value must be doubled"
    ),
    "csv.cell_too_long": "a cell is too long",
    "csv.unreadable_row": "the row cannot be read as CSV (%(reason)s)",
    "sheet.none": "the workbook has no sheets",
    "sheet.no_number": (
        "there is no sheet number %(sheet)s (counting from 0); the sheets are %(sheets)s"
    ),
    "sheet.no_name": "there is no sheet %(sheet)s; the sheets are %(sheets)s",
    "xls.damaged": "the file looks like an XLS file but is damaged (%(reason)s)",
    "xls.protected": "the workbook is protected with a password; save it again without one",
    "xls.not_workbook": "the file is a Microsoft Office document but not an Excel workbook",
    "zip.damaged": "the file looks like an XLSX or ODS file but is damaged (%(reason)s)",
    "zip.xlsb": "binary Excel workbooks (XLSB) are not read; save the file as XLSX or CSV",
    "zip.not_spreadsheet": (
        "the file is a zip archive but not an XLSX or ODS spreadsheet "
        "(a Word document or another archive?)"
    ),
    "zip.too_large": (
        "the file would unpack to %(size_mb)s MB, more than the limit of %(limit_mb)s MB "
        "(a zip bomb?)"
    ),
    "zip.ratio": (
        "the part %(part)s unpacks to %(ratio)s times its packed size, more than the limit "
        "of %(limit)s (a zip bomb?)"
    ),
    "zip.part_locked": (
        "the part %(part)s cannot be unpacked (%(reason)s); save the file again without a password"
    ),
    "zip.part_damaged": "the file is damaged: its part %(part)s cannot be unpacked (%(reason)s)",
    "zip.string_table": (
        "the part %(part)s declares %(strings)s strings in %(bytes)s bytes; "
        "the file is damaged or hostile"
    ),
    "ods.space_run": (
        "a cell holds a run of %(spaces)s spaces; a cell may hold at most %(limit)s characters"
    ),
    # The upload kept between the steps of the web upload, and the import job
    "upload.gone": (
        "the uploaded file is no longer kept (after a day it is removed); upload it again"
    ),
    "upload.unknown": "the uploaded file is not known here; upload it again",
    "import.failed": "the import failed because of an error on our side; nothing was saved",
}


def message_text(code: str, params: Mapping[str, Param] | Params = ()) -> str:
    """The English message of `code` with `params` filled in."""
    values = dict(params)
    return MESSAGES[code] % {name: shown(name, value) for name, value in values.items()}


def shown(name: str, value: Param) -> str:
    """A parameter as English text: field keys as words, numbers with thousands grouped."""
    if name == "field" and isinstance(value, str):
        return value.replace("_", " ")
    if name == "fields" and isinstance(value, str):
        return ", ".join(key.replace("_", " ") for key in value.split(","))
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}"
    return value


def intake_error(
    code: str,
    *,
    field: str | None = None,
    file: str | None = None,
    row: int | str | None = None,
    **params: Param,
) -> ImvoError:
    """An ImvoError carrying `code` and `params`, with the English message as its text.

    A message that names its field (`%(field)s`) takes it from `field`.
    """
    if field is not None and "%(field)s" in MESSAGES[code]:
        params = {**params, "field": field}
    return ImvoError(
        message_text(code, params), field=field, file=file, row=row, code=code, params=params
    )


class CodedValueError(ValueError):
    """A ValueError from a field parser, with the code and parameters of its message."""

    def __init__(self, code: str, **params: Param) -> None:
        super().__init__(message_text(code, params))
        self.code = code
        self.params: dict[str, Param] = params
