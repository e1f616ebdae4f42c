"""Reading a supplier list from any file a company sends: CSV, XLSX, XLS or ODS.

The format is told by the content, not the name: a zip archive with `xl/workbook.xml` is XLSX,
one with the OpenDocument spreadsheet `mimetype` is ODS, an OLE2 compound file is XLS, and
anything else is read as delimited text. Spreadsheets are read with calamine, after the checks
in `archives` and `extents` have made sure the file cannot make it exhaust memory.

Rows are numbered as a spreadsheet program shows them (the header is row 1): blank rows are
skipped but keep their numbers, and a CSV record whose quoted value spans lines is one row.
Lists come as brands publish them, with a title, notes or instructions above the header and
sometimes on a sheet of their own: the header is the row among the first `HEADER_SEARCH_ROWS`
non-blank rows that names the most fields (required fields first; ties: the first such row;
when no row names a field, the first non-blank row), and of a workbook's visible sheets the one
whose header names the most fields is read (ties: the first). A caller may name the sheet and
the header row itself. Cell values come back as text: whole numbers without ".0",
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
from imvo.core.intake.headers import header_score
from imvo.core.intake.limits import DEFAULT_LIMITS, MB, Limits
from imvo.core.intake.messages import Param, intake_error, message_text

FileFormat = Literal["csv", "xlsx", "xls", "ods"]
FORMAT_NAMES = {"csv": "CSV", "xlsx": "XLSX", "xls": "XLS", "ods": "ODS"}

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

CellValue = int | float | str | bool | time | date | datetime | timedelta
# How far down a header is looked for: titles, notes and instructions above it take a few rows.
HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True)
class RawRow:
    """One non-blank row below the header, its values as text, padded to the header's width."""

    number: int
    values: tuple[str, ...]


@dataclass(frozen=True)
class RawTable:
    """A file's table as read, before any header is understood or value checked.

    `encoding` and `delimiter` are set for CSV, `sheet` for spreadsheets; `sheets` lists a
    workbook's sheets in order (empty for CSV). `above` holds the non-blank rows above the
    header (a title, notes), as they read, so that a person can see where the list starts.
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
    above: tuple[RawRow, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        """A unique, readable label per column (see `columns.column_labels`)."""
        return column_labels(self.header)


def read_table(
    data: bytes | BinaryIO,
    *,
    filename: str,
    sheet: str | int | None = None,
    header_row: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> RawTable:
    """Read the table of a CSV, XLSX, XLS or ODS file; `sheet` (name or 0-based index) picks one
    and `header_row` (as a spreadsheet program numbers it) the header, where the guess is wrong.

    Raises ImvoError naming the file, and the row and column where it applies, for every file
    that cannot be read or breaks the limits, and for a header row that is blank or absent.
    """
    if header_row is not None and (
        isinstance(header_row, bool) or not isinstance(header_row, int) or header_row < 1
    ):
        raise intake_error("header.not_row", file=filename, header=repr(header_row))
    content = _bytes(data, filename=filename, limits=limits)
    if not content.strip():
        raise intake_error("file.empty", file=filename)
    if content.startswith(_ZIP_MAGIC):
        workbook = inspect_zip(content, filename=filename, limits=limits)
        return _read_workbook(
            content, workbook.format, workbook, filename, sheet, header_row, limits
        )
    if content.startswith(_OLE_MAGIC):
        _check_ole(content, filename=filename, limits=limits)
        return _read_workbook(content, "xls", None, filename, sheet, header_row, limits)
    if sheet not in (None, 0):
        raise intake_error("csv.no_sheets", file=filename, sheet=repr(sheet))
    text = delimited.decode(content, filename=filename)
    delimiter = delimited.detect_delimiter(text.content)
    records = delimited.records(text.content, delimiter, filename=filename)
    table = _assemble(records, filename=filename, limits=limits, header_row=header_row)
    return RawTable(
        filename=filename,
        format="csv",
        encoding=text.encoding,
        delimiter=delimiter,
        sheet=None,
        sheets=(),
        header_row=table.header_row,
        header=table.header,
        rows=table.rows,
        above=table.above,
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
    header_row: int | None,
    limits: Limits,
) -> RawTable:
    unreadable: dict[str, Param] = {"format": FORMAT_NAMES[file_format]}
    with _failing_as(filename, "file.unreadable", unreadable):
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        names = tuple(workbook.sheet_names)
        visible = tuple(
            meta.name
            for meta in workbook.sheets_metadata
            if meta.visible == SheetVisibleEnum.Visible and meta.typ == SheetTypeEnum.WorkSheet
        )
    if sheet is not None or len(visible) <= 1:
        default = visible[0] if visible else (names[0] if names else None)
        chosen = _choose_sheet(names, default, sheet, filename=filename)
    else:
        chosen = _best_sheet(workbook, visible, checked, filename=filename, limits=limits)
    if checked is not None:
        check_sheet_extent(checked, chosen, filename=filename, limits=limits)
    with _failing_as(filename, "file.unreadable", unreadable):
        table = _assemble(
            _sheet_records(workbook, chosen),
            filename=filename,
            limits=limits,
            header_row=header_row,
        )
    return RawTable(
        filename=filename,
        format=file_format,
        encoding=None,
        delimiter=None,
        sheet=chosen,
        sheets=names,
        header_row=table.header_row,
        header=table.header,
        rows=table.rows,
        above=table.above,
    )


def _sheet_records(workbook: CalamineWorkbook, name: str) -> Iterator[tuple[int, list[str]]]:
    grid = workbook.get_sheet_by_name(name).iter_rows()
    return ((index + 1, [_cell_text(v) for v in row]) for index, row in enumerate(grid))


def _best_sheet(
    workbook: CalamineWorkbook,
    visible: tuple[str, ...],
    checked: ZipWorkbook | None,
    *,
    filename: str,
    limits: Limits,
) -> str:
    """The visible sheet whose header names the most fields; ties (and no header at all) go to
    the first. A sheet that cannot be read safely or at all is passed over, unless every one is."""
    best: tuple[tuple[int, int], str] | None = None
    passed_over: ImvoError | None = None
    for name in visible:
        try:
            if checked is not None:
                check_sheet_extent(checked, name, filename=filename, limits=limits)
            with _failing_as(filename, "file.unreadable", {"format": "spreadsheet"}):
                score = _sheet_score(_sheet_records(workbook, name), limits=limits)
        except ImvoError as error:
            passed_over = passed_over or error
            continue
        if best is None or score > best[0]:
            best = (score, name)
    if best is None:
        assert passed_over is not None
        raise passed_over
    return best[1]


def _sheet_score(
    records: Iterable[tuple[int, Sequence[str]]], *, limits: Limits
) -> tuple[int, int]:
    """The best header score among a sheet's first non-blank rows; (-1, -1) for a blank sheet."""
    best = (-1, -1)
    seen = 0
    for _, values in records:
        cells = [cell[: limits.max_cell_chars] for cell in values[: limits.max_columns]]
        if not any(cell.strip() for cell in cells):
            continue
        best = max(best, header_score(cells))
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            break
    return best


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


