"""The one JSON encoding of selector results, shared by the API and the CLI's `--format json`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any


def to_jsonable(value: Any) -> Any:
    """`value` as plain JSON types: dates and times as ISO 8601 strings, Decimal as float,
    tuples, lists and sets as lists, mappings and dataclasses as dicts with string keys.

    JSON has no NaN or infinity, so a non-finite number becomes null. Anything else that JSON
    cannot hold raises TypeError rather than being turned into a string.
    """
    if isinstance(value, enum.Enum):  # TextChoices members included
        return to_jsonable(value.value)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        value = float(value) if value.is_finite() else math.nan
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dt.date | dt.time):  # a datetime is a date
        return value.isoformat()
    if isinstance(value, Mapping):
        return {_key(key): to_jsonable(item) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: to_jsonable(getattr(value, field.name))
            for field in dataclasses.fields(value)
        }
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted((to_jsonable(item) for item in value), key=json.dumps)
    raise TypeError(f"cannot encode {type(value).__name__} as JSON: {value!r}")


def _key(key: Any) -> str:
    """An object key as json.dumps would write it: strings as they are, dates in ISO 8601,
    numbers, booleans and None in their JSON spelling."""
    encoded = to_jsonable(key)
    if isinstance(encoded, str):
        return encoded
    if encoded is None or isinstance(encoded, bool | int | float):
        return json.dumps(encoded)
    raise TypeError(f"cannot use {type(key).__name__} as a JSON object key: {key!r}")
