"""The registry keeps its matching keys: a snapshot kept current, never keyed again per import.

These tests commit to the database (`transactional_db`): a snapshot is written only outside a
transaction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pytest

from imvo.core.matching import records as keys_code
from imvo.core.matching.records import FacilityRecord, registry_table
from imvo.web.suppliers import registry_keys
from imvo.web.suppliers.models import Facility, FacilityAlias
from imvo.web.suppliers.selectors import registry_records
from imvo.web.suppliers.services import facility_merge, facility_split, supplier_list_import
from web.conftest import build_cast
from web.suppliers.cast import StandInMatcher, csv_bytes

HEADER = ["Name", "Address", "Country", "City"]


@pytest.fixture
def keyed_count(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many aliases the snapshot module keyed, per call."""
    counts: list[int] = []

    def counting(records: Any, **options: Any) -> pa.Table:
        chosen = list(records)
        counts.append(len(chosen))
        return registry_table(chosen, **options)

    monkeypatch.setattr(registry_keys, "registry_table", counting)
    return counts


@pytest.fixture
def mills(transactional_db: None, settings: Any, tmp_path: Path) -> Any:
    settings.VAR_DIR = tmp_path
    cast = build_cast()
    data = csv_bytes(
        [
            HEADER,
            ["Rahman Knit", "Road 7", "BD", "Dhaka"],
            ["Karim Dyeing", "Road 9", "BD", ""],
            ["Saigon Sewing", "1 Le Loi", "VN", ""],
        ]
    )
    supplier_list_import(
        company=cast.zeeman, year=2018, data=data, filename="l.csv", matcher=StandInMatcher()
    )
    return cast


def _expected(countries: list[str] | None = None) -> pa.Table:
    """The matching table computed from the aliases as they are now, as the import did."""
    aliases = FacilityAlias.objects.filter(facility__merged_into__isnull=True).order_by("pk")
    if countries is not None:
        aliases = aliases.filter(country__in=countries)
    return registry_table(
        FacilityRecord(
            record_id=f"{alias.facility.facility_id}/{alias.pk}",
            facility_id=alias.facility.facility_id,
            country=alias.country,
            name=alias.name,
            address=alias.address,
            city=alias.city,
            postal_code=alias.postal_code,
            latitude=alias.latitude,
            longitude=alias.longitude,
        )
        for alias in aliases.select_related("facility")
    )


def _sorted(table: pa.Table) -> list[dict[str, Any]]:
    return sorted(table.to_pylist(), key=lambda row: row["record_id"])


def test_registry_read_twice_is_keyed_once(mills: Any, keyed_count: list[int]) -> None:
    first = registry_records(countries=["BD"])
    assert (Path(registry_keys.registry_keys_dir()) / "BD.parquet").exists()
    assert _sorted(registry_table(first)) == _sorted(_expected(["BD"]))
    second = registry_records(countries=["BD"])
    assert keyed_count == [2]  # the second read keyed nothing
    assert registry_table(second).equals(registry_table(first))
    # and it still reads as the records the matcher may want
    assert {record.name for record in second} == {"Rahman Knit", "Karim Dyeing"}


def test_an_alias_added_is_keyed_alone(mills: Any, keyed_count: list[int]) -> None:
    registry_records()
    data = csv_bytes([HEADER, ["Dhaka Denim", "Road 12, Tejgaon", "BD", "Dhaka"]])
    supplier_list_import(
        company=mills.hema, year=2018, data=data, filename="l.csv", matcher=StandInMatcher()
    )
    keyed_count.clear()
    table = registry_table(registry_records())
    assert keyed_count == [1]
    assert _sorted(table) == _sorted(_expected())


def test_a_merge_and_a_split_move_aliases_without_keying_them(
    mills: Any, keyed_count: list[int]
) -> None:
    rahman, karim = Facility.objects.filter(country="BD").order_by("pk")
    registry_records()
    keyed_count.clear()
    facility_merge(source=karim, target=rahman)
    merged = registry_table(registry_records(countries=["BD"]))
    assert set(merged.column("facility_id").to_pylist()) == {rahman.facility_id}
    assert _sorted(merged) == _sorted(_expected(["BD"]))
    split_off = facility_split(facility=rahman, aliases=[rahman.aliases.get(name="Karim Dyeing")])
    split = registry_table(registry_records(countries=["BD"]))
    assert set(split.column("facility_id").to_pylist()) == {
        rahman.facility_id,
        split_off.facility_id,
    }
    assert _sorted(split) == _sorted(_expected(["BD"]))
    assert keyed_count == []


def test_a_new_keys_version_keys_the_registry_again(
    mills: Any, keyed_count: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    registry_records()
    monkeypatch.setattr(keys_code, "KEYS_VERSION", "bumped")
    keyed_count.clear()
    registry_records()
    assert sorted(keyed_count) == [1, 2]  # VN and BD again
    keyed_count.clear()
    registry_records()
    assert keyed_count == []


def test_a_snapshot_of_another_database_is_made_anew(mills: Any, keyed_count: list[int]) -> None:
    registry_records()
    # What a fresh database with the same pks looks like: another alias under the newest pk.
    newest = FacilityAlias.objects.filter(country="BD").order_by("pk").last()
    assert newest is not None
    FacilityAlias.objects.filter(pk=newest.pk).update(
        name="Other Mill", created_at=newest.created_at.replace(year=2001)
    )
    keyed_count.clear()
    table = registry_table(registry_records(countries=["BD"]))
    assert keyed_count == [2]
    assert "other mill" in table.column("name_key").to_pylist()


def test_no_snapshot_is_written_within_a_transaction(mills: Any) -> None:
    from django.db import transaction

    with transaction.atomic():
        table = registry_table(registry_records())
    assert not list(Path(registry_keys.registry_keys_dir()).glob("*.parquet"))
    assert _sorted(table) == _sorted(_expected())
