"""The facility registry: merges and splits by the secretariat keep every id resolvable."""

from __future__ import annotations

from typing import Any

import pytest

from imvo.core.errors import ImvoError
from imvo.core.matching.engine import DuplicatePair, Evidence
from imvo.core.matching.records import FacilityRecord
from imvo.web.suppliers.models import (
    Facility,
    FacilityEvent,
    MatchReview,
    ReviewStatus,
    SupplierRow,
)
from imvo.web.suppliers.selectors import (
    facility_detail,
    facility_resolve,
    match_decisions,
    registry_records,
)
from imvo.web.suppliers.services import (
    facilities_deduplicate,
    facility_merge,
    facility_split,
    review_decide,
    supplier_list_import,
)
from web.suppliers.cast import StandInMatcher, csv_bytes

pytestmark = pytest.mark.django_db

HEADER = ["Name", "Address", "Country", "City", "Product type"]


@pytest.fixture
def mills(cast: Any) -> list[Facility]:
    """Three Bangladeshi mills and a Vietnamese one, the first two reported by both companies
    under different names (so that the registry holds them twice)."""
    zeeman = csv_bytes(
        [
            HEADER,
            ["Rahman Knit", "Road 7", "BD", "Dhaka", "Shirts"],
            ["Karim Dyeing", "Road 9", "BD", "", ""],
            ["Saigon Sewing", "1 Le Loi", "VN", "", ""],
        ]
    )
    hema = csv_bytes(
        [
            HEADER,
            ["Rahman Knitting Mills", "Plot 3, Road 7", "BD", "", "Polo shirts"],
            ["Karim Dyeing", "Road 9", "BD", "", ""],
        ]
    )
    for company, data in ((cast.zeeman, zeeman), (cast.hema, hema)):
        supplier_list_import(
            company=company, year=2018, data=data, filename="l.csv", matcher=StandInMatcher()
        )
    return list(Facility.objects.order_by("pk"))


def test_ids_are_handed_out_in_order_per_country(mills: list[Facility]) -> None:
    serials = [(facility.country, facility.serial) for facility in mills]
    assert serials == [("BD", 1), ("BD", 2), ("VN", 1), ("BD", 3)]


def test_resolve_accepts_sloppy_ids(mills: list[Facility]) -> None:
    facility_id = mills[0].facility_id
    sloppy = f"{facility_id[:2].lower()}-{facility_id[2:5]}-{facility_id[5:]}".replace("0", "o")
    assert facility_resolve(sloppy) == mills[0]


def test_resolve_refuses_unknown_and_malformed_ids(mills: list[Facility]) -> None:
    from imvo.core.facility_ids import facility_id_make

    with pytest.raises(ImvoError, match="there is no facility BD"):
        facility_resolve(facility_id_make("BD", 999))
    with pytest.raises(ImvoError, match="not a facility id"):
        facility_resolve("Rahman Knit")


def test_merge_moves_names_and_rows_and_keeps_the_old_id_resolvable(
    mills: list[Facility], django_user_model: Any
) -> None:
    secretary = django_user_model.objects.create_user(username="sec@ser.nl", password="x")
    rahman, _, _, rahman_again = mills
    target = facility_merge(source=rahman_again, target=rahman, user=secretary)
    assert target == rahman
    assert facility_resolve(rahman_again.facility_id) == rahman
    assert facility_resolve(rahman_again.facility_id.lower()) == rahman
    assert set(rahman.aliases.values_list("name", flat=True)) == {
        "Rahman Knit",
        "Rahman Knitting Mills",
    }
    assert SupplierRow.objects.filter(facility=rahman).count() == 2
    rahman.refresh_from_db()
    assert (rahman.name, rahman.city) == ("Rahman Knit", "Dhaka")
    assert rahman.product_types == ["Shirts", "Polo shirts"]
    event = FacilityEvent.objects.get()
    assert (event.kind, event.facility, event.other, event.user) == (
        "merged",
        rahman,
        rahman_again,
        secretary,
    )
    detail = facility_detail(rahman)
    assert detail["merged_from"] == [rahman_again.facility_id]
    assert detail["companies"] == 2


