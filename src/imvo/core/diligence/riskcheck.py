"""The reference risk check, like the government's CSR risk checker but ranked: for a sector,
a product and countries, the risk themes known from a shipped, sourced country x theme table
(`imvo/reference/diligence/risk_indicators.yaml`; the registry loader
ignores that folder), each with a severity hint and its source. What the
table does not know stays "unknown"."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal, cast

import yaml

from imvo.core.errors import ImvoError

Hint = Literal["high", "medium", "low", "unknown"]
HINTS: tuple[Hint, ...] = ("high", "medium", "low", "unknown")
KNOWN_LEVELS = ("high", "medium", "low")
_ORDER = {hint: position for position, hint in enumerate(HINTS)}
DEFAULT_PATH = (
    Path(__file__).resolve().parents[2] / "reference" / "diligence" / "risk_indicators.yaml"
)


@dataclass(frozen=True)
class IndicatorSource:
    key: str
    title: str
    publisher: str
    url: str = ""


@dataclass(frozen=True)
class Indicator:
    country: str  # ISO 3166-1 alpha-2
    theme: str
    level: Hint
    source: str
    confidence: str = "confirmed"
    note: str = ""


@dataclass(frozen=True)
class ProductHint:
    sector: str
    product: str
    theme: str
    level: Hint
    source: str
    note: str = ""


@dataclass(frozen=True)
class IndicatorTable:
    sources: Mapping[str, IndicatorSource]
    indicators: tuple[Indicator, ...]
    product_hints: tuple[ProductHint, ...]


@dataclass(frozen=True)
class RiskCheckHit:
    theme: str
    country: str
    severity_hint: Hint
    source: str | None  # the source key; None when unknown
    basis: Literal["country", "product", "none"]
    confidence: str = "confirmed"
    note: str = ""


def indicators_parse(document: object, *, file: str = "risk_indicators.yaml") -> IndicatorTable:
    """The indicator table from a parsed YAML document; ImvoError naming the entry otherwise."""
    if not isinstance(document, dict):
        raise ImvoError("expected a mapping at the top", file=file)
    sources = {}
    for index, item in enumerate(_list(document, "sources", file)):
        where = f"sources[{index}]"
        key = _text(item, "key", file, where)
        if key in sources:
            raise ImvoError(f"source {key} appears twice", file=file, row=where, field="key")
        sources[key] = IndicatorSource(
            key=key,
            title=_text(item, "title", file, where),
            publisher=_text(item, "publisher", file, where),
            url=str(item.get("url") or ""),
        )
    indicators = []
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(_list(document, "indicators", file)):
        where = f"indicators[{index}]"
        country = _text(item, "country", file, where)
        if len(country) != 2 or not country.isupper() or not country.isalpha():
            raise ImvoError(
                f"{country!r} is not an ISO country code", file=file, row=where, field="country"
            )
        theme = _text(item, "theme", file, where)
        if (country, theme) in seen:
            raise ImvoError(
                f"{country} x {theme} appears twice", file=file, row=where, field="theme"
            )
        seen.add((country, theme))
        indicators.append(
            Indicator(
                country=country,
                theme=theme,
                level=_level(item, file, where),
                source=_source(item, sources, file, where),
                confidence=_confidence(item, file, where),
                note=str(item.get("note") or ""),
            )
        )
        if indicators[-1].confidence == "uncertain" and not indicators[-1].note:
            raise ImvoError(
                "an uncertain value needs a note saying why", file=file, row=where, field="note"
            )
    hints = []
    for index, item in enumerate(_list(document, "product_hints", file)):
        where = f"product_hints[{index}]"
        hints.append(
            ProductHint(
                sector=_text(item, "sector", file, where),
                product=_text(item, "product", file, where).lower(),
                theme=_text(item, "theme", file, where),
                level=_level(item, file, where),
                source=_source(item, sources, file, where),
                note=str(item.get("note") or ""),
            )
        )
    return IndicatorTable(sources=sources, indicators=tuple(indicators), product_hints=tuple(hints))


def indicators_load(path: Path | None = None) -> IndicatorTable:
    """Read and check the indicator table (the shipped one by default)."""
    file = path or DEFAULT_PATH
    try:
        document = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ImvoError(f"cannot read the indicator table: {error}", file=file.name) from None
    return indicators_parse(document, file=file.name)


@cache
def shipped_indicators() -> IndicatorTable:
    """The shipped table, read once."""
    return indicators_load()


def risk_check(
    *,
    sector: str,
    product: str = "",
    countries: Iterable[str],
    themes: Collection[str] | None = None,
    table: IndicatorTable | None = None,
) -> list[RiskCheckHit]:
    """Known risks for the countries and the sector's product, highest severity hint first.

    Every theme the table knows for any of the countries, or hints at for the product, is
    listed for every country: with the country's own value; failing that with the product's
    hint; failing both as unknown. `themes` narrows the themes considered.
    """
    table = table or shipped_indicators()
    wanted = sorted({c.strip().upper() for c in countries if c.strip()})
    product_key = product.strip().lower()
    by_country = {(i.country, i.theme): i for i in table.indicators}
    hints: dict[str, ProductHint] = {}
    for hint in table.product_hints:
        if hint.sector == sector and hint.product == product_key:
            known = hints.get(hint.theme)
            if known is None or _ORDER[hint.level] < _ORDER[known.level]:
                hints[hint.theme] = hint
    relevant = {i.theme for i in table.indicators if i.country in wanted} | set(hints)
    if themes is not None:
        relevant &= set(themes)
    hits = []
    for country in wanted:
        for theme in relevant:
            indicator = by_country.get((country, theme))
            product_hint = hints.get(theme)
            if indicator is not None and indicator.level != "unknown":
                hits.append(
                    RiskCheckHit(
                        theme=theme,
                        country=country,
                        severity_hint=indicator.level,
                        source=indicator.source,
                        basis="country",
                        confidence=indicator.confidence,
                        note=indicator.note,
                    )
                )
            elif product_hint is not None:
                hits.append(
                    RiskCheckHit(
                        theme=theme,
                        country=country,
                        severity_hint=product_hint.level,
                        source=product_hint.source,
                        basis="product",
                        note=product_hint.note,
                    )
                )
            else:
                hits.append(
                    RiskCheckHit(
                        theme=theme,
                        country=country,
                        severity_hint="unknown",
                        source=None,
                        basis="none",
                    )
                )
    return sorted(hits, key=lambda h: (_ORDER[h.severity_hint], h.theme, h.country))


def flagged(hits: Iterable[RiskCheckHit]) -> list[RiskCheckHit]:
    """The hits an analysis must address: severity hint high."""
    return [hit for hit in hits if hit.severity_hint == "high"]


def absent_from_analysis(
    hits: Iterable[RiskCheckHit], analysed: Collection[tuple[str, str]]
) -> list[RiskCheckHit]:
    """Flagged hits whose (theme, country) the analysis does not contain: "this risk is flagged
    for your countries and products but is absent from your analysis"."""
    return [hit for hit in flagged(hits) if (hit.theme, hit.country) not in analysed]


