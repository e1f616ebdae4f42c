"""Writes to supplier lists and the facility registry: intake, review decisions, merges, splits.

Every service takes keyword arguments, runs in one transaction and raises `ImvoError` for bad
input, so that nothing is half-written; the intake of a list writes in short transactions
instead, the list hidden until its last one (see `supplier_list_import`). The matching engine
is passed in (`matcher`, `clusterer`, `deduplicator`); by default the DuckDB/Splink engine of
`imvo.core.matching`, looked up only when it is needed, so that tests and callers can pass a
stand-in.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from django.db import IntegrityError, connection, transaction
from django.db.models import Field, Max, ProtectedError, Q, QuerySet
from django.utils import timezone

from imvo.core.countries import country_code
from imvo.core.errors import ImvoError
from imvo.core.exports import workers_band
from imvo.core.facility_ids import facility_id_make
from imvo.core.intake import (
    DEFAULT_LIMITS,
    HeaderMapping,
    IntakeResult,
    Limits,
    RawTable,
    map_headers,
    read_table,
    validate_rows,
)
from imvo.core.intake import SupplierRow as CleanRow
from imvo.core.intake.messages import intake_error
from imvo.core.matching.records import FacilityRecord, record_key
from imvo.core.places import place_parse
from imvo.web.registry.models import Covenant, Organisation, OrganisationKind
from imvo.web.suppliers.models import (
    Facility,
    FacilityAlias,
    FacilityEvent,
    FacilityEventKind,
    FacilitySerial,
    MatchDecision,
    MatchReview,
    ReviewStatus,
    RowOutcome,
    SupplierList,
    SupplierListStatus,
    SupplierRow,
    Verdict,
)
from imvo.web.suppliers.selectors import (
    RegistryFingerprint,
    company_find,
    facility_resolve,
    match_decisions,
    registry_fingerprint,
    registry_records,
    supplier_list_covenant_resolve,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from imvo.core.matching.engine import Decisions, DuplicatePair, Outcome
    from imvo.web.suppliers.models import ImportJob

logger = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
FIRST_YEAR = 2000


class Matcher(Protocol):
    """What the import needs of a matching engine: `imvo.core.matching.match_records`."""

    def __call__(
        self,
        incoming: Sequence[FacilityRecord],
        registry: Sequence[FacilityRecord],
        /,
        *,
        decisions: Decisions,
        progress: Progress | None,
    ) -> tuple[Outcome, ...]: ...


class Deduplicator(Protocol):
    """What the re-de-duplication needs: `imvo.core.matching.deduplicate`."""

    def __call__(
        self, registry: Sequence[FacilityRecord], /, *, decisions: Decisions
    ) -> tuple[DuplicatePair, ...]: ...


class Clusterer(Protocol):
    """What the import needs to group its new rows: `imvo.core.matching.cluster_new`."""

    def __call__(
        self, outcomes: Sequence[Outcome], incoming: Sequence[FacilityRecord], /
    ) -> tuple[tuple[str, ...], ...]: ...


def _default_matcher() -> Matcher:
    from imvo.core.matching.engine import match_records

    return match_records


def _default_clusterer() -> Clusterer:
    from imvo.core.matching.engine import cluster_new

    return cluster_new


def _default_deduplicator() -> Deduplicator:
    from imvo.core.matching.engine import deduplicate

    return deduplicate


# --------------------------------------------------------------------------------------------
# Intake
# --------------------------------------------------------------------------------------------


def supplier_company_resolve(*, name_or_slug: str) -> Organisation:
    """The company a list is for, by slug or name.

    Raises ImvoError (field "company") for an unknown company: companies are added to the
    registry (with their participations) before they hand in lists.
    """
    found = company_find(name_or_slug=name_or_slug)
    if found is None:
        name = " ".join(name_or_slug.split())
        raise ImvoError(f"unknown company {name!r}; check the name or slug", field="company")
    return found


# Rows written per short transaction: 250 rows take well under a second on SQLite, also on a
# busy machine.
IMPORT_CHUNK_ROWS = 250
# How often the rows of a country are matched again when the registry keeps changing under an
# import; after that the rows are written as last matched (a later de-duplication catches
# any facility registered twice).
REMATCH_ATTEMPTS = 3


def supplier_list_import(
    *,
    company: Organisation,
    year: int,
    data: bytes,
    filename: str,
    covenant: Covenant | None = None,
    sheet: str | int | None = None,
    header_row: int | None = None,
    mapping: Mapping[str | int, str | None] | None = None,
    uploaded_by: User | None = None,
    progress: Progress | None = None,
    matcher: Matcher | None = None,
    clusterer: Clusterer | None = None,
    limits: Limits = DEFAULT_LIMITS,
    job: ImportJob | None = None,
) -> SupplierList:
    """Read, check and store a company's supplier list for a covenant and year, and link its
    rows.

    Every row is kept verbatim with its problems. Accepted rows that do not repeat an earlier
    row are matched against the registry (the countries of the list only): a sure match links
    the row to its facility, an uncertain one opens a review, and the rest become new
    facilities. A list for a company, covenant and year that already has one becomes the next
    version. Without `covenant`, the list is for the one covenant the company took part in
    during the year (see `supplier_list_covenant_resolve`).

    Raises ImvoError naming the file when it cannot be read, breaks `limits`, or lacks a column
    for a required field; then nothing is written. `mapping` places columns by hand (column
    index, label or header text -> field, or None to leave a column out), as the web upload's
    column-mapping step does; `sheet` and `header_row` (numbered as a spreadsheet program shows
    it) say where the list is, where the guess (see `imvo.core.intake.files`) is wrong.
    `progress(done, total)` is called while matching and writing, outside any transaction of
    this import.

    No transaction is held for long: the file is read, checked and matched against a snapshot
    of the registry before anything is written; then the list is written in short
    transactions of `IMPORT_CHUNK_ROWS` rows, each of which first checks that the registry of
    the list's countries is still the snapshot's, and matches the rows still to be written
    again where it is not. Meanwhile the list is `importing` and hidden from every reader (with
    `job`, the job points to it at once, so that the leftovers of a crashed import can be
    found); the last short transaction takes the version number and makes it complete. An
    import that fails on the way removes what it wrote (`supplier_list_discard`).

    `matcher` and `clusterer` (which says which new rows are one facility) default to the
    matching engine's; with a `matcher` of its own and no `clusterer`, new rows are one
    facility when their matching keys are equal.
    """
    _check_company(company)
    _check_year(year)
    table = read_table(data, filename=filename, sheet=sheet, header_row=header_row, limits=limits)
    header_mapping = _header_mapping(table, mapping)
    covenant = supplier_list_covenant_resolve(company=company, year=year, covenant=covenant)
    intake = validate_rows(table, header_mapping, country_code=country_code)
    chosen = matcher if matcher is not None else _default_matcher()
    if clusterer is None and matcher is None:
        clusterer = _default_clusterer()
    duplicates = {duplicate.row: duplicate.duplicate_of for duplicate in intake.duplicates}
    incoming = [_record(clean) for clean in intake.accepted if clean.number not in duplicates]
    countries = sorted({record.country for record in incoming})
    # The marks first: a change while the snapshot is read shows at the first write.
    marks = registry_fingerprint(countries=countries)
    registry = registry_records(countries=countries)
    # One count from start to end: the rows matched, then the rows written.
    steps = _ImportSteps(progress, writes=intake.rows)
    outcomes = chosen(incoming, registry, decisions=match_decisions(), progress=steps.matched)
    _outcomes_check(incoming, outcomes)
    clusters = clusterer(outcomes, incoming) if clusterer is not None else ()
    supplier_list = _supplier_list_start(
        company=company,
        year=year,
        covenant=covenant,
        table=table,
        header_mapping=header_mapping,
        data=data,
        uploaded_by=uploaded_by,
    )
    try:
        if job is not None:
            job.supplier_list = supplier_list
            job.save(update_fields=["supplier_list"])
        rows = _rows_build(supplier_list, table, intake)
        writer = _ListWriter(
            supplier_list=supplier_list,
            rows=rows,
            duplicates=duplicates,
            marks=marks,
            matcher=chosen,
            clusterer=clusterer,
        )
        writer.plan(incoming, outcomes, clusters)
        writer.write(progress=steps.written)
        _supplier_list_complete(supplier_list, rows.values())
    except BaseException:
        _discard_after_failure(supplier_list)
        raise
    return supplier_list


def _check_company(company: Organisation) -> None:
    if company.kind != OrganisationKind.COMPANY:
        raise ImvoError(
            f"{company.name} is registered as {company.kind.replace('_', ' ')}, not as a company; "
            "only companies hand in supplier lists",
            field="company",
        )


def _check_year(year: int) -> None:
    last = timezone.localdate().year + 1
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= last:
        raise ImvoError(f"year {year!r} is not between {FIRST_YEAR} and {last}", field="year")


def _header_mapping(
    table: RawTable, mapping: Mapping[str | int, str | None] | None
) -> HeaderMapping:
    try:
        header_mapping = map_headers(table.header, mapping)
    except ImvoError as error:
        raise ImvoError(
            error.message,
            field=error.field,
            file=table.filename,
            row=table.header_row,
            code=error.code,
            params=error.params,
        ) from None
    if header_mapping.missing:
        unknown = ", ".join(repr(label) for label in header_mapping.unknown)
        raise intake_error(
            "mapping.missing_unrecognised" if unknown else "mapping.missing_all_recognised",
            field=header_mapping.missing[0],
            file=table.filename,
            row=table.header_row,
            fields=",".join(header_mapping.missing),
            **({"unknown": unknown} if unknown else {}),
        )
    return header_mapping


def _supplier_list_start(
    *,
    company: Organisation,
    year: int,
    covenant: Covenant,
    table: RawTable,
    header_mapping: HeaderMapping,
    data: bytes,
    uploaded_by: User | None,
) -> SupplierList:
    """The list, unfinished (hidden, version 0) until `_supplier_list_complete`."""
    with transaction.atomic():
        return SupplierList.all_objects.create(
            company=company,
            year=year,
            covenant=covenant,
            version=0,
            status=SupplierListStatus.IMPORTING,
            filename=table.filename[:255],
            file_format=table.format,
            encoding=table.encoding or "",
            delimiter=table.delimiter or "",
            sheet=table.sheet or "",
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            header_row=table.header_row,
            columns=list(table.labels),
            mapping={
                field: header_mapping.labels[index]
                for field, index in header_mapping.fields.items()
            },
            uploaded_by=uploaded_by,
        )


def _supplier_list_complete(supplier_list: SupplierList, rows: Iterable[SupplierRow]) -> None:
    """The last short transaction: store the counts, take the next version number of the
    company, covenant and year, close the open reviews of earlier versions, and show the list."""
    _counts_set(supplier_list, rows)
    with transaction.atomic():
        # Lock the company so that two imports finishing at once cannot take one version; held
        # only for this step, never while rows are read, matched or written.
        Organisation.objects.select_for_update().filter(pk=supplier_list.company_id).first()
        versions = SupplierList.objects.filter(
            company=supplier_list.company_id,
            covenant=supplier_list.covenant_id,
            year=supplier_list.year,
        )
        supplier_list.version = (versions.aggregate(latest=Max("version"))["latest"] or 0) + 1
        supplier_list.status = SupplierListStatus.COMPLETE
        supplier_list.save(update_fields=["version", "status", *_COUNT_FIELDS])
        _reviews_supersede(supplier_list)


def _reviews_supersede(supplier_list: SupplierList) -> None:
    """Open reviews of earlier versions of the list are not asked any more: the new version's
    rows are matched (and, where still uncertain, reviewed) afresh."""
    MatchReview.objects.filter(
        status=ReviewStatus.OPEN,
        row__supplier_list__company=supplier_list.company_id,
        row__supplier_list__covenant=supplier_list.covenant_id,
        row__supplier_list__year=supplier_list.year,
        row__supplier_list__status=SupplierListStatus.COMPLETE,
        row__supplier_list__version__lt=supplier_list.version,
    ).update(status=ReviewStatus.SUPERSEDED, decided_at=timezone.now())


def _rows_build(
    supplier_list: SupplierList, table: RawTable, intake: IntakeResult
) -> dict[int, SupplierRow]:
    """Every row of the file, unsaved: rejected rows with their errors, accepted ones cleaned."""
    accepted = {clean.number: clean for clean in intake.accepted}
    errors: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for error in intake.errors:
        errors[error.row].append(
            {
                "field": error.field,
                "message": error.message,
                "code": error.code,
                "params": dict(error.params),
            }
        )
    duplicates = {duplicate.row: duplicate.duplicate_of for duplicate in intake.duplicates}
    rows: dict[int, SupplierRow] = {}
    for raw in table.rows:
        clean = accepted.get(raw.number)
        row = SupplierRow(
            supplier_list=supplier_list,
            number=raw.number,
            raw=list(raw.values),
            errors=errors.get(raw.number, []),
            accepted=clean is not None,
            outcome=RowOutcome.REJECTED,
        )
        if clean is not None:
            _row_fill(row, clean)
            if raw.number in duplicates:
                row.outcome = RowOutcome.DUPLICATE
                row.duplicate_of = duplicates[raw.number]
                row.method = "duplicate"
        rows[raw.number] = row
    return rows


def _row_fill(row: SupplierRow, clean: CleanRow) -> None:
    row.name = clean.name
    row.address = clean.address
    row.country = clean.country
    row.city = clean.city or ""
    row.province = clean.province or ""
    row.postal_code = clean.postal_code or ""
    # Kept even where the company gave the column (which wins in matching and on display).
    place = place_parse(clean.address, clean.country)
    row.parsed_city, row.parsed_province = place.city, place.province
    row.parsed_postal_code = place.postal_code
    row.latitude = clean.latitude
    row.longitude = clean.longitude
    row.product_types = list(clean.product_types)
    row.processing_type = clean.processing_type or ""
    row.workers = str(clean.workers) if clean.workers is not None else ""
    row.workers_band = (
        workers_band(clean.workers.low, clean.workers.high) if clean.workers is not None else ""
    )
    row.parent_company = clean.parent_company or ""
    row.tier = clean.tier


def _record(clean: CleanRow | SupplierRow) -> FacilityRecord:
    """A row as the matcher reads it."""
    number = clean.number
    return FacilityRecord(
        record_id=f"r{number}",
        facility_id=None,
        country=clean.country,
        name=clean.name,
        address=clean.address,
        city=clean.city or "",
        postal_code=clean.postal_code or "",
        latitude=clean.latitude,
        longitude=clean.longitude,
    )


def _outcomes_check(incoming: Sequence[FacilityRecord], outcomes: Sequence[Outcome]) -> None:
    expected = [record.record_id for record in incoming]
    if [outcome.record_id for outcome in outcomes] != expected:
        raise RuntimeError("the matcher must return one outcome per incoming record, in order")


_DESCRIPTION_FIELDS = (
    "city",
    "province",
    "postal_code",
    "latitude",
    "longitude",
    "product_types",
    "workers_band",
)


def _description(facility: Facility) -> tuple[Any, ...]:
    return tuple(
        list(value) if isinstance(value := getattr(facility, name), list) else value
        for name in _DESCRIPTION_FIELDS
    )


def _new_groups(
    new_rows: Sequence[SupplierRow], clusters: Sequence[Sequence[str]]
) -> list[list[SupplierRow]]:
    """The new rows grouped by the facility they are, in list order: rows the clusterer put
    together, and rows whose matching keys are equal, are one facility."""
    parent = {row.number: row.number for row in new_rows}

    def root(number: int) -> int:
        while parent[number] != number:
            parent[number] = parent[parent[number]]
            number = parent[number]
        return number

    def join(first: int, second: int) -> None:
        a, b = root(first), root(second)
        if a != b:
            parent[max(a, b)] = min(a, b)

    for cluster in clusters:
        numbers = [int(record_id[1:]) for record_id in cluster]
        for number in numbers[1:]:
            join(numbers[0], number)
    first_with_key: dict[str, int] = {}
    for row in new_rows:
        join(first_with_key.setdefault(record_key(_record(row)), row.number), row.number)
    groups: dict[int, list[SupplierRow]] = {}
    for row in sorted(new_rows, key=lambda row: row.number):
        groups.setdefault(root(row.number), []).append(row)
    return list(groups.values())


def _facilities_by_id(facility_ids: Iterable[str | None]) -> dict[str, Facility]:
    wanted = sorted({facility_id for facility_id in facility_ids if facility_id})
    facilities = {
        facility.facility_id: facility
        for facility in Facility.objects.filter(facility_id__in=wanted).select_related(
            "merged_into"
        )
    }
    missing = [facility_id for facility_id in wanted if facility_id not in facilities]
    if missing:
        raise RuntimeError(f"the matcher named facilities the registry lacks: {missing[:5]}")
    # A remembered decision may name a facility that has since been merged into another; every
    # id of one facility must give the same object, or fills made through one would be lost.
    by_pk: dict[int, Facility] = {}
    return {
        facility_id: by_pk.setdefault(
            (facility.merged_into or facility).pk, facility.merged_into or facility
        )
        for facility_id, facility in facilities.items()
    }


def _candidates_json(outcome: Outcome) -> list[dict[str, Any]]:
    return [
        {
            "facility_id": candidate.facility_id,
            "probability": candidate.probability,
            "evidence": [
                {"field": item.field, "level": item.level, "detail": item.detail}
                for item in candidate.evidence
            ],
        }
        for candidate in outcome.candidates
    ]


class _ImportSteps:
    """An import's progress as one count: the matcher's rows first, then the rows written."""

    def __init__(self, progress: Progress | None, *, writes: int) -> None:
        self.progress = progress
        self.writes = writes
        self.matching = 0

    def matched(self, done: int, total: int) -> None:
        self.matching = total
        if self.progress is not None:
            self.progress(done, total + self.writes)

    def written(self, done: int, total: int) -> None:
        self.writes = total
        if self.progress is not None:
            self.progress(self.matching + done, self.matching + total)


class _ListWriter:
    """Writes an unfinished list's rows in short transactions (`IMPORT_CHUNK_ROWS` rows each,
    in list order), and matches the rows still to be written again where the registry of their
    country changed since it was read.

    The rows a new facility is registered for are one group; the group's facility is written
    with its first row, described by all of them, and its other rows keep it even when they are
    written later and the registry changed in between.
    """

    def __init__(
        self,
        *,
        supplier_list: SupplierList,
        rows: dict[int, SupplierRow],
        duplicates: Mapping[int, int],
        marks: RegistryFingerprint,
        matcher: Matcher,
        clusterer: Clusterer | None,
    ) -> None:
        self.supplier_list = supplier_list
        self.rows = rows
        self.duplicates = duplicates
        self.marks = dict(marks)
        self.matcher = matcher
        self.clusterer = clusterer
        self.records: dict[int, FacilityRecord] = {}
        self.outcomes: dict[int, Outcome] = {}
        self.leader: dict[int, int] = {}  # a new row -> the first row of its group
        self.members: dict[int, list[int]] = {}  # a group's first row -> the group's rows
        self.created: dict[int, Facility] = {}  # a group's first row -> its facility
        self.written: set[int] = set()
        self.keys: dict[int, str] = {}  # the record key of each row matched
        self.by_key: dict[str, set[int]] = defaultdict(set)

    def plan(
        self,
        incoming: Sequence[FacilityRecord],
        outcomes: Sequence[Outcome],
        clusters: Sequence[Sequence[str]],
    ) -> None:
        """Take the matcher's outcomes (and the clusterer's groups) for these rows."""
        numbers = []
        for record, outcome in zip(incoming, outcomes, strict=True):
            number = int(record.record_id[1:])
            numbers.append(number)
            self.records[number] = record
            self.outcomes[number] = outcome
            if number not in self.keys:
                self.keys[number] = record_key(record)
                self.by_key[self.keys[number]].add(number)
            row = self.rows[number]
            row.probability = outcome.probability
            row.method = outcome.method
            row.facility = None
            if outcome.decision == "matched":
                row.outcome = RowOutcome.MATCHED
            elif outcome.decision == "review":
                row.outcome = RowOutcome.REVIEW
            else:
                row.outcome = RowOutcome.NEW
        new_rows = [self.rows[number] for number in numbers if self.rows[number].outcome == "new"]
        for group in _new_groups(new_rows, clusters):
            first = group[0].number
            self.members[first] = [row.number for row in group]
            for row in group:
                self.leader[row.number] = first

    def write(self, *, progress: Progress | None = None) -> None:
        """Write every row; `progress(written, rows)` after each chunk, outside transactions."""
        numbers = sorted(self.rows)
        for start in range(0, len(numbers), IMPORT_CHUNK_ROWS):
            chunk = numbers[start : start + IMPORT_CHUNK_ROWS]
            for attempt in range(REMATCH_ATTEMPTS + 1):
                began = time.monotonic()
                change = self._chunk_write(chunk, insist=attempt == REMATCH_ATTEMPTS)
                if change is None:
                    _lock_share(time.monotonic() - began)
                    break
                self._rematch(change)
            if progress is not None:
                progress(start + len(chunk), len(numbers))

    def _chunk_write(self, chunk: Sequence[int], *, insist: bool) -> _Change | None:
        """Write the rows in one short transaction, unless the registry of their countries
        changed since it was read, or a verdict was remembered about a row still to be written
        (then nothing is written and the change is returned); with `insist`, write them as
        matched last."""
        countries = sorted(
            {self.rows[number].country for number in chunk if number in self.outcomes}
        )
        began = time.monotonic()
        try:
            with transaction.atomic():
                if countries:
                    change = self._change(countries)
                    if (change.countries or change.keys) and not insist:
                        return change
                created = self._rows_write(chunk)
                if countries:
                    # Our own writes move the marks too; the next chunk must see only others'.
                    self.marks.update(registry_fingerprint(countries=countries))
        except IntegrityError:
            # A facility a row links to was removed meanwhile (an unfinished import's own):
            # nothing of the chunk was written; match its countries' rows again.
            if insist:
                raise
            for number in chunk:
                self.rows[number].pk = None
            return _Change(countries=set(countries), decisions=self.marks.get("", ()))
        self.created.update(created)
        self.written.update(chunk)
        logger.info(
            "list %s: %d rows written in %.3f s",
            self.supplier_list.pk,
            len(chunk),
            time.monotonic() - began,
        )
        return None

    def _change(self, countries: Sequence[str]) -> _Change:
        """What changed since the registry was read, for rows of these countries."""
        now = registry_fingerprint(countries=countries)
        change = _Change(
            countries={country for country in countries if now[country] != self.marks.get(country)},
            decisions=now[""],
        )
        if now[""] != self.marks.get(""):
            keys = _decision_keys_since(self.marks.get(""))
            if keys is None:
                change.countries.add("")
            else:
                change.keys = keys & self._pending_keys()
                if not change.keys:
                    self.marks[""] = now[""]  # about no row of this list
        return change

    def _pending_keys(self) -> set[str]:
        return {
            key
            for key, numbers in self.by_key.items()
            if any(number not in self.written for number in numbers)
        }

    def _rows_write(self, chunk: Sequence[int]) -> dict[int, Facility]:
        """Write the rows; returns the facilities registered, by the first row of their group
        (taken into `created` only once the transaction is committed)."""
        rows = [self.rows[number] for number in chunk]
        linked = [number for number in chunk if number in self.outcomes]
        known = _facilities_by_id(
            self.outcomes[number].facility_id
            for number in linked
            if self.outcomes[number].decision == "matched"
        )
        described = {facility.pk: _description(facility) for facility in known.values()}
        firsts = [number for number in linked if self.leader.get(number) == number]
        created = _facilities_create([self.rows[first] for first in firsts], save=False)
        for first, facility in zip(firsts, created, strict=True):
            for number in self.members[first][1:]:
                _facility_fill(facility, self.rows[number])
        Facility.objects.bulk_create(created, batch_size=1000)
        registered = dict(zip(firsts, created, strict=True))
        fresh = {facility.pk for facility in [*known.values(), *created]}
        for number in linked:
            row, outcome = self.rows[number], self.outcomes[number]
            if outcome.decision == "matched":
                assert outcome.facility_id is not None
                row.facility = known[outcome.facility_id]
                _facility_fill(row.facility, row)
            elif number in self.leader:
                first = self.leader[number]
                row.facility = registered[first] if first in registered else self.created[first]
        for row in rows:
            if row.number in self.duplicates:
                row.facility = self.rows[self.duplicates[row.number]].facility
        # A facility registered by an earlier chunk may have been merged since.
        live = _facilities_live(
            {row.facility.pk for row in rows if row.facility is not None} - fresh
        )
        for row in rows:
            if row.facility is not None and row.facility.pk in live:
                row.facility = live[row.facility.pk]
        _aliases_assign([row for row in rows if row.facility is not None])
        SupplierRow.objects.bulk_create(rows, batch_size=1000)
        _descriptions_save([f for f in known.values() if _description(f) != described[f.pk]])
        MatchReview.objects.bulk_create(
            [
                MatchReview(
                    row=self.rows[number], candidates=_candidates_json(self.outcomes[number])
                )
                for number in linked
                if self.outcomes[number].decision == "review"
            ],
            batch_size=1000,
        )
        return registered

    def _rematch(self, change: _Change) -> None:
        """Match again, against the registry as it is now and outside any transaction, the rows
        still to be written of the countries that changed (every country when the remembered
        verdicts changed in a way that cannot be told apart) and those with a new verdict.
        Rows of a group whose facility is registered already keep it."""
        everywhere = "" in change.countries
        pending = [
            number
            for number in sorted(self.outcomes)
            if number not in self.written
            and (
                everywhere
                or self.rows[number].country in change.countries
                or self.keys[number] in change.keys
            )
            and self.leader.get(number) not in self.created
        ]
        for number in list(pending):
            first = self.leader.get(number)
            if first is not None:
                pending.extend(self.members.get(first, ()))
        pending = sorted(set(pending))
        for number in pending:
            first = self.leader.pop(number, None)
            if first is not None:
                self.members.pop(first, None)
        countries = sorted({self.rows[number].country for number in pending})
        # The marks before the registry is read again: a change meanwhile shows next time.
        marks = registry_fingerprint(countries=countries)
        if pending:
            incoming = [self.records[number] for number in pending]
            registry = registry_records(countries=countries)
            outcomes = self.matcher(incoming, registry, decisions=match_decisions(), progress=None)
            _outcomes_check(incoming, outcomes)
            clusters = self.clusterer(outcomes, incoming) if self.clusterer is not None else ()
            self.plan(incoming, outcomes, clusters)
        # A country whose rows were matched again only for a verdict keeps its old marks.
        renewed = countries if everywhere else change.countries
        self.marks.update({country: marks[country] for country in renewed if country in marks})
        self.marks[""] = marks[""]


@dataclass
class _Change:
    """What changed in the registry since an import read it: the countries whose facilities or
    aliases changed ("" for every country), and the keys of rows with a new verdict."""

    countries: set[str]
    decisions: tuple[Any, ...]
    keys: set[str] = field(default_factory=set)


def _decision_keys_since(mark: tuple[Any, ...] | None) -> set[str] | None:
    """The record keys of verdicts remembered or changed since `mark` (see
    `registry_fingerprint`); None when that cannot be told (verdicts were removed)."""
    if mark is None:
        return None
    count, top, last = mark
    decisions = MatchDecision.objects.all()
    if decisions.count() < count:
        return None
    newer = Q(pk__gt=top or 0)
    if last is not None:
        newer |= Q(decided_at__gt=last)
    return set(decisions.filter(newer).values_list("record_key", flat=True))


def _lock_share(held: float) -> None:
    """On SQLite, after a write of `held` seconds, leave the database to others about as long
    (a tenth of a second at least, half a second at most): SQLite hands its one write lock to
    whoever asks first when it comes free, and a request that asks while an import writes
    chunk after chunk would otherwise wait for its turn until it gives up. Not within an outer
    transaction (which holds the lock anyway), nor on PostgreSQL, where nobody waits."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        time.sleep(min(max(held, 0.1), 0.5))


