"""Placing the fields in the columns: Dutch and English synonyms, and the caller's own mapping."""

from __future__ import annotations

import pytest

from imvo.core.errors import ImvoError
from imvo.core.intake import FIELDS, map_headers
from imvo.core.intake.headers import SYNONYMS, field_for_header, fold_header


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Naam", "name"),
        ("Facility Name", "name"),
        ("Supplier name", "name"),
        ("Leverancier", "name"),
        ("Fabriek", "name"),
        ("Productielocatie", "name"),
        ("Adres", "address"),
        ("Street address", "address"),
        ("Land", "country"),
        ("Country code", "country"),
        ("Country/Region", "country"),
        ("Plaats", "city"),
        ("Town", "city"),
        ("Provincie", "province"),
        ("State/Province", "province"),
        ("Postcode", "postal_code"),
        ("ZIP code", "postal_code"),
        ("Lat.", "latitude"),
        ("lng", "longitude"),
        ("Product type", "product_types"),
        ("Producttype", "product_types"),
        ("Processing type", "processing_type"),
        ("Number of workers", "workers"),
        ("Aantal werknemers", "workers"),
        ("Moedermaatschappij", "parent_company"),
        ("Parent company", "parent_company"),
        ("Tier", "tier"),
    ],
)
def test_dutch_and_english_synonyms_name_their_field(header: str, field: str) -> None:
    assert field_for_header(header) == field


@pytest.mark.parametrize(
    ("header", "folded"),
    [
        ("  FACTORY-Name* ", "factory name"),
        ("Naam (fabriek)", "naam"),
        ("Country [ISO]", "country"),
        ("Straße", "strasse"),
        ("Número de trabajadores", "numero de trabajadores"),
        ("(optional)", "optional"),
    ],
)
def test_headers_fold_case_accents_brackets_and_punctuation(header: str, folded: str) -> None:
    assert fold_header(header) == folded


def test_every_synonym_names_exactly_one_field() -> None:
    for field, synonyms in SYNONYMS.items():
        assert field in FIELDS
        for synonym in synonyms:
            assert field_for_header(synonym) == field, synonym


def test_mapping_places_fields_and_lists_unknown_and_missing_columns() -> None:
    mapping = map_headers(("Naam", "Opmerkingen", "Land", "", "Aantal werknemers"))
    assert dict(mapping.fields) == {"name": 0, "country": 2, "workers": 4}
    assert mapping.unknown == ("Opmerkingen", "column D")
    assert mapping.missing == ("address",)
    assert mapping.column("workers") == "Aantal werknemers"
    assert mapping.column("city") is None


def test_two_columns_for_one_field_are_an_error_naming_both() -> None:
    with pytest.raises(ImvoError, match="'Name' and 'Supplier name' both hold name") as caught:
        map_headers(("Name", "Address", "Supplier name", "Country"))
    assert caught.value.field == "name"


def test_explicit_mapping_by_index_label_or_header_takes_precedence() -> None:
    header = ("Fabriek", "Straat", "Land", "Bedrijf", "")
    mapping = map_headers(header, {1: "address", "Bedrijf": "parent", "column E": "tier"})
    assert dict(mapping.fields) == {
        "name": 0,
        "address": 1,
        "country": 2,
        "parent_company": 3,
        "tier": 4,
    }
    assert mapping.unknown == ()


def test_explicit_mapping_resolves_a_duplicate_by_ignoring_one_column() -> None:
    mapping = map_headers(("Name", "Supplier name", "Address", "Country"), {"Name": None})
    assert mapping.fields["name"] == 1
    assert mapping.ignored == ("Name",)
    assert mapping.unknown == ()


def test_explicit_choice_wins_over_a_synonym_for_the_same_field() -> None:
    mapping = map_headers(("Name", "Trade name", "Address", "Country"), {"Trade name": "name"})
    assert mapping.fields["name"] == 1
    assert mapping.unknown == ("Name",)


def test_explicit_mapping_of_two_columns_to_one_field_is_an_error() -> None:
    with pytest.raises(ImvoError, match="both hold address"):
        map_headers(("A", "B", "C"), {"A": "address", "B": "address"})


@pytest.mark.parametrize(
    ("explicit", "message"),
    [
        ({"Nope": "name"}, "no column 'Nope'"),
        ({7: "name"}, "no column number 7"),
        ({"A": "colour"}, "cannot hold 'colour'"),
    ],
)
def test_explicit_mapping_errors_name_the_problem(
    explicit: dict[str | int, str | None], message: str
) -> None:
    with pytest.raises(ImvoError, match=message):
        map_headers(("A", "B"), explicit)


def test_explicit_mapping_by_an_ambiguous_header_asks_for_the_label() -> None:
    with pytest.raises(ImvoError, match=r"'Notes \(column A\)', 'Notes \(column B\)'"):
        map_headers(("Notes", "Notes"), {"Notes": "name"})
