"""The shipped reference data says what the sources say, and broken files are refused with an
error that names the file and the record."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imvo.core.errors import ImvoError
from imvo.core.reference import (
    MAX_FILE_BYTES,
    CovenantRecord,
    ReferenceData,
    default_reference_dir,
    load_reference_dir,
    reference_digest,
)

DEBATE = date(2018, 3, 6)
SECTORS = [
    "construction",
    "chemicals",
    "retail",
    "energy",
    "financial",
    "wholesale",
    "wood",
    "paper",
    "agriculture",
    "metal-electronics",
    "oil-gas",
    "textile",
    "food",
]
COVENANTS = [
    "coal",
    "textile",
    "banking",
    "plant-proteins",
    "forestry",
    "gold",
    "food-products",
    "insurance",
    "pension-funds",
    "natural-stone",
    "floriculture",
    "metal",
    "renewable-energy",
]
CORE_THEMES = {"child-labour", "gender", "living-wage", "freedom-of-association", "land-rights"}
SEED = "kamerstuk-26485-258"


@pytest.fixture(scope="module")
def shipped() -> ReferenceData:
    return load_reference_dir(default_reference_dir())


@pytest.fixture
def reference_copy(tmp_path: Path) -> Path:
    """A copy of the shipped YAML files to break."""
    target = tmp_path / "reference"
    shutil.copytree(
        default_reference_dir(),
        target,
        ignore=shutil.ignore_patterns("*.py", "__pycache__", "*.md"),
    )
    return target


def edit(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file.name}"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def covenant(data: ReferenceData, slug: str) -> CovenantRecord:
    return next(c for c in data.covenants if c.slug == slug)


def status_on(record: CovenantRecord, day: date) -> str | None:
    current = None
    for change in record.status_changes:
        if change.on <= day:
            current = change.status
    return current


def text_level_on(record: CovenantRecord, theme: str, day: date) -> str:
    claims = [
        c
        for c in record.themes
        if c.theme == theme and c.basis == "text" and (c.since is None or c.since <= day)
    ]
    return max(claims, key=lambda c: c.since or date.min).level if claims else "none"


# --- The shipped data -------------------------------------------------------------------------


def test_every_shipped_file_loads_and_the_digest_covers_what_was_read(shipped):
    assert shipped.digest == reference_digest(default_reference_dir())
    assert len(shipped.sources) >= 10


def test_default_reference_dir_is_the_package_folder():
    folder = default_reference_dir()
    assert folder.name == "reference"
    assert (folder / "sectors.yaml").is_file()
    assert (folder / "covenants" / "textile.yaml").is_file()


def test_there_are_exactly_the_thirteen_risk_sectors_in_kpmg_order(shipped):
    assert [s.slug for s in shipped.sectors] == SECTORS
    assert [s.position for s in shipped.sectors] == list(range(1, 14))
    assert {s.source for s in shipped.sectors} == {"kpmg-2014"}
    wood, paper = (next(s for s in shipped.sectors if s.slug == slug) for slug in ("wood", "paper"))
    assert "two" in wood.note and "two" in paper.note


def test_there_are_exactly_the_thirteen_covenants(shipped):
    assert sorted(c.slug for c in shipped.covenants) == sorted(COVENANTS)


def test_the_five_core_themes_are_marked_core(shipped):
    assert {t.slug for t in shipped.themes if t.core} == CORE_THEMES
    assert {
        "forced-labour",
        "health-safety",
        "raw-materials",
        "water-chemicals-energy",
        "animal-welfare",
    } <= {t.slug for t in shipped.themes if not t.core}


def test_textile_was_signed_on_4_july_2016_and_coal_outside_the_ser_process(shipped):
    textile = covenant(shipped, "textile")
    assert (textile.status_changes[0].status, textile.status_changes[0].on) == (
        "signed",
        date(2016, 7, 4),
    )
    assert textile.ser_process is True
    assert textile.sectors == ("textile",)
    coal = covenant(shipped, "coal")
    assert coal.ser_process is False
    assert coal.status_changes[0].on == date(2014, 11, 17)


def test_on_the_debate_day_the_statuses_match_the_seed(shipped):
    status = {c.slug: status_on(c, DEBATE) for c in shipped.covenants}
    ser = {c.slug: c.ser_process for c in shipped.covenants}
    signed_ser = {slug for slug, s in status.items() if s == "signed" and ser[slug]}
    assert signed_ser == {"textile", "banking", "plant-proteins", "forestry", "gold"}
    assert status["coal"] == "signed" and not ser["coal"]
    negotiating = {slug for slug, s in status.items() if s == "negotiating"}
    assert negotiating == {"natural-stone", "food-products", "insurance", "floriculture"}
    assert {slug for slug, s in status.items() if s == "planned"} == {"metal", "pension-funds"}
    assert status["renewable-energy"] is None


def test_negotiations_and_plans_dated_at_the_debate_are_marked_uncertain(shipped):
    for record in shipped.covenants:
        for change in record.status_changes:
            if change.status in ("planned", "negotiating"):
                assert change.on <= DEBATE
                assert change.confidence == "uncertain", record.slug
                assert change.note


def test_closures_are_dated_and_inferred_ends_say_so(shipped):
    def last(slug):
        change = covenant(shipped, slug).status_changes[-1]
        return change.status, change.on, change.confidence

    assert last("plant-proteins") == ("terminated", date(2019, 3, 19), "confirmed")
    assert last("banking") == ("ended", date(2020, 7, 13), "uncertain")
    assert last("textile")[:2] == ("ended", date(2021, 12, 31))
    assert last("floriculture")[:2] == ("ended", date(2022, 9, 22))
    assert last("coal")[0] == "ended" and last("coal")[2] == "uncertain"
    assert last("renewable-energy")[0] == "signed"


def test_textile_targets_run_from_a_third_to_half_in_2018_and_four_fifths_in_2020(shipped):
    targets = {(t.deadline, t.target_value): t for t in covenant(shipped, "textile").targets}
    assert set(targets) == {(date(2018, 12, 31), 0.5), (date(2020, 12, 31), 0.8)}
    for target in targets.values():
        assert target.metric == "market_share"
        assert target.baseline_on == date(2016, 7, 4)
        assert target.baseline_value == pytest.approx(1 / 3, abs=0.001)


def test_textile_observations_keep_published_ranges_with_their_midpoint(shipped):
    observed = {(o.on, o.metric): o for o in covenant(shipped, "textile").observations}
    assert observed[date(2016, 7, 4), "companies"].value == 55
    share_2018 = observed[date(2018, 12, 31), "market_share"]
    assert share_2018.value == pytest.approx(0.48)
    brands = observed[date(2018, 12, 31), "brands"]
    assert (brands.value, brands.low, brands.high) == (92.5, 92, 93)
    july = observed[date(2018, 7, 1), "market_share"]
    assert (july.low, july.high) == (0.42, 0.45)
    assert july.value == pytest.approx(0.435), "the file gives no value: the midpoint"
    share_2019 = observed[date(2019, 12, 31), "market_share"]
    assert (share_2019.value, share_2019.low, share_2019.high) == (0.425, 0.40, 0.45)
    assert observed[date(2019, 12, 31), "companies"].value == 57


def test_banking_counted_thirteen_banks(shipped):
    observed = {(o.on, o.metric): o.value for o in covenant(shipped, "banking").observations}
    assert observed[date(2016, 10, 28), "companies"] == 13


def test_no_company_is_listed_as_a_party_so_published_figures_are_not_overridden(shipped):
    assert all(o.kind != "company" for o in shipped.organisations)


def test_parties_join_on_the_signing_date_by_default(shipped):
    banking = covenant(shipped, "banking")
    assert {(p.organisation, p.joined_on) for p in banking.parties} == {
        ("nvb", date(2016, 10, 28)),
        ("dutch-government", date(2016, 10, 28)),
    }


def test_debate_statements_are_kept_beside_the_covenant_texts(shipped):
    def claims(slug, theme):
        return {
            (c.basis, c.level, c.since, c.source)
            for c in covenant(shipped, slug).themes
            if c.theme == theme
        }

    textile_wage = claims("textile", "living-wage")
    assert ("statement", "none", DEBATE, SEED) in textile_wage
    assert ("text", "goal", date(2016, 7, 4), "agt-covenant-text") in textile_wage
    assert ("text", "mandatory", date(2021, 1, 1), "imvoconvenanten") in textile_wage
    for slug in ("banking", "plant-proteins", "forestry"):
        assert ("statement", "none", DEBATE, SEED) in claims(slug, "child-labour"), slug
    for slug in ("textile", "gold"):
        assert ("statement", "mentioned", DEBATE, SEED) in claims(slug, "child-labour"), slug
    banking = covenant(shipped, "banking")
    for theme in ("child-labour", "freedom-of-association", "land-rights"):
        assert text_level_on(banking, theme, DEBATE) != "none", theme


def test_textile_covers_its_nine_themes_by_its_text(shipped):
    textile = covenant(shipped, "textile")
    nine = {
        "gender",
        "child-labour",
        "forced-labour",
        "freedom-of-association",
        "living-wage",
        "health-safety",
        "raw-materials",
        "water-chemicals-energy",
        "animal-welfare",
    }
    assert {t for t in nine if text_level_on(textile, t, DEBATE) != "none"} == nine


def test_on_the_debate_day_the_other_signed_covenants_lack_core_themes(shipped):
    lacking = {
        (record.slug, theme)
        for record in shipped.covenants
        if record.ser_process and status_on(record, DEBATE) == "signed"
        for theme in ("child-labour", "gender", "living-wage")
        if text_level_on(record, theme, DEBATE) == "none"
    }
    assert {slug for slug, _ in lacking} == {"banking", "plant-proteins", "forestry", "gold"}
    assert ("banking", "living-wage") in lacking
    assert ("gold", "gender") in lacking


def test_a_covenant_lists_every_source_its_records_cite(shipped):
    for record in shipped.covenants:
        cited = {record.source}
        for group in (
            record.status_changes,
            record.parties,
            record.observations,
            record.targets,
            record.themes,
        ):
            cited |= {r.source for r in group}
        assert cited <= set(record.sources), record.slug
        assert record.sources[0] == record.source


# --- The digest -------------------------------------------------------------------------------


def test_digest_changes_with_content_and_not_with_file_times(reference_copy):
    before = reference_digest(reference_copy)
    sectors = reference_copy / "sectors.yaml"
    os.utime(sectors, (0, 0))
    assert reference_digest(reference_copy) == before
    edit(sectors, "name_en: Wood", "name_en: Timber")
    assert reference_digest(reference_copy) != before


def test_digest_changes_when_a_covenant_file_is_added(reference_copy):
    before = reference_digest(reference_copy)
    shutil.copy(reference_copy / "covenants" / "coal.yaml", reference_copy / "covenants" / "x.yaml")
    assert reference_digest(reference_copy) != before


# --- Broken files -----------------------------------------------------------------------------

TEXTILE = "covenants/textile.yaml"


def _replace(name: str, old: str, new: str) -> Callable[[Path], None]:
    return lambda root: edit(root / name, old, new)


def _write(name: str, content: bytes) -> Callable[[Path], None]:
    return lambda root: (root / name).write_bytes(content)


BROKEN = {
    "bad YAML syntax": (
        _replace(TEXTILE, "short_name: Textile", "short_name: [Textile"),
        "covenants/textile.yaml: line 5, column 8: invalid YAML: expected ',' or ']', but got ':'",
    ),
    "unknown sector": (
        _replace(TEXTILE, "sectors: [textile]", "sectors: [textiles]"),
        "covenants/textile.yaml: sectors[0]: unknown sector 'textiles'; define it in sectors.yaml",
    ),
    "bad date": (
        _replace(TEXTILE, "deadline: 2018-12-31", "deadline: 2018-13-01"),
        "covenants/textile.yaml: targets[0].deadline: invalid date '2018-13-01'; "
        "expected YYYY-MM-DD",
    ),
    "date in another format": (
        _replace(TEXTILE, "date: 2016-07-04", "date: 4-7-2016"),
        "covenants/textile.yaml: status_changes[0].date: invalid date '4-7-2016'; "
        "expected YYYY-MM-DD",
    ),
    "source key not in sources.yaml": (
        _replace(
            TEXTILE,
            "    source: agt-covenant-text\n    note: 80%",
            "    source: nope\n    note: 80%",
        ),
        "covenants/textile.yaml: targets[1].source: unknown source 'nope'; "
        "define it in sources.yaml",
    ),
    "record without a source": (
        _replace(
            "sectors.yaml",
            "name_en: Wood\n    position: 7\n    source: kpmg-2014\n",
            "name_en: Wood\n    position: 7\n",
        ),
        "sectors.yaml: sectors[wood].source: required field is missing",
    ),
    "duplicate slug": (
        _replace("sectors.yaml", "slug: paper", "slug: wood"),
        "sectors.yaml: sectors[7].slug: duplicate slug 'wood' (also sectors[6])",
    ),
    "value outside low and high": (
        _replace(TEXTILE, "value: 92.5", "value: 94"),
        "covenants/textile.yaml: observations[6].value: value 94.0 is above high 93.0",
    ),
    "low above high": (
        _replace(TEXTILE, "low: 0.42\n    high: 0.45", "low: 0.45\n    high: 0.42"),
        "covenants/textile.yaml: observations[5].low: low 0.45 is above high 0.42",
    ),
    "market share given as a percentage": (
        _replace(TEXTILE, "value: 0.48", "value: 48"),
        "covenants/textile.yaml: observations[7].value: a market share is a fraction between "
        "0 and 1 (0.48 is 48%), not 48.0",
    ),
    "a list instead of a mapping": (
        _write("themes.yaml", b"- child-labour\n- gender\n"),
        "themes.yaml: document: expected a mapping of fields at the top level, found a list",
    ),
    "an empty file": (
        _write("organisations.yaml", b""),
        "organisations.yaml: document: expected a mapping of fields at the top level, "
        "found an empty document",
    ),
    "a huge file": (
        _write("organisations.yaml", b"# padding\n" * (MAX_FILE_BYTES // 10 + 1)),
        f"organisations.yaml: file is too large: {(MAX_FILE_BYTES // 10 + 1) * 10:,} bytes, "
        f"the limit is {MAX_FILE_BYTES:,}",
    ),
    "not UTF-8": (
        _write("organisations.yaml", "organisations: []\n# Caf\u00e9\n".encode("latin-1")),
        "organisations.yaml: not UTF-8 text (byte 24 cannot be decoded)",
    ),
    "unknown field": (
        _replace(TEXTILE, "ser_process: true", "ser_process: true\nser_proces: true"),
        "covenants/textile.yaml: ser_proces: unknown field (misspelt?)",
    ),
    "duplicate key": (
        _replace(TEXTILE, "ser_process: true", "ser_process: true\nser_process: false"),
        "covenants/textile.yaml: line 7, column 1: invalid YAML: found duplicate key 'ser_process'",
    ),
    "YAML alias": (
        _replace(TEXTILE, "short_name: Textile", "short_name: &name Textile\nwebsite: *name"),
        "covenants/textile.yaml: line 5, column 10: invalid YAML: anchors and aliases are not "
        "allowed",
    ),
    "yes instead of true": (
        _replace(TEXTILE, "ser_process: true", "ser_process: yes"),
        "covenants/textile.yaml: ser_process: expected true or false, found text",
    ),
    "uncertain without a note": (
        _replace(
            "covenants/coal.yaml",
            "    confidence: uncertain\n    note: The covenant reported until 2018; "
            "the end date is an inference.\n",
            "    confidence: uncertain\n",
        ),
        "covenants/coal.yaml: status_changes[1].note: an uncertain record needs a note saying why",
    ),
    "status going back": (
        _replace("covenants/coal.yaml", "status: ended", "status: negotiating"),
        "covenants/coal.yaml: status_changes[1].status: 'negotiating' on 2018-12-31 cannot "
        "follow 'signed' on 2014-11-17",
    ),
    "status changes out of date order": (
        _replace("covenants/coal.yaml", "date: 2018-12-31", "date: 2013-12-31"),
        "covenants/coal.yaml: status_changes[1].date: status changes must be in date order: "
        "2013-12-31 comes before 2014-11-17 (signed)",
    ),
    "unknown theme": (
        _replace(TEXTILE, "theme: gender", "theme: gendr"),
        "covenants/textile.yaml: themes[0].theme: unknown theme 'gendr'; define it in themes.yaml",
    ),
    "unknown organisation": (
        _replace("covenants/banking.yaml", "organisation: nvb", "organisation: abn-amro"),
        "covenants/banking.yaml: parties[0].organisation: unknown organisation 'abn-amro'; "
        "define it in organisations.yaml",
    ),
    "party leaving before it joined": (
        _replace(
            "covenants/banking.yaml",
            "organisation: nvb\n",
            "organisation: nvb\n    left_on: 2015-01-01\n",
        ),
        "covenants/banking.yaml: parties[0].left_on: left on 2015-01-01 before joining on "
        "2016-10-28",
    ),
    "unknown level": (
        _replace(TEXTILE, "level: goal", "level: partly"),
        "covenants/textile.yaml: themes[0].level: invalid value 'partly'; expected 'none', "
        "'mentioned', 'goal' or 'mandatory'",
    ),
    "file named after another slug": (
        lambda root: (root / TEXTILE).rename(root / "covenants" / "garments.yaml"),
        "covenants/garments.yaml: slug: slug 'textile' does not match the file name; name the "
        "file covenants/textile.yaml",
    ),
    "misspelt file name": (
        lambda root: (root / "sectors.yaml").rename(root / "sector.yaml"),
        "sector.yaml: unexpected reference file; expected sources.yaml, sectors.yaml, "
        "themes.yaml, organisations.yaml, markets.yaml and covenants/<slug>.yaml",
    ),
    "missing file": (
        lambda root: (root / "themes.yaml").unlink(),
        "themes.yaml: required reference file is missing",
    ),
    "invalid slug": (
        _replace("sectors.yaml", "slug: paper", "slug: Paper"),
        "sectors.yaml: sectors[7].slug: invalid slug 'Paper': use lowercase letters, digits and "
        "single hyphens",
    ),
    "empty name": (
        _replace(TEXTILE, "short_name: Textile", "short_name: ''"),
        "covenants/textile.yaml: short_name: must not be empty",
    ),
    "text too long for the database": (
        _replace(TEXTILE, "short_name: Textile", "short_name: " + "T" * 61),
        "covenants/textile.yaml: short_name: too long: at most 60 characters",
    ),
    "target deadline before its baseline": (
        _replace(TEXTILE, "deadline: 2018-12-31", "deadline: 2016-01-01"),
        "covenants/textile.yaml: targets[0].deadline: deadline 2016-01-01 must come after the "
        "baseline date 2016-07-04",
    ),
    "range without a value or both bounds": (
        _replace(TEXTILE, "    low: 0.42\n    high: 0.45\n", "    low: 0.42\n"),
        "covenants/textile.yaml: observations[5].value: required: give value, or low and high",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN), ids=list(BROKEN))
def test_a_broken_file_is_refused_naming_the_file_and_the_record(reference_copy, case):
    breaks, expected = BROKEN[case]
    breaks(reference_copy)
    with pytest.raises(ImvoError) as raised:
        load_reference_dir(reference_copy)
    assert str(raised.value) == expected


def test_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(ImvoError, match="reference folder not found"):
        load_reference_dir(tmp_path / "nowhere")
    with pytest.raises(ImvoError, match="reference folder not found"):
        reference_digest(tmp_path / "nowhere")


def test_files_other_than_yaml_are_ignored(reference_copy):
    (reference_copy / "NOTES.txt").write_text("not data", encoding="utf-8")
    (reference_copy / "covenants" / "README.md").write_text("# covenants", encoding="utf-8")
    assert len(load_reference_dir(reference_copy).covenants) == 13


# --- Properties -------------------------------------------------------------------------------

MINIMAL = {
    "sources.yaml": "sources:\n  - {key: src, title: A source, publisher: Someone}\n",
    "sectors.yaml": "sectors:\n  - {slug: textile, name_nl: Textiel, name_en: Textile, "
    "source: src}\n",
    "themes.yaml": "themes:\n  - {slug: child-labour, name_nl: Kinderarbeid, "
    "name_en: Child labour, core: true, source: src}\n",
    "organisations.yaml": "organisations: []\n",
}
COVENANT = """\
slug: demo
name_nl: Demo
name_en: Demo
short_name: Demo
sectors: [textile]
ser_process: true
source: src
status_changes:
  - {{status: signed, date: 2016-07-04, source: src}}
