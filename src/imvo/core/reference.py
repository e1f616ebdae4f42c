"""The shipped reference data: read the YAML files, validate them, return frozen records.

A reference folder holds (see `src/imvo/reference/README.md` for the fields):

    sources.yaml              sources: the publications every record cites, by key
    sectors.yaml              sectors: the risk sectors (KPMG 2014)
    themes.yaml               themes: due-diligence themes; `core: true` for the core five
    organisations.yaml        organisations: known parties (not companies' confidential data)
    markets.yaml              estimates: sector market sizes per year (optional file)
    covenants/<slug>.yaml     one covenant: status changes, parties, observations (published
                              aggregates), targets and theme-coverage claims

Parsing is strict on purpose, because people edit these files by hand: dates are `YYYY-MM-DD`
text (YAML 1.1 would silently turn `2018-13-01` into an exception and `no` into False), only
`true`/`false` are booleans, unknown fields, duplicate keys and YAML aliases are errors. The
first problem raises an `ImvoError` naming the file and the record, e.g.
`covenants/textile.yaml: targets[0].deadline: invalid date '2018-13-01'`.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from imvo.core.errors import ImvoError

MAX_FILE_BYTES = 1_048_576  # the largest shipped file is a few kilobytes

SOURCES_FILE = "sources.yaml"
SECTORS_FILE = "sectors.yaml"
THEMES_FILE = "themes.yaml"
ORGANISATIONS_FILE = "organisations.yaml"
MARKETS_FILE = "markets.yaml"  # optional
COVENANTS_DIR = "covenants"
REQUIRED_FILES = (SOURCES_FILE, SECTORS_FILE, THEMES_FILE, ORGANISATIONS_FILE)
TOP_LEVEL_FILES = (*REQUIRED_FILES, MARKETS_FILE)
YAML_SUFFIXES = (".yaml", ".yml")

Confidence = Literal["confirmed", "uncertain"]
CovenantStatus = Literal["planned", "negotiating", "signed", "ended", "terminated"]
OrganisationKind = Literal["company", "business_association", "union", "ngo", "government", "other"]
Metric = Literal["companies", "brands", "market_share", "parties"]
MarketMeasure = Literal["turnover", "assets"]
CoverageLevel = Literal["none", "mentioned", "goal", "mandatory"]
ClaimBasis = Literal["text", "statement"]

# Later statuses cannot be followed by earlier ones; ended and terminated both close a covenant.
STATUS_RANK: Mapping[str, int] = {
    "planned": 0,
    "negotiating": 1,
    "signed": 2,
    "ended": 3,
    "terminated": 3,
}


# --- The records ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRecord:
    """A publication that reference facts rest on."""

    key: str
    title: str
    publisher: str
    url: str
    published_on: date | None
    note: str


@dataclass(frozen=True)
class SectorRecord:
    """A risk sector."""

    slug: str
    name_nl: str
    name_en: str
    position: int
    source: str
    confidence: Confidence
    note: str


@dataclass(frozen=True)
class ThemeRecord:
    """A due-diligence theme; `core` themes should be covered by every covenant."""

    slug: str
    name_nl: str
    name_en: str
    core: bool
    position: int
    source: str
    confidence: Confidence
    note: str


@dataclass(frozen=True)
class OrganisationRecord:
    """A known party to one or more covenants."""

    slug: str
    name: str
    kind: OrganisationKind
    sector: str | None
    source: str
    confidence: Confidence
    note: str


@dataclass(frozen=True)
class StatusRecord:
    """From `on`, the covenant had `status`."""

    status: CovenantStatus
    on: date
    source: str
    confidence: Confidence
    note: str


@dataclass(frozen=True)
class PartyRecord:
    """An organisation took part from `joined_on` (the signing date unless the file says
    otherwise) until `left_on`."""

    organisation: str
    joined_on: date
    left_on: date | None
    source: str
    confidence: Confidence
    note: str


@dataclass(frozen=True)
class ObservationRecord:
    """A published aggregate; a range keeps `low` and `high`, `value` is their midpoint unless
    the file gives it."""

    on: date
    metric: Metric
    value: float
    low: float | None
    high: float | None
    source: str
    confidence: Confidence
    note: str


@dataclass(frozen=True)
class TargetRecord:
    """From the baseline (nulmeting) on `baseline_on` to `target_value` by `deadline`."""

    metric: Metric
    baseline_value: float
    baseline_on: date
    target_value: float
    deadline: date
    source: str
    confidence: Confidence
    note: str


@dataclass(frozen=True)
class ThemeClaimRecord:
    """A claim that the covenant covers `theme` at `level` from `since` (None: from the start);
    `basis` says whether the covenant text says so or someone else did."""

    theme: str
    level: CoverageLevel
    since: date | None
    basis: ClaimBasis
    source: str
    confidence: Confidence
    note: str


@dataclass(frozen=True)
class MarketRecord:
    """The market a covenant's market share is measured against."""

    sector: str
    segment: str
    measure: MarketMeasure


