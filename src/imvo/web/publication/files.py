"""A release's files: CSV, XLSX, GeoJSON, and the Frictionless Data Package (its descriptor
with the CSV, as a zip for download or side by side in a directory).

The files are written from the rows stored in the release, so every download of a release is
the same list; the CSV is byte for byte the one whose SHA-256 the release recorded.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from imvo.core.errors import ImvoError
from imvo.core.exports import export_write
from imvo.core.publication.datapackage import datapackage_descriptor, datapackage_name
from imvo.core.publication.releases import ReleaseRecord
from imvo.web.publication.models import Release
from imvo.web.publication.selectors import RELEASE_FILE_FORMATS, release_records

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
    "datapackage": "application/zip",
}
DESCRIPTOR = "datapackage.json"


def release_csv(records: list[ReleaseRecord]) -> bytes:
    """The CSV of a release's rows."""
    out = io.BytesIO()
    export_write(records, record_type=ReleaseRecord, fmt="csv", out=out)
    return out.getvalue()


def release_basename(release: Release) -> str:
    return datapackage_name(release.covenant.slug, release.year, release.version)


def release_descriptor(release: Release, *, csv_path: str) -> dict[str, Any]:
    covenant = release.covenant
    named = "consenting participants are named" if release.names_shown else "no company is named"
    return datapackage_descriptor(
        name=release_basename(release),
        title=f"{covenant.name_en}: production locations {release.year} "
        f"(release {release.version})",
        description=(
            f"The production locations that {release.participant_count} participants of the "
            f"{covenant.short_name} reported for {release.year}, aggregated by facility; "
            f"{named}, counts follow the disclosure rules of IMVO Monitor."
        ),
        created=release.published_at.isoformat(),
        csv_path=csv_path,
        csv_sha256=release.csv_sha256,
        csv_bytes=release.csv_bytes,
    )


def release_file(release: Release, fmt: str) -> tuple[bytes, str, str]:
    """One file of a release: its bytes, content type and file name."""
    if fmt not in RELEASE_FILE_FORMATS:
        raise ImvoError(
            f"unknown format {fmt!r}; use one of {', '.join(RELEASE_FILE_FORMATS)}",
            field="format",
        )
    records = release_records(release)
    base = release_basename(release)
    if fmt == "datapackage":
        csv_data = _checked_csv(release, records)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(DESCRIPTOR, _descriptor_json(release, f"{base}.csv"))
            archive.writestr(f"{base}.csv", csv_data)
        return out.getvalue(), CONTENT_TYPES[fmt], f"{base}.zip"
    if fmt == "csv":
        return _checked_csv(release, records), CONTENT_TYPES[fmt], f"{base}.csv"
    out = io.BytesIO()
    export_write(records, record_type=ReleaseRecord, fmt=fmt, out=out)  # type: ignore[arg-type]
    return out.getvalue(), CONTENT_TYPES[fmt], f"{base}.{fmt}"


def release_files_write(release: Release, directory: Path) -> list[Path]:
    """Write the release's CSV, XLSX and GeoJSON and its `datapackage.json` (describing the
    CSV beside it) to `directory`; each file appears whole or not at all."""
    directory.mkdir(parents=True, exist_ok=True)
    base = release_basename(release)
    written = []
    for fmt in ("csv", "xlsx", "geojson"):
        data, _, filename = release_file(release, fmt)
        written.append(_write_whole(directory / filename, data))
    written.append(_write_whole(directory / DESCRIPTOR, _descriptor_json(release, f"{base}.csv")))
    return written


def _descriptor_json(release: Release, csv_path: str) -> bytes:
    descriptor = release_descriptor(release, csv_path=csv_path)
    return (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode()


def _checked_csv(release: Release, records: list[ReleaseRecord]) -> bytes:
    data = release_csv(records)
    if hashlib.sha256(data).hexdigest() != release.csv_sha256:  # the stored rows were altered
        raise ImvoError(f"release {release.pk} no longer matches the file it published")
    return data


def _write_whole(path: Path, data: bytes) -> Path:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
