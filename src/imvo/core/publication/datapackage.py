"""The Frictionless Data Package descriptor of a release: `datapackage.json`, describing the
release's CSV file with a table schema (https://specs.frictionlessdata.io/)."""

from __future__ import annotations

import re
from typing import Any

from imvo.core.publication.bands import PLEDGE_BANDS
from imvo.core.publication.geo import PRECISIONS
from imvo.core.publication.releases import RELEASE_COLUMNS

LIST_SEPARATOR = "; "

_FIELDS: dict[str, dict[str, Any]] = {
    "facility_id": {
        "type": "string",
        "description": "The facility's stable id in the IMVO Monitor registry.",
        "constraints": {"required": True, "unique": True, "pattern": "[A-Z]{2}[0-9A-Z]+"},
    },
    "name": {"type": "string", "constraints": {"required": True}},
    "address": {"type": "string"},
    "city": {"type": "string"},
    "province": {"type": "string"},
    "country": {
        "type": "string",
        "description": "ISO 3166-1 alpha-2 country code.",
        "constraints": {"required": True, "pattern": "[A-Z]{2}"},
    },
    "latitude": {
        "type": "number",
        "description": "WGS 84; empty when only the country is known or the coordinates given "
        "are awaiting review.",
        "constraints": {"minimum": -90, "maximum": 90},
    },
    "longitude": {"type": "number", "constraints": {"minimum": -180, "maximum": 180}},
    "coordinate_precision": {
        "type": "string",
        "description": "exact: as reported and checked; city: the city's coordinates from "
        "the GeoNames gazetteer; country: only the country is known; unknown: the reported "
        "coordinates fail a check and are under review.",
        "constraints": {"required": True, "enum": list(PRECISIONS)},
    },
    "product_types": {"type": "string", "description": "Product types, separated by '; '."},
    "workers_band": {
        "type": "string",
        "description": "Number of workers in the Transparency Pledge bands.",
        "constraints": {"enum": list(PLEDGE_BANDS)},
    },
    "participants": {
        "type": "string",
        "description": "Covenant participants sourcing here: exact when all of them are named, "
        "otherwise a range (see the disclosure rules).",
        "constraints": {"required": True},
    },
    "participants_min": {"type": "integer", "constraints": {"required": True, "minimum": 1}},
    "participants_max": {
        "type": "integer",
        "description": "Empty when the range is open-ended.",
        "constraints": {"minimum": 1},
    },
    "companies": {
        "type": "string",
        "description": "Participants sourcing here that consented to be named, separated by '; '.",
    },
    "brands": {"type": "string", "description": "Their brands, separated by '; '."},
}


def datapackage_name(covenant: str, year: int, version: int) -> str:
    """The package's name: lower case letters, digits, '-', '.' and '_' only.

    >>> datapackage_name("Textile", 2018, 1)
    'imvo-textile-2018-v1'
    """
    slug = re.sub(r"[^a-z0-9._-]+", "-", covenant.lower()).strip("-")
    return f"imvo-{slug}-{year}-v{version}"


def datapackage_descriptor(
    *,
    name: str,
    title: str,
    description: str,
    created: str,
    csv_path: str,
    csv_sha256: str,
    csv_bytes: int,
) -> dict[str, Any]:
    """The descriptor of a release whose CSV file is `csv_path` (relative to the descriptor),
    with its size and SHA-256 so that validation notices a changed file."""
    missing = set(RELEASE_COLUMNS) - _FIELDS.keys()
    if missing:  # a column added to ReleaseRecord needs its description here
        raise AssertionError(f"undescribed columns: {sorted(missing)}")
    return {
        "profile": "tabular-data-package",
        "name": name,
        "title": title,
        "description": description,
        "created": created,
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": "Creative Commons Attribution 4.0",
            }
        ],
        "resources": [
            {
                "name": "facilities",
                "path": csv_path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "bytes": csv_bytes,
                "hash": f"sha256:{csv_sha256}",
                "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
                "schema": {
                    "fields": [{"name": column, **_FIELDS[column]} for column in RELEASE_COLUMNS],
                    "primaryKey": ["facility_id"],
                    "missingValues": [""],
                },
            }
        ],
    }
