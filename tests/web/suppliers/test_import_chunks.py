"""No long write lock (issue 9, finding 4): a list is matched before anything is written, then
written in short transactions that re-check the registry snapshot; while it is written it is
hidden from every reader; a failure removes what was written; `supplier_list_discard` removes
what a crashed import left."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
from django.db import connection

from imvo.core.errors import ImvoError
from imvo.web.suppliers import services
from imvo.web.suppliers.models import (
    Facility,
    FacilityAlias,
    ImportJob,
    MatchDecision,
    MatchReview,
    RowOutcome,
    SupplierList,
    SupplierListStatus,
    SupplierRow,
    Verdict,
)
from imvo.web.suppliers.selectors import (
    facility_export_rows,
    review_counts,
    review_list,
    supplier_lists_current,
    supplier_lists_visible_to,
)
from imvo.web.suppliers.services import (
    facility_merge,
    supplier_list_discard,
    supplier_list_import,
)
from web.accounts.people import build_people
from web.suppliers.cast import StandInMatcher, csv_bytes, database_counts

HEADER = ["Name", "Address", "Country"]


def mills(count: int, *, country: str = "BD", start: int = 1) -> list[list[str]]:
    return [[f"Mill {n}", f"{n} Road", country] for n in range(start, start + count)]


def import_list(cast: Any, grid: Sequence[Sequence[str]], **options: Any) -> SupplierList:
    options.setdefault("matcher", StandInMatcher())
    return supplier_list_import(
        company=options.pop("company", cast.zeeman),
        year=2018,
        data=csv_bytes([HEADER, *grid]),
        filename="list.csv",
        **options,
    )


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "IMPORT_CHUNK_ROWS", 2)


@pytest.fixture
def chunk_hook(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Callable[[int], None]]]:
    """Functions called with the chunk's number in its list (from 1) inside each chunk's
    transaction, before its rows are written; only for the last import started."""
    hooks: list[Callable[[int], None]] = []
    original = services._ListWriter._rows_write
    calls: dict[int, int] = {}

    def wrapped(self: Any, chunk: Sequence[int]) -> Any:
        calls[self.supplier_list.pk] = calls.get(self.supplier_list.pk, 0) + 1
        if self.supplier_list.pk == max(calls):
            for hook in hooks:
                hook(calls[self.supplier_list.pk])
        return original(self, chunk)

    monkeypatch.setattr(services._ListWriter, "_rows_write", wrapped)
    yield hooks


@pytest.mark.django_db
def test_a_list_written_in_chunks_keeps_every_row_and_count(cast: Any, small_chunks: None) -> None:
    import_list(cast, mills(2), company=cast.hema)
    grid = [*mills(3), ["Mill 1", "1 road", "BD"], ["", "", "Atlantis"]]
    supplier_list = import_list(cast, grid)

    assert supplier_list.status == SupplierListStatus.COMPLETE
    assert supplier_list.version == 1
    outcomes = list(supplier_list.rows.order_by("number").values_list("number", "outcome"))
    assert outcomes == [
        (2, RowOutcome.MATCHED),
        (3, RowOutcome.MATCHED),
        (4, RowOutcome.NEW),
        (5, RowOutcome.DUPLICATE),
        (6, RowOutcome.REJECTED),
    ]
    duplicate = supplier_list.rows.get(number=5)
    assert duplicate.facility == supplier_list.rows.get(number=2).facility is not None
    counts = (supplier_list.row_count, supplier_list.matched_count, supplier_list.new_count)
    assert counts == (5, 2, 1)
    assert (supplier_list.duplicate_count, supplier_list.rejected_count) == (1, 1)


@pytest.mark.django_db
def test_a_list_being_written_is_hidden_from_every_reader(
    cast: Any, small_chunks: None, chunk_hook: list[Callable[[int], None]]
) -> None:
    people = build_people(cast)
    seen: list[dict[str, Any]] = []

    def look(chunk: int) -> None:
        if chunk == 2:  # the first chunk's rows, and one review, are written by now
            seen.append(
                {
                    "all": SupplierList.all_objects.filter(status="importing").count(),
                    "objects": SupplierList.objects.count(),
                    "company": cast.zeeman.supplier_lists.count(),
                    "current": supplier_lists_current().count(),
                    "visible": supplier_lists_visible_to(people.administrator).count(),
                    "reviews written": MatchReview.objects.count(),
                    "reviews listed": len(review_list()),
                    "reviews counted": review_counts()["open"],
                    "exported": len(list(facility_export_rows())),
                }
            )

    chunk_hook.append(look)
    reviewing = StandInMatcher(review_names=["Mill 1 Knitting"])
    import_list(cast, [["Mill 1", "1 Road", "BD"]], company=cast.hema, matcher=reviewing)
    grid = [["Mill 1 Knitting", "1 Road", "BD"], *mills(3, start=5)]
    supplier_list = import_list(cast, grid, matcher=reviewing)

    assert seen == [
        {
            "all": 1,
            "objects": 1,  # HEMA's list
            "company": 0,
            "current": 1,  # HEMA's list
            "visible": 1,
            "reviews written": 1,
            "reviews listed": 0,
            "reviews counted": 0,
            "exported": 1,  # HEMA's mill only
        }
    ]
    assert supplier_list.status == SupplierListStatus.COMPLETE
    assert len(review_list()) == 1 and review_counts()["open"] == 1


@pytest.mark.django_db
def test_an_import_failing_midway_removes_what_it_wrote(
    cast: Any, small_chunks: None, chunk_hook: list[Callable[[int], None]]
) -> None:
    import_list(cast, mills(1), company=cast.hema)
    before = database_counts()

    def fail(chunk: int) -> None:
        if chunk == 3:
            raise RuntimeError("the disk is full")

    chunk_hook.append(fail)
    with pytest.raises(RuntimeError, match="the disk is full"):
        import_list(cast, mills(6))

    assert database_counts() == before


@pytest.mark.django_db
def test_the_job_points_to_the_unfinished_list_at_once(
    cast: Any, small_chunks: None, chunk_hook: list[Callable[[int], None]]
) -> None:
    job = ImportJob.objects.create(company=cast.zeeman, year=2018, token="t" * 32, filename="x")
    pointed: list[int | None] = []
    chunk_hook.append(
        lambda chunk: pointed.append(ImportJob.objects.get(pk=job.pk).supplier_list_id)
    )
    supplier_list = import_list(cast, mills(3), job=job)
    assert pointed == [supplier_list.pk, supplier_list.pk]


@pytest.mark.django_db
def test_rows_are_matched_again_when_the_registry_changed_since_the_snapshot(
    cast: Any, small_chunks: None
) -> None:
    """Another import registers Mill 3 (and merges Mill 1 away) while this list is matched:
    the rows still to be written are matched again, and link to what the registry holds now."""
    import_list(cast, mills(2), company=cast.hema)
    older = Facility.objects.get(name="Mill 1")
    matcher = StandInMatcher()

    def meanwhile(incoming: Any, registry: Any, /, **options: Any) -> Any:
        outcomes = matcher(incoming, registry, **options)
        if len(matcher.calls) == 1:
            import_list(
                cast,
                [["Mill 3", "3 Road", "BD"], ["Mill 1", "1 Road", "BD"]],
                company=cast.hema,
                covenant=cast.textile,
            )
            newer = Facility.objects.get(name="Mill 3")
            facility_merge(source=older, target=newer)
        return outcomes

    supplier_list = import_list(cast, [*mills(3), ["Mill 4", "4 Road", "BD"]], matcher=meanwhile)

    rows = {row.name: row for row in supplier_list.rows.select_related("facility")}
    mill_three = Facility.objects.get(name="Mill 3")
    assert rows["Mill 3"].outcome == RowOutcome.MATCHED
    assert rows["Mill 3"].facility == mill_three, "not a second facility for Mill 3"
    assert rows["Mill 1"].facility == mill_three, "the merged facility is followed"
    assert Facility.objects.filter(name="Mill 3").count() == 1
    assert len(matcher.calls) == 2  # the snapshot, and the rows matched again
    assert [record.name for record in matcher.calls[1][0]] == [
        "Mill 1",
        "Mill 2",
        "Mill 3",
        "Mill 4",
    ]
    assert supplier_list.matched_count == 3 and supplier_list.new_count == 1


@pytest.mark.django_db
def test_discard_removes_an_unfinished_list_and_only_what_it_brought(
    cast: Any, small_chunks: None, chunk_hook: list[Callable[[int], None]], monkeypatch: Any
) -> None:
    import_list(cast, mills(1), company=cast.hema)
    before = database_counts()
    known = Facility.objects.get()
    monkeypatch.setattr(services, "_discard_after_failure", lambda supplier_list: None)

    def crash(chunk: int) -> None:
        if chunk == 3:
            raise KeyboardInterrupt  # the worker dies

    chunk_hook.append(crash)
    with pytest.raises(KeyboardInterrupt):
        import_list(
            cast,
            [*mills(3), ["Mill 1 Knit", "1 Road", "BD"], ["Mill 9", "9 Road", "BD"]],
            matcher=StandInMatcher(review_names=["Mill 1 Knit"]),
        )
    (unfinished,) = SupplierList.all_objects.filter(status=SupplierListStatus.IMPORTING)
    assert SupplierRow.objects.filter(supplier_list=unfinished).count() == 4
    assert FacilityAlias.objects.count() > before["FacilityAlias"]

    removed = supplier_list_discard(supplier_list=unfinished)

    assert removed["supplier_lists"] == 1 and removed["rows"] == 4
    assert removed["facilities"] == 2 and removed["reviews"] == 1
    assert database_counts() == before
    assert Facility.objects.get() == known
    assert supplier_list_discard(supplier_list=unfinished)["rows"] == 0, "gone already"


@pytest.mark.django_db
def test_discard_refuses_a_complete_list(cast: Any) -> None:
    supplier_list = import_list(cast, mills(2))
    with pytest.raises(ImvoError) as raised:
        supplier_list_discard(supplier_list=supplier_list)
    assert raised.value.field == "supplier_list"
    assert SupplierList.objects.get() == supplier_list


@pytest.mark.django_db(transaction=True)
def test_matching_and_progress_run_outside_any_transaction_and_each_chunk_is_one(
    live_cast: Any, small_chunks: None, chunk_hook: list[Callable[[int], None]]
) -> None:
    inside: list[bool] = []
    matcher = StandInMatcher()

    def matching(incoming: Any, registry: Any, /, **options: Any) -> Any:
        inside.append(connection.in_atomic_block)
        return matcher(incoming, registry, **options)

    chunk_hook.append(lambda chunk: inside.append(connection.in_atomic_block))
    progress: list[bool] = []
    supplier_list = supplier_list_import(
        company=live_cast.zeeman,
        year=2018,
        data=csv_bytes([HEADER, *mills(5)]),
        filename="list.csv",
        matcher=matching,
        progress=lambda done, total: progress.append(connection.in_atomic_block),
    )
    assert inside == [False, True, True, True]
    assert progress and not any(progress)
    assert supplier_list.row_count == 5


def remember(key: str, facility: Facility) -> None:
    MatchDecision.objects.create(
        record_key=key,
        key_digest=hashlib.sha256(key.encode()).hexdigest(),
        facility=facility,
        verdict=Verdict.CONFIRMED,
    )


@pytest.mark.django_db
def test_a_verdict_remembered_meanwhile_rematches_only_the_rows_it_is_about(
    cast: Any, small_chunks: None
) -> None:
    import_list(cast, mills(1), company=cast.hema)
    mill = Facility.objects.get()
    matcher = StandInMatcher(review_names=["Mill 1 Knitting"])

    def meanwhile(incoming: Any, registry: Any, /, **options: Any) -> Any:
        outcomes = matcher(incoming, registry, **options)
        if len(matcher.calls) == 1:
            remember("BD|mill 1 knitting|1 rd", mill)  # the secretariat, on another list
            remember("CN|elsewhere|2 rd", mill)  # about no row of this list
        return outcomes

    grid = [*mills(3, start=5), ["Mill 1 Knitting", "1 Road", "BD"]]
    supplier_list = import_list(cast, grid, matcher=meanwhile)

    assert [[record.name for record in call[0]] for call in matcher.calls] == [
        ["Mill 5", "Mill 6", "Mill 7", "Mill 1 Knitting"],
        ["Mill 1 Knitting"],
    ]
    knitting = supplier_list.rows.get(name="Mill 1 Knitting")
    assert (knitting.outcome, knitting.facility) == (RowOutcome.MATCHED, mill)
    assert MatchReview.objects.count() == 0


def test_progress_counts_matching_then_writing_up_to_one_total(
    live_cast: Any, small_chunks: None
) -> None:
    seen: list[tuple[int, int]] = []
    supplier_list_import(
        company=live_cast.zeeman,
        year=2018,
        data=csv_bytes([HEADER, *mills(5)]),
        filename="list.csv",
        matcher=StandInMatcher(),
        progress=lambda done, total: seen.append((done, total)),
    )
    done = [step for step, _ in seen]
    assert done == sorted(done)
    assert {total for _, total in seen[-1:]} == {done[-1]}
    # the writing part: every row of the file counted once more after the matched ones
    assert seen[-1][1] >= 5 + 5