def _descriptions_save(facilities: Sequence[Facility]) -> None:
    """Write the description fields of these facilities: one statement run for each (Django's
    `bulk_update` builds one CASE per field and row, which takes seconds for a few thousand)."""
    if not facilities:
        return
    fields = [_concrete_field(Facility, name) for name in _DESCRIPTION_FIELDS]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(Facility._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"
    params = [
        [field.get_db_prep_save(getattr(facility, field.attname), connection) for field in fields]
        + [facility.pk]
        for facility in facilities
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _concrete_field(model: type[Facility], name: str) -> Field[Any, Any]:
    found = model._meta.get_field(name)
    assert isinstance(found, Field)
    return found


def _facilities_live(pks: Iterable[int]) -> dict[int, Facility]:
    """The facilities with these pks as they are now: merged ones stand for their target."""
    return {
        facility.pk: facility.merged_into or facility
        for facility in Facility.objects.filter(pk__in=sorted(pks)).select_related("merged_into")
    }


_COUNT_FIELDS = (
    "row_count",
    "accepted_count",
    "rejected_count",
    "duplicate_count",
    "matched_count",
    "new_count",
    "review_count",
)


def _counts_set(supplier_list: SupplierList, rows: Iterable[SupplierRow]) -> None:
    outcomes = [row.outcome for row in rows]
    supplier_list.row_count = len(outcomes)
    supplier_list.rejected_count = outcomes.count(RowOutcome.REJECTED)
    supplier_list.accepted_count = supplier_list.row_count - supplier_list.rejected_count
    supplier_list.duplicate_count = outcomes.count(RowOutcome.DUPLICATE)
    supplier_list.matched_count = outcomes.count(RowOutcome.MATCHED)
    supplier_list.new_count = outcomes.count(RowOutcome.NEW)
    supplier_list.review_count = outcomes.count(RowOutcome.REVIEW)


# Rows removed per short transaction when an unfinished list is discarded.
DISCARD_CHUNK_ROWS = 5000


def supplier_list_discard(*, supplier_list: SupplierList) -> dict[str, int]:
    """Remove an unfinished list (one whose import failed or whose worker died): its rows and
    their reviews, the aliases only its rows reported, and the facilities only it registered;
    in short transactions. Returns how many of each were removed.

    Raises ImvoError (field "supplier_list") for a complete list: those stay, as every version
    does. A list that is gone already removes nothing.
    """
    removed = {"supplier_lists": 0, "rows": 0, "reviews": 0, "aliases": 0, "facilities": 0}
    found = SupplierList.all_objects.filter(pk=supplier_list.pk).first()
    if found is None:
        return removed
    if found.status == SupplierListStatus.COMPLETE:
        raise ImvoError(
            f"list {found.pk} ({found}) is complete; only an unfinished import is discarded",
            field="supplier_list",
        )
    rows = SupplierRow.objects.filter(supplier_list=found)
    facility_pks = set(rows.filter(facility__isnull=False).values_list("facility", flat=True))
    alias_pks = set(rows.filter(alias__isnull=False).values_list("alias", flat=True))
    row_pks = list(rows.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(row_pks), DISCARD_CHUNK_ROWS):
        chunk = row_pks[start : start + DISCARD_CHUNK_ROWS]
        with transaction.atomic():
            _, reviews = MatchReview.objects.filter(row__in=chunk).delete()
            removed["reviews"] += reviews.get(MatchReview._meta.label, 0)
            _, deleted = SupplierRow.objects.filter(pk__in=chunk).delete()
            removed["rows"] += deleted.get(SupplierRow._meta.label, 0)
    removed["aliases"] = _orphans_delete(
        FacilityAlias.objects.filter(pk__in=sorted(alias_pks), rows__isnull=True)
    )
    removed["facilities"] = _orphans_delete(
        Facility.objects.filter(pk__in=sorted(facility_pks))
        .exclude(rows__isnull=False)
        .exclude(aliases__isnull=False)
        .exclude(merged_from__isnull=False)
        .exclude(decisions__isnull=False)
        .exclude(events__isnull=False)
        .exclude(pk__in=FacilityAlias.objects.values("origin"))
        .exclude(pk__in=FacilityEvent.objects.values("other"))
        .exclude(pk__in=MatchReview.objects.filter(facility__isnull=False).values("facility"))
    )
    with transaction.atomic():
        removed["supplier_lists"], _ = SupplierList.all_objects.filter(
            pk=found.pk, status=SupplierListStatus.IMPORTING
        ).delete()
    return removed


def _orphans_delete(orphans: QuerySet[Any]) -> int:
    """Delete these aliases or facilities in short transactions, skipping any that something
    came to point to in the meantime."""
    deleted = 0
    pks = list(orphans.values_list("pk", flat=True))
    model = orphans.model
    for start in range(0, len(pks), DISCARD_CHUNK_ROWS):
        chunk = pks[start : start + DISCARD_CHUNK_ROWS]
        try:
            with transaction.atomic():
                deleted += model.objects.filter(pk__in=chunk).delete()[1].get(model._meta.label, 0)
        except (ProtectedError, IntegrityError):
            for pk in chunk:
                try:
                    with transaction.atomic():
                        deleted += model.objects.filter(pk=pk).delete()[1].get(model._meta.label, 0)
                except (ProtectedError, IntegrityError):
                    logger.debug("kept %s %s: something points to it", model._meta.label, pk)
    return deleted


def _discard_after_failure(supplier_list: SupplierList) -> None:
    try:
        supplier_list_discard(supplier_list=supplier_list)
    except Exception:
        logger.exception("could not remove the unfinished list %s", supplier_list.pk)


# --------------------------------------------------------------------------------------------
# Facilities and their aliases
# --------------------------------------------------------------------------------------------


def _facilities_create(rows: Sequence[SupplierRow], *, save: bool = True) -> list[Facility]:
    """A new facility for each row, described by it, with the next free ids of its country;
    written unless `save` is false."""
    if not rows:
        return []
    serials = _serials_reserve(rows)
    facilities = []
    for row in rows:
        serial = serials[row.country].pop(0)
        facilities.append(
            Facility(
                facility_id=facility_id_make(row.country, serial),
                country=row.country,
                serial=serial,
                name=row.name,
                address=row.address,
                city=row.city,
                province=row.province,
                postal_code=row.postal_code,
                latitude=row.latitude,
                longitude=row.longitude,
                product_types=list(row.product_types),
                workers_band=row.workers_band,
            )
        )
    return Facility.objects.bulk_create(facilities, batch_size=1000) if save else facilities


def _serials_reserve(rows: Iterable[SupplierRow]) -> dict[str, list[int]]:
    """Fresh serials, one per row, by country. Each country's counter row is locked until the
    transaction ends, so that two imports never hand out one id."""
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.country] += 1
    reserved: dict[str, list[int]] = {}
    for country in sorted(counts):
        FacilitySerial.objects.get_or_create(
            country=country,
            defaults={
                "last": Facility.objects.filter(country=country).aggregate(last=Max("serial"))[
                    "last"
                ]
                or 0
            },
        )
        counter = FacilitySerial.objects.select_for_update().get(country=country)
        reserved[country] = list(range(counter.last + 1, counter.last + 1 + counts[country]))
        counter.last += counts[country]
        counter.save(update_fields=["last"])
    return reserved


def _facility_fill(facility: Facility, row: SupplierRow | Facility) -> None:
    """Fill what the facility lacks from a row that reports it (or a facility merged into it);
    add its product types; take its workers band, the latest report counting."""
    for name in ("city", "province", "postal_code"):
        if not getattr(facility, name) and getattr(row, name):
            setattr(facility, name, getattr(row, name))
    if facility.latitude is None and row.latitude is not None:
        facility.latitude, facility.longitude = row.latitude, row.longitude
    known = {product.casefold() for product in facility.product_types}
    for product in row.product_types:
        if product.casefold() not in known:
            facility.product_types = [*facility.product_types, product]
            known.add(product.casefold())
    if row.workers_band:
        facility.workers_band = row.workers_band  # the latest report counts


AliasKey = tuple[int, str, str, str, str, str, float | None, float | None]


def _alias_key(facility_pk: int, source: SupplierRow | FacilityAlias) -> AliasKey:
    return (
        facility_pk,
        source.name,
        source.address,
        source.city,
        source.postal_code,
        source.country,
        source.latitude,
        source.longitude,
    )


def _aliases_assign(rows: Sequence[SupplierRow]) -> None:
    """Point each linked row at the alias it reports its facility under, adding aliases for
    spellings the facility was not known under yet. The rows are not saved here."""
    facility_pks = {row.facility.pk for row in rows if row.facility is not None}
    aliases: dict[AliasKey, FacilityAlias] = {
        _alias_key(alias.facility_id, alias): alias
        for alias in FacilityAlias.objects.filter(facility__in=facility_pks)
    }
    fresh: dict[AliasKey, FacilityAlias] = {}
    for row in rows:
        assert row.facility is not None
        key = _alias_key(row.facility.pk, row)
        if key not in aliases and key not in fresh:
            fresh[key] = FacilityAlias(
                facility=row.facility,
                origin=row.facility,
                name=row.name,
                address=row.address,
                city=row.city,
                postal_code=row.postal_code,
                country=row.country,
                latitude=row.latitude,
                longitude=row.longitude,
            )
    FacilityAlias.objects.bulk_create(fresh.values(), batch_size=1000)
    aliases.update(fresh)
    for row in rows:
        assert row.facility is not None
        row.alias = aliases[_alias_key(row.facility.pk, row)]


def _alias_record(alias: FacilityAlias) -> FacilityRecord:
    return FacilityRecord(
        record_id=f"alias{alias.pk}",
        facility_id=None,
        country=alias.country,
        name=alias.name,
        address=alias.address,
        city=alias.city,
        postal_code=alias.postal_code,
        latitude=alias.latitude,
        longitude=alias.longitude,
    )


# --------------------------------------------------------------------------------------------
# Review decisions
# --------------------------------------------------------------------------------------------

VERDICTS = ("confirm", "reject", "new")


def review_decide(
    *,
    review: MatchReview,
    verdict: str,
    facility: Facility | None = None,
    user: User | None = None,
) -> MatchReview:
    """Decide a review, and remember the verdict so that nobody is asked again.

    For a supplier row: "confirm" links the row to `facility` (default: the best candidate);
    "reject" rules out `facility` (default: the best candidate) and leaves the review open for
    the next candidate, or registers a new facility when none is left; "new" rules out every
    candidate and registers a new facility. For a pair of facilities: "confirm" merges them
    (the younger into the older), "reject" keeps them apart.
    """
    if verdict not in VERDICTS:
        raise ImvoError(f"verdict {verdict!r} is not one of {', '.join(VERDICTS)}", field="verdict")
    with transaction.atomic():
        review = MatchReview.objects.select_for_update().get(pk=review.pk)
        if review.status != ReviewStatus.OPEN:
            raise ImvoError(
                f"review {review.pk} was already decided ({review.get_status_display()})",
                field="verdict",
            )
        if review.row_id is not None:
            _row_review_decide(review, verdict, facility, user)
        else:
            _pair_review_decide(review, verdict, user)
        if review.status != ReviewStatus.OPEN:
            review.decided_by = user
            review.decided_at = timezone.now()
        review.save()
    return review


def _candidate_facility(review: MatchReview, facility: Facility | None) -> Facility:
    if facility is not None:
        return facility_resolve(facility.facility_id)
    if not review.candidates:
        raise ImvoError(
            f"review {review.pk} has no candidate left; name a facility", field="facility"
        )
    return facility_resolve(review.candidates[0]["facility_id"])


def _row_review_decide(
    review: MatchReview, verdict: str, facility: Facility | None, user: User | None
) -> None:
    row = review.row
    assert row is not None
    key = record_key(_record(row))
    supplier_list = row.supplier_list
    if verdict == "confirm":
        chosen = _candidate_facility(review, facility)
        _decision_remember(key, chosen, Verdict.CONFIRMED, review, user)
        _row_link(row, chosen, outcome=RowOutcome.MATCHED)
        review.status = ReviewStatus.CONFIRMED
        supplier_list.matched_count += 1
    else:
        if verdict == "reject":
            ruled_out = [_candidate_facility(review, facility)]
        else:
            ruled_out = [facility_resolve(c["facility_id"]) for c in review.candidates]
        for candidate in ruled_out:
            _decision_remember(key, candidate, Verdict.REJECTED, review, user)
        ruled_out_ids = {candidate.facility_id for candidate in ruled_out}
        review.candidates = [
            candidate
            for candidate in review.candidates
            if facility_resolve(candidate["facility_id"]).facility_id not in ruled_out_ids
        ]
        if review.candidates:
            return  # the next candidate is asked about
        (created,) = _facilities_create([row])
        _row_link(row, created, outcome=RowOutcome.NEW)
        review.status = ReviewStatus.NEW if verdict == "new" else ReviewStatus.REJECTED
        supplier_list.new_count += 1
    supplier_list.review_count -= 1
    supplier_list.save(update_fields=["matched_count", "new_count", "review_count"])


def _row_link(row: SupplierRow, facility: Facility, *, outcome: str) -> None:
    """Link a row and its duplicates in the list to a facility, as the secretariat decided."""
    duplicates = list(
        SupplierRow.objects.filter(
            supplier_list=row.supplier_list_id,
            outcome=RowOutcome.DUPLICATE,
            duplicate_of=row.number,
        )
    )
    row.facility = facility
    row.outcome = outcome
    row.method = "secretariat"
    for duplicate in duplicates:
        duplicate.facility = facility
    _aliases_assign([row, *duplicates])
    row.save(update_fields=["facility", "alias", "outcome", "method"])
    for duplicate in duplicates:
        duplicate.save(update_fields=["facility", "alias"])
    _facility_fill(facility, row)
    facility.save()


def _decision_remember(
    key: str,
    facility: Facility,
    verdict: str,
    review: MatchReview | None,
    user: User | None,
) -> None:
    MatchDecision.objects.update_or_create(
        key_digest=hashlib.sha256(key.encode()).hexdigest(),
        facility=facility,
        defaults={
            "record_key": key,
            "verdict": verdict,
            "review": review,
            "decided_by": user,
            "decided_at": timezone.now(),
        },
    )


def _pair_review_decide(review: MatchReview, verdict: str, user: User | None) -> None:
    if verdict == "new":
        raise ImvoError(
            "a pair of facilities is confirmed (merged) or rejected (kept apart)", field="verdict"
        )
    assert review.facility is not None
    first = facility_resolve(review.facility.facility_id)
    second = facility_resolve(review.candidates[0]["facility_id"])
    if first.pk == second.pk:
        review.status = ReviewStatus.CONFIRMED  # merged in the meantime
        return
    if verdict == "confirm":
        older, younger = sorted((first, second), key=lambda facility: facility.pk)
        facility_merge(source=younger, target=older, user=user)
        review.status = ReviewStatus.CONFIRMED
    else:
        _pair_keep_apart(first, second, review, user)
        review.status = ReviewStatus.REJECTED


def _pair_keep_apart(
    first: Facility, second: Facility, review: MatchReview | None, user: User | None
) -> None:
    """Remember that two facilities are not one: the matcher reads a rejected pair of
    facility ids, in either order, that way."""
    _decision_remember(first.facility_id, second, Verdict.REJECTED, review, user)


# --------------------------------------------------------------------------------------------
# Merges and splits
# --------------------------------------------------------------------------------------------


def facility_merge(*, source: Facility, target: Facility, user: User | None = None) -> Facility:
    """Merge `source` into `target`: its names, addresses and rows move over, and its id keeps
    resolving to `target`. Returns the target."""
    with transaction.atomic():
        source = facility_resolve(source.facility_id)
        target = facility_resolve(target.facility_id)
        list(Facility.objects.select_for_update().filter(pk__in=[source.pk, target.pk]))
        if source.pk == target.pk:
            raise ImvoError(
                f"{source.facility_id} and {target.facility_id} are one facility already"
            )
        if source.country != target.country:
            raise ImvoError(
                f"{source.facility_id} lies in {source.country} and {target.facility_id} in "
                f"{target.country}: facilities in two countries are not one place"
            )
        # Keep every old id one step from the facility it stands for now.
        Facility.objects.filter(merged_into=source).update(merged_into=target)
        aliases = FacilityAlias.objects.filter(facility=source).update(facility=target)
        rows = SupplierRow.objects.filter(facility=source).update(facility=target)
        workers = target.workers_band
        _facility_fill(target, source)
        target.workers_band = workers or source.workers_band  # the target's own figure stays
        target.save()
        source.merged_into = target
        source.save(update_fields=["merged_into"])
        _pair_reviews_settle(source, target, user)
        FacilityEvent.objects.create(
            kind=FacilityEventKind.MERGED,
            facility=target,
            other=source,
            detail={"aliases": aliases, "rows": rows},
            user=user,
        )
    return target


def _pair_reviews_settle(source: Facility, target: Facility, user: User | None) -> None:
    """Open pair reviews about the merged facility now ask about the target, or are settled."""
    for review in (
        MatchReview.objects.select_for_update()
        .filter(row__isnull=True, status=ReviewStatus.OPEN)
        .filter(Q(facility=source) | Q(facility=target))
    ):
        assert review.facility is not None
        subject = target if review.facility.pk == source.pk else review.facility
        other = facility_resolve(review.candidates[0]["facility_id"]) if review.candidates else None
        if other is None or other.pk == subject.pk:
            review.status = ReviewStatus.CONFIRMED
            review.decided_by = user
            review.decided_at = timezone.now()
        review.facility = subject
        review.save()


def facility_split(
    *,
    facility: Facility,
    aliases: Iterable[FacilityAlias],
    user: User | None = None,
) -> Facility:
    """Split the given aliases of `facility`, and the rows that reported them, off as a
    facility of their own, and return it.

    When the aliases all came from one facility that was merged into this one, that facility
    is brought back under its old id (the undoing of a wrong merge); otherwise a new facility
    is registered. The split is remembered: rows spelled like the moved aliases go to the new
    facility from now on, never back to this one.
    """
    with transaction.atomic():
        facility = facility_resolve(facility.facility_id)
        chosen = list(
            FacilityAlias.objects.select_for_update()
            .filter(pk__in=[alias.pk for alias in aliases])
            .order_by("pk")
        )
        _split_check(facility, chosen)
        split_off = _split_target(facility, chosen)
        FacilityAlias.objects.filter(pk__in=[alias.pk for alias in chosen]).update(
            facility=split_off
        )
        rows = SupplierRow.objects.filter(alias__in=chosen).update(facility=split_off)
        for moved in (facility, split_off):
            _facility_refresh(moved)
        for alias in chosen:
            key = record_key(_alias_record(alias))
            _decision_remember(key, split_off, Verdict.CONFIRMED, None, user)
            _decision_remember(key, facility, Verdict.REJECTED, None, user)
        FacilityEvent.objects.create(
            kind=FacilityEventKind.SPLIT,
            facility=facility,
            other=split_off,
            detail={"aliases": len(chosen), "rows": rows},
            user=user,
        )
    return split_off


def _split_check(facility: Facility, chosen: list[FacilityAlias]) -> None:
    if not chosen:
        raise ImvoError("name the aliases to split off", field="aliases")
    foreign = [alias.pk for alias in chosen if alias.facility_id != facility.pk]
    if foreign:
        raise ImvoError(
            f"aliases {foreign} do not belong to {facility.facility_id}", field="aliases"
        )
    if len(chosen) >= facility.aliases.count():
        raise ImvoError(
            f"splitting off every alias of {facility.facility_id} would leave it empty",
            field="aliases",
        )
    if len({alias.country for alias in chosen}) > 1:
        raise ImvoError("aliases in two countries cannot be one facility", field="aliases")


def _split_target(facility: Facility, chosen: list[FacilityAlias]) -> Facility:
    origins = {alias.origin_id for alias in chosen}
    if len(origins) == 1:
        origin = Facility.objects.select_for_update().get(pk=origins.pop())
        if origin.merged_into_id == facility.pk:
            origin.merged_into = None
            origin.save(update_fields=["merged_into"])
            return origin
    first = chosen[0]
    row = first.rows.order_by("pk").first() or SupplierRow(
        name=first.name,
        address=first.address,
        city=first.city,
        postal_code=first.postal_code,
        country=first.country,
        latitude=first.latitude,
        longitude=first.longitude,
    )
    (created,) = _facilities_create([row])
    return created


def _facility_refresh(facility: Facility) -> None:
    """Describe a facility afresh from its aliases and rows, the earliest report first."""
    first = facility.aliases.order_by("pk").first()
    if first is None:
        return
    facility.name, facility.address = first.name, first.address
    facility.city, facility.province, facility.postal_code = first.city, "", first.postal_code
    facility.latitude, facility.longitude = first.latitude, first.longitude
    facility.product_types, facility.workers_band = [], ""
    for row in facility.rows.order_by("supplier_list__uploaded_at", "supplier_list", "number"):
        _facility_fill(facility, row)
    facility.save()


# --------------------------------------------------------------------------------------------
# Re-de-duplication of the registry
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Pair:
    older: Facility
    younger: Facility


def facilities_deduplicate(
    *,
    user: User | None = None,
    deduplicator: Deduplicator | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Look for duplicates in the whole registry: merge the sure pairs and open a review for
    each uncertain one (unless one is open already). Returns how many of each.

    The pairs are found in a snapshot of the registry outside any transaction; each is then
    settled in a short transaction of its own against the registry as it is by then (a pair
    that became one facility meanwhile is skipped). `progress(settled, pairs)` follows."""
    chosen = deduplicator if deduplicator is not None else _default_deduplicator()
    summary = {"pairs": 0, "merged": 0, "review": 0, "skipped": 0}
    pairs = chosen(registry_records(), decisions=match_decisions())
    summary["pairs"] = len(pairs)
    for number, found in enumerate(pairs, start=1):
        with transaction.atomic():
            summary[_pair_settle(found, user)] += 1
        if progress is not None:
            progress(number, len(pairs))
    return summary


def _pair_settle(found: DuplicatePair, user: User | None) -> str:
    """Merge a sure pair or open a review for an uncertain one; which of the summary's counts
    it adds to."""
    pair = _pair_live(found.facility_a, found.facility_b)
    if pair is None:
        return "skipped"
    if found.decision == "merge":
        facility_merge(source=pair.younger, target=pair.older, user=user)
        return "merged"
    return "review" if _pair_review_open(pair, found) else "skipped"


def _pair_live(first_id: str, second_id: str) -> _Pair | None:
    """The two facilities as they are now, older first; None when they are one by now."""
    first, second = facility_resolve(first_id), facility_resolve(second_id)
    if first.pk == second.pk:
        return None
    older, younger = sorted((first, second), key=lambda facility: facility.pk)
    return _Pair(older, younger)


def _pair_review_open(pair: _Pair, found: DuplicatePair) -> bool:
    """Open a review of the pair unless one is open already."""
    for review in MatchReview.objects.filter(
        row__isnull=True, status=ReviewStatus.OPEN, facility__in=[pair.older, pair.younger]
    ):
        other = review.candidates[0]["facility_id"] if review.candidates else None
        if other in (pair.older.facility_id, pair.younger.facility_id):
            return False
    MatchReview.objects.create(
        facility=pair.older,
        candidates=[
            {
                "facility_id": pair.younger.facility_id,
                "probability": found.probability,
                "evidence": [
                    {"field": item.field, "level": item.level, "detail": item.detail}
                    for item in found.evidence
                ],
            }
        ],
    )
    return True
