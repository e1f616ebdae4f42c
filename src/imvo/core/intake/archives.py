"""XLSX and ODS files are zip archives: they are checked whole before any of their XML is parsed.

The checks, in order: the archive's directory must be readable; the sizes it declares must stay
under `Limits.max_uncompressed_bytes` and each large part must compress no better than
`Limits.max_compression_ratio` (a zip bomb declares gigabytes in kilobytes); every part is then
unpacked once, which stops at its declared size and fails on a checksum mismatch (a part that
lies about its size); and the sheets are measured (`extents`) so that the reader is never asked
to build an absurd grid.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from imvo.core.intake.extents import ATTRIBUTES, Extent, ods_content, xlsx_sheet_extent
from imvo.core.intake.limits import MB, Limits
from imvo.core.intake.messages import intake_error

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# Parts smaller than this may compress as well as they like: a near-empty styles part does.
_RATIO_FLOOR = 1 * MB
_CHUNK = 1 * MB


@dataclass(frozen=True)
class ZipWorkbook:
    """What a checked XLSX or ODS archive holds, as far as reading it safely is concerned.

    `extents` maps an XLSX worksheet part (`xl/worksheets/sheet1.xml`) or an ODS table name to
    the bound of its grid; `sheet_parts` maps XLSX sheet names to their parts where the workbook
    says so.
    """

    format: Literal["xlsx", "ods"]
    extents: Mapping[str, Extent]
    sheet_parts: Mapping[str, str]

    def sheet_extent(self, sheet: str) -> Extent:
        """The bound of one sheet's grid, or the largest bound when the sheet is not located."""
        key = self.sheet_parts.get(sheet, sheet)
        if key in self.extents:
            return self.extents[key]
        return max(self.extents.values(), key=lambda extent: extent.cells, default=Extent(0, 0))


def inspect_zip(data: bytes, *, filename: str, limits: Limits) -> ZipWorkbook:
    """Check a zip archive against the limits and tell whether it is an XLSX or ODS workbook."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except Exception as exc:  # a damaged directory fails in many ways (struct, unicode, ...)
        raise intake_error("zip.damaged", file=filename, reason=str(exc)) from None
    with archive:
        _check_declared_sizes(parts, filename=filename, limits=limits)
        names = {part.filename for part in parts}
        kind = _kind(archive, names, filename=filename)
        contents = {part.filename: _unpack(archive, part, filename=filename) for part in parts}
    if kind == "ods":
        content = ods_content(contents.get("content.xml", b""))
        if content.longest_space_run > limits.max_cell_chars:
            raise intake_error(
                "ods.space_run",
                file=filename,
                spaces=content.longest_space_run,
                limit=limits.max_cell_chars,
            )
        if content.cells > limits.max_cells:
            raise intake_error(
                "file.too_many_cells", file=filename, cells=content.cells, limit=limits.max_cells
            )
        return ZipWorkbook("ods", content.extents, {})
    for name, xml in contents.items():
        _check_string_table(name, xml, filename=filename)
    extents = {name: xlsx_sheet_extent(xml) for name, xml in contents.items()}
    return ZipWorkbook("xlsx", extents, _xlsx_sheet_parts(contents))


def check_sheet_extent(workbook: ZipWorkbook, sheet: str, *, filename: str, limits: Limits) -> None:
    """Refuse a sheet whose grid would exceed `Limits.max_cells` before the reader builds it."""
    extent = workbook.sheet_extent(sheet)
    if extent.cells > limits.max_cells:
        raise intake_error(
            "file.sheet_too_many_cells",
            file=filename,
            sheet=repr(sheet),
            cells=extent.cells,
            rows=extent.rows,
            columns=extent.columns,
            limit=limits.max_cells,
        )


_STRING_TABLE = re.compile(rb"<(?:[\w.-]+:)?sst(?=[\s/>])(" + ATTRIBUTES + rb")")
_STRING_COUNT = re.compile(rb"(?<![\w:])(?:uniqueCount|count)\s*=\s*[\"']\s*([0-9]+)")


def _check_string_table(part: str, xml: bytes, *, filename: str) -> None:
    """The reader reserves room for the count of strings a table declares, before reading one;
    a true count cannot exceed the part's length, since every string takes several bytes."""
    for attributes in _STRING_TABLE.findall(xml):
        for count in _STRING_COUNT.findall(attributes):
            if int(count) > len(xml):
                raise intake_error(
                    "zip.string_table",
                    file=filename,
                    part=repr(part),
                    strings=int(count),
                    bytes=len(xml),
                )


