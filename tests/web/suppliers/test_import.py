"""Importing supplier lists: every row kept, every problem reported, every count adding up.

Most tests here pass the stand-in matcher, since they are about the import's bookkeeping; the
tests at the end run the real matching engine.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest

from imvo.core.errors import ImvoError
from imvo.core.facility_ids import facility_id_valid
from imvo.core.intake import Limits
from imvo.web.registry.models import Organisation
from imvo.web.suppliers.models import (
    Facility,
    FacilityAlias,
    MatchReview,
    RowOutcome,
    SupplierList,
    SupplierRow,
)
from imvo.web.suppliers.selectors import (
    supplier_list_summary,
    supplier_list_versions,
    supplier_lists_current,
    supplier_row_raw,
)
from imvo.web.suppliers.services import supplier_company_resolve, supplier_list_import
from web.suppliers.cast import (
    HEMA_ROWS,
    ZEEMAN_ROWS,
    StandInMatcher,
    csv_bytes,
    database_counts,
    ods_bytes,
    xls_bytes,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

HEADER = ["Name", "Address", "Country", "City", "Workers"]


def import_list(
    cast: Any, data: bytes, *, filename: str = "list.csv", **options: Any
) -> SupplierList:
    options.setdefault("matcher", StandInMatcher())
    options.setdefault("company", cast.zeeman)
    options.setdefault("year", 2018)
    return supplier_list_import(data=data, filename=filename, **options)


def test_every_raw_row_is_stored_verbatim_with_its_spreadsheet_number(cast: Any) -> None:
    data = csv_bytes(
        [
            HEADER,
            ["Mill One", "1 Road", "Bangladesh", "Dhaka", "about 300"],
            ["", "", "", "", ""],  # a blank row keeps its number
            ["Mill Two", "", "Atlantis", "", "many"],
        ],
        delimiter=",",
        encoding="utf-8",
    )
    supplier_list = import_list(cast, data)
    rows = list(supplier_list.rows.order_by("number"))
    assert [row.number for row in rows] == [2, 4]
    assert supplier_row_raw(rows[0]) == dict(
        zip(HEADER, ["Mill One", "1 Road", "Bangladesh", "Dhaka", "about 300"], strict=True)
    )
    assert rows[1].raw == ["Mill Two", "", "Atlantis", "", "many"]
    assert supplier_list.columns == HEADER
    assert supplier_list.mapping == {
        "name": "Name",
        "address": "Address",
        "country": "Country",
        "city": "City",
        "workers": "Workers",
    }


def test_accepted_rows_keep_their_cleaned_fields(cast: Any) -> None:
    data = csv_bytes(
        [
            ["Name", "Address", "Country", "Workers", "Tier", "Product type", "Lat", "Lng"],
            [
                "Mill One",
                "1 Road",
                "Bangladesh",
                "1.200",
                "Tier 1",
                "Shirts; Trousers",
                "23,7 N",
                "90.4",
            ],
        ]
    )
    (row,) = import_list(cast, data).rows.all()
    assert row.accepted
    assert (row.country, row.workers, row.workers_band, row.tier) == ("BD", "1200", "1001-5000", 1)
    assert row.product_types == ["Shirts", "Trousers"]
    assert (row.latitude, row.longitude) == (23.7, 90.4)


def test_summary_gives_every_rejected_rows_reasons_and_counts_add_up(cast: Any) -> None:
    data = csv_bytes(
        [
            HEADER,
            ["Mill One", "1 Road", "Bangladesh", "", ""],
            ["", "2 Road", "Atlantis", "", "12.5"],
            ["Mill Three", "3 Road", "", "", ""],
            ["Mill One", "1 road", "BD", "", ""],
        ]
    )
    summary = supplier_list_summary(import_list(cast, data))
    assert summary["rows"] == 4
    assert summary["rows"] == summary["accepted"] + summary["rejected"]
    assert summary["accepted"] == (
        summary["duplicates"] + summary["matched"] + summary["new"] + summary["review"]
    )
    assert (summary["rejected"], summary["duplicates"], summary["new"]) == (2, 1, 1)
    problems = {(error["row"], error["field"]) for error in summary["errors"]}
    assert problems == {(3, "name"), (3, "country"), (3, "workers"), (4, "country")}
    assert all(error["message"] for error in summary["errors"])
    assert summary["duplicate_rows"] == [{"row": 5, "duplicate_of": 2}]


def test_rejected_rows_are_stored_with_their_errors_and_no_facility(cast: Any) -> None:
    data = csv_bytes([HEADER, ["Mill", "1 Road", "Atlantis", "", ""]])
    (row,) = import_list(cast, data).rows.all()
    assert not row.accepted
    assert row.outcome == RowOutcome.REJECTED
    assert row.facility is None
    assert row.errors == [
        {
            "field": "country",
            "message": "unknown country 'Atlantis'",
            "code": "country.unknown",
            "params": {"value": "'Atlantis'"},
        }
    ]


def test_rows_repeated_within_a_list_are_duplicates_of_the_first_and_share_its_facility(
    cast: Any,
) -> None:
    data = csv_bytes(
        [
            HEADER,
            ["Mill One", "1 Road", "BD", "", ""],
            ["MILL ONE", "1, Road", "Bangladesh", "", ""],
        ]
    )
    matcher = StandInMatcher()
    supplier_list = import_list(cast, data, matcher=matcher)
    first, repeat = supplier_list.rows.order_by("number")
    assert repeat.outcome == RowOutcome.DUPLICATE
    assert repeat.duplicate_of == 2
    assert repeat.facility == first.facility is not None
    (call,) = matcher.calls
    assert [record.record_id for record in call[0]] == ["r2"], "duplicates are not matched again"
    assert supplier_list.duplicate_count == 1


def test_new_rows_become_facilities_with_valid_ids_and_an_alias_each(cast: Any) -> None:
    supplier_list = import_list(cast, xls_bytes(ZEEMAN_ROWS), filename="zeeman.xls")
    rows = list(supplier_list.rows.order_by("number"))
    assert [row.outcome for row in rows] == [RowOutcome.NEW] * 3
    ids = [row.facility.facility_id for row in rows if row.facility is not None]
    assert [facility_id[:2] for facility_id in ids] == ["BD", "CN", "TR"]
    assert all(facility_id_valid(facility_id) for facility_id in ids)
    for row in rows:
        assert row.alias is not None
        assert (row.alias.name, list(row.alias.rows.all())) == (row.name, [row])
    facility = Facility.objects.get(facility_id=ids[0])
    assert (facility.name, facility.city, facility.workers_band) == (
        "Dhaka Knitwear Ltd.",
        "Dhaka",
        "1001-5000",
    )


def test_rows_of_one_list_spelled_alike_become_one_new_facility(cast: Any) -> None:
    data = csv_bytes(
        [
            HEADER,
            ["Rahman Knit Ltd.", "Road 7", "BD", "", ""],
            ["Rahman Knit Limited", "Rd. 7", "BD", "", ""],
        ]
    )
    first, second = import_list(cast, data).rows.order_by("number")
    assert first.facility == second.facility
    assert first.facility is not None
    assert first.facility.aliases.count() == 2


def test_matched_rows_link_to_the_known_facility_and_add_their_spelling(cast: Any) -> None:
    zeeman = import_list(cast, xls_bytes(ZEEMAN_ROWS), filename="zeeman.xls")
    hema = import_list(cast, csv_bytes(HEMA_ROWS), filename="hema.csv", company=cast.hema)
    summary = supplier_list_summary(hema)
    assert (summary["matched"], summary["new"], summary["rejected"]) == (3, 1, 1)
    dhaka = zeeman.rows.get(number=2).facility
    hema_dhaka = hema.rows.get(number=2)
    assert hema_dhaka.facility == dhaka
    assert hema_dhaka.method == "exact"
    assert set(FacilityAlias.objects.filter(facility=dhaka).values_list("name", flat=True)) == {
        "Dhaka Knitwear Ltd.",
        "DHAKA KNITWEAR LIMITED",
    }
    assert dhaka is not None
    dhaka.refresh_from_db()
    assert dhaka.product_types == ["T-shirts", "Polo shirts"]


def test_the_registry_given_to_the_matcher_holds_only_the_lists_countries(cast: Any) -> None:
    import_list(cast, xls_bytes(ZEEMAN_ROWS), filename="zeeman.xls")
    matcher = StandInMatcher()
    data = csv_bytes([HEADER, ["Mill", "1 Road", "Bangladesh", "", ""]])
    import_list(cast, data, company=cast.hema, matcher=matcher)
    (call,) = matcher.calls
    registry = call[1]
    assert {record.country for record in registry} == {"BD"}
    assert registry[0].record_id.startswith(registry[0].facility_id or "?")


def test_corrected_list_becomes_version_two_and_keeps_version_one(cast: Any) -> None:
    first = import_list(cast, csv_bytes([HEADER, ["Mill", "1 Road", "Atlantis", "", ""]]))
    second = import_list(cast, csv_bytes([HEADER, ["Mill", "1 Road", "Bangladesh", "", ""]]))
    other_year = import_list(cast, csv_bytes([HEADER, ["Mill", "1 Road", "BD", "", ""]]), year=2019)
    assert (first.version, second.version, other_year.version) == (1, 2, 1)
    versions = supplier_list_versions(company=cast.zeeman, covenant=cast.textile, year=2018)
    assert list(versions) == [first, second]
    assert first.rows.get().errors, "version 1 keeps its rows as they were"
    assert set(supplier_lists_current()) == {second, other_year}


def test_list_records_the_file_it_came_from(cast: Any) -> None:
    data = csv_bytes(HEMA_ROWS)
    supplier_list = import_list(cast, data, filename="hema.csv", covenant=cast.textile)
    assert (supplier_list.filename, supplier_list.file_format, supplier_list.delimiter) == (
        "hema.csv",
        "csv",
        ";",
    )
    assert supplier_list.encoding
    assert supplier_list.size == len(data)
    import hashlib

    assert supplier_list.sha256 == hashlib.sha256(data).hexdigest()
    assert supplier_list.covenant == cast.textile


GRID = [
    ["Naam", "Adres", "Land"],
    ["Mill One", "1 Road", "Bangladesh"],
    ["Mill Two", "2 Road", "Vietnam"],
]


@pytest.mark.parametrize(
    ("filename", "data", "file_format"),
    [
        ("utf8.csv", csv_bytes(GRID, delimiter=",", encoding="utf-8"), "csv"),
        ("bom.csv", csv_bytes(GRID, delimiter=",", encoding="utf-8-sig"), "csv"),
        ("utf16.csv", csv_bytes(GRID, delimiter="\t", encoding="utf-16"), "csv"),
        (
            "cp1252.csv",
            csv_bytes([*GRID, ["Café “Nord”", "3 Road", "Portugal"]], encoding="cp1252"),
            "csv",
        ),
        ("list.xlsx", xlsx_bytes(GRID), "xlsx"),
        ("list.xls", xls_bytes(GRID), "xls"),
        ("list.ods", ods_bytes(GRID), "ods"),
    ],
)
def test_every_file_kind_is_imported(
    cast: Any, filename: str, data: bytes, file_format: str
) -> None:
    supplier_list = import_list(cast, data, filename=filename)
    assert supplier_list.file_format == file_format
    assert supplier_list.accepted_count == supplier_list.row_count >= 2
    assert supplier_list.rows.get(number=2).name == "Mill One"


def test_a_sheet_can_be_chosen_by_name_or_number(cast: Any) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    assert workbook.active is not None
    workbook.active.append(["Notes"])
    sheet = workbook.create_sheet("Suppliers 2018")
    for row in GRID:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    by_name = import_list(cast, buffer.getvalue(), filename="l.xlsx", sheet="suppliers 2018")
    by_number = import_list(cast, buffer.getvalue(), filename="l.xlsx", sheet=1)
    assert by_name.sheet == by_number.sheet == "Suppliers 2018"
    assert by_name.row_count == 2


def test_unknown_headers_can_be_mapped_by_hand(cast: Any) -> None:
    data = csv_bytes([["Vendor", "Location", "Nation"], ["Mill One", "1 Road", "BD"]])
    supplier_list = import_list(
        cast, data, mapping={"Vendor": "name", "Location": "address", 2: "country"}
    )
    assert supplier_list.accepted_count == 1
    assert supplier_list.mapping == {"name": "Vendor", "address": "Location", "country": "Nation"}


def test_file_without_required_columns_names_them_and_the_unknown_columns(cast: Any) -> None:
    data = csv_bytes([["Vendor", "Adres", "Nation"], ["Mill One", "1 Road", "BD"]])
    before = database_counts()
    with pytest.raises(ImvoError) as caught:
        import_list(cast, data, filename="odd.csv")
    message = str(caught.value)
    assert message.startswith("odd.csv: row 1:")
    assert "name, country" in message
    assert "'Vendor', 'Nation'" in message
    assert database_counts() == before


def bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr(
            "xl/worksheets/sheet1.xml", b"<worksheet>" + b" " * 3_000_000 + b"</worksheet>"
        )
    return buffer.getvalue()


HOSTILE = {
    "larger than the limit": (
        csv_bytes([HEADER] + [["Mill", "Road", "BD", "", ""]] * 200),
        Limits(max_bytes=1000),
    ),
    "zip bomb": (bomb(), Limits(max_uncompressed_bytes=1_000_000)),
    "binary garbage named .csv": (bytes(range(256)) * 40, Limits()),
    "absurd column count": (
        csv_bytes([HEADER + [f"c{i}" for i in range(300)], ["Mill", "Road", "BD"]]),
        Limits(),
    ),
    "absurd row count": (
        csv_bytes([HEADER] + [["Mill", "Road", "BD", "", ""]] * 60),
        Limits(max_rows=50),
    ),
    "empty file": (b"   \n", Limits()),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_files_are_refused_naming_the_file_and_leave_the_database_unchanged(
    cast: Any, kind: str
) -> None:
    data, limits = HOSTILE[kind]
    import_list(cast, csv_bytes(GRID), filename="earlier.csv")
    before = database_counts()
    matcher = StandInMatcher()
    with pytest.raises(ImvoError) as caught:
        import_list(cast, data, filename="hostile.csv", limits=limits, matcher=matcher)
    assert caught.value.file == "hostile.csv"
    assert str(caught.value).startswith("hostile.csv")
    assert database_counts() == before
    assert not matcher.calls


def test_failure_while_matching_leaves_the_database_unchanged(cast: Any) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("engine failure")

    before = database_counts()
    with pytest.raises(RuntimeError):
        import_list(cast, csv_bytes(GRID), matcher=broken)
    assert database_counts() == before


def test_a_matcher_that_loses_rows_is_caught(cast: Any) -> None:
    with pytest.raises(RuntimeError, match="one outcome per incoming record"):
        import_list(cast, csv_bytes(GRID), matcher=lambda incoming, registry, **_: ())
    assert not SupplierList.objects.exists()


def test_only_companies_hand_in_supplier_lists(cast: Any) -> None:
    union = Organisation.objects.get(slug="fnv")
    with pytest.raises(ImvoError, match="FNV is registered as union, not as a company") as caught:
        import_list(cast, csv_bytes(GRID), company=union)
    assert caught.value.field == "company"


@pytest.mark.parametrize("year", [1999, 2200])
def test_year_must_be_plausible(cast: Any, year: int) -> None:
    with pytest.raises(ImvoError, match="year") as caught:
        import_list(cast, csv_bytes(GRID), year=year)
    assert caught.value.field == "year"
    assert not SupplierRow.objects.exists()


def test_company_is_found_by_slug_or_name_and_never_created(cast: Any) -> None:
    assert supplier_company_resolve(name_or_slug="hema") == cast.hema
    assert supplier_company_resolve(name_or_slug="  zeeman ") == cast.zeeman
    assert supplier_company_resolve(name_or_slug="Zeeman") == cast.zeeman
    with pytest.raises(ImvoError, match="unknown company 'WE Fashion'"):
        supplier_company_resolve(name_or_slug="WE Fashion")
    assert not Organisation.objects.filter(name="WE Fashion").exists()


def test_uncertain_rows_open_a_review_with_candidates_and_evidence(cast: Any) -> None:
    import_list(cast, xls_bytes(ZEEMAN_ROWS), filename="zeeman.xls")
    data = csv_bytes([HEADER, ["Dhaka Knit Wear", "Plot 12, Tejgaon", "BD", "", ""]])
    matcher = StandInMatcher(review_names=["Dhaka Knit Wear"])
    supplier_list = import_list(cast, data, company=cast.hema, matcher=matcher)
    (row,) = supplier_list.rows.all()
    assert (row.outcome, row.facility, row.probability) == (RowOutcome.REVIEW, None, 0.7)
    review = MatchReview.objects.get(row=row)
    (candidate,) = review.candidates
    assert candidate["facility_id"].startswith("BD")
    assert candidate["evidence"] == [
        {"field": "name", "level": "similar", "detail": "jaro-winkler 0.90"}
    ]
    assert supplier_list.review_count == 1


def test_progress_is_reported_while_matching_and_writing(cast: Any) -> None:
    reports: list[tuple[int, int]] = []
    import_list(cast, csv_bytes(GRID), progress=lambda done, total: reports.append((done, total)))
    # two rows matched, then the two rows written: one count up to four
    assert reports[-1] == (4, 4)
    assert [done for done, _ in reports] == sorted(done for done, _ in reports)


# ------------------------------------------------------------------------ the real engine


def test_same_factories_from_an_xls_and_a_latin1_csv_link_to_one_facility_each(
    cast: Any, zeeman_xls: bytes, hema_csv: bytes
) -> None:
    zeeman = supplier_list_import(
        company=cast.zeeman, year=2018, data=zeeman_xls, filename="zeeman.xls"
    )
    hema = supplier_list_import(company=cast.hema, year=2018, data=hema_csv, filename="hema.csv")
    summary = supplier_list_summary(hema)
    assert (summary["rows"], summary["accepted"], summary["rejected"]) == (5, 4, 1)
    assert (summary["matched"], summary["new"], summary["review"]) == (3, 1, 0)
    for number in (2, 3, 4):
        assert hema.rows.get(number=number).facility == zeeman.rows.get(number=number).facility
    assert Facility.objects.count() == 4
    assert hema.rows.get(number=5).facility.facility_id.startswith("IN")  # type: ignore[union-attr]


def test_new_rows_the_clusterer_groups_become_one_facility(cast: Any) -> None:
    data = csv_bytes(
        [
            HEADER,
            ["Mill A", "1 Road", "BD", "", ""],
            ["Mill B", "2 Road", "BD", "", ""],
            ["Mill C", "3 Road", "BD", "", ""],
        ]
    )
    seen: list[Any] = []

    def clusterer(outcomes: Any, incoming: Any) -> tuple[tuple[str, ...], ...]:
        seen.append([record.record_id for record in incoming])
        return (("r2", "r4"), ("r3",))

    supplier_list = import_list(cast, data, clusterer=clusterer)
    a, b, c = (row.facility for row in supplier_list.rows.order_by("number"))
    assert a == c != b
    assert seen == [["r2", "r3", "r4"]]
    assert a is not None and a.name == "Mill A"
    assert Facility.objects.count() == 2


def test_real_engine_matches_a_misspelt_factory_or_asks_about_it(
    cast: Any, zeeman_xls: bytes
) -> None:
    zeeman = supplier_list_import(
        company=cast.zeeman, year=2018, data=zeeman_xls, filename="zeeman.xls"
    )
    anhui = zeeman.rows.get(number=3).facility
    assert anhui is not None
    data = csv_bytes(
        [
            HEADER,
            [
                "Anhui Silk Garmnet Company",
                "No. 88, Changjiang Rd, Shushan Dist.",
                "CN",
                "Hefei",
                "",
            ],
        ]
    )
    hema = supplier_list_import(company=cast.hema, year=2018, data=data, filename="hema.csv")
    row = hema.rows.get()
    if row.outcome == RowOutcome.MATCHED:
        assert (row.facility, row.method) == (anhui, "model")
        assert row.probability is not None and row.probability >= 0.95
    else:
        assert row.outcome == RowOutcome.REVIEW
        review = MatchReview.objects.get(row=row)
        assert review.candidates[0]["facility_id"] == anhui.facility_id
        assert {item["field"] for item in review.candidates[0]["evidence"]} >= {"name", "address"}


def test_real_engine_makes_two_spellings_of_a_new_factory_in_one_list_one_facility(
    cast: Any,
) -> None:
    data = csv_bytes(
        [
            HEADER,
            [
                "Anhui Silk Garment Co., Ltd.",
                "88 Changjiang Road, Shushan District",
                "CN",
                "Hefei",
                "",
            ],
            [
                "Anhui Silk Garmnet Company",
                "No. 88, Changjiang Rd, Shushan Dist.",
                "CN",
                "Hefei",
                "",
            ],
            ["Hefei Textile Printing Co., Ltd.", "12 Wangjiang West Road", "CN", "Hefei", ""],
        ]
    )
    supplier_list = supplier_list_import(
        company=cast.zeeman, year=2018, data=data, filename="l.csv"
    )
    first, second, other = (row.facility for row in supplier_list.rows.order_by("number"))
    assert first == second != other
    assert supplier_list.new_count == 3
    assert Facility.objects.count() == 2
