"""Checking every row of a supplier list and cleaning its fields.

A row is accepted when every field it has is valid, and rejected otherwise; every problem of
every row is reported, not only the first. What counts as valid:

- name, address and country are required. Empty cells, and placeholders such as "-", "n/a",
  "unknown" or "onbekend", count as empty in every field.
- country goes through the `country_code` callable given (an unknown country is an error, never
  a guess) and is kept as its ISO 3166-1 alpha-2 code.
- latitude and longitude are decimal degrees, with a decimal point or comma, optionally a degree
  sign and a hemisphere letter ("51.92 N", "4,47E", "-33.9"); both or neither; latitude within
  -90..90 and longitude within -180..180; 0, 0 is refused as the mark of an export that wrote
  zero for "unknown".
- workers is a whole number of people, or a band. Accepted: "1200", "1,200", "1.200", "1 200"
  (a separator before exactly three digits groups thousands), "1200.0", "ca. 1200", "1200
  workers"; a band "500-1000" (also with an en dash, "500 to 1000", "500 tot 1000") is kept as
  its bounds; "1000+" is open-ended. Refused: fractions ("12.5"), negative numbers, words, and
  more than a million (a typo rather than a factory).
- tier is a digit, optionally after "tier" or "T" and before a description: "2", "Tier 1",
  "T2", "tier 1 (CMT)".
- product types are split on commas, semicolons, pipes and line breaks, duplicates dropped.
- every text is trimmed, with runs of spaces and line breaks made one space.

Rows that are part of the sheet but not of the list are rejected with a reason that says so:
a totals row ("Total", "Totaal", "Grand total: 123": a total word first, and no other text
than numbers), a note row (a single cell that starts like a note, "Source: ...", "Last updated
...", "NB ...", anywhere; and below the list, a row with text in its first cell only), and the
header repeated (a row naming two fields or more, as a header does).

Within the list, rows with the same name, address and country after a simple fold (case,
accents, punctuation and spacing ignored) are reported as duplicates of the first such row;
they are still accepted, since the matching step links them to one facility anyway.
"""

from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeVar

from imvo.core.errors import ImvoError
from imvo.core.intake.files import RawRow, RawTable
from imvo.core.intake.headers import PLAIN_HEADERS, HeaderMapping, header_score
from imvo.core.intake.messages import (
    CodedValueError,
    Param,
    Params,
    intake_error,
    message_text,
)

_T = TypeVar("_T")
_NOT_WORD = re.compile(r"[\W_]+")
MAX_WORKERS = 1_000_000
PLACEHOLDERS = frozenset(
    {"-", "--", "---", "?", "n/a", "na", "n.a.", "nvt", "n.v.t.", "none", "null", "unknown"}
    | {"onbekend", "geen", "x"}
)


@dataclass(frozen=True)
class WorkerCount:
    """Number of workers: exact (`low == high`), a band, or open-ended (`high` is None)."""

    low: int
    high: int | None

    @property
    def exact(self) -> bool:
        return self.low == self.high

    def __str__(self) -> str:
        if self.high is None:
            return f"{self.low}+"
        return str(self.low) if self.exact else f"{self.low}-{self.high}"


@dataclass(frozen=True)
class SupplierRow:
    """An accepted row: its number, its raw values by column label, and its cleaned fields."""

    number: int
    raw: Mapping[str, str]
    name: str
    address: str
    country: str
    city: str | None = None
    province: str | None = None
    postal_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    product_types: tuple[str, ...] = ()
    processing_type: str | None = None
    workers: WorkerCount | None = None
    parent_company: str | None = None
    tier: int | None = None


@dataclass(frozen=True)
class RowError:
    """One problem with one field of one row.

    `message` is the English text; `code` and `params` name it for a translation (see
    `imvo.core.intake.messages`). Errors compare by row, field and message, which the code and
    parameters determine.
    """

    row: int
    field: str
    message: str
    code: str = dataclasses.field(default="", compare=False)
    params: Params = dataclasses.field(default=(), compare=False)


@dataclass(frozen=True)
class Duplicate:
    """A row that repeats an earlier row of the same list."""

    row: int
    duplicate_of: int
    reason: str


@dataclass(frozen=True)
class IntakeResult:
    """The outcome of checking a list: `rows == len(accepted) + len(rejected_rows)` always."""

    rows: int
    accepted: tuple[SupplierRow, ...]
    errors: tuple[RowError, ...]
    rejected_rows: tuple[int, ...]
    duplicates: tuple[Duplicate, ...]


CountryCode = Callable[[str], str]


