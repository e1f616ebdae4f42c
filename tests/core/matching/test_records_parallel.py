"""The keys of a large registry are computed on every core, and come out as on one."""

from __future__ import annotations

import pytest

from imvo.core.errors import ImvoError
from imvo.core.matching import records
from imvo.core.matching.records import KeyedRegistry, registry_table
from imvo.core.matching.synthetic import synthetic_registry


def test_keys_computed_in_processes_equal_keys_computed_in_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    facilities = synthetic_registry(300, seed=11)
    serial = registry_table(facilities, workers=1)
    monkeypatch.setattr(records, "PARALLEL_MINIMUM", 10)
    parallel = registry_table(facilities, workers=2)
    assert parallel.num_rows == len(facilities) > 300
    assert parallel.equals(serial)


def test_a_keyed_registry_is_its_table_and_reads_as_its_records() -> None:
    facilities = synthetic_registry(20, seed=3)
    keyed = KeyedRegistry(registry_table(facilities))
    assert registry_table(keyed) is keyed.table
    assert list(keyed) == list(facilities)
    assert (keyed[0], keyed[-1], len(keyed)) == (facilities[0], facilities[-1], len(facilities))
    with pytest.raises(IndexError):
        keyed[len(facilities)]


def test_a_keyed_registry_refuses_a_table_without_keys() -> None:
    import pyarrow as pa

    with pytest.raises(ImvoError, match="name_key"):
        KeyedRegistry(pa.table({"record_id": ["x"]}))


def test_the_keys_version_names_the_code_it_was_made_by() -> None:
    number, digest = records.KEYS_VERSION.split("-")
    assert int(number) == records.KEYS_VERSION_NUMBER
    assert len(digest) == 16
