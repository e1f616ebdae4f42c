"""Reading CSV files as companies send them: any delimiter, any encoding, any quoting."""

from __future__ import annotations

import codecs
import io
import random

import pytest

from imvo.core.errors import ImvoError
from imvo.core.intake import Limits, read_table

HEADER = ("Naam", "Adres", "Land")
ROWS = (
    ("Dhaka Knit Café", "Plot 12, Road 5, Gazipur", "Bangladesh"),
    ("Çorlu Tekstil Şirketi", "Organize Sanayi Bölgesi 3", "Türkiye"),
)


def csv_text(rows: tuple[tuple[str, ...], ...], delimiter: str) -> str:
    def quoted(value: str) -> str:
        needs = delimiter in value or '"' in value or "\n" in value
        return '"' + value.replace('"', '""') + '"' if needs else value

    return "".join(delimiter.join(quoted(v) for v in row) + "\r\n" for row in rows)


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize(
    ("encoding", "reported"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8"),
        ("utf-16", None),  # Python writes the machine's byte order with a BOM
        ("utf-16-le", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
        ("utf-32", None),
    ],
)
def test_csv_reads_in_every_delimiter_and_unicode_encoding(
    delimiter: str, encoding: str, reported: str | None
) -> None:
    data = csv_text((HEADER, *ROWS), delimiter).encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):
        data = (codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE) + data
    table = read_table(data, filename="list.csv")
    assert table.format == "csv"
    assert table.delimiter == delimiter
    assert table.encoding == reported or (reported is None and table.encoding.startswith("utf-"))
    assert table.header == HEADER
    assert [row.values for row in table.rows] == list(ROWS)


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_in_windows_1252_or_latin_1_keeps_accented_letters(
    encoding: str, delimiter: str
) -> None:
    rows = (("Naam", "Adres", "Land"), ("Fábrica São João", "Rua Açores 5, Braga", "Portugal"))
    table = read_table(csv_text(rows, delimiter).encode(encoding), filename="lijst.csv")
    assert table.encoding == "cp1252"
    assert table.rows[0].values == rows[1]


def test_utf16_without_byte_order_mark_is_recognised() -> None:
    data = csv_text((HEADER, *ROWS), ";").encode("utf-16-le")
    table = read_table(data, filename="list.csv")
    assert table.encoding == "utf-16-le"
    assert table.rows[1].values == ROWS[1]


def test_chinese_list_in_gb18030_is_decoded() -> None:
    rows = (
        ("工厂名称", "地址", "国家"),
        ("东莞市长安镇服装厂", "广东省东莞市长安镇振安路88号", "中国"),
        ("宁波纺织有限公司", "浙江省宁波市鄞州区工业园区", "中国"),
    )
    table = read_table(csv_text(rows, ",").encode("gb18030"), filename="suppliers.csv")
    assert table.encoding == "gb18030"
    assert table.rows[0].values == rows[1]


def test_semicolon_is_found_even_when_addresses_hold_commas() -> None:
    rows = (
        ("Name", "Address", "Country"),
        ("A Garments", "Road 1, Block B, Dhaka", "BD"),
        ("B Knit", "Plot 7, Sector 3, Gazipur", "BD"),
    )
    table = read_table(csv_text(rows, ";").encode(), filename="list.csv")
    assert table.delimiter == ";"
    assert table.rows[0].values == rows[1]


def test_quoted_values_keep_embedded_delimiters_quotes_and_newlines() -> None:
    data = (
        b'Name,Address,Country\r\n"Alpha ""Best"" Ltd","Line 1,\r\nLine 2",CN\r\nBeta,Road 2,CN\r\n'
    )
    table = read_table(data, filename="list.csv")
    assert table.rows[0].values == ('Alpha "Best" Ltd', "Line 1,\r\nLine 2", "CN")
    # The quoted line break does not count as a row of its own.
    assert [row.number for row in table.rows] == [2, 3]


def test_rows_are_numbered_as_a_spreadsheet_shows_them_with_blank_rows_skipped() -> None:
    data = b"\r\nName;Address;Country\r\nA;Road 1;CN\r\n;;\r\n\r\nB;Road 2;CN\r\n"
    table = read_table(data, filename="list.csv")
    assert table.header_row == 2
    assert [row.number for row in table.rows] == [3, 6]


def test_trailing_empty_columns_are_dropped_and_short_rows_padded() -> None:
    data = b"Name;Address;Country;;;\r\nA;Road 1;CN;;;\r\nB;Road 2\r\n"
    table = read_table(data, filename="list.csv")
    assert table.header == ("Name", "Address", "Country")
    assert [row.values for row in table.rows] == [("A", "Road 1", "CN"), ("B", "Road 2", "")]


def test_values_beyond_the_header_keep_their_columns() -> None:
    table = read_table(b"Name,Address\nA,Road 1,CN\n", filename="list.csv")
    assert table.header == ("Name", "Address", "")
    assert table.labels == ("Name", "Address", "column C")
    assert table.rows[0].values == ("A", "Road 1", "CN")