def validate_rows(
    table: RawTable, mapping: HeaderMapping, *, country_code: CountryCode
) -> IntakeResult:
    """Check and clean every row of `table`, whose columns `mapping` places.

    Raises ImvoError when the mapping lacks a required field or does not fit the table: then no
    row could be accepted, and the column-mapping step must be done first.
    """
    if len(mapping.labels) != len(table.header):
        raise intake_error("mapping.other_table", file=table.filename)
    if mapping.missing:
        raise intake_error(
            "mapping.missing",
            file=table.filename,
            row=table.header_row,
            field=mapping.missing[0],
            fields=",".join(mapping.missing),
            columns=", ".join(repr(label) for label in mapping.labels),
        )
    accepted: list[SupplierRow] = []
    errors: list[RowError] = []
    rejected: list[int] = []
    filled = [sum(1 for value in row.values if value and not value.isspace()) for row in table.rows]
    last_of_list = max((index for index, count in enumerate(filled) if count > 1), default=None)
    header = frozenset(cell.strip().casefold() for cell in table.header if cell.strip())
    quick = header | PLAIN_HEADERS
    for index, row in enumerate(table.rows):
        below = last_of_list is not None and index > last_of_list
        layout = layout_error(
            row, below_list=below, header_row=table.header_row, header=header, quick=quick
        )
        if layout is not None:
            errors.append(layout)
            rejected.append(row.number)
            continue
        checked = _RowCheck(row, mapping, country_code)
        supplier = checked.result()
        if supplier is None:
            errors.extend(checked.errors)
            rejected.append(row.number)
        else:
            accepted.append(supplier)
    return IntakeResult(
        rows=len(table.rows),
        accepted=tuple(accepted),
        errors=tuple(errors),
        rejected_rows=tuple(rejected),
        duplicates=_duplicates(accepted),
    )


