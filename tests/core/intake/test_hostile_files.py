"""Hostile workbooks are refused before the spreadsheet reader sees them.

Several of these files, handed to the reader unchecked, abort the whole Python process (the
reader's allocation fails in native code, where no exception handler reaches). A regression
here therefore shows as a crashed test worker rather than a failed assertion.
"""

from __future__ import annotations

import io
import struct
import zipfile
from typing import Any

import pytest

from imvo.core.errors import ImvoError
from imvo.core.intake import Limits, read_table
from imvo.core.intake.limits import MB


def bomb(*, megabytes: int) -> bytes:
    """A small XLSX whose worksheet unpacks to `megabytes` of spaces."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(b"<worksheet><sheetData>")
            chunk = b" " * MB
            for _ in range(megabytes):
                part.write(chunk)
            part.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def test_zip_bomb_declaring_hundreds_of_megabytes_is_refused_before_parsing() -> None:
    data = bomb(megabytes=300)
    assert len(data) < 2 * MB
    with pytest.raises(ImvoError, match=r"unpack to 300 MB.*zip bomb") as caught:
        read_table(data, filename="bomb.xlsx")
    assert caught.value.file == "bomb.xlsx"


def test_part_compressed_beyond_the_ratio_is_refused() -> None:
    with pytest.raises(ImvoError, match="times its packed size"):
        read_table(bomb(megabytes=20), filename="dense.xlsx")


def test_ratio_limit_is_configurable() -> None:
    with pytest.raises(ImvoError, match="unpack to"):
        read_table(bomb(megabytes=3), filename="b.xlsx", limits=Limits(max_uncompressed_bytes=MB))


def test_part_that_lies_about_its_size_is_refused(files: Any) -> None:
    data = bytearray(files.xlsx({"S": [["Name"], ["Mill"]]}))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    part = archive.getinfo("xl/worksheets/sheet1.xml")
    # Shrink the declared size in the local header and in the central directory.
    struct.pack_into("<I", data, part.header_offset + 22, 10)
    position = data.find(b"PK\x01\x02")
    while position != -1:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46 : position + 46 + name_length] == b"xl/worksheets/sheet1.xml":
            struct.pack_into("<I", data, position + 24, 10)
        position = data.find(b"PK\x01\x02", position + 4)
    with pytest.raises(ImvoError, match=r"damaged.*sheet1.xml"):
        read_table(bytes(data), filename="liar.xlsx")


def test_sparse_xlsx_with_a_cell_in_the_last_row_and_column_is_refused(files: Any) -> None:
    sheet = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    )
    with pytest.raises(ImvoError, match="1,048,576 rows by 16,384 columns"):
        read_table(files.raw_xlsx(sheet), filename="sparse.xlsx")


def test_sparse_cell_hidden_behind_a_quoted_angle_bracket_is_still_seen(files: Any) -> None:
    sheet = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>'
        '<row r="1048576"><c note="a>b" r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    )
    with pytest.raises(ImvoError, match="cells are read"):
        read_table(files.raw_xlsx(sheet), filename="sparse.xlsx")


def test_cells_far_away_that_hold_only_formatting_do_not_count(files: Any) -> None:
    sheet = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>Mill</t></is></c></row>'
        '<row r="1048576"><c r="XFD1048576" s="1"/></row>'
    )
    table = read_table(files.raw_xlsx(sheet), filename="formatted.xlsx")
    assert table.rows[0].values == ("Mill",)


def test_shared_string_table_declaring_billions_of_strings_is_refused(files: Any) -> None:
    strings = f'<sst xmlns="{files.MAIN}" uniqueCount="4000000000"><si><t>Name</t></si></sst>'
    sheet = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    with pytest.raises(ImvoError, match="declares 4,000,000,000 strings"):
        read_table(files.raw_xlsx(sheet, shared_strings=strings), filename="sst.xlsx")


def test_ods_with_a_value_repeated_over_a_huge_grid_is_refused(files: Any) -> None:
    data = files.ods_repeated([([("Name", 1)], 1), ([("x", 16_000)], 1_000)])
    with pytest.raises(ImvoError, match="16,016,000 cells"):
        read_table(data, filename="repeat.ods")


def test_ods_trailing_empty_repeats_written_by_every_office_suite_are_fine(files: Any) -> None:
    data = files.ods_repeated(
        [([("Name", 1), ("Country", 1), (None, 1022)], 1), ([(None, 1024)], 1_048_575)]
    )
    table = read_table(data, filename="libreoffice.ods")
    assert table.header == ("Name", "Country")


def test_ods_run_of_spaces_beyond_the_cell_limit_is_refused(files: Any) -> None:
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
        '<office:spreadsheet><table:table table:name="S"><table:table-row>'
        '<table:table-cell office:value-type="string"><text:p>a<text:s text:c="900000000"/>'
        "</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet>"
        "</office:body></office:document-content>"
    )
    data = files.zip_archive(
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": content.encode(),
        }
    )
    with pytest.raises(ImvoError, match="900,000,000 spaces"):
        read_table(data, filename="spaces.ods")


def test_xls_with_a_cell_in_the_last_row_and_column_is_refused(files: Any) -> None:
    grid: list[list[Any]] = [[None] * 256 for _ in range(65_536)]
    grid[0][0], grid[65_535][255] = "Name", "x"
    with pytest.raises(ImvoError, match="16,777,216 cells"):
        read_table(files.xls({"S": grid}), filename="sparse.xls")


def test_xls_declaring_an_inverted_grid_is_refused(files: Any) -> None:
    data = bytearray(files.xls({"S": [["Name"], ["Mill"]]}))
    # DIMENSIONS (0x0200, 14 bytes): first row u32, last row u32, first col, last col.
    position = data.find(b"\x00\x02\x0e\x00")
    struct.pack_into("<I", data, position + 4, 0x001A0000)
    with pytest.raises(ImvoError, match=r"damaged.*rows by"):
        read_table(bytes(data), filename="inverted.xls")


def test_zip_that_is_not_a_spreadsheet_is_refused(files: Any) -> None:
    data = files.zip_archive({"word/document.xml": b"<w:document/>"})
    with pytest.raises(ImvoError, match="not an XLSX or ODS"):
        read_table(data, filename="letter.xlsx")


def test_binary_excel_workbook_is_refused_with_advice(files: Any) -> None:
    data = files.zip_archive({"xl/workbook.bin": b"\x83\x01\x00"})
    with pytest.raises(ImvoError, match="XLSB"):
        read_table(data, filename="book.xlsb")


def test_truncated_xlsx_is_refused_as_damaged(files: Any) -> None:
    data = files.xlsx({"S": [["Name"], ["Mill"]]})
    with pytest.raises(ImvoError, match="damaged"):
        read_table(data[: len(data) // 2], filename="cut.xlsx")


def test_truncated_xls_is_refused_as_damaged(files: Any) -> None:
    data = files.xls({"S": [["Name"], ["Mill"]]})
    with pytest.raises(ImvoError):
        read_table(data[:1500], filename="cut.xls")
