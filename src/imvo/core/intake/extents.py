"""How many cells a spreadsheet reader would allocate, measured before it reads anything.

A spreadsheet reader builds each sheet as a dense grid from its first to its last filled cell.
A 5 KB workbook with one value in A1 and one in XFD1048576 therefore asks for 17 billion cells
and aborts the whole process, which no exception handler can catch. These scanners read the raw
sheet data cheaply (regular expressions over XLSX/ODS XML, the record headers of an XLS stream)
and return an upper bound of each sheet's grid, so that `files` can refuse the file first.
The bounds are conservative: where a file omits cell positions, every cell counts as a new column.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass

from imvo.core.intake.columns import column_number


@dataclass(frozen=True)
class Extent:
    """An upper bound of a sheet's grid: the last row and column that can hold a value."""

    rows: int
    columns: int

    @property
    def cells(self) -> int:
        return self.rows * self.columns


_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
# The attributes of a tag. Quoted values may hold "<" and ">", which the reader accepts and a
# hostile file can use to hide an attribute; unquoted text stops at "<" so that a tag never
# closed costs linear time. A position attribute follows whitespace (`x:r` is not one).
ATTRIBUTES = rb"""(?:[^<>"']|"[^"]*"|'[^']*')*"""
_ATTRIBUTES_BEFORE = rb"""(?:[^<>"']|"[^"]*"|'[^']*')*?"""
_XLSX_CELL_WITH_REF = re.compile(
    rb"<"
    + _PREFIX
    + rb"c\s"
    + _ATTRIBUTES_BEFORE
    + rb"(?<=\s)r\s*=\s*[\"']([A-Za-z]+)([0-9]+)[\"']"
    + ATTRIBUTES
    + rb"(?<!/)>"
)
_XLSX_CELL = re.compile(rb"<" + _PREFIX + rb"c(?:\s" + ATTRIBUTES + rb")?(?<!/)>")
_XLSX_ROW_WITH_REF = re.compile(
    rb"<" + _PREFIX + rb"row\s" + _ATTRIBUTES_BEFORE + rb"(?<=\s)r\s*=\s*[\"']([0-9]+)[\"']"
)
_XLSX_ROW = re.compile(rb"<" + _PREFIX + rb"row[\s/>]")


def xlsx_sheet_extent(xml: bytes) -> Extent:
    """Bounds the grid of one XLSX worksheet part.

    Self-closing cells (`<c r="Z9" s="1"/>`) carry formatting only and are not read as values.
    Cells without a position take the next column of their row, rows the next row.
    """
    refs = _XLSX_CELL_WITH_REF.findall(xml)
    cells_without_ref = len(_XLSX_CELL.findall(xml)) - len(refs)
    max_row = max((int(row) for _, row in refs), default=0)
    max_column = max(
        (column_number(c.decode("ascii")) for c in {column for column, _ in refs}), default=0
    )
    if cells_without_ref <= 0:
        return Extent(max_row, max_column)
    row_refs = _XLSX_ROW_WITH_REF.findall(xml)
    rows_without_ref = len(_XLSX_ROW.findall(xml)) - len(row_refs)
    max_row_ref = max((int(row) for row in row_refs), default=0)
    rows = max(max_row, max_row_ref + rows_without_ref)
    return Extent(rows, max_column + cells_without_ref)


_ODS_TAG = re.compile(
    rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])(" + ATTRIBUTES + rb")>"
)
_ODS_ROWS_REPEATED = re.compile(rb"table:number-rows-repeated\s*=\s*[\"']\s*([0-9]+)")
_ODS_COLUMNS_REPEATED = re.compile(rb"table:number-columns-repeated\s*=\s*[\"']\s*([0-9]+)")
_ODS_TABLE_NAME = re.compile(rb"table:name\s*=\s*\"([^\"]*)\"|table:name\s*=\s*'([^']*)'")
_ODS_SPACES = re.compile(rb"text:c\s*=\s*[\"']\s*([0-9]+)")