def test_formula_text_is_kept_verbatim_and_never_evaluated() -> None:
    data = b'Name,Address,Country\n=1+1,"=HYPERLINK(""http://x"",""y"")",@SUM(A1)\n'
    table = read_table(data, filename="list.csv")
    assert table.rows[0].values == ("=1+1", '=HYPERLINK("http://x","y")', "@SUM(A1)")


def test_header_only_file_gives_zero_rows() -> None:
    table = read_table(b"Name,Address,Country\r\n", filename="list.csv")
    assert table.header == ("Name", "Address", "Country")
    assert table.rows == ()


def test_file_object_is_read_like_bytes() -> None:
    table = read_table(io.BytesIO(b"Name,Address,Country\nA,B,CN\n"), filename="list.csv")
    assert table.rows[0].values == ("A", "B", "CN")


@pytest.mark.parametrize("data", [b"", b"   \r\n\t\n", codecs.BOM_UTF8])
def test_empty_file_is_refused(data: bytes) -> None:
    with pytest.raises(ImvoError, match=r"empty|no header") as caught:
        read_table(data, filename="empty.csv")
    assert caught.value.file == "empty.csv"


def test_unclosed_quote_is_refused_naming_the_row() -> None:
    data = b'Name,Address,Country\nA,Road 1,CN\nB,"Road 2,CN\nC,Road 3,CN\n'
    with pytest.raises(ImvoError, match="mismatched quotes") as caught:
        read_table(data, filename="list.csv")
    assert caught.value.row == 3


def test_text_after_a_closing_quote_is_refused() -> None:
    with pytest.raises(ImvoError, match="closing quote") as caught:
        read_table(b'Name,Address,Country\n"A"x,Road,CN\n', filename="list.csv")
    assert caught.value.row == 2


def test_random_bytes_named_csv_are_refused_as_binary() -> None:
    noise = random.Random(3).randbytes(4096)
    with pytest.raises(ImvoError, match="binary data"):
        read_table(noise, filename="suppliers.csv")


def test_png_image_named_csv_is_refused_as_binary() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    with pytest.raises(ImvoError, match="binary data"):
        read_table(png, filename="suppliers.csv")


def test_png_image_named_xlsx_is_refused() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    with pytest.raises(ImvoError, match="binary data") as caught:
        read_table(png, filename="suppliers.xlsx")
    assert caught.value.file == "suppliers.xlsx"


def test_html_table_named_xls_is_refused_with_advice() -> None:
    page = b"<html><body><table><tr><td>Name</td></tr></table></body></html>"
    with pytest.raises(ImvoError, match="save it as XLSX"):
        read_table(page, filename="export.xls")


def test_file_over_the_size_limit_is_refused_before_reading() -> None:
    data = b"Name,Address,Country\n" + b"A,Road,CN\n" * 200
    with pytest.raises(ImvoError, match="larger than the limit"):
        read_table(io.BytesIO(data), filename="big.csv", limits=Limits(max_bytes=1000))


def test_a_cell_of_one_megabyte_is_refused_naming_row_and_column() -> None:
    data = b"Name,Address,Country\nA," + b"x" * 1_000_000 + b",CN\n"
    with pytest.raises(ImvoError, match=r"characters|too long") as caught:
        read_table(data, filename="list.csv")
    assert caught.value.row == 2


def test_a_cell_over_the_character_limit_names_its_column() -> None:
    data = b"Name,Address,Country\nA," + b"x" * 2_001 + b",CN\n"
    with pytest.raises(ImvoError, match="2,001 characters") as caught:
        read_table(data, filename="list.csv")
    assert (caught.value.row, caught.value.field) == (2, "Address")


def test_three_hundred_columns_are_refused() -> None:
    header = ",".join(f"col{i}" for i in range(300))
    with pytest.raises(ImvoError, match="300 columns") as caught:
        read_table(f"{header}\n".encode(), filename="wide.csv")
    assert caught.value.row == 1


@pytest.mark.slow
def test_two_hundred_fifty_thousand_rows_are_refused() -> None:
    data = b"Name,Address,Country\n" + b"Factory,Road 1,CN\n" * 250_000
    with pytest.raises(ImvoError, match="more than 200,000 rows") as caught:
        read_table(data, filename="huge.csv")
    assert caught.value.row == 200_002


def test_the_row_limit_allows_exactly_the_limit() -> None:
    data = b"Name,Address,Country\n" + b"Factory,Road 1,CN\n" * 10
    assert len(read_table(data, filename="l.csv", limits=Limits(max_rows=10)).rows) == 10
    with pytest.raises(ImvoError, match="more than 9 rows"):
        read_table(data, filename="l.csv", limits=Limits(max_rows=9))


def test_choosing_a_sheet_in_a_csv_file_is_an_error() -> None:
    with pytest.raises(ImvoError, match="no sheets"):
        read_table(b"Name,Address,Country\n", filename="list.csv", sheet="Suppliers")
