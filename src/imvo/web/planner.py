"""Keeping PostgreSQL's planner statistics current after bulk writes.

PostgreSQL plans a query from statistics that autovacuum gathers after a transaction commits.
Rows bulk-written inside a still open transaction (a demo load, a large supplier list, every
test) are invisible to it, so the planner believes the tables are empty and may pick a plan
that runs for minutes once they are not. ANALYZE inside the transaction samples those rows
too. SQLite's planner needs no such help; there this is a no-op.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Model


def statistics_refresh(*models: type[Model]) -> None:
    """ANALYZE the models' tables on PostgreSQL (every table when none is named)."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}" if tables else "ANALYZE")