@dataclass(frozen=True)
class _Assembled:
    header_row: int
    header: tuple[str, ...]
    rows: tuple[RawRow, ...]
    above: tuple[RawRow, ...]


def _assemble(
    records: Iterable[tuple[int, Sequence[str]]],
    *,
    filename: str,
    limits: Limits,
    header_row: int | None = None,
) -> _Assembled:
    """The header (`header_row`, or the best of the first non-blank rows), the non-blank rows
    below it, all as wide as the widest, with columns that are empty from top to bottom trimmed
    off both edges, and the rows above it as they read."""
    found: list[tuple[int, list[str]]] = []
    counted = 0  # rows that may lie below the header, for the row limit while reading
    allowance = 1 + (HEADER_SEARCH_ROWS if header_row is None else 0)
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
        found.append((number, cells))
        if header_row is None or number >= header_row:
            counted += 1
            if counted > limits.max_rows + allowance:
                break  # too many rows wherever the header is: no need to read on
    if not found:
        raise intake_error("file.no_header", file=filename)
    index = _header_index(found, header_row, filename=filename)
    above, (number, header), body = found[:index], found[index], found[index + 1 :]
    if len(body) > limits.max_rows:
        raise intake_error(
            "file.too_many_rows", file=filename, row=body[limits.max_rows][0], limit=limits.max_rows
        )
    _check_cell_lengths(number, header, None, filename=filename, limits=limits)
    for row_number, cells in body:
        _check_cell_lengths(row_number, cells, header, filename=filename, limits=limits)
    width = max([len(header)] + [len(cells) for _, cells in body])
    first = min(_first_filled(cells) for cells in [header] + [cells for _, cells in body])
    return _Assembled(
        header_row=number,
        header=_padded(header, first, width),
        rows=tuple(RawRow(n, _padded(cells, first, width)) for n, cells in body),
        above=tuple(
            RawRow(n, tuple(cell[: limits.max_cell_chars] for cell in cells)) for n, cells in above
        ),
    )


def _header_index(
    found: list[tuple[int, list[str]]], header_row: int | None, *, filename: str
) -> int:
    if header_row is not None:
        for index, (number, _) in enumerate(found):
            if number == header_row:
                return index
        last = found[-1][0]
        code = "header.blank_row" if header_row < last else "header.beyond"
        raise intake_error(code, file=filename, row=header_row, header=header_row, last=last)
    best, chosen = (0, 0), 0
    for index, (_, cells) in enumerate(found[:HEADER_SEARCH_ROWS]):
        score = header_score(cells)
        if score > best:  # strictly better: of equal candidates the first stays
            best, chosen = score, index
    return chosen


def _check_cell_lengths(
    number: int, cells: list[str], header: list[str] | None, *, filename: str, limits: Limits
) -> None:
    if max(map(len, cells), default=0) <= limits.max_cell_chars:
        return
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