@dataclass(frozen=True)
class CovenantRecord:
    """One covenant with everything the reference data knows about it."""

    slug: str
    name_nl: str
    name_en: str
    short_name: str
    sectors: tuple[str, ...]
    ser_process: bool
    ends_on: date | None
    market: MarketRecord | None
    website: str
    source: str
    sources: tuple[str, ...]  # every source the covenant's records cite, its own first
    confidence: Confidence
    note: str
    status_changes: tuple[StatusRecord, ...]
    parties: tuple[PartyRecord, ...]
    observations: tuple[ObservationRecord, ...]
    targets: tuple[TargetRecord, ...]
    themes: tuple[ThemeClaimRecord, ...]


@dataclass(frozen=True)
class MarketEstimateRecord:
    """The size of a sector's Dutch market in a year, in euros."""

    sector: str
    segment: str
    year: int
    measure: MarketMeasure
    amount_eur: int
    source: str
    confidence: Confidence
    note: str


@dataclass(frozen=True)
class ReferenceData:
    """Everything in a reference folder, validated, with the digest of the files read."""

    sources: tuple[SourceRecord, ...]
    sectors: tuple[SectorRecord, ...]
    themes: tuple[ThemeRecord, ...]
    organisations: tuple[OrganisationRecord, ...]
    covenants: tuple[CovenantRecord, ...]
    market_estimates: tuple[MarketEstimateRecord, ...]
    digest: str


# --- Public functions -------------------------------------------------------------------------


def default_reference_dir() -> Path:
    """The reference folder shipped inside the `imvo.reference` package."""
    return Path(str(files("imvo.reference")))


def reference_digest(path: Path) -> str:
    """A sha256 over the names and contents of the reference files in `path`."""
    hasher = hashlib.sha256()
    for name, file in _data_files(path):
        _hash_header(hasher, name, file.stat().st_size)
        with file.open("rb") as stream:
            for chunk in iter(lambda: stream.read(65536), b""):
                hasher.update(chunk)
    return hasher.hexdigest()


