"""Reading a supplier list from any file a company sends: CSV, XLSX, XLS or ODS.

The format is told by the content, not the name: a zip archive with `xl/workbook.xml` is XLSX,
one with the OpenDocument spreadsheet `mimetype` is ODS, an OLE2 compound file is XLS, and
anything else is read as delimited text. Spreadsheets are read with calamine, after the checks
in `archives` and `extents` have made sure the file cannot make it exhaust memory.

Rows are numbered as a spreadsheet program shows them (the header is row 1): blank rows are
skipped but keep their numbers, and a CSV record whose quoted value spans lines is one row. The
first non-blank row is the header. Cell values come back as text: whole numbers without ".0",
other numbers in their shortest exact form, dates and times in ISO 8601, booleans as TRUE and
FALSE. Formulas are never evaluated: a CSV cell "=1+1" stays that text, and a spreadsheet formula
gives the value the spreadsheet program last saved with it (empty when it saved none).
"""

from __future__ import annotations

import io
import math
import struct
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import BinaryIO, Literal

import olefile  # type: ignore[import-untyped]
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from imvo.core.errors import ImvoError
from imvo.core.intake import delimited
from imvo.core.intake.archives import ZipWorkbook, check_sheet_extent, inspect_zip
from imvo.core.intake.columns import column_labels, column_letter
from imvo.core.intake.extents import XlsDamaged, XlsEncrypted, xls_extents
from imvo.core.intake.limits import DEFAULT_LIMITS, MB, Limits
from imvo.core.intake.messages import Param, intake_error, message_text

FileFormat = Literal["csv", "xlsx", "xls", "ods"]
FORMAT_NAMES = {"csv": "CSV", "xlsx": "XLSX", "xls": "XLS", "ods": "ODS"}

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

CellValue = int | float | str | bool | time | date | datetime | timedelta


@dataclass(frozen=True)
class RawRow:
    """One non-blank row below the header, its values as text, padded to the header's width."""

    number: int
    values: tuple[str, ...]


@dataclass(frozen=True)
class RawTable:
    """A file's table as read, before any header is understood or value checked.

    `encoding` and `delimiter` are set for CSV, `sheet` for spreadsheets; `sheets` lists a
    workbook's sheets in order (empty for CSV).
    """

    filename: str
    format: FileFormat
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    sheets: tuple[str, ...]
    header_row: int
    header: tuple[str, ...]
    rows: tuple[RawRow, ...]

    @property
    def labels(self) -> tuple[str, ...]:
        """A unique, readable label per column (see `columns.column_labels`)."""
        return column_labels(self.header)