observations:
  - {{date: 2018-12-31, metric: brands, source: src{fields}}}
"""


def load_minimal(covenant_text: str | bytes) -> ReferenceData:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name, text in MINIMAL.items():
            (root / name).write_text(text, encoding="utf-8")
        (root / "covenants").mkdir()
        content = covenant_text.encode() if isinstance(covenant_text, str) else covenant_text
        (root / "covenants" / "demo.yaml").write_bytes(content)
        return load_reference_dir(root)


def test_the_minimal_reference_loads():
    data = load_minimal(COVENANT.format(fields=", value: 3"))
    assert data.covenants[0].observations[0].value == 3


amounts = st.floats(min_value=0, max_value=1e6, allow_nan=False) | st.none()


@settings(max_examples=60, deadline=None)
@given(low=amounts, value=amounts, high=amounts)
def test_an_observation_loads_exactly_when_its_range_is_consistent(low, value, high):
    given_fields = {"low": low, "value": value, "high": high}
    fields = "".join(f", {k}: {v!r}" for k, v in given_fields.items() if v is not None)
    consistent = (
        (low is None or high is None or low <= high)
        and (value is not None or (low is not None and high is not None))
        and (value is None or low is None or low <= value)
        and (value is None or high is None or value <= high)
    )
    if not consistent:
        with pytest.raises(ImvoError, match=r"covenants/demo\.yaml: observations\[0\]\."):
            load_minimal(COVENANT.format(fields=fields))
        return
    observation = load_minimal(COVENANT.format(fields=fields)).covenants[0].observations[0]
    expected = value if value is not None else (low + high) / 2
    assert observation.value == pytest.approx(expected)
    assert (observation.low, observation.high) == (low, high)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_any_covenant_file_content_either_loads_or_raises_imvo_error(content):
    try:
        load_minimal(content)
    except ImvoError as error:
        assert str(error).startswith("covenants/demo.yaml")


@settings(max_examples=80, deadline=None)
@given(text=st.text(alphabet="0123456789-/ T:x", min_size=1, max_size=12))
def test_a_date_loads_only_when_it_is_a_real_yyyy_mm_dd_date(text):
    document = COVENANT.format(fields=", value: 1").replace(
        "date: 2018-12-31", f"date: {text!r}".replace("'", '"')
    )
    try:
        real = date.fromisoformat(text) if len(text) == 10 and text[4] == "-" else None
    except ValueError:
        real = None
    if real is None:
        with pytest.raises(ImvoError, match=r"observations\[0\]\.date: invalid date"):
            load_minimal(document)
    else:
        assert load_minimal(document).covenants[0].observations[0].on == real


def test_the_strict_parsing_leaves_pyyaml_safe_loading_alone():
    load_reference_dir(default_reference_dir())
    assert yaml.safe_load("a: on\nb: 2018-03-06") == {"a": True, "b": date(2018, 3, 6)}


def test_numbers_may_be_written_with_an_exponent():
    data = load_minimal(COVENANT.format(fields=", value: 1e2"))
    assert data.covenants[0].observations[0].value == 100