def load_reference_dir(path: Path) -> ReferenceData:
    """Read and validate every reference file in `path`; raise ImvoError at the first problem."""
    hasher = hashlib.sha256()
    documents: dict[str, dict[str, Any]] = {}
    for name, file in _data_files(path):
        content = _read_file(file, name)
        _hash_header(hasher, name, len(content))
        hasher.update(content)
        documents[name] = _parse_yaml(content, name)

    sources = _validated(_SourcesFile, documents[SOURCES_FILE], SOURCES_FILE).sources
    _unique((s.key for s in sources), "sources", "key", SOURCES_FILE)
    known = _Known(sources={s.key for s in sources})

    sectors = _validated(_SectorsFile, documents[SECTORS_FILE], SECTORS_FILE).sectors
    _unique((s.slug for s in sectors), "sectors", "slug", SECTORS_FILE)
    known.sectors = {s.slug for s in sectors}
    for sector in sectors:
        known.check_sourced(sector, _Where(SECTORS_FILE, f"sectors[{sector.slug}]"))

    themes = _validated(_ThemesFile, documents[THEMES_FILE], THEMES_FILE).themes
    _unique((t.slug for t in themes), "themes", "slug", THEMES_FILE)
    known.themes = {t.slug for t in themes}
    for theme in themes:
        known.check_sourced(theme, _Where(THEMES_FILE, f"themes[{theme.slug}]"))

    organisations = _validated(
        _OrganisationsFile, documents[ORGANISATIONS_FILE], ORGANISATIONS_FILE
    ).organisations
    _unique((o.slug for o in organisations), "organisations", "slug", ORGANISATIONS_FILE)
    known.organisations = {o.slug for o in organisations}
    for organisation in organisations:
        where = _Where(ORGANISATIONS_FILE, f"organisations[{organisation.slug}]")
        known.check_sourced(organisation, where)
        if organisation.sector is not None:
            known.check_sector(organisation.sector, where.field("sector"))

    estimates = _market_estimates(documents.get(MARKETS_FILE), known)
    covenants = _covenants(documents, known)

    # Without a position, records keep their order in the file.
    return ReferenceData(
        sources=tuple(SourceRecord(**s.model_dump()) for s in sources),
        sectors=tuple(
            SectorRecord(**_fields(s, position=index + 1 if s.position is None else s.position))
            for index, s in enumerate(sectors)
        ),
        themes=tuple(
            ThemeRecord(**_fields(t, position=index + 1 if t.position is None else t.position))
            for index, t in enumerate(themes)
        ),
        organisations=tuple(OrganisationRecord(**o.model_dump()) for o in organisations),
        covenants=covenants,
        market_estimates=estimates,
        digest=hasher.hexdigest(),
    )


# --- Files and YAML ---------------------------------------------------------------------------


def _data_files(path: Path) -> list[tuple[str, Path]]:
    """The reference files in `path` by relative name, sorted; unexpected YAML files are errors
    (a misspelt `sector.yaml` must not be skipped silently), other files are ignored."""
    if not path.is_dir():
        raise ImvoError("reference folder not found", file=str(path))
    found: dict[str, Path] = {}
    for file in path.iterdir():
        if file.is_file() and file.suffix in YAML_SUFFIXES:
            if file.name not in TOP_LEVEL_FILES:
                raise ImvoError(
                    "unexpected reference file; expected "
                    + ", ".join(TOP_LEVEL_FILES)
                    + f" and {COVENANTS_DIR}/<slug>.yaml",
                    file=file.name,
                )
            found[file.name] = file
    for name in REQUIRED_FILES:
        if name not in found:
            raise ImvoError("required reference file is missing", file=name)
    covenants = path / COVENANTS_DIR
    if not covenants.is_dir():
        raise ImvoError("required folder of covenant files is missing", file=COVENANTS_DIR)
    for file in covenants.iterdir():
        if file.is_file() and file.suffix in YAML_SUFFIXES:
            name = f"{COVENANTS_DIR}/{file.name}"
            if file.suffix != ".yaml":
                raise ImvoError("covenant files end in .yaml", file=name)
            found[name] = file
    return sorted(found.items())


def _hash_header(hasher: Any, name: str, size: int) -> None:
    hasher.update(f"{name}\0{size}\0".encode())


def _read_file(file: Path, name: str) -> bytes:
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImvoError(
                f"file is too large: {size:,} bytes, the limit is {MAX_FILE_BYTES:,}", file=name
            )
        with file.open("rb") as stream:
            content = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise ImvoError(f"cannot read the file: {error.strerror}", file=name) from None
    if len(content) > MAX_FILE_BYTES:  # grew while we read it
        raise ImvoError(f"file is too large: the limit is {MAX_FILE_BYTES:,} bytes", file=name)
    return content


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML, stricter: no aliases (no alias bombs, no hidden sharing), no duplicate keys."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            mark: yaml.error.Mark | None = event.start_mark
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases are not allowed", mark
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping",
                        node.start_mark,
                        f"found duplicate key {key_node.value!r}",
                        key_node.start_mark,
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


