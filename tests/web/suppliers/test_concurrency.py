"""Two uploads at the same moment, on PostgreSQL where they really run side by side."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from imvo.core.facility_ids import facility_id_valid
from imvo.web.suppliers.models import Facility, SupplierList
from imvo.web.suppliers.services import supplier_list_import
from web.conftest import build_cast
from web.suppliers.cast import StandInMatcher, csv_bytes

pytestmark = pytest.mark.postgres


def test_simultaneous_uploads_get_their_own_version_and_their_own_facility_ids(
    transactional_db: None,
) -> None:
    cast = build_cast()
    rows = [["Name", "Address", "Country"]] + [[f"Mill {n}", f"{n} Road", "BD"] for n in range(30)]
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def upload(prefix: str) -> None:
        try:
            start.wait()
            data = csv_bytes([rows[0]] + [[f"{prefix} {r[0]}", r[1], r[2]] for r in rows[1:]])
            supplier_list_import(
                company=cast.zeeman,
                year=2018,
                data=data,
                filename=f"{prefix}.csv",
                matcher=StandInMatcher(),
            )
        except BaseException as error:  # reported below, in the test's own thread
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=upload, args=(prefix,)) for prefix in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    assert sorted(SupplierList.objects.values_list("version", flat=True)) == [1, 2]
    serials = sorted(Facility.objects.values_list("serial", flat=True))
    assert serials == list(range(1, 61))
    assert all(facility_id_valid(f) for f in Facility.objects.values_list("facility_id", flat=True))
