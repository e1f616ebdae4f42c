"""Matching keys of rows whose city, postal code and country sit inside the address."""

from imvo.core.matching.records import FacilityRecord, record_key, registry_table


def _keys(record: FacilityRecord) -> dict[str, object]:
    return registry_table([record]).to_pylist()[0]


def test_city_and_postal_code_inside_the_address_become_keys():
    row = _keys(
        FacilityRecord(
            "r2", None, "BD", "AKH Apparels Ltd", "128 Hamayetpur PS-Savar Dhaka-1340 Bangladesh"
        )
    )
    assert row["city_key"] == "savar"
    assert row["postal_key"] == "1340"
    # the street's key holds neither the postal code nor the country
    assert row["address_key"] == "128 hamayetpur ps savar dhaka"
    assert row["address_numbers"] == ["128"]


def test_a_list_without_columns_meets_a_list_with_them():
    one_string = _keys(
        FacilityRecord(
            "r2",
            None,
            "CN",
            "Wenzhou Jietu Shoes",
            "NO.8 SHUANGBAO WEST ROAD, OUHAI ECONOMIC DEVELOPM P.C. 325014, WENZHOU, CHINA",
        )
    )
    columns = _keys(
        FacilityRecord(
            "f1/1",
            "f1",
            "CN",
            "Wenzhou Jietu Shoes",
            "NO.8 SHUANGBAO WEST ROAD, OUHAI ECONOMIC DEVELOPM, WENZHOU",
            city="Wenzhou",
            postal_code="325014",
        )
    )
    for key in ("city_key", "postal_key", "address_key", "address_tokens"):
        assert one_string[key] == columns[key], key


def test_given_columns_win_over_the_parsed_parts():
    row = _keys(
        FacilityRecord(
            "r2",
            None,
            "BD",
            "AKH Apparels Ltd",
            "128 Hamayetpur PS-Savar Dhaka-1340 Bangladesh",
            city="Ashulia",
            postal_code="1341",
        )
    )
    assert (row["city_key"], row["postal_key"]) == ("ashulia", "1341")


def test_an_address_with_nothing_taken_out_keeps_its_key():
    record = FacilityRecord(
        "r2", None, "CN", "Jiaxing Knit", "118 Fanrong,Jiaxing,Zhejiang Province"
    )
    row = _keys(record)
    assert row["address_key"] == "118 fanrong jiaxing zhejiang prov"
    assert row["city_key"] == "jiaxing"
    assert row["postal_key"] is None


def test_the_record_key_of_remembered_decisions_is_unchanged():
    record = FacilityRecord("r2", None, "BD", "AKH Apparels Ltd", "Savar Dhaka 1340 Bangladesh")
    assert record_key(record) == "BD|akh apparels|savar dhaka 1340 bangladesh"


def test_a_given_city_and_a_parsed_one_meet_in_the_gazetteers_spelling():
    given = _keys(FacilityRecord("f1/1", "f1", "BD", "Rsi", "Plot 35, CEPZ", city="Chittagong"))
    parsed = _keys(FacilityRecord("r2", None, "BD", "Rsi", "Plot 35, CEPZ, Chittagong"))
    assert given["city_key"] == parsed["city_key"] == "chattogram"
    unknown = _keys(
        FacilityRecord("r3", None, "AU", "Tripler", "40 Western Ave", city="Tullamarine")
    )
    assert unknown["city_key"] == "tullamarine"