# Dates stay text, validated below with a clear message; only true/false are booleans; and, as
# in YAML 1.2, `1e6` is a number (YAML 1.1 wants `1.0e+6`).
_StrictLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)[eE][-+]?[0-9]+$"),
    list("-+.0123456789"),
)


def _parse_yaml(content: bytes, name: str) -> dict[str, Any]:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ImvoError(
            f"not UTF-8 text (byte {error.start + 1} cannot be decoded)", file=name
        ) from None
    try:
        document = yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        row = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        problem = error.problem or error.context or "not valid YAML"
        raise ImvoError(f"invalid YAML: {problem}", file=name, row=row) from None
    except yaml.YAMLError as error:
        raise ImvoError(f"invalid YAML: {error}", file=name) from None
    except RecursionError:
        raise ImvoError("invalid YAML: nested too deeply", file=name) from None
    if not isinstance(document, dict):
        found = "an empty document" if document is None else f"a {_yaml_kind(document)}"
        raise ImvoError(
            f"expected a mapping of fields at the top level, found {found}",
            file=name,
            row="document",
        )
    return document


def _yaml_kind(value: object) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


# --- Field types ------------------------------------------------------------------------------

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")


def _slug(max_length: int) -> AfterValidator:
    def check(value: str) -> str:
        if not _SLUG.match(value):
            raise PydanticCustomError(
                "slug",
                "invalid slug {value}: use lowercase letters, digits and single hyphens",
                {"value": repr(value)},
            )
        if len(value) > max_length:
            raise PydanticCustomError(
                "slug_length",
                "slug {value} is longer than {max_length} characters",
                {"value": repr(value), "max_length": max_length},
            )
        return value

    return AfterValidator(check)


def _iso_date(value: object) -> object:
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        with contextlib.suppress(ValueError):
            return date.fromisoformat(value)
    raise PydanticCustomError(
        "iso_date", "invalid date {value}; expected YYYY-MM-DD", {"value": repr(value)}
    )


def _none_as_empty(value: object) -> object:
    return "" if value is None else value


def _url(value: str) -> str:
    if value and not _URL.match(value):
        raise PydanticCustomError(
            "url", "invalid URL {value}; expected http:// or https://", {"value": repr(value)}
        )
    return value


def _text(max_length: int) -> Any:
    return Field(min_length=1, max_length=max_length)


_Key = Annotated[str, _slug(80)]
_Slug = Annotated[str, _slug(60)]
_OrganisationSlug = Annotated[str, _slug(120)]
_IsoDate = Annotated[date, BeforeValidator(_iso_date)]
_Note = Annotated[str, BeforeValidator(_none_as_empty)]
_Url = Annotated[str, BeforeValidator(_none_as_empty), Field(max_length=500), AfterValidator(_url)]
_Segment = Annotated[str, BeforeValidator(_none_as_empty), Field(max_length=60)]
_Position = Annotated[int, Field(ge=0, le=32767)]


# --- The shape of the files (pydantic, private) -----------------------------------------------


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class _Sourced(_In):
    source: _Key
    confidence: Confidence = "confirmed"
    note: _Note = ""


class _SourceIn(_In):
    key: _Key
    title: Annotated[str, _text(300)]
    publisher: Annotated[str, _text(200)]
    url: _Url = ""
    published_on: _IsoDate | None = None
    note: _Note = ""


class _SectorIn(_Sourced):
    slug: _Slug
    name_nl: Annotated[str, _text(120)]
    name_en: Annotated[str, _text(120)]
    position: _Position | None = None


class _ThemeIn(_Sourced):
    slug: _Slug
    name_nl: Annotated[str, _text(120)]
    name_en: Annotated[str, _text(120)]
    core: bool = False
    position: _Position | None = None