@dataclass(frozen=True)
class OdsContent:
    """Bounds of the tables of an ODS file and its longest run of spaces in one cell."""

    extents: dict[str, Extent]
    longest_space_run: int

    @property
    def cells(self) -> int:
        """Cells of all tables together: the reader builds every table when it opens the file."""
        return sum(extent.cells for extent in self.extents.values())


def ods_content(xml: bytes) -> OdsContent:
    """Bounds the grid of every table in an ODS `content.xml`."""
    scanner = _OdsScanner()
    scanner.feed(xml)
    scanner.finish()
    longest = max((int(count) for count in _ODS_SPACES.findall(xml)), default=0)
    return OdsContent(scanner.extents, longest)


class _OdsScanner:
    """Walks the rows and cells of `content.xml`, keeping track of repeats.

    ODS compresses repetition into `number-rows-repeated` and `number-columns-repeated`; the
    reader expands repeated cells that hold a value and empty ones that precede a value, so
    a short file can still describe an enormous grid. Trailing empty repeats, which every
    LibreOffice file has, are not expanded and do not count.
    """

    def __init__(self) -> None:
        self.extents: dict[str, Extent] = {}
        self._table = ""
        self._row_position = 0
        self._last_filled_row = 0
        self._width = 0
        self._row_repeat = 1
        self._column_position = 0
        self._last_filled_column = 0

    def feed(self, xml: bytes) -> None:
        for closing, element, attributes in _ODS_TAG.findall(xml):
            if element == b"table":
                if closing:
                    self._close_table()
                else:
                    self._open_table(attributes)
            elif element == b"table-row":
                if closing:
                    self._close_row()
                else:
                    self._open_row(attributes)
                    if attributes.endswith(b"/"):
                        self._close_row()
            elif not closing:
                self._cell(attributes)

    def _open_table(self, attributes: bytes) -> None:
        name = _ODS_TABLE_NAME.search(attributes)
        raw = (name.group(1) or name.group(2)) if name else b""
        self._table = raw.decode("utf-8", "replace") or f"sheet {len(self.extents) + 1}"
        self._row_position = self._last_filled_row = self._width = 0

    def _close_table(self) -> None:
        extent = Extent(self._last_filled_row, self._width)
        previous = self.extents.get(self._table)
        if previous is not None:
            extent = Extent(previous.rows + extent.rows, max(previous.columns, extent.columns))
        self.extents[self._table] = extent

    def _open_row(self, attributes: bytes) -> None:
        self._row_repeat = _largest(_ODS_ROWS_REPEATED, attributes)
        self._column_position = self._last_filled_column = 0

    def _close_row(self) -> None:
        if self._last_filled_column:
            self._last_filled_row = self._row_position + self._row_repeat
            self._width = max(self._width, self._last_filled_column)
        self._row_position += self._row_repeat
        self._row_repeat = 1
        self._column_position = self._last_filled_column = 0

    def _cell(self, attributes: bytes) -> None:
        count = _largest(_ODS_COLUMNS_REPEATED, attributes)
        if b"office:" in attributes or b"table:formula" in attributes:
            self._last_filled_column = self._column_position + count
        self._column_position += count

    def finish(self) -> None:
        if self._last_filled_row and self._table not in self.extents:
            self._close_table()  # a table the content never closed


def _largest(pattern: re.Pattern[bytes], attributes: bytes) -> int:
    """The largest repeat count named; the largest, in case a quoted value mimics the attribute."""
    return max((int(count) for count in pattern.findall(attributes)), default=1) or 1


