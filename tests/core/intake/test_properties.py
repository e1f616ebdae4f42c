"""Whatever bytes arrive, reading them either succeeds or raises ImvoError, nothing else."""

from __future__ import annotations

import codecs
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imvo.core.errors import ImvoError
from imvo.core.intake import RawTable, read_table
from imvo.core.intake.extents import ods_content, xlsx_sheet_extent

PREFIXES = st.sampled_from(
    [
        b"",
        b"PK\x03\x04",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        codecs.BOM_UTF8,
        codecs.BOM_UTF16_LE,
        b"Name;Address;Country\r\n",
        b'"',
    ]
)


def read_or_refuse(data: bytes) -> RawTable | None:
    try:
        table = read_table(data, filename="upload.bin")
    except ImvoError as exc:
        assert exc.file == "upload.bin"
        return None
    assert all(len(row.values) == len(table.header) for row in table.rows)
    assert [row.number for row in table.rows] == sorted({row.number for row in table.rows})
    return table


@settings(max_examples=300, deadline=None)
@given(PREFIXES, st.binary(max_size=3000))
def test_arbitrary_bytes_never_raise_anything_but_imvo_error(prefix: bytes, body: bytes) -> None:
    read_or_refuse(prefix + body)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from('ab,;\t|"\r\n é'), max_size=400))
def test_arbitrary_delimited_text_never_raises_anything_but_imvo_error(text: str) -> None:
    read_or_refuse(text.encode("utf-8"))


@pytest.fixture(scope="module")
def workbooks(files: Any) -> dict[str, bytes]:
    grid = [["Name", "Address", "Country", "Workers"]] + [
        [f"Mill {i}", f"Road {i}", "CN", i * 10] for i in range(20)
    ]
    return {kind: getattr(files, kind)({"S": grid}) for kind in ("xlsx", "xls", "ods")}


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.sampled_from(["xlsx", "xls", "ods"]),
    st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=12),
)
def test_damaged_workbooks_never_raise_anything_but_imvo_error(
    workbooks: dict[str, bytes], kind: str, damage: list[tuple[float, int]]
) -> None:
    data = bytearray(workbooks[kind])
    for where, byte in damage:
        data[int(where * len(data))] = byte
    read_or_refuse(bytes(data))


def test_cells_without_positions_count_as_new_columns_and_rows() -> None:
    xml = b"<sheetData><row><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>"
    extent = xlsx_sheet_extent(xml + b"</sheetData>")
    assert (extent.rows, extent.columns) == (2, 3)


def test_ods_extent_counts_repeated_values_but_not_trailing_empties() -> None:
    xml = (
        b'<table:table table:name="S"><table:table-row table:number-rows-repeated="3">'
        b'<table:table-cell table:number-columns-repeated="4" office:value-type="string"/>'
        b'<table:table-cell table:number-columns-repeated="1000"/></table:table-row>'
        b'<table:table-row table:number-rows-repeated="1048000"><table:table-cell/>'
        b"</table:table-row></table:table>"
    )
    content = ods_content(xml)
    assert (content.extents["S"].rows, content.extents["S"].columns) == (3, 4)


def test_workbook_fixture_files_are_readable(workbooks: dict[str, bytes]) -> None:
    for kind, data in workbooks.items():
        table = read_or_refuse(data)
        assert table is not None and table.format == kind and len(table.rows) == 20