class _OrganisationIn(_Sourced):
    slug: _OrganisationSlug
    name: Annotated[str, _text(200)]
    kind: OrganisationKind
    sector: _Slug | None = None


class _MarketEstimateIn(_Sourced):
    sector: _Slug
    segment: _Segment = ""
    year: Annotated[int, Field(ge=1900, le=2100)]
    measure: MarketMeasure
    amount_eur: Annotated[int, Field(gt=0, lt=10**18)]


class _StatusIn(_Sourced):
    status: CovenantStatus
    date: _IsoDate


class _PartyIn(_Sourced):
    organisation: _OrganisationSlug
    joined_on: _IsoDate | None = None
    left_on: _IsoDate | None = None


class _ObservationIn(_Sourced):
    date: _IsoDate
    metric: Metric
    value: float | None = None
    low: float | None = None
    high: float | None = None


class _TargetIn(_Sourced):
    metric: Metric
    baseline_value: float
    baseline_on: _IsoDate
    target_value: float
    deadline: _IsoDate


class _ThemeClaimIn(_Sourced):
    theme: _Slug
    level: CoverageLevel
    since: _IsoDate | None = None
    basis: ClaimBasis = "text"


class _MarketIn(_In):
    sector: _Slug
    segment: _Segment = ""
    measure: MarketMeasure = "turnover"


class _CovenantIn(_Sourced):
    slug: _Slug
    name_nl: Annotated[str, _text(200)]
    name_en: Annotated[str, _text(200)]
    short_name: Annotated[str, _text(60)]
    sectors: Annotated[list[_Slug], Field(min_length=1)]
    ser_process: bool
    ends_on: _IsoDate | None = None
    market: _MarketIn | None = None
    website: _Url = ""
    sources: list[_Key] = []
    status_changes: Annotated[list[_StatusIn], Field(min_length=1)]
    parties: list[_PartyIn] = []
    observations: list[_ObservationIn] = []
    targets: list[_TargetIn] = []
    themes: list[_ThemeClaimIn] = []


class _SourcesFile(_In):
    sources: list[_SourceIn]


class _SectorsFile(_In):
    sectors: list[_SectorIn]


class _ThemesFile(_In):
    themes: list[_ThemeIn]


class _OrganisationsFile(_In):
    organisations: list[_OrganisationIn]


class _MarketsFile(_In):
    estimates: list[_MarketEstimateIn] = []


_Model = TypeVar("_Model", bound=_In)

# Records in these lists are named by their key in error messages: `sectors[wood].name_en`.
_KEYED_LISTS = {"sources": "key", "sectors": "slug", "themes": "slug", "organisations": "slug"}


def _validated(model: type[_Model], document: dict[str, Any], file: str) -> _Model:
    try:
        return model.model_validate(document)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        raise ImvoError(
            _error_message(first), file=file, row=_error_path(first["loc"], document)
        ) from None


def _error_path(loc: Sequence[str | int], document: Mapping[str, Any]) -> str:
    parts: list[str] = []
    for position, part in enumerate(loc):
        if isinstance(part, int):
            label = str(part)
            if position == 1 and loc[0] in _KEYED_LISTS:
                record = document.get(str(loc[0]), [])[part]
                key = record.get(_KEYED_LISTS[str(loc[0])]) if isinstance(record, dict) else None
                if isinstance(key, str) and _SLUG.match(key):
                    label = key
            parts.append(f"[{label}]")
        else:
            parts.append(f".{part}" if parts else part)
    return "".join(parts) or "document"


_TYPE_MESSAGES = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field (misspelt?)",
    "string_type": "expected text",
    "bool_type": "expected true or false",
    "int_type": "expected a whole number",
    "float_type": "expected a number",
    "finite_number": "expected a finite number",
    "list_type": "expected a list",
    "model_type": "expected a mapping of fields",
    "model_attributes_type": "expected a mapping of fields",
    "dict_type": "expected a mapping of fields",
}


