"""Matching behaves alike whether the registry holds ten facilities or a hundred thousand.

The registries below are the same handful of named facilities (in the styles of the main
sourcing countries) padded with synthetic facilities of other countries and of their own, so
that only the size of the registry changes between the runs of a test.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pytest

from imvo.core.matching import FacilityRecord, match_records
from imvo.core.matching.synthetic import synthetic_data, synthetic_registry

DHAKA_KNITWEAR = FacilityRecord(
    "BD-DK/1",
    "BD-DK",
    "BD",
    "Dhaka Knitwear Ltd.",
    "Plot 12, Road 7, Tejgaon Industrial Area",
    city="Dhaka",
)
GUANGZHOU = FacilityRecord(
    "CN-GZ/1",
    "CN-GZ",
    "CN",
    "Guangzhou Huamei Garment Co., Ltd.",
    "No. 36 Huanshi Road, Baiyun District, Guangzhou City, Guangdong Province",
    city="Guangzhou",
    postal_code="510440",
    latitude=23.1570,
    longitude=113.2730,
)
GUANGZHOU_II = replace(
    GUANGZHOU,
    record_id="CN-GZ2/1",
    facility_id="CN-GZ2",
    name="Guangzhou Huamei Garment Factory II Co., Ltd.",
    latitude=23.1572,
    longitude=113.2733,
)
TIRUPUR = FacilityRecord(
    "IN-TP/1",
    "IN-TP",
    "IN",
    "Sri Lakshmi Knit Exports Pvt. Ltd.",
    "SF No. 214/3, Avinashi Road, Tiruppur, Tamil Nadu",
    city="Tiruppur",
    postal_code="641603",
)
BINH_DUONG = FacilityRecord(
    "VN-BD/1",
    "VN-BD",
    "VN",
    "Công ty TNHH May Mặc Phú Thịnh",
    "Lô C5, KCN Sóng Thần, Dĩ An, Bình Dương",
    city="Dĩ An",
)
BURSA = FacilityRecord(
    "TR-BU/1",
    "TR-BU",
    "TR",
    "Yıldız Örme Tekstil San. ve Tic. A.Ş.",
    "Demirtaş OSB Mah. 12. Cad. No: 14 Osmangazi/Bursa",
    city="Bursa",
    postal_code="16245",
)
FAISALABAD = FacilityRecord(
    "PK-FA/1",
    "PK-FA",
    "PK",
    "Nishat Chenab Hosiery (Pvt) Ltd",
    "12 KM Sheikhupura Road, Faisalabad",
    city="Faisalabad",
)
FAISALABAD_SISTER = replace(
    FAISALABAD,
    record_id="PK-FA2/1",
    facility_id="PK-FA2",
    name="Nishat Chenab Towels (Pvt) Ltd",
)
BANDUNG = FacilityRecord(
    "ID-BA/1",
    "ID-BA",
    "ID",
    "PT. Sinar Abadi Tekstil",
    "Jl. Raya Banjaran No. 120, Desa Cangkuang, Kec. Banjaran, Kabupaten Bandung",
    city="Kabupaten Bandung",
    postal_code="40377",
)
BARCELOS = FacilityRecord(
    "PT-BA/1",
    "PT-BA",
    "PT",
    "Malhas Ferreira & Costa, Lda.",
    "Rua da Indústria, 45, Barcelos",
    city="Barcelos",
    postal_code="4750-310",
)
CAST = (
    DHAKA_KNITWEAR,
    GUANGZHOU,
    GUANGZHOU_II,
    TIRUPUR,
    BINH_DUONG,
    BURSA,
    FAISALABAD,
    FAISALABAD_SISTER,
    BANDUNG,
    BARCELOS,
)

SIZES = (10, 100, 1_000, 10_000)
LARGE_SIZES = (100_000,)


@cache
def registry(size: int) -> tuple[FacilityRecord, ...]:
    """The cast plus synthetic facilities, `size` facilities in all."""
    padding = synthetic_registry(max(size - len(CAST), 0), seed=size)
    return CAST + padding


def row(number: int, country: str, name: str, address: str, **values: object) -> FacilityRecord:
    return FacilityRecord(f"r{number}", None, country, name, address, **values)  # type: ignore[arg-type]


# Each list row and the facility it is; every one spelled unlike the registry.
KNOWN_ROWS = (
    (row(2, "BD", "Dhaka Knitwear", "Plot 12 Road 7 Tejgaon"), "BD-DK"),
    (
        row(
            3,
            "CN",
            "GUANGZHOU HUAMEI GARMENT CO LTD",
            "No.36 Huanshi Rd, Baiyun Dist., Guangzhou",
            postal_code="510440",
        ),
        "CN-GZ",
    ),
    (
        row(
            4,
            "IN",
            "Shri Lakshmi Knit Exports Private Limited",
            "SF No 214/3 Avinashi Rd, Tirupur",
            city="Tirupur",
            postal_code="641 603",
        ),
        "IN-TP",
    ),
    (
        row(5, "VN", "CONG TY TNHH MAY MAC PHU THINH", "Lo C5, KCN Song Than, Di An, Binh Duong"),
        "VN-BD",
    ),
    (
        row(
            6,
            "TR",
            "Yildiz Orme Tekstil Sanayi ve Ticaret A.S.",
            "Demirtas OSB Mahallesi 12. Cadde No 14, Osmangazi, Bursa",
            city="Bursa",
        ),
        "TR-BU",
    ),
    (row(7, "PK", "Nishat Chenab Hosiery", "12-KM Sheikhupura Rd, Faisalabad"), "PK-FA"),
    (
        row(
            8,
            "ID",
            "Sinar Abadi Tekstil, PT",
            "Jalan Raya Banjaran No 120, Desa Cangkuang, Banjaran, Bandung",
            postal_code="40377",
        ),
        "ID-BA",
    ),
    (row(9, "PT", "MALHAS FERREIRA & COSTA LDA", "Rua da Industria 45, Barcelos"), "PT-BA"),
)


@pytest.mark.parametrize("size", SIZES)
def test_the_same_name_at_a_compatible_address_is_matched_at_any_registry_size(
    size: int,
) -> None:
    incoming = [incoming_row for incoming_row, _ in KNOWN_ROWS]
    outcomes = match_records(incoming, registry(size))
    assert [(o.decision, o.facility_id) for o in outcomes] == [
        ("matched", facility_id) for _, facility_id in KNOWN_ROWS
    ]


@pytest.mark.slow
@pytest.mark.parametrize("size", LARGE_SIZES)
def test_the_same_name_at_a_compatible_address_is_matched_in_a_large_registry(
    size: int,
) -> None:
    test_the_same_name_at_a_compatible_address_is_matched_at_any_registry_size(size)


@pytest.mark.parametrize("size", SIZES)
def test_the_reported_dhaka_row_is_matched_by_its_name_and_address(size: int) -> None:
    (outcome,) = match_records(
        [row(2, "BD", "Dhaka Knitwear", "Plot 12 Road 7 Tejgaon")], registry(size)
    )
    assert (outcome.decision, outcome.facility_id, outcome.method) == (
        "matched",
        "BD-DK",
        "exact",
    )


@pytest.mark.parametrize("size", SIZES)
def test_the_same_name_with_a_vaguer_address_goes_to_review_not_new(size: int) -> None:
    (outcome,) = match_records(
        [row(2, "BD", "Dhaka Knitwear Ltd", "Tejgaon, Dhaka")], registry(size)
    )
    assert (outcome.decision, outcome.facility_id) == ("review", "BD-DK")
    assert "BD-DK" in {candidate.facility_id for candidate in outcome.candidates}


@pytest.mark.parametrize("size", SIZES)
def test_the_same_name_at_another_plot_is_not_matched_automatically(size: int) -> None:
    (outcome,) = match_records(
        [
            row(
                2,
                "BD",
                "Dhaka Knitwear Ltd.",
                "Plot 48, Road 3, Tejgaon Industrial Area",
                city="Dhaka",
            )
        ],
        registry(size),
    )
    assert outcome.decision != "matched"


@pytest.mark.parametrize("size", SIZES)
def test_a_second_unit_and_a_sister_company_are_not_merged_at_any_size(size: int) -> None:
    facilities = tuple(r for r in registry(size) if r.facility_id not in ("CN-GZ2", "PK-FA2"))
    incoming = [
        row(
            2,
            "CN",
            "Guangzhou Huamei Garment Factory 2",
            "No. 36 Huanshi Road, Baiyun District, Guangzhou",
            postal_code="510440",
            latitude=23.1572,
            longitude=113.2733,
        ),
        row(3, "PK", "Nishat Chenab Towels (Pvt) Ltd", "12 KM Sheikhupura Road, Faisalabad"),
    ]
    unit_2, sister = match_records(incoming, facilities)
    assert unit_2.decision == "new"
    assert sister.decision != "matched"


@pytest.mark.parametrize("size", SIZES)
def test_a_row_between_a_factory_and_its_second_unit_goes_to_the_right_one(size: int) -> None:
    incoming = [
        row(2, "CN", "Guangzhou Huamei Garment Factory II", "No 36 Huanshi Rd, Guangzhou"),
        row(3, "CN", "Guangzhou Huamei Garment", "No 36 Huanshi Rd, Guangzhou"),
    ]
    unit_2, unit_1 = match_records(incoming, registry(size))
    assert (unit_2.decision, unit_2.facility_id) == ("matched", "CN-GZ2")
    assert (unit_1.decision, unit_1.facility_id) == ("matched", "CN-GZ")


@pytest.mark.parametrize("size", (10, 100, 1_000))
def test_a_mistyped_first_word_is_found_in_a_small_registry(size: int) -> None:
    (outcome,) = match_records(
        [row(2, "VN", "Cng ty TNHH May Mac Phu Thinh", "Lo C5, KCN Song Than, Di An")],
        registry(size),
    )
    assert "VN-BD" in {candidate.facility_id for candidate in outcome.candidates}
    assert outcome.decision != "new"


@pytest.mark.parametrize(("facilities", "seed"), [(50, 31), (500, 32), (5_000, 33)])
def test_synthetic_lists_are_matched_with_few_mistakes_at_several_sizes(
    facilities: int, seed: int
) -> None:
    data = synthetic_data(facilities, 300, seed=seed)
    outcomes = match_records(data.incoming, data.registry)
    matched = [o for o in outcomes if o.decision == "matched"]
    wrong = [o for o in matched if o.facility_id != data.truth[o.record_id]]
    known = [o for o in outcomes if data.truth[o.record_id] is not None]
    assert len(wrong) <= 0.02 * len(matched)
    assert len(matched) - len(wrong) >= 0.95 * len(known)
    assert sum(o.decision == "review" for o in outcomes) <= 0.05 * len(outcomes)
