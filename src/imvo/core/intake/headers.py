"""Which column holds which field: header synonyms in Dutch and English.

Headers are compared after folding: accents removed, case folded, text in brackets dropped
("Country (ISO code)" -> "country"), punctuation and spacing collapsed ("Facility-name*" ->
"facility name"). A caller may map columns itself, as the web upload's column-mapping step does;
its choices come first and the synonyms fill in the rest.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from imvo.core.intake.columns import column_labels
from imvo.core.intake.messages import intake_error

REQUIRED_FIELDS = ("name", "address", "country")
OPTIONAL_FIELDS = (
    "city",
    "province",
    "postal_code",
    "latitude",
    "longitude",
    "product_types",
    "processing_type",
    "workers",
    "parent_company",
    "tier",
)
FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS

# Each field's own name (with "_" read as a space) is a synonym too.
SYNONYMS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "name": (
            "naam",
            "facility name",
            "facility",
            "supplier",
            "supplier name",
            "name of supplier",
            "factory",
            "factory name",
            "name of factory",
            "leverancier",
            "naam leverancier",
            "leveranciersnaam",
            "fabriek",
            "naam fabriek",
            "fabrieksnaam",
            "productielocatie",
            "naam productielocatie",
            "production location",
            "production site",
            "production site name",
            "site name",
            "location name",
            "manufacturer",
            "producent",
            "producer",
        ),
        "address": (
            "adres",
            "street address",
            "full address",
            "facility address",
            "factory address",
            "supplier address",
            "site address",
            "address line 1",
            "adres fabriek",
            "adres leverancier",
            "adres productielocatie",
            "vestigingsadres",
            "straat",
            "straat en huisnummer",
            "street",
        ),
        "country": (
            "land",
            "country code",
            "country name",
            "country region",
            "country of production",
            "production country",
            "landcode",
            "land van productie",
            "productieland",
        ),
        "city": (
            "plaats",
            "stad",
            "town",
            "city town",
            "woonplaats",
            "vestigingsplaats",
            "plaatsnaam",
        ),
        "province": (
            "provincie",
            "state",
            "region",
            "regio",
            "state province",
            "province state",
            "state province region",
        ),
        "postal_code": ("postcode", "post code", "zip", "zip code", "zipcode", "postal"),
        "latitude": ("lat", "breedtegraad"),
        "longitude": ("lng", "lon", "long", "lengtegraad"),
        "product_types": (
            "product type",
            "producttype",
            "producttypes",
            "products",
            "product",
            "producten",
            "product category",
            "product categories",
            "productcategorie",
            "productgroep",
        ),
        "processing_type": (
            "processing",
            "processing types",
            "process",
            "process type",
            "production process",
            "productieproces",
            "bewerking",
            "type bewerking",
        ),
        "workers": (
            "number of workers",
            "aantal werknemers",
            "workers count",
            "worker count",
            "no of workers",
            "nr of workers",
            "number of employees",
            "employees",
            "werknemers",
            "aantal medewerkers",
            "medewerkers",
            "aantal arbeiders",
            "headcount",
        ),
        "parent_company": (
            "moedermaatschappij",
            "moederbedrijf",
            "parent",
            "parent company name",
            "holding",
            "group",
            "concern",
        ),
        "tier": ("tier level", "supply chain tier", "ketenschakel", "schakel"),
    }
)

_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")


def fold_header(text: str) -> str:
    """A header as it is compared: "Naam (fabriek)*" -> "naam", "Postal-Code" -> "postal code"."""
    without_brackets = _BRACKETED.sub(" ", text)
    if without_brackets.strip():
        text = without_brackets
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_ALPHANUMERIC.sub(" ", letters).strip()


def _lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for field in FIELDS:
        for synonym in (field.replace("_", " "), *SYNONYMS.get(field, ())):
            folded = fold_header(synonym)
            if lookup.setdefault(folded, field) != field:
                raise ValueError(f"header synonym {synonym!r} names two fields")
    return lookup


_LOOKUP = _lookup()


# Headers as most lists write them, stripped and case-folded: a fast first filter over rows.
PLAIN_HEADERS = frozenset(_LOOKUP)


def field_for_header(text: str) -> str | None:
    """The canonical field a header names, or None."""
    return _LOOKUP.get(fold_header(text))


def header_score(cells: Sequence[str]) -> tuple[int, int]:
    """How well a row reads as the list's header: (required fields, all fields) its cells name.

    Each field counts once, however many cells name it. A title ("Supplier list 2024") or a
    data row scores (0, 0), since a header must name a field outright, not merely mention it.
    """
    found = {field for field in map(field_for_header, cells) if field is not None}
    return len(found.intersection(REQUIRED_FIELDS)), len(found)


@dataclass(frozen=True)
class HeaderMapping:
    """Which column (0-based index) holds each field, and what could not be placed.

    `labels` names every column (see `columns.column_labels`); `unknown` lists the labels of
    columns that hold no field (their values are kept as raw values all the same); `ignored`
    those a caller said to leave out; `missing` the required fields that no column holds.
    """

    fields: Mapping[str, int]
    labels: tuple[str, ...]
    unknown: tuple[str, ...]
    ignored: tuple[str, ...]
    missing: tuple[str, ...]

    def column(self, field: str) -> str | None:
        """The label of the column that holds `field`, if any."""
        index = self.fields.get(field)
        return None if index is None else self.labels[index]


ExplicitMapping = Mapping[str | int, str | None]


def map_headers(header: Sequence[str], explicit: ExplicitMapping | None = None) -> HeaderMapping:
    """Place the fields in the columns of `header`.

    `explicit` maps a column (its 0-based index, label or header text) to a field (canonical
    name or a synonym), or to None to leave the column out. Two columns for one field are an
    error that names both.
    """
    labels = column_labels(header)
    chosen: dict[int, str | None] = {}
    for key, value in (explicit or {}).items():
        index = _column_index(key, header, labels)
        chosen[index] = _explicit_field(value, labels[index])

    fields: dict[str, int] = {}
    for index, field in sorted(chosen.items()):
        if field is not None:
            _place(fields, field, index, labels)
    explicit_fields = set(fields)
    for index, text in enumerate(header):
        field = field_for_header(text)
        if index in chosen or field is None or field in explicit_fields:
            continue  # the caller's choice wins over a synonym
        _place(fields, field, index, labels)
    mapped = set(fields.values())
    return HeaderMapping(
        fields=MappingProxyType(dict(sorted(fields.items(), key=lambda item: item[1]))),
        labels=labels,
        unknown=tuple(
            label
            for index, label in enumerate(labels)
            if index not in mapped and chosen.get(index, "") is not None
        ),
        ignored=tuple(labels[index] for index, field in sorted(chosen.items()) if field is None),
        missing=tuple(field for field in REQUIRED_FIELDS if field not in fields),
    )


def _place(fields: dict[str, int], field: str, index: int, labels: tuple[str, ...]) -> None:
    if field in fields:
        first, second = labels[fields[field]], labels[index]
        raise intake_error(
            "mapping.two_columns", field=field, first=repr(first), second=repr(second)
        )
    fields[field] = index


def _column_index(key: str | int, header: Sequence[str], labels: tuple[str, ...]) -> int:
    if isinstance(key, int) and not isinstance(key, bool):
        if 0 <= key < len(labels):
            return key
        raise intake_error("mapping.no_column_number", field=str(key), column=str(key))
    text = " ".join(str(key).split())
    if text in labels:
        return labels.index(text)
    matches = [index for index, name in enumerate(header) if " ".join(name.split()) == text]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise intake_error(
            "mapping.ambiguous_column",
            field=text,
            column=repr(text),
            labels=", ".join(repr(labels[index]) for index in matches),
        )
    raise intake_error("mapping.no_column", field=text, column=repr(text))


def _explicit_field(value: str | None, label: str) -> str | None:
    if value is None or not value.strip():
        return None
    if value in FIELDS:
        return value
    field = field_for_header(value)
    if field is None:
        raise intake_error(
            "mapping.unknown_field",
            field=label,
            column=repr(label),
            value=repr(value),
            choices=", ".join(FIELDS),
        )
    return field