def _error_message(error: ErrorDetails) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    found = error.get("input")
    if kind in _TYPE_MESSAGES:
        message = _TYPE_MESSAGES[kind]
        if kind.endswith("_type"):
            message += f", found {'nothing' if found is None else _yaml_kind(found)}"
        return message
    if kind == "literal_error":
        return f"invalid value {found!r}; expected {ctx.get('expected')}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"too long: at most {ctx.get('max_length')} characters"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s)"
    return error["msg"]


# --- Cross-references and consistency ---------------------------------------------------------


@dataclass(frozen=True)
class _Where:
    """A file and a record path in it, for error messages."""

    file: str
    path: str

    def field(self, name: str) -> _Where:
        return _Where(self.file, f"{self.path}.{name}" if self.path else name)

    def item(self, name: str, index: int) -> _Where:
        prefix = f"{self.path}." if self.path else ""
        return _Where(self.file, f"{prefix}{name}[{index}]")

    def error(self, message: str) -> ImvoError:
        return ImvoError(message, file=self.file, row=self.path or None)


class _Known:
    """The keys defined so far, to check references against."""

    def __init__(self, *, sources: set[str]) -> None:
        self.sources = sources
        self.sectors: set[str] = set()
        self.themes: set[str] = set()
        self.organisations: set[str] = set()

    def check_sourced(self, record: _Sourced, where: _Where) -> None:
        if record.source not in self.sources:
            raise where.field("source").error(
                f"unknown source {record.source!r}; define it in {SOURCES_FILE}"
            )
        if record.confidence == "uncertain" and not record.note.strip():
            raise where.field("note").error("an uncertain record needs a note saying why")

    def check_source_key(self, key: str, where: _Where) -> None:
        if key not in self.sources:
            raise where.error(f"unknown source {key!r}; define it in {SOURCES_FILE}")

    def check_sector(self, slug: str, where: _Where) -> None:
        if slug not in self.sectors:
            raise where.error(f"unknown sector {slug!r}; define it in {SECTORS_FILE}")


def _fields(model: _In, **changes: Any) -> dict[str, Any]:
    """The fields of a validated input model as keyword arguments for its record: renamed and
    computed fields in `changes`, the input-only `date` field dropped."""
    return {**model.model_dump(exclude={"date"}), **changes}


def _unique(keys: Iterable[str], name: str, field: str, file: str) -> None:
    first: dict[str, int] = {}
    for index, key in enumerate(keys):
        if key in first:
            raise ImvoError(
                f"duplicate {field} {key!r} (also {name}[{first[key]}])",
                file=file,
                row=f"{name}[{index}].{field}",
            )
        first[key] = index


def _market_estimates(
    document: dict[str, Any] | None, known: _Known
) -> tuple[MarketEstimateRecord, ...]:
    if document is None:
        return ()
    estimates = _validated(_MarketsFile, document, MARKETS_FILE).estimates
    seen: dict[tuple[str, str, int, str], int] = {}
    records = []
    for index, estimate in enumerate(estimates):
        where = _Where(MARKETS_FILE, f"estimates[{index}]")
        known.check_sourced(estimate, where)
        known.check_sector(estimate.sector, where.field("sector"))
        key = (estimate.sector, estimate.segment, estimate.year, estimate.measure)
        if key in seen:
            raise where.error(
                f"duplicate estimate for {estimate.sector} {estimate.segment or '(whole sector)'} "
                f"{estimate.year} {estimate.measure} (also estimates[{seen[key]}])"
            )
        seen[key] = index
        records.append(MarketEstimateRecord(**estimate.model_dump()))
    return tuple(records)


