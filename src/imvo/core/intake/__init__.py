"""Intake of supplier lists: reading any real-world file, placing its columns, checking its rows.

`read_table` reads CSV, XLSX, XLS and ODS files within `Limits`; `map_headers` places the
fields in the columns by Dutch and English header synonyms (or a caller's own mapping);
`validate_rows` checks and cleans every row. All three raise `ImvoError` for bad input.
"""

from imvo.core.intake.files import RawRow, RawTable, read_table
from imvo.core.intake.headers import FIELDS, REQUIRED_FIELDS, HeaderMapping, map_headers
from imvo.core.intake.limits import DEFAULT_LIMITS, Limits
from imvo.core.intake.rows import (
    Duplicate,
    IntakeResult,
    RowError,
    SupplierRow,
    WorkerCount,
    validate_rows,
)

__all__ = [
    "DEFAULT_LIMITS",
    "FIELDS",
    "REQUIRED_FIELDS",
    "Duplicate",
    "HeaderMapping",
    "IntakeResult",
    "Limits",
    "RawRow",
    "RawTable",
    "RowError",
    "SupplierRow",
    "WorkerCount",
    "map_headers",
    "read_table",
    "validate_rows",
]
