import doctest

import pycountry
import pytest
from hypothesis import given
from hypothesis import strategies as st

from imvo.core import countries
from imvo.core.countries import ALIASES, AMBIGUOUS, country_code, country_name
from imvo.core.errors import ImvoError

ALL_CODES = sorted(country.alpha_2 for country in pycountry.countries)


def test_docstring_examples_hold():
    assert doctest.testmod(countries).failed == 0


@pytest.mark.parametrize(
    ("value", "code"),
    [
        # codes, in any case
        ("CN", "CN"),
        ("cn", "CN"),
        ("CHN", "CN"),
        ("chn", "CN"),
        ("vnm", "VN"),
        ("TUR", "TR"),
        # the brief's list of spellings
        ("China", "CN"),
        ("CHINA", "CN"),
        ("PRC", "CN"),
        ("P.R.C.", "CN"),
        ("P.R. China", "CN"),
        ("People's Republic of China", "CN"),
        ("Peoples Republic of China", "CN"),
        ("China, People's Republic of", "CN"),
        ("Volksrepubliek China", "CN"),
        ("Viet Nam", "VN"),
        ("Vietnam", "VN"),
        ("Việt Nam", "VN"),
        ("Socialist Republic of Vietnam", "VN"),
        ("Türkiye", "TR"),
        ("Turkiye", "TR"),
        ("TÜRKİYE", "TR"),
        ("Turkey", "TR"),
        ("Turkije", "TR"),
        ("Bangladesh", "BD"),
        ("Bangla Desh", "BD"),
        ("People's Republic of Bangladesh", "BD"),
        ("India", "IN"),
        ("Bharat", "IN"),
        ("Pakistan", "PK"),
        ("Islamic Republic of Pakistan", "PK"),
        ("Indonesia", "ID"),
        ("Indonesië", "ID"),
        ("Portugal", "PT"),
        ("Portuguese Republic", "PT"),
        ("Cambodia", "KH"),
        ("Cambodja", "KH"),
        ("Kampuchea", "KH"),
        ("Myanmar", "MM"),
        ("Burma", "MM"),
        ("Sri Lanka", "LK"),
        ("South Korea", "KR"),
        ("Korea, Republic of", "KR"),
        ("Republic of Korea", "KR"),
        ("Korea, Rep.", "KR"),
        ("Korea (South)", "KR"),
        ("Zuid-Korea", "KR"),
        ("Taiwan", "TW"),
        ("Taiwan, Province of China", "TW"),
        ("Taiwan (R.O.C.)", "TW"),
        ("Hong Kong", "HK"),
        ("Hongkong", "HK"),
        ("Hong Kong SAR, China", "HK"),
        ("Macau", "MO"),
        ("Macao", "MO"),
        ("UK", "GB"),
        ("U.K.", "GB"),
        ("Great Britain", "GB"),
        ("England", "GB"),
        ("United Kingdom", "GB"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("United States", "US"),
        ("United States of America", "US"),
        ("the United States", "US"),
        ("Netherlands", "NL"),
        ("The Netherlands", "NL"),
        ("Nederland", "NL"),
        ("Holland", "NL"),
        ("Germany", "DE"),
        ("Duitsland", "DE"),
        ("Deutschland", "DE"),
        ("Ivory Coast", "CI"),
        ("Côte d'Ivoire", "CI"),
        ("Cote D’Ivoire", "CI"),
        ("Ivoorkust", "CI"),
        ("Czechia", "CZ"),
        ("Czech Republic", "CZ"),
        ("Eswatini", "SZ"),
        ("Swaziland", "SZ"),
        ("North Macedonia", "MK"),
        ("Macedonia", "MK"),
        ("Noord-Macedonië", "MK"),
        # abbreviations and world-bank style
        ("St. Lucia", "LC"),
        ("Bosnia & Herzegovina", "BA"),
        ("Bosnia-Herzegovina", "BA"),
        ("Egypt, Arab Rep.", "EG"),
        ("Iran, Islamic Rep.", "IR"),
        ("Gambia, The", "GM"),
        ("Congo, Dem. Rep.", "CD"),
        ("Democratic Republic of the Congo", "CD"),
        ("Republic of the Congo", "CG"),
        ("Lao PDR", "LA"),
        # other languages suppliers write in
        ("Chine", "CN"),
        ("Türkei", "TR"),
        ("España", "ES"),
        ("Italia", "IT"),
        ("中国", "CN"),
        ("🇨🇳", "CN"),
        # qualifiers that agree with the country
        ("China (PRC)", "CN"),
        ("China (mainland)", "CN"),
        ("VN - Vietnam", "VN"),
        ("Taiwan / ROC", "TW"),
        # stray spaces and punctuation
        ("  china  ", "CN"),
        ("china.", "CN"),
        ("\tINDIA\n", "IN"),
    ],
)
def test_country_code_reads_common_spellings(value, code):
    assert country_code(value) == code


@pytest.mark.parametrize("code", ALL_CODES)
def test_country_code_reads_every_iso_code_and_name(code):
    country = pycountry.countries.get(alpha_2=code)
    assert country_code(code.lower()) == code
    assert country_code(country.alpha_3) == code
    assert country_code(country_name(code)) == code
    assert country_code(country_name(code, "nl")) == code


@pytest.mark.parametrize("alias", sorted(ALIASES))
def test_country_code_reads_every_alias(alias):
    assert country_code(alias) == ALIASES[alias]


@pytest.mark.parametrize("value", ["Chin", "Chian", "Xyz", "Dongguan", "Asia", "Europe", "EU"])
def test_country_code_refuses_to_guess(value):
    with pytest.raises(ImvoError) as raised:
        country_code(value)
    assert raised.value.message == f"unknown country '{value}'"
    assert raised.value.field == "country"


@pytest.mark.parametrize("value", sorted(AMBIGUOUS))
def test_country_code_refuses_a_name_of_two_countries(value):
    with pytest.raises(ImvoError, match="ambiguous country") as raised:
        country_code(value)
    assert raised.value.field == "country"
    for code in AMBIGUOUS[value]:
        assert code in raised.value.message


def test_country_code_refuses_korea_without_north_or_south():
    with pytest.raises(ImvoError, match=r"KP \(North Korea\) or KR \(South Korea\)"):
        country_code("KOREA")


@pytest.mark.parametrize(
    "value", ["Georgia (USA)", "China / Taiwan", "Hong Kong - China (PRC) - UK"]
)
def test_country_code_refuses_qualifiers_that_name_another_country(value):
    with pytest.raises(ImvoError, match="unknown country"):
        country_code(value)


def test_country_code_refuses_qualifiers_it_does_not_know():
    with pytest.raises(ImvoError, match="unknown country"):
        country_code("India (Tamil Nadu)")


@pytest.mark.parametrize("value", ["N/A", "n.a.", "#N/A"])
def test_country_code_does_not_read_not_applicable_as_namibia(value):
    with pytest.raises(ImvoError, match="unknown country"):
        country_code(value)
    assert country_code("NA") == "NA"


@pytest.mark.parametrize("value", ["", "   ", "--", "?"])
def test_country_code_refuses_an_empty_value(value):
    with pytest.raises(ImvoError, match="country is empty"):
        country_code(value)


def test_country_code_shortens_a_long_value_in_its_message():
    with pytest.raises(ImvoError) as raised:
        country_code("x" * 10_000)
    assert len(raised.value.message) < 100


@given(st.text(st.characters(exclude_categories=["Cs"]), max_size=80))
def test_country_code_returns_a_known_code_or_raises_imvo_error(value):
    try:
        code = country_code(value)
    except ImvoError as error:
        assert error.field == "country"
    else:
        assert code in ALL_CODES


@given(st.sampled_from(ALL_CODES), st.sampled_from(["", " ", "  ", "."]))
def test_country_code_ignores_case_and_surrounding_punctuation(code, padding):
    name = country_name(code)
    assert country_code(f"{padding}{name.upper()}{padding}") == code
    assert country_code(f"{padding}{name.lower()}{padding}") == code


@pytest.mark.parametrize(
    ("code", "language", "name"),
    [
        ("CN", "en", "China"),
        ("VN", "en", "Vietnam"),
        ("KR", "en", "South Korea"),
        ("TW", "en", "Taiwan"),
        ("TR", "en", "Türkiye"),
        ("NL", "en", "Netherlands"),
        ("NL", "nl", "Nederland"),
        ("TR", "nl", "Turkije"),
        ("KR", "nl", "Zuid-Korea"),
        ("KR", "nl-NL", "Zuid-Korea"),
        ("DE", "nl_BE", "Duitsland"),
        ("CI", "nl", "Ivoorkust"),
        ("DE", "de", "Deutschland"),
        ("cn", "en", "China"),
        ("CG", "en", "Republic of the Congo"),
    ],
)
def test_country_name_in_english_and_dutch(code, language, name):
    assert country_name(code, language) == name


@pytest.mark.parametrize("language", ["xx", "klingon", "../../etc", ""])
def test_country_name_falls_back_to_english_for_unknown_languages(language):
    assert country_name("DE", language) == "Germany"


@pytest.mark.parametrize("code", ["XX", "CHN", "", "China"])
def test_country_name_refuses_an_unknown_code(code):
    with pytest.raises(ImvoError, match="unknown country code") as raised:
        country_name(code)
    assert raised.value.field == "country"