def _covenants(
    documents: Mapping[str, dict[str, Any]], known: _Known
) -> tuple[CovenantRecord, ...]:
    records = []
    for name, document in documents.items():
        if not name.startswith(f"{COVENANTS_DIR}/"):
            continue
        covenant = _validated(_CovenantIn, document, name)
        stem = name.removeprefix(f"{COVENANTS_DIR}/").removesuffix(".yaml")
        if covenant.slug != stem:
            raise ImvoError(
                f"slug {covenant.slug!r} does not match the file name; "
                f"name the file {COVENANTS_DIR}/{covenant.slug}.yaml",
                file=name,
                row="slug",
            )
        records.append(_covenant(covenant, _Where(name, ""), known))
    return tuple(sorted(records, key=lambda c: c.slug))


def _covenant(covenant: _CovenantIn, where: _Where, known: _Known) -> CovenantRecord:
    known.check_sourced(covenant, where)
    for index, sector in enumerate(covenant.sectors):
        known.check_sector(sector, where.item("sectors", index))
    _unique(covenant.sectors, "sectors", "sector", where.file)
    if covenant.market is not None:
        known.check_sector(covenant.market.sector, where.field("market").field("sector"))
    for index, key in enumerate(covenant.sources):
        known.check_source_key(key, where.item("sources", index))

    status_changes = _status_changes(covenant.status_changes, where, known)
    signed = next((s.on for s in status_changes if s.status == "signed"), None)
    if covenant.ends_on is not None and signed is not None and covenant.ends_on < signed:
        raise where.field("ends_on").error(
            f"ends on {covenant.ends_on} before it was signed on {signed}"
        )
    parties = _parties(covenant.parties, signed, where, known)
    observations = _observations(covenant.observations, where, known)
    targets = _targets(covenant.targets, where, known)
    themes = _theme_claims(covenant.themes, where, known)

    cited = [covenant.source, *covenant.sources]
    for group in (status_changes, parties, observations, targets, themes):
        cited.extend(record.source for record in group)
    market = covenant.market
    return CovenantRecord(
        slug=covenant.slug,
        name_nl=covenant.name_nl,
        name_en=covenant.name_en,
        short_name=covenant.short_name,
        sectors=tuple(covenant.sectors),
        ser_process=covenant.ser_process,
        ends_on=covenant.ends_on,
        market=MarketRecord(market.sector, market.segment, market.measure) if market else None,
        website=covenant.website,
        source=covenant.source,
        sources=tuple(dict.fromkeys(cited)),
        confidence=covenant.confidence,
        note=covenant.note,
        status_changes=status_changes,
        parties=parties,
        observations=observations,
        targets=targets,
        themes=themes,
    )


def _status_changes(
    changes: Sequence[_StatusIn], where: _Where, known: _Known
) -> tuple[StatusRecord, ...]:
    records: list[StatusRecord] = []
    for index, change in enumerate(changes):
        here = where.item("status_changes", index)
        known.check_sourced(change, here)
        if records:
            before = records[-1]
            if change.date < before.on:
                raise here.field("date").error(
                    f"status changes must be in date order: {change.date} comes before "
                    f"{before.on} ({before.status})"
                )
            if STATUS_RANK[change.status] <= STATUS_RANK[before.status]:
                raise here.field("status").error(
                    f"{change.status!r} on {change.date} cannot follow {before.status!r} "
                    f"on {before.on}"
                )
        records.append(StatusRecord(**_fields(change, on=change.date)))
    return tuple(records)


def _parties(
    parties: Sequence[_PartyIn], signed: date | None, where: _Where, known: _Known
) -> tuple[PartyRecord, ...]:
    records: list[PartyRecord] = []
    seen: dict[tuple[str, date], int] = {}
    for index, party in enumerate(parties):
        here = where.item("parties", index)
        known.check_sourced(party, here)
        if party.organisation not in known.organisations:
            raise here.field("organisation").error(
                f"unknown organisation {party.organisation!r}; define it in {ORGANISATIONS_FILE}"
            )
        joined_on = party.joined_on or signed
        if joined_on is None:
            raise here.field("joined_on").error(
                "required: the covenant has no 'signed' status to default to"
            )
        if party.left_on is not None and party.left_on < joined_on:
            raise here.field("left_on").error(
                f"left on {party.left_on} before joining on {joined_on}"
            )
        key = (party.organisation, joined_on)
        if key in seen:
            raise here.error(
                f"{party.organisation!r} joins twice on {joined_on} (also parties[{seen[key]}])"
            )
        seen[key] = index
        records.append(PartyRecord(**_fields(party, joined_on=joined_on)))
    return tuple(records)