# BIFF record types (Microsoft's [MS-XLS] specification and the older BIFF2-5 formats).
_BOF_TYPES = {0x0009, 0x0209, 0x0409, 0x0809}
_EOF = 0x000A
_BOUNDSHEET = 0x0085
_DIMENSIONS = 0x0200
_SST = 0x00FC
# The grid of a BIFF8 sheet: the reader reserves what DIMENSIONS declares, without checking it.
_XLS_MAX_CELLS = 65_536 * 256
_FILEPASS = 0x002F
_MULRK = 0x00BD
# Records that hold one value and start with its row and column as two 16-bit numbers.
_VALUE_CELLS = {0x0002, 0x0003, 0x0004, 0x0005, 0x0006, 0x0206, 0x0406, 0x00D6, 0x00FD}
_VALUE_CELLS |= {0x0203, 0x0204, 0x0205, 0x027E}


class XlsEncrypted(Exception):
    """The XLS workbook is protected with a password."""


class XlsDamaged(Exception):
    """The XLS workbook declares sizes that cannot be true; the reader would trust them."""


def xls_extents(stream: bytes) -> list[Extent]:
    """Bounds of every sheet in an XLS workbook stream, found where the reader looks.

    The reader finds each sheet through the offsets in the workbook's sheet index (BOUNDSHEET
    records), so the scan follows the same offsets rather than reading the stream front to back.
    """
    offsets: list[int] = []
    for record_type, start, size in _records(stream, 0):
        if record_type == _FILEPASS:
            raise XlsEncrypted
        if record_type == _BOUNDSHEET and size >= 4:
            offsets.append(struct.unpack_from("<I", stream, start)[0])
        if record_type == _SST and size >= 8:
            unique = struct.unpack_from("<i", stream, start + 4)[0]
            if not 0 <= unique <= len(stream):  # the reader allocates this many strings first
                raise XlsDamaged(f"the shared string table declares {unique:,} strings")
    # A hostile index can name one big sheet a million times: measure each offset once.
    measured = {offset: _sheet_extent(stream, offset) for offset in set(offsets)}
    return [measured[offset] for offset in offsets]


def _sheet_extent(stream: bytes, offset: int) -> Extent:
    max_row = max_column = 0
    for record_type, start, size in _records(stream, offset):
        if record_type == _DIMENSIONS:
            _check_dimensions(stream, start, size)
            continue
        if record_type in _VALUE_CELLS and size >= 4:
            row, column = struct.unpack_from("<HH", stream, start)
        elif record_type == _MULRK and size >= 6:
            row = struct.unpack_from("<H", stream, start)[0]
            column = struct.unpack_from("<H", stream, start + size - 2)[0]
        else:
            continue
        max_row = max(max_row, row + 1)
        max_column = max(max_column, column + 1)
    return Extent(max_row, max_column)


def _check_dimensions(stream: bytes, start: int, size: int) -> None:
    """The grid a DIMENSIONS record makes the reader reserve, computed as the reader does."""
    if size == 14:
        first_row, last_row, first_column, last_column = struct.unpack_from("<IIHH", stream, start)
    elif size == 10:
        first_row, last_row, first_column, last_column = struct.unpack_from("<HHHH", stream, start)
    else:
        return
    if last_row < 1 or last_column < 1:
        return
    rows = (last_row - 1 - first_row + 1) % 2**32  # unsigned 32-bit, as the reader computes
    columns = (last_column - 1 - first_column + 1) % 2**32
    if rows * columns > _XLS_MAX_CELLS:
        raise XlsDamaged(f"a sheet declares {rows:,} rows by {columns:,} columns")


def _records(stream: bytes, offset: int) -> Iterator[tuple[int, int, int]]:
    """(type, body offset, body size) of each record of the substream at `offset`.

    A substream runs from its BOF record to the matching EOF; charts embedded in a sheet nest
    their own BOF/EOF pairs, which are followed through rather than ending the sheet early.
    """
    depth = 0
    position = offset
    while position + 4 <= len(stream):
        record_type, size = struct.unpack_from("<HH", stream, position)
        size = min(size, len(stream) - position - 4)
        yield record_type, position + 4, size
        position += 4 + size
        if record_type in _BOF_TYPES:
            depth += 1
        elif record_type == _EOF:
            depth -= 1
            if depth <= 0:
                return
