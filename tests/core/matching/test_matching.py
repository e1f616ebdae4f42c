"""Matching supplier-list rows to registry facilities with the shipped model."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imvo.core.errors import ImvoError
from imvo.core.matching import (
    Decisions,
    FacilityRecord,
    Thresholds,
    cluster_new,
    deduplicate,
    default_model,
    match_records,
    record_key,
    registry_table,
)
from imvo.core.matching.engine import row_probabilities
from imvo.core.matching.synthetic import synthetic_data

DONGGUAN = FacilityRecord(
    record_id="CN1/1",
    facility_id="CN1",
    country="CN",
    name="Dongguan Xinghui Garment Co., Ltd.",
    address="No. 88 Xinghua Road, Humen Town, Dongguan City, Guangdong Province",
    city="Dongguan",
    postal_code="523900",
    latitude=22.8210,
    longitude=113.6730,
)
DONGGUAN_UNIT_2 = replace(
    DONGGUAN,
    record_id="CN2/1",
    facility_id="CN2",
    name="Dongguan Xinghui Garment Factory II Co., Ltd.",
    latitude=22.8214,
    longitude=113.6733,
)
RAHMAN = FacilityRecord(
    record_id="BD1/1",
    facility_id="BD1",
    country="BD",
    name="Rahman Knit & Dyeing Mills (Pvt.) Ltd.",
    address="Plot 12, Road 7, BSCIC Industrial Area, Tongi, Gazipur",
    city="Gazipur",
    postal_code="1710",
)
RAHMAN_SISTER = replace(
    RAHMAN, record_id="BD2/1", facility_id="BD2", name="Rahman Denim Washing Ltd."
)
ISTANBUL = FacilityRecord(
    record_id="TR1/1",
    facility_id="TR1",
    country="TR",
    name="Akın Tekstil Sanayi ve Ticaret A.Ş.",
    address="Akçaburgaz Mah. 3114. Sok. No:5 Esenyurt/İstanbul",
    city="Esenyurt",
    postal_code="34522",
    latitude=41.0560,
    longitude=28.6570,
)
REGISTRY = (DONGGUAN, DONGGUAN_UNIT_2, RAHMAN, RAHMAN_SISTER, ISTANBUL)


def row(number: int, country: str, name: str, address: str, **values: object) -> FacilityRecord:
    return FacilityRecord(f"r{number}", None, country, name, address, **values)  # type: ignore[arg-type]


def test_exact_keys_match_without_the_model() -> None:
    incoming = [
        row(
            2,
            "CN",
            "DONGGUAN XINGHUI GARMENT CO LTD",
            "No.88 Xinghua Rd., Humen Town, Dongguan City, Guangdong Province",
        ),
    ]
    (outcome,) = match_records(incoming, REGISTRY)
    assert (outcome.decision, outcome.facility_id, outcome.method) == ("matched", "CN1", "exact")
    assert {e.field: e.level for e in outcome.candidates[0].evidence}["name"] == "exact"


def test_a_typo_and_another_legal_form_still_match() -> None:
    incoming = [
        row(
            2,
            "TR",
            "Akin Tekstl San. ve Tic. Ltd. Şti.",
            "Akçaburgaz Mahallesi 3114. Sokak No:5 Esenyurt / Istanbul",
            city="Esenyurt",
            postal_code="34522",
        ),
    ]
    (outcome,) = match_records(incoming, REGISTRY)
    assert (outcome.decision, outcome.facility_id, outcome.method) == ("matched", "TR1", "model")
    assert outcome.probability is not None and outcome.probability >= 0.95
    evidence = {e.field: e for e in outcome.candidates[0].evidence}
    assert evidence["name"].level == "similar"
    assert evidence["name"].detail.startswith("jaro-winkler ")
    assert evidence["postal_code"].level == "exact"
    assert evidence["distance"].level == "missing"


def test_a_second_unit_at_the_same_address_is_not_merged_with_the_first() -> None:
    registry = (DONGGUAN, ISTANBUL)
    incoming = [
        row(
            2,
            "CN",
            "Dongguan Xinghui Garment Factory 2",
            "No. 88 Xinghua Road, Humen Town, Dongguan",
            postal_code="523900",
            latitude=22.8214,
            longitude=113.6733,
        ),
    ]
    (outcome,) = match_records(incoming, registry)
    assert outcome.decision == "new"
    assert outcome.facility_id is None


def test_a_row_between_two_units_goes_to_the_right_one() -> None:
    incoming = [
        row(
            2,
            "CN",
            "Dongguan Xinghui Garmnet Factory II",
            "No 88 Xinghua Road, Humen, Dongguan",
            latitude=22.8214,
            longitude=113.6733,
        ),
        row(
            3,
            "CN",
            "Dongguan Xinghui Garmnet",
            "No 88 Xinghua Road, Humen, Dongguan",
            latitude=22.8210,
            longitude=113.6730,
        ),
    ]
    unit_2, unit_1 = match_records(incoming, REGISTRY)
    assert (unit_2.decision, unit_2.facility_id) == ("matched", "CN2")
    assert (unit_1.decision, unit_1.facility_id) == ("matched", "CN1")


def test_a_sister_company_at_the_same_address_is_not_matched_automatically() -> None:
    registry = (RAHMAN, ISTANBUL)
    incoming = [
        row(
            2,
            "BD",
            "Rahman Denim Washing Ltd",
            "Plot 12, Road 7, BSCIC Industrial Area, Tongi, Gazipur",
            city="Gazipur",
        ),
    ]
    (outcome,) = match_records(incoming, registry)
    assert outcome.decision != "matched"


def test_the_same_name_in_another_country_is_never_matched() -> None:
    incoming = [
        row(
            2,
            "VN",
            DONGGUAN.name,
            DONGGUAN.address,
            city=DONGGUAN.city,
            postal_code=DONGGUAN.postal_code,
        ),
    ]
    (outcome,) = match_records(incoming, REGISTRY)
    assert outcome.decision == "new"
    assert outcome.candidates == ()


def test_a_confirmed_decision_is_remembered() -> None:
    incoming = [row(2, "BD", "Rahmaan Knitting", "Tongi, Gazipur")]
    remembered = Decisions(confirmed={record_key(incoming[0]): "BD1"})
    (outcome,) = match_records(incoming, REGISTRY, decisions=remembered)
    assert (outcome.decision, outcome.facility_id, outcome.method) == (
        "matched",
        "BD1",
        "remembered",
    )


def test_a_rejected_pair_is_never_proposed_again() -> None:
    incoming = [
        row(
            2,
            "CN",
            "DONGGUAN XINGHUI GARMENT CO LTD",
            "No.88 Xinghua Rd., Humen Town, Dongguan City, Guangdong Province",
        ),
    ]
    rejected = Decisions(rejected=frozenset({(record_key(incoming[0]), "CN1")}))
    (outcome,) = match_records(incoming, REGISTRY, decisions=rejected)
    assert outcome.facility_id != "CN1"
    assert "CN1" not in {candidate.facility_id for candidate in outcome.candidates}


def test_an_empty_registry_makes_every_row_new() -> None:
    incoming = [row(2, "CN", DONGGUAN.name, DONGGUAN.address)]
    for registry in ((), registry_table(())):
        (outcome,) = match_records(incoming, registry)
        assert (outcome.decision, outcome.method, outcome.candidates) == ("new", "none", ())


def test_an_empty_list_has_no_outcomes() -> None:
    progress: list[tuple[int, int]] = []
    assert match_records([], REGISTRY, progress=lambda *p: progress.append(p)) == ()
    assert progress == [(0, 0)]


def test_progress_ends_at_the_number_of_rows() -> None:
    progress: list[tuple[int, int]] = []
    incoming = [row(2, "CN", DONGGUAN.name, DONGGUAN.address), row(3, "BD", "X", "Y")]
    match_records(incoming, REGISTRY, progress=lambda *p: progress.append(p))
    assert progress[0] == (0, 2)
    assert progress[-1] == (2, 2)


def test_duplicate_row_ids_are_refused() -> None:
    with pytest.raises(ImvoError, match="unique"):
        match_records([row(2, "CN", "A", "B"), row(2, "CN", "C", "D")], REGISTRY)


def test_thresholds_out_of_order_are_refused() -> None:
    with pytest.raises(ImvoError, match="thresholds"):
        Thresholds(match=0.3, review=0.6)


def test_a_table_without_keys_is_refused() -> None:
    import pyarrow as pa

    with pytest.raises(ImvoError, match="registry_table"):
        match_records([row(2, "CN", "A", "B")], pa.table({"record_id": ["x"]}))


def test_row_probabilities_share_out_between_rivals() -> None:
    assert row_probabilities([]) == []
    (alone,) = row_probabilities([20.0])
    assert alone > 0.999
    first, second = row_probabilities([20.0, 20.0])
    assert first == pytest.approx(0.5, abs=1e-5)
    assert first + second < 1.0


def test_synthetic_lists_are_matched_with_few_mistakes() -> None:
    data = synthetic_data(3_000, 400, seed=11)
    outcomes = match_records(data.incoming, data.registry)
    matched = [o for o in outcomes if o.decision == "matched"]
    wrong = [o for o in matched if o.facility_id != data.truth[o.record_id]]
    known = [o for o in outcomes if data.truth[o.record_id] is not None]
    assert len(wrong) <= 0.02 * len(matched)
    assert len(matched) - len(wrong) >= 0.9 * len(known)
    assert sum(o.decision == "review" for o in outcomes) <= 0.06 * len(outcomes)


def test_deduplicate_proposes_variants_of_one_facility_filed_twice() -> None:
    twice = replace(
        DONGGUAN,
        record_id="CN9/1",
        facility_id="CN9",
        name="Dongguan Xinghui Garments Company Limited",
        postal_code="",
    )
    pairs = deduplicate((*REGISTRY, twice))
    assert [(p.facility_a, p.facility_b, p.decision) for p in pairs] == [("CN1", "CN9", "merge")]
    rejected = Decisions(rejected=frozenset({("CN9", "CN1")}))
    assert deduplicate((*REGISTRY, twice), decisions=rejected) == ()


def test_deduplicate_of_a_tiny_registry_is_empty() -> None:
    assert deduplicate(()) == ()
    assert deduplicate((DONGGUAN,)) == ()


def test_cluster_new_groups_new_rows_that_are_one_facility() -> None:
    incoming = [
        row(
            2,
            "PK",
            "Nishat Chenab Hosiery (Pvt) Ltd",
            "12 KM Sheikhupura Road, Faisalabad",
            city="Faisalabad",
        ),
        row(
            3,
            "PK",
            "NISHAT CHENAB HOSIERY PVT LTD",
            "12 KM Sheikhupura Rd, Faisalabad",
            city="Faisalabad",
        ),
        row(4, "PK", "Sapphire Towels Limited", "P-44, Small Industrial Estate, Lahore"),
        row(5, "CN", DONGGUAN.name, DONGGUAN.address),
    ]
    outcomes = match_records(incoming, REGISTRY)
    assert [o.decision for o in outcomes] == ["new", "new", "new", "matched"]
    assert cluster_new(outcomes, incoming) == (("r2", "r3"), ("r4",))


def test_the_shipped_model_loads_for_both_backends() -> None:
    model = default_model()
    assert 0 < model.probability_two_random_records_match < 1e-3
    for dialect in ("duckdb", "spark"):
        settings = model.settings("link_only", dialect)  # type: ignore[arg-type]
        levels = [level for c in settings["comparisons"] for level in c["comparison_levels"]]
        assert all("m_probability" in level for level in levels if not level.get("is_null_level"))


_text = st.text(alphabet="abcdefgh XYZ-,.0123", min_size=0, max_size=20)
_records = st.lists(
    st.builds(
        lambda country, name, address: (country, name, address),
        st.sampled_from(["CN", "BD", "TR"]),
        _text,
        _text,
    ),
    max_size=8,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_records)
def test_every_incoming_record_gets_exactly_one_outcome(values: list[tuple[str, str, str]]) -> None:
    incoming = [
        row(i + 2, country, name, address) for i, (country, name, address) in enumerate(values)
    ]
    outcomes = match_records(incoming, REGISTRY)
    assert [o.record_id for o in outcomes] == [r.record_id for r in incoming]
    for outcome in outcomes:
        assert (outcome.facility_id is None) == (outcome.decision == "new")
        assert len(outcome.candidates) <= 5
        probabilities = [c.probability for c in outcome.candidates]
        assert probabilities == sorted(probabilities, reverse=True)