def _check_declared_sizes(parts: list[zipfile.ZipInfo], *, filename: str, limits: Limits) -> None:
    total = sum(part.file_size for part in parts)
    if total > limits.max_uncompressed_bytes:
        raise intake_error(
            "zip.too_large",
            file=filename,
            size_mb=total / MB,
            limit_mb=limits.max_uncompressed_bytes / MB,
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > _RATIO_FLOOR and ratio > limits.max_compression_ratio:
            raise intake_error(
                "zip.ratio",
                file=filename,
                part=repr(part.filename),
                ratio=ratio,
                limit=limits.max_compression_ratio,
            )


def _kind(archive: zipfile.ZipFile, names: set[str], *, filename: str) -> Literal["xlsx", "ods"]:
    if "mimetype" in names:
        info = archive.getinfo("mimetype")
        if _unpack(archive, info, filename=filename).strip() == ODS_MIMETYPE:
            return "ods"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        raise intake_error("zip.xlsb", file=filename)
    raise intake_error("zip.not_spreadsheet", file=filename)


def _unpack(archive: zipfile.ZipFile, part: zipfile.ZipInfo, *, filename: str) -> bytes:
    """A part's bytes, unpacked no further than its declared size and checked against its CRC."""
    try:
        with archive.open(part) as stream:
            chunks = []
            while chunk := stream.read(_CHUNK):
                chunks.append(chunk)
            return b"".join(chunks)
    except (NotImplementedError, RuntimeError) as exc:  # unknown compression, encryption
        raise intake_error(
            "zip.part_locked", file=filename, part=repr(part.filename), reason=str(exc)
        ) from None
    except Exception as exc:  # checksum, truncation, corrupt deflate data ...
        raise intake_error(
            "zip.part_damaged", file=filename, part=repr(part.filename), reason=str(exc)
        ) from None


_SHEET = re.compile(rb"<(?:[\w.-]+:)?sheet\s([^<>]*)>")
_RELATIONSHIP = re.compile(rb"<(?:[\w.-]+:)?Relationship\s([^<>]*)>")
_NAME = re.compile(rb"(?<=\s)name\s*=\s*\"([^\"]*)\"|^name\s*=\s*\"([^\"]*)\"")
_RELATION_ID = re.compile(rb"(?:[\w.-]+:)id\s*=\s*\"([^\"]*)\"")
_ID = re.compile(rb"(?<![\w:])Id\s*=\s*\"([^\"]*)\"")
_TARGET = re.compile(rb"(?<![\w:])Target\s*=\s*\"([^\"]*)\"")


def _xlsx_sheet_parts(contents: Mapping[str, bytes]) -> dict[str, str]:
    """Sheet name -> worksheet part, from the workbook and its relationships."""
    targets: dict[bytes, str] = {}
    for attributes in _RELATIONSHIP.findall(contents.get("xl/_rels/workbook.xml.rels", b"")):
        rel_id, target = _ID.search(attributes), _TARGET.search(attributes)
        if rel_id and target:
            path = html.unescape(target.group(1).decode("utf-8", "replace"))
            # Resolved as the reader resolves it; a path it would not find is left unlocated.
            if path.startswith("/xl/"):
                path = path[1:]
            elif not path.startswith("xl/"):
                path = f"xl/{path}"
            targets[rel_id.group(1)] = path
    parts = {}
    for attributes in _SHEET.findall(contents.get("xl/workbook.xml", b"")):
        name, rel_id = _NAME.search(attributes), _RELATION_ID.search(attributes)
        if name and rel_id and rel_id.group(1) in targets:
            raw = name.group(1) if name.group(1) is not None else name.group(2)
            parts[html.unescape(raw.decode("utf-8", "replace"))] = targets[rel_id.group(1)]
    return parts