def _check_amount(metric: str, number: float, where: _Where, name: str) -> None:
    if metric == "market_share" and not 0.0 <= number <= 1.0:
        raise where.field(name).error(
            f"a market share is a fraction between 0 and 1 (0.48 is 48%), not {number}"
        )
    if number < 0:
        raise where.field(name).error(f"a {metric} figure cannot be negative: {number}")


def _observations(
    observations: Sequence[_ObservationIn], where: _Where, known: _Known
) -> tuple[ObservationRecord, ...]:
    records: list[ObservationRecord] = []
    seen: dict[tuple[date, str], int] = {}
    for index, observation in enumerate(observations):
        here = where.item("observations", index)
        known.check_sourced(observation, here)
        low, high = observation.low, observation.high
        for name, number in (("value", observation.value), ("low", low), ("high", high)):
            if number is not None:
                _check_amount(observation.metric, number, here, name)
        if low is not None and high is not None and low > high:
            raise here.field("low").error(f"low {low} is above high {high}")
        value = observation.value
        if value is None:
            if low is None or high is None:
                raise here.field("value").error("required: give value, or low and high")
            value = (low + high) / 2
        if low is not None and value < low:
            raise here.field("value").error(f"value {value} is below low {low}")
        if high is not None and value > high:
            raise here.field("value").error(f"value {value} is above high {high}")
        key = (observation.date, observation.metric)
        if key in seen:
            raise here.error(
                f"a second {observation.metric} figure on {observation.date} "
                f"(also observations[{seen[key]}])"
            )
        seen[key] = index
        records.append(ObservationRecord(**_fields(observation, on=observation.date, value=value)))
    return tuple(records)


def _targets(
    targets: Sequence[_TargetIn], where: _Where, known: _Known
) -> tuple[TargetRecord, ...]:
    records: list[TargetRecord] = []
    seen: dict[tuple[str, date], int] = {}
    for index, target in enumerate(targets):
        here = where.item("targets", index)
        known.check_sourced(target, here)
        _check_amount(target.metric, target.baseline_value, here, "baseline_value")
        _check_amount(target.metric, target.target_value, here, "target_value")
        if target.deadline <= target.baseline_on:
            raise here.field("deadline").error(
                f"deadline {target.deadline} must come after the baseline date {target.baseline_on}"
            )
        key = (target.metric, target.deadline)
        if key in seen:
            raise here.error(
                f"a second {target.metric} target for {target.deadline} (also targets[{seen[key]}])"
            )
        seen[key] = index
        records.append(TargetRecord(**target.model_dump()))
    return tuple(records)


def _theme_claims(
    claims: Sequence[_ThemeClaimIn], where: _Where, known: _Known
) -> tuple[ThemeClaimRecord, ...]:
    records: list[ThemeClaimRecord] = []
    seen: dict[tuple[str, str, date | None], int] = {}
    for index, claim in enumerate(claims):
        here = where.item("themes", index)
        known.check_sourced(claim, here)
        if claim.theme not in known.themes:
            raise here.field("theme").error(
                f"unknown theme {claim.theme!r}; define it in {THEMES_FILE}"
            )
        key = (claim.theme, claim.basis, claim.since)
        if key in seen:
            raise here.error(
                f"a second {claim.basis} claim on {claim.theme!r} from "
                f"{claim.since or 'the start'} (also themes[{seen[key]}])"
            )
        seen[key] = index
        records.append(ThemeClaimRecord(**claim.model_dump()))
    return tuple(records)