def test_merged_facilities_leave_the_matching_registry(mills: list[Facility]) -> None:
    rahman, _, _, rahman_again = mills
    facility_merge(source=rahman_again, target=rahman)
    facility_ids = {record.facility_id for record in registry_records()}
    assert rahman_again.facility_id not in facility_ids
    assert sum(record.facility_id == rahman.facility_id for record in registry_records()) == 2


def test_chained_merges_resolve_in_one_step(mills: list[Facility]) -> None:
    rahman, karim, _, rahman_again = mills
    facility_merge(source=rahman_again, target=rahman)
    facility_merge(source=rahman, target=karim)
    assert facility_resolve(rahman_again.facility_id) == karim
    rahman_again.refresh_from_db()
    assert rahman_again.merged_into == karim


def test_merging_a_facility_into_itself_or_across_countries_is_refused(
    mills: list[Facility],
) -> None:
    rahman, _, saigon, rahman_again = mills
    facility_merge(source=rahman_again, target=rahman)
    with pytest.raises(ImvoError, match="one facility already"):
        facility_merge(source=rahman_again, target=rahman)
    with pytest.raises(ImvoError, match="two countries"):
        facility_merge(source=saigon, target=rahman)


def test_split_undoes_a_wrong_merge_under_the_old_id(mills: list[Facility]) -> None:
    rahman, _, _, rahman_again = mills
    facility_merge(source=rahman_again, target=rahman)
    moved = rahman.aliases.filter(name="Rahman Knitting Mills")
    split_off = facility_split(facility=rahman, aliases=moved)
    assert split_off == rahman_again
    assert facility_resolve(rahman_again.facility_id) == rahman_again
    assert list(split_off.aliases.values_list("name", flat=True)) == ["Rahman Knitting Mills"]
    assert split_off.rows.get().supplier_list.company.slug == "hema"
    rahman.refresh_from_db()
    assert rahman.product_types == ["Shirts"]
    split_off.refresh_from_db()
    assert (split_off.name, split_off.product_types) == ("Rahman Knitting Mills", ["Polo shirts"])


def test_split_of_aliases_reported_together_registers_a_new_facility(
    cast: Any, mills: list[Facility]
) -> None:
    karim = mills[1]
    data = csv_bytes([HEADER, ["Karim Dyeing Unit 2", "Road 11", "BD", "", ""]])
    supplier_list_import(
        company=cast.hema,
        year=2019,
        data=data,
        filename="l.csv",
        matcher=lambda incoming, registry, **_: tuple(
            __import__("imvo.core.matching.engine", fromlist=["Outcome"]).Outcome(
                record.record_id, "matched", karim.facility_id, 0.97, "model", ()
            )
            for record in incoming
        ),
    )
    unit_two = karim.aliases.get(name="Karim Dyeing Unit 2")
    split_off = facility_split(facility=karim, aliases=[unit_two])
    assert split_off not in mills
    assert split_off.facility_id.startswith("BD")
    assert split_off.rows.get().number == 2
    assert karim.aliases.count() == 1
    decisions = match_decisions()
    key = next(iter(decisions.confirmed))
    assert decisions.confirmed[key] == split_off.facility_id
    assert (key, karim.facility_id) in decisions.rejected
    assert FacilityEvent.objects.get().kind == "split"


def test_split_refuses_foreign_all_or_no_aliases(mills: list[Facility]) -> None:
    rahman, karim, _, _ = mills
    with pytest.raises(ImvoError, match="name the aliases"):
        facility_split(facility=rahman, aliases=[])
    with pytest.raises(ImvoError, match="do not belong"):
        facility_split(facility=rahman, aliases=karim.aliases.all())
    with pytest.raises(ImvoError, match="leave it empty"):
        facility_split(facility=rahman, aliases=rahman.aliases.all())


class StandInDeduplicator:
    def __init__(self, pairs: list[tuple[str, str, str]]) -> None:
        self.pairs = pairs
        self.registries: list[list[FacilityRecord]] = []

    def __call__(self, registry: Any, /, *, decisions: Any) -> tuple[DuplicatePair, ...]:
        self.registries.append(list(registry))
        evidence = (Evidence("name", "similar", "jaro-winkler 0.91"),)
        return tuple(
            DuplicatePair(a, b, 0.99 if decision == "merge" else 0.6, decision, evidence)  # type: ignore[arg-type]
            for a, b, decision in self.pairs
            if (a, b) not in decisions.rejected and (b, a) not in decisions.rejected
        )


