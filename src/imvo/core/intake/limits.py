"""Limits that keep hostile or absurd files from exhausting memory or time."""

from __future__ import annotations

from dataclasses import dataclass, fields

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How large a supplier list may be; anything beyond is refused before or while reading.

    `max_rows` counts data rows below the header; `max_cells` bounds a sheet's used area
    (rows x columns), which a spreadsheet reader allocates in full even when most cells are empty.
    The zip limits apply to XLSX and ODS files and are checked before any XML is parsed.
    """

    max_bytes: int = 20 * MB
    max_rows: int = 200_000
    max_columns: int = 200
    max_cell_chars: int = 2_000
    max_uncompressed_bytes: int = 200 * MB
    max_compression_ratio: int = 100
    max_cells: int = 10_000_000

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"Limits.{field.name} must be a positive whole number")


DEFAULT_LIMITS = Limits()