def _list(document: Mapping[str, Any], key: str, file: str) -> list[dict[str, Any]]:
    items = document.get(key) or []
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ImvoError(f"{key} must be a list of mappings", file=file, field=key)
    return cast(list[dict[str, Any]], items)


def _text(item: Mapping[str, Any], key: str, file: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ImvoError(f"{key} is missing", file=file, row=where, field=key)
    return value.strip()


def _level(item: Mapping[str, Any], file: str, where: str) -> Hint:
    value = item.get("level")
    if value not in HINTS:
        raise ImvoError(
            f"level must be one of {', '.join(HINTS)}, not {value!r}",
            file=file,
            row=where,
            field="level",
        )
    return cast(Hint, value)


def _source(
    item: Mapping[str, Any], sources: Mapping[str, IndicatorSource], file: str, where: str
) -> str:
    key = _text(item, "source", file, where)
    if key not in sources:
        raise ImvoError(f"unknown source {key!r}", file=file, row=where, field="source")
    return key


def _confidence(item: Mapping[str, Any], file: str, where: str) -> str:
    value = item.get("confidence", "confirmed")
    if value not in ("confirmed", "uncertain"):
        raise ImvoError(
            f"confidence must be confirmed or uncertain, not {value!r}",
            file=file,
            row=where,
            field="confidence",
        )
    return str(value)