_TOTALS = re.compile(
    r"(?:grand |sub |eind |overall )?(?:sub)?(?:total|totals|totaal|totaal generaal|sum|som"
    r"|summe|gesamt|total general)(?![a-z])(.*)"
)
_NOTE = re.compile(
    r"(?:source|sources|bron|bronnen|note|notes|nb|n b|opmerking|opmerkingen|remark|remarks"
    r"|comment|comments|toelichting|disclaimer|last updated|updated|laatst bijgewerkt"
    r"|bijgewerkt|prepared by|opgesteld door|compiled by|copyright|page \d+|pagina \d+"
    r"|generated|exported|printed|as of|status per|date of|datum)(?![a-z])"
)
_NOTE_MARKS = ("*", "\u00a9", "\u2020", "(c) ")  # a footnote star, ©, †
_TOTALS_START = re.compile(r"\W*(?:grand|sub|eind|overall|tota|sum|som|gesamt)", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")
_SHOWN_CHARS = 80


def layout_error(
    row: RawRow,
    *,
    below_list: bool,
    header_row: int,
    header: frozenset[str] = frozenset(),
    quick: frozenset[str] = PLAIN_HEADERS,
) -> RowError | None:
    """The reason a row is not a facility but part of the sheet around the list, if it is one.

    `below_list` says the row lies below the last row that fills more than one cell; `header`
    holds the header's cells, stripped and case-folded, to know the header repeated; `quick`
    the texts that make a row worth that test (the header's cells and the plain synonyms).
    """
    filled = [(index, value.strip()) for index, value in enumerate(row.values) if value.strip()]
    if not filled:
        return None
    first_index, first = filled[0]
    if _TOTALS_START.match(first) or len(filled) == 1:  # the rest cannot be a total or a note
        folded = fold(first)
        shown = repr(first if len(first) <= _SHOWN_CHARS else first[: _SHOWN_CHARS - 3] + "...")
        totals = _TOTALS.fullmatch(folded)
        if (
            totals is not None
            and (not _LETTER.search(totals.group(1)) or any(c.isdigit() for c in totals.group(1)))
            and not any(_LETTER.search(value) for _, value in filled[1:])
        ):
            return _layout("row.totals", row.number, value=shown)
        if len(filled) == 1 and (
            _NOTE.match(folded)
            or first.startswith(_NOTE_MARKS)
            or (below_list and first_index == 0)
        ):
            return _layout("row.note", row.number, value=shown)
    if len(filled) > 1:
        cells = [value.casefold() for _, value in filled]
        if any(cell in quick for cell in cells) and (
            sum(1 for cell in cells if cell in header) >= 2 or header_score(row.values)[1] >= 2
        ):
            return _layout("row.header", row.number, header=header_row)
    return None


def _layout(code: str, number: int, **params: Param) -> RowError:
    values = tuple(sorted(params.items()))
    return RowError(number, "", message_text(code, values), code, values)


def fold(text: str) -> str:
    """A simple matching key: case, accents, punctuation and spacing ignored."""
    letters = text.casefold()
    if not letters.isascii():
        decomposed = unicodedata.normalize("NFKD", letters)
        letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(_NOT_WORD.sub(" ", letters).split())


def clean_text(value: str) -> str | None:
    """The value trimmed, its spacing collapsed, or None when it is empty or a placeholder."""
    text = " ".join((value if value.isascii() else unicodedata.normalize("NFC", value)).split())
    if not text or text.casefold() in PLACEHOLDERS:
        return None
    return text


@dataclass
class _RowCheck:
    row: RawRow
    mapping: HeaderMapping
    country_code: CountryCode
    errors: list[RowError] = field(default_factory=list)
    _texts: dict[str, str | None] = field(default_factory=dict)

    def result(self) -> SupplierRow | None:
        name = self._required("name")
        address = self._required("address")
        country = self._country()
        latitude, longitude = self._coordinates()
        workers = self._parsed("workers", parse_workers)
        tier = self._parsed("tier", parse_tier)
        if self.errors or name is None or address is None or country is None:
            return None
        return SupplierRow(
            number=self.row.number,
            raw=MappingProxyType(dict(zip(self.mapping.labels, self.row.values, strict=True))),
            name=name,
            address=address,
            country=country,
            city=self._text("city"),
            province=self._text("province"),
            postal_code=self._text("postal_code"),
            latitude=latitude,
            longitude=longitude,
            product_types=split_product_types(self._value("product_types")),
            processing_type=self._text("processing_type"),
            workers=workers,
            parent_company=self._text("parent_company"),
            tier=tier,
        )

    def _value(self, name: str) -> str:
        index = self.mapping.fields.get(name)
        return "" if index is None else self.row.values[index]

    def _text(self, name: str) -> str | None:
        if name not in self._texts:
            self._texts[name] = clean_text(self._value(name))
        return self._texts[name]

    def _error(self, name: str, code: str, params: Mapping[str, Param] | None = None) -> None:
        values = tuple(sorted((params or {}).items()))
        message = message_text(code, values)
        self.errors.append(RowError(self.row.number, name, message, code, values))

    def _required(self, name: str) -> str | None:
        text = self._text(name)
        if text is None:
            self._error(name, "row.empty", {"field": name})
        return text

    def _country(self) -> str | None:
        text = self._required("country")
        if text is None:
            return None
        try:
            return self.country_code(text)
        except ImvoError as exc:
            if exc.code is None:  # a country_code of the caller's own, without codes
                self.errors.append(RowError(self.row.number, "country", exc.message))
            else:
                self._error("country", exc.code, exc.params)
            return None

    def _parsed(self, name: str, parse: Callable[[str], _T]) -> _T | None:
        text = self._text(name)
        if text is None:
            return None
        try:
            return parse(text)
        except CodedValueError as exc:
            self._error(name, exc.code, exc.params)
            return None

    def _coordinates(self) -> tuple[float | None, float | None]:
        latitude = self._parsed("latitude", parse_latitude)
        longitude = self._parsed("longitude", parse_longitude)
        has_latitude = self._text("latitude") is not None
        has_longitude = self._text("longitude") is not None
        if has_latitude and not has_longitude:
            self._error("longitude", "row.longitude_missing")
        elif has_longitude and not has_latitude:
            self._error("latitude", "row.latitude_missing")
        elif latitude == 0 and longitude == 0:
            self._error("latitude", "row.zero_location")
        return latitude, longitude


_COORDINATE = re.compile(r"([NSEWnsew]?)\s*([+-]?)\s*(\d{1,3}(?:[.,]\d+)?)\s*°?\s*([NSEWnsew]?)")


def parse_latitude(text: str) -> float:
    """Decimal degrees north, -90..90; raises ValueError with a message for the user."""
    return _coordinate(text, "latitude", 90, "NS")


def parse_longitude(text: str) -> float:
    """Decimal degrees east, -180..180; raises ValueError with a message for the user."""
    return _coordinate(text, "longitude", 180, "EW")


def _coordinate(text: str, name: str, bound: int, hemispheres: str) -> float:
    match = _COORDINATE.fullmatch(text.replace("\u2212", "-").strip())
    if match is None:
        raise CodedValueError("coordinate.not_number", field=name, value=repr(text))
    before, sign, number, after = match.groups()
    if before and after:
        raise CodedValueError("coordinate.hemisphere_twice", field=name, value=repr(text))
    hemisphere = (before or after).upper()
    if hemisphere and hemisphere not in hemispheres:
        raise CodedValueError(
            "coordinate.wrong_hemisphere",
            field=name,
            value=repr(text),
            hemisphere=hemisphere,
            first=hemispheres[0],
            second=hemispheres[1],
        )
    value = float(number.replace(",", "."))
    if sign == "-" or hemisphere in ("S", "W"):
        value = -value
    if not math.isfinite(value) or not -bound <= value <= bound:
        raise CodedValueError("coordinate.out_of_range", field=name, value=repr(text), bound=bound)
    return value


_QUALIFIER = r"(?:about|approx\.?|approximately|around|ca\.?|circa|ongeveer|±|~|\+/-)?"
_UNIT = r"(?:workers?|employees?|people|persons?|werknemers?|medewerkers?|fte)?"
_SEPARATORS = ".,' \u2019\u00a0\u202f"  # the thousands separators seen in lists
_NUMBER = rf"\d[\d{_SEPARATORS}]*"
_WORKERS_SINGLE = re.compile(rf"{_QUALIFIER}\s*({_NUMBER})\s*(\+?)\s*{_UNIT}")
_WORKERS_BAND = re.compile(
    rf"{_QUALIFIER}\s*({_NUMBER})\s*(?:-|\u2013|\u2014|to|tot|t/m)\s*({_NUMBER})\s*{_UNIT}"
)
_GROUPED = re.compile(rf"\d{{1,3}}([{_SEPARATORS}])\d{{3}}(?:\1\d{{3}})*")
_DECIMAL_ZEROS = re.compile(r"[.,]00?$")


def parse_workers(text: str) -> WorkerCount:
    """A number of workers or a band of them; raises ValueError with a message for the user."""
    folded = text.casefold().strip()
    band = _WORKERS_BAND.fullmatch(folded)
    if band is not None:
        low, high = _whole_number(band.group(1), text), _whole_number(band.group(2), text)
        if low > high:
            raise CodedValueError("workers.band_reversed", value=repr(text))
        return _bounded(WorkerCount(low, high), text)
    single = _WORKERS_SINGLE.fullmatch(folded)
    if single is not None:
        count = _whole_number(single.group(1), text)
        return _bounded(WorkerCount(count, None if single.group(2) else count), text)
    if re.match(r"\s*-\s*\d", folded):
        raise CodedValueError("workers.negative", value=repr(text))
    raise CodedValueError("workers.not_count", value=repr(text))


def _whole_number(digits: str, text: str) -> int:
    number = digits.strip()
    decimal_zeros = _DECIMAL_ZEROS.search(number)
    if decimal_zeros is not None and decimal_zeros.start() > 0:
        number = number[: decimal_zeros.start()]  # "1200.0", "1.200,00"
    if number.isdigit():
        return int(number)
    if _GROUPED.fullmatch(number):
        return int(re.sub(r"\D", "", number))
    raise CodedValueError("workers.not_whole", value=repr(text))


def _bounded(count: WorkerCount, text: str) -> WorkerCount:
    if max(count.low, count.high or 0) > MAX_WORKERS:
        raise CodedValueError("workers.too_many", value=repr(text), limit=MAX_WORKERS)
    return count


_TIER = re.compile(r"(?:tier|t|niveau|schakel)?\s*[-_:#.]?\s*(\d)(?:\D.*)?", re.DOTALL)


def parse_tier(text: str) -> int:
    """A supply-chain tier 0..9; raises ValueError with a message for the user."""
    match = _TIER.fullmatch(text.casefold().strip())
    if match is None:
        raise CodedValueError("tier.not_tier", value=repr(text))
    return int(match.group(1))


_PRODUCT_SEPARATORS = re.compile(r"[,;|\n]+")


def split_product_types(value: str) -> tuple[str, ...]:
    """Product types from one cell, in order, each once."""
    seen: set[str] = set()
    types = []
    for part in _PRODUCT_SEPARATORS.split(value):
        text = clean_text(part)
        if text is not None and text.casefold() not in seen:
            seen.add(text.casefold())
            types.append(text)
    return tuple(types)


def _duplicates(accepted: list[SupplierRow]) -> tuple[Duplicate, ...]:
    first: dict[tuple[str, str, str], int] = {}
    found = []
    for row in accepted:
        key = (fold(row.name), fold(row.address), row.country)
        if key in first:
            found.append(
                Duplicate(
                    row.number,
                    first[key],
                    f"same name, address and country as row {first[key]}",
                )
            )
        else:
            first[key] = row.number
    return tuple(found)
