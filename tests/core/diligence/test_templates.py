"""The XLSX template of the risk analysis and action plan: written, filled in, read back, with
row errors like a supplier list's; broken and hostile files are refused with a clear error."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
import xlsxwriter  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st

from imvo.core.countries import country_code
from imvo.core.diligence.templates import (
    ACTION_COLUMNS,
    ACTION_SHEET,
    RISK_COLUMNS,
    RISK_SHEET,
    TemplateAction,
    TemplateRisk,
    template_read,
    template_write,
)
from imvo.core.errors import ImvoError
from imvo.core.intake import Limits, RowError

THEMES = {"child-labour", "living-wage", "gender"}
RISKS = (
    TemplateRisk("R1", "child-labour", 5, 3, 5, 4, "BD", "garments", 2, "home workers"),
    TemplateRisk("R2", "living-wage", 3, 3, 2, 3, "IN"),
)
ACTIONS = (
    TemplateAction("Unannounced audits", "Dhaka", date(2019, 3, 1), "audits done", ("R1",)),
    TemplateAction("Wage ladder", risk_refs=("R1", "R2")),
)


def read(data: bytes, **kwargs: object) -> object:
    return template_read(
        data,
        filename="plan.xlsx",
        themes=THEMES,
        country_code=country_code,
        **kwargs,  # type: ignore[arg-type]
    )


def workbook(risks: list[list[object]], actions: list[list[object]] | None = None) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"strings_to_numbers": False})
    sheet = book.add_worksheet(RISK_SHEET)
    for r, row in enumerate([list(RISK_COLUMNS), *risks]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    sheet = book.add_worksheet(ACTION_SHEET)
    for r, row in enumerate([list(ACTION_COLUMNS), *(actions or [])]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.close()
    return out.getvalue()


def test_a_written_template_reads_back_the_same_rows() -> None:
    content = read(template_write(risks=RISKS, actions=ACTIONS, themes=[("gender", "Gender")]))
    assert content.risks == RISKS  # type: ignore[attr-defined]
    assert content.actions == ACTIONS  # type: ignore[attr-defined]
    assert content.errors == ()  # type: ignore[attr-defined]


def test_an_empty_template_reads_as_no_rows() -> None:
    content = read(template_write())
    assert (content.risks, content.actions, content.errors) == ((), (), ())  # type: ignore[attr-defined]


def test_country_names_are_read_as_iso_codes_and_numbers_as_whole_numbers() -> None:
    content = read(workbook([["r1", "Gender", "Türkiye", "", 1.0, 4, 4, 2, 3, ""]]))
    assert content.risks == (TemplateRisk("R1", "gender", 4, 4, 2, 3, "TR", "", 1, ""),)  # type: ignore[attr-defined]


def test_every_bad_cell_is_a_row_error_naming_the_field() -> None:
    data = workbook(
        [
            ["R1", "child-labour", "BD", "", "", 6, 3, 3, 3, ""],
            ["R1", "tea picking", "Atlantis", "", "tier x", 3, 3, 3, "", ""],
            ["R2", "gender", "IN", "", "", 3, 3, 3, 3, ""],
        ],
        [["", "", "someday", "", "R9"], ["Audit", "", "", "", "R2"]],
    )
    content = read(data)
    errors = {(e.row, e.field) for e in content.errors}  # type: ignore[attr-defined]
    assert errors == {
        (2, "scale"),
        (3, "theme"),
        (3, "country"),
        (3, "tier"),
        (3, "likelihood"),
        (2, "what"),
        (2, "due_on"),
        (2, "risks"),
    }
    assert all(isinstance(e, RowError) for e in content.errors)  # type: ignore[attr-defined]
    assert [r.ref for r in content.risks] == ["R2"]  # type: ignore[attr-defined]
    messages = [e.message for e in content.errors]  # type: ignore[attr-defined]
    assert any(m.startswith("Action plan: no risk R9") for m in messages)


def test_a_reference_used_twice_is_an_error() -> None:
    content = read(workbook([["R1", "gender", "", "", "", 3, 3, 3, 3, ""]] * 2))
    assert [(e.row, e.field) for e in content.errors] == [(3, "ref")]  # type: ignore[attr-defined]


def test_formula_like_text_is_written_and_read_as_text() -> None:
    risk = TemplateRisk("R1", "gender", 3, 3, 3, 3, "", '=HYPERLINK("x")', None, "@SUM(A1)")
    content = read(template_write(risks=[risk]))
    assert content.risks == (risk,)  # type: ignore[attr-defined]


def test_a_workbook_without_the_action_sheet_is_refused_naming_the_file() -> None:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet(RISK_SHEET)
    for c, name in enumerate(RISK_COLUMNS):
        sheet.write(0, c, name)
    book.close()
    with pytest.raises(ImvoError) as error:
        read(out.getvalue())
    assert error.value.file == "plan.xlsx"


def test_a_sheet_missing_a_column_is_refused_naming_it() -> None:
    data = workbook([])
    content = io.BytesIO()
    book = xlsxwriter.Workbook(content)
    sheet = book.add_worksheet(RISK_SHEET)
    for c, name in enumerate(RISK_COLUMNS[:-2]):
        sheet.write(0, c, name)
    book.add_worksheet(ACTION_SHEET).write(0, 0, "what")
    book.close()
    assert data
    with pytest.raises(ImvoError) as error:
        read(content.getvalue())
    assert error.value.field == "likelihood"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a spreadsheet at all",
        b"PK\x03\x04broken zip",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
    ],
    ids=["empty", "text", "broken-zip", "broken-ole"],
)
def test_a_broken_file_is_refused_naming_it(data: bytes) -> None:
    with pytest.raises(ImvoError) as error:
        read(data)
    assert error.value.file == "plan.xlsx"


def test_a_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<a>" + "0" * 30_000_000 + "</a>")
    with pytest.raises(ImvoError) as error:
        read(out.getvalue())
    assert error.value.file == "plan.xlsx"


def test_more_rows_than_the_limit_are_refused() -> None:
    rows: list[list[object]] = [
        [f"R{i}", "gender", "", "", "", 3, 3, 3, 3, ""] for i in range(1, 12)
    ]
    with pytest.raises(ImvoError):
        read(workbook(rows), limits=Limits(max_rows=10))


text = st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=40).map(
    str.strip
)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(sorted(THEMES)),
            st.integers(1, 5),
            st.integers(1, 5),
            st.integers(1, 5),
            st.integers(1, 5),
            st.sampled_from(["", "BD", "CN", "IN"]),
            text,
        ),
        max_size=8,
    )
)
def test_any_valid_analysis_survives_the_round_trip(rows: list[tuple]) -> None:  # type: ignore[type-arg]
    risks = tuple(
        TemplateRisk(f"R{i}", theme, a, b, c, d, country, product)
        for i, (theme, a, b, c, d, country, product) in enumerate(rows, start=1)
    )
    content = read(template_write(risks=risks))
    assert content.errors == ()  # type: ignore[attr-defined]
    assert content.risks == risks  # type: ignore[attr-defined]
