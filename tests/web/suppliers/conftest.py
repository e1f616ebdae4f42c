"""Fixtures of the supplier-list tests; the cast itself lives in `cast.py`."""

from __future__ import annotations

import pytest

from web.suppliers.cast import HEMA_ROWS, ZEEMAN_ROWS, csv_bytes, xls_bytes


@pytest.fixture
def zeeman_xls() -> bytes:
    return xls_bytes(ZEEMAN_ROWS)


@pytest.fixture
def hema_csv() -> bytes:
    return csv_bytes(HEMA_ROWS)