def test_deduplication_merges_sure_pairs_and_queues_the_rest_once(mills: list[Facility]) -> None:
    rahman, karim, _, rahman_again = mills
    deduplicator = StandInDeduplicator(
        [
            (rahman.facility_id, rahman_again.facility_id, "merge"),
            (karim.facility_id, rahman_again.facility_id, "review"),
        ]
    )
    summary = facilities_deduplicate(deduplicator=deduplicator)
    assert summary == {"pairs": 2, "merged": 1, "review": 1, "skipped": 0}
    assert facility_resolve(rahman_again.facility_id) == rahman
    review = MatchReview.objects.get()
    assert review.row is None
    assert review.facility == rahman  # the older of the pair, as it is after the merge
    assert review.candidates[0]["facility_id"] == karim.facility_id
    again = facilities_deduplicate(deduplicator=deduplicator)
    assert again == {"pairs": 2, "merged": 0, "review": 0, "skipped": 2}
    assert MatchReview.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_deduplication_finds_pairs_outside_any_transaction_and_settles_each_in_its_own(
    mills: list[Facility],
) -> None:
    from django.db import connection

    rahman, karim, _, rahman_again = mills
    finding: list[bool] = []
    settling: list[tuple[int, int, bool]] = []

    class Watched(StandInDeduplicator):
        def __call__(self, registry: Any, /, *, decisions: Any) -> tuple[DuplicatePair, ...]:
            finding.append(connection.in_atomic_block)
            return super().__call__(registry, decisions=decisions)

    deduplicator = Watched(
        [
            (rahman.facility_id, rahman_again.facility_id, "merge"),
            (karim.facility_id, rahman_again.facility_id, "review"),
        ]
    )
    facilities_deduplicate(
        deduplicator=deduplicator,
        progress=lambda done, total: settling.append((done, total, connection.in_atomic_block)),
    )
    assert finding == [False]
    assert settling == [(1, 2, False), (2, 2, False)]
    assert facility_resolve(rahman_again.facility_id) == rahman


def test_pair_review_confirmed_merges_and_rejected_is_remembered(mills: list[Facility]) -> None:
    rahman, karim, _, rahman_again = mills
    deduplicator = StandInDeduplicator(
        [
            (rahman.facility_id, rahman_again.facility_id, "review"),
            (rahman.facility_id, karim.facility_id, "review"),
        ]
    )
    facilities_deduplicate(deduplicator=deduplicator)
    same, different = MatchReview.objects.order_by("pk")
    with pytest.raises(ImvoError, match=r"confirmed \(merged\) or rejected"):
        review_decide(review=same, verdict="new")
    review_decide(review=same, verdict="confirm")
    assert facility_resolve(rahman_again.facility_id) == rahman
    review_decide(review=different, verdict="reject")
    different.refresh_from_db()
    assert different.status == ReviewStatus.REJECTED
    assert (rahman.facility_id, karim.facility_id) in match_decisions().rejected
    assert facilities_deduplicate(deduplicator=deduplicator) == {
        "pairs": 1,  # the rejected pair is not found again
        "merged": 0,
        "review": 0,
        "skipped": 1,  # the merged pair is one facility now
    }


def test_real_deduplication_finds_a_facility_registered_twice(cast: Any) -> None:
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
    supplier_list_import(
        company=cast.zeeman, year=2018, data=data, filename="l.csv", matcher=StandInMatcher()
    )
    anhui, anhui_again, hefei = Facility.objects.order_by("pk")
    summary = facilities_deduplicate()
    assert summary["merged"] + summary["review"] >= 1
    if summary["merged"]:
        assert facility_resolve(anhui_again.facility_id) == anhui
    else:
        review = MatchReview.objects.get()
        assert {review.facility, facility_resolve(review.candidates[0]["facility_id"])} == {
            anhui,
            anhui_again,
        }
    assert facility_resolve(hefei.facility_id) == hefei