def read_table(
    data: bytes | BinaryIO,
    *,
    filename: str,
    sheet: str | int | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> RawTable:
    """Read the table of a CSV, XLSX, XLS or ODS file; `sheet` (name or 0-based index) picks one.

    Raises ImvoError naming the file, and the row and column where it applies, for every file
    that cannot be read or breaks the limits.
    """
    content = _bytes(data, filename=filename, limits=limits)
    if not content.strip():
        raise intake_error("file.empty", file=filename)
    if content.startswith(_ZIP_MAGIC):
        workbook = inspect_zip(content, filename=filename, limits=limits)
        return _read_workbook(content, workbook.format, workbook, filename, sheet, limits)
    if content.startswith(_OLE_MAGIC):
        _check_ole(content, filename=filename, limits=limits)
        return _read_workbook(content, "xls", None, filename, sheet, limits)
    if sheet not in (None, 0):
        raise intake_error("csv.no_sheets", file=filename, sheet=repr(sheet))
    text = delimited.decode(content, filename=filename)
    delimiter = delimited.detect_delimiter(text.content)
    records = delimited.records(text.content, delimiter, filename=filename)
    header_row, header, rows = _assemble(records, filename=filename, limits=limits)
    return RawTable(
        filename=filename,
        format="csv",
        encoding=text.encoding,
        delimiter=delimiter,
        sheet=None,
        sheets=(),
        header_row=header_row,
        header=header,
        rows=rows,
    )


def _bytes(data: bytes | BinaryIO, *, filename: str, limits: Limits) -> bytes:
    if isinstance(data, bytes | bytearray | memoryview):
        content = bytes(data)
    else:
        content = data.read(limits.max_bytes + 1)
    if len(content) > limits.max_bytes:
        raise intake_error("file.too_large", file=filename, limit_mb=limits.max_bytes / MB)
    return content


def _check_ole(content: bytes, *, filename: str, limits: Limits) -> None:
    """An OLE2 file must hold an unencrypted workbook whose sheets stay within the limits."""
    with _failing_as(filename, "xls.damaged"):
        _check_ole_sizes(content)
        container = olefile.OleFileIO(content)
        _check_directory(container.directory_fp.getvalue(), container.sectorsize, len(content))
        streams = {"/".join(path).lower() for path in container.listdir()}
        if "encryptioninfo" in streams or "encryptedpackage" in streams:
            raise intake_error("xls.protected", file=filename)
        name = next((s for s in ("workbook", "book") if s in streams), None)
        if name is None:
            raise intake_error("xls.not_workbook", file=filename)
        stream: bytes = container.openstream(name).read()
        container.close()
    try:
        extents = xls_extents(stream)
    except XlsEncrypted:
        raise intake_error("xls.protected", file=filename) from None
    except XlsDamaged as exc:
        raise intake_error("xls.damaged", file=filename, reason=str(exc)) from None
    cells = sum(extent.cells for extent in extents)
    if cells > limits.max_cells:
        raise intake_error(
            "file.too_many_cells", file=filename, cells=cells, limit=limits.max_cells
        )


def _check_ole_sizes(content: bytes) -> None:
    """The header's counts, which the reader allocates for before it reads a sector."""
    if len(content) < 512:
        raise XlsDamaged("the file is shorter than its header")
    shift = struct.unpack_from("<H", content, 0x1E)[0]
    if shift not in (9, 12):
        raise XlsDamaged(f"sector size 2^{shift}")
    sector = 1 << shift
    directory, fat = struct.unpack_from("<II", content, 0x28)
    mini_fat, _, difat = struct.unpack_from("<III", content, 0x40)
    for what, count in (("directory", directory), ("FAT", fat), ("mini FAT", mini_fat)):
        if count * sector > len(content):
            raise XlsDamaged(f"the header declares {count:,} {what} sectors")
    if difat * 4 > len(content):
        raise XlsDamaged(f"the header declares {difat:,} DIFAT sectors")


def _check_directory(directory: bytes, sector: int, size: int) -> None:
    """No stream may be larger than the file: the reader reserves each stream's declared size.

    Every entry is checked, reachable or not, since the reader looks streams up by name.
    """
    for offset in range(0, len(directory) - 127, 128):
        if sector == 512:
            length = struct.unpack_from("<I", directory, offset + 120)[0]
        else:
            length = struct.unpack_from("<Q", directory, offset + 120)[0]
        if length > size:
            raise XlsDamaged(f"a stream declares {length:,} bytes")


def _read_workbook(
    content: bytes,
    file_format: FileFormat,
    checked: ZipWorkbook | None,
    filename: str,
    sheet: str | int | None,
    limits: Limits,
) -> RawTable:
    unreadable: dict[str, Param] = {"format": FORMAT_NAMES[file_format]}
    with _failing_as(filename, "file.unreadable", unreadable):
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        names = tuple(workbook.sheet_names)
        default = next(
            (
                meta.name
                for meta in workbook.sheets_metadata
                if meta.visible == SheetVisibleEnum.Visible and meta.typ == SheetTypeEnum.WorkSheet
            ),
            names[0] if names else None,
        )
    chosen = _choose_sheet(names, default, sheet, filename=filename)
    if checked is not None:
        check_sheet_extent(checked, chosen, filename=filename, limits=limits)
    with _failing_as(filename, "file.unreadable", unreadable):
        grid = workbook.get_sheet_by_name(chosen).iter_rows()
        records = ((index + 1, [_cell_text(v) for v in row]) for index, row in enumerate(grid))
        header_row, header, rows = _assemble(records, filename=filename, limits=limits)
    return RawTable(
        filename=filename,
        format=file_format,
        encoding=None,
        delimiter=None,
        sheet=chosen,
        sheets=names,
        header_row=header_row,
        header=header,
        rows=rows,
    )


def _choose_sheet(
    names: tuple[str, ...], default: str | None, sheet: str | int | None, *, filename: str
) -> str:
    listing = ", ".join(repr(name) for name in names)
    if sheet is None:
        if default is None:
            raise intake_error("sheet.none", file=filename)
        return default
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if 0 <= sheet < len(names):
            return names[sheet]
        raise intake_error("sheet.no_number", file=filename, sheet=str(sheet), sheets=listing)
    wanted = str(sheet)
    if wanted in names:
        return wanted
    folded = [name for name in names if name.strip().casefold() == wanted.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    raise intake_error("sheet.no_name", file=filename, sheet=repr(sheet), sheets=listing)


def _cell_text(value: CellValue) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(timespec="seconds" if not value.microsecond else "auto")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _assemble(
    records: Iterable[tuple[int, Sequence[str]]], *, filename: str, limits: Limits
) -> tuple[int, tuple[str, ...], tuple[RawRow, ...]]:
    """The header (the first non-blank row) and the non-blank rows below it, all as wide as
    the widest, with columns that are empty from top to bottom trimmed off both edges."""
    header: list[str] | None = None
    header_row = 0
    body: list[tuple[int, list[str]]] = []
    for number, values in records:
        cells = list(values)
        while cells and not cells[-1].strip():
            cells.pop()
        if not cells:
            continue
        if len(cells) > limits.max_columns:
            raise intake_error(
                "file.too_many_columns",
                file=filename,
                row=number,
                columns=len(cells),
                limit=limits.max_columns,
            )
        for index, cell in enumerate(cells):
            if len(cell) > limits.max_cell_chars:
                column = column_labels(header)[index] if header and index < len(header) else None
                raise intake_error(
                    "file.cell_too_long",
                    file=filename,
                    row=number,
                    field=column or f"column {column_letter(index)}",
                    chars=len(cell),
                    limit=limits.max_cell_chars,
                )
        if header is None:
            header, header_row = cells, number
            continue
        if len(body) >= limits.max_rows:
            raise intake_error(
                "file.too_many_rows", file=filename, row=number, limit=limits.max_rows
            )
        body.append((number, cells))
    if header is None:
        raise intake_error("file.no_header", file=filename)
    width = max([len(header)] + [len(cells) for _, cells in body])
    first = min(_first_filled(cells) for cells in [header] + [cells for _, cells in body])
    header_values = _padded(header, first, width)
    rows = tuple(RawRow(number, _padded(cells, first, width)) for number, cells in body)
    return header_row, header_values, rows


def _first_filled(cells: list[str]) -> int:
    return next(index for index, cell in enumerate(cells) if cell.strip())


def _padded(cells: list[str], first: int, width: int) -> tuple[str, ...]:
    return tuple(cells[first:]) + ("",) * (width - len(cells))


@contextmanager
def _failing_as(filename: str, code: str, params: dict[str, Param] | None = None) -> Iterator[None]:
    """Turn a reader's own failures into ImvoError; the reader's panics included."""
    try:
        yield
    except ImvoError:
        raise
    except Exception as exc:
        raise _failure(filename, code, params, exc) from None
    except BaseException as exc:
        # A Rust panic inside calamine arrives as pyo3's PanicException, a BaseException.
        if type(exc).__name__ != "PanicException":
            raise
        raise _failure(filename, code, params, exc) from None


def _failure(
    filename: str, code: str, params: dict[str, Param] | None, exc: BaseException
) -> ImvoError:
    values = {**(params or {}), "reason": _reason(exc)}
    return ImvoError(message_text(code, values), file=filename, code=code, params=values)


def _reason(exc: BaseException) -> str:
    reason = " ".join(str(exc).split()) or type(exc).__name__
    return reason if len(reason) <= 200 else reason[:197] + "..."
