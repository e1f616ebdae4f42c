"""The XLSX template of the risk analysis and action plan, for companies without their own
system: written with the rows a submission already has, filled in, read back.

Reading goes through `imvo.core.intake.read_table` (the supplier lists' reader, with its limits
against hostile files), and problems come back as the same `RowError(row, field, message)`.
Actions name the risks they address by the risk's reference (R1, R2 …) in the first sheet.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date

from imvo.core.diligence.priority import PRIORITY_FORMULA, SCORE_FIELDS
from imvo.core.errors import ImvoError
from imvo.core.intake import Limits, RawTable, RowError, read_table
from imvo.core.intake.headers import fold_header

RISK_SHEET = "Risk analysis"
ACTION_SHEET = "Action plan"
THEME_SHEET = "Themes"
RISK_COLUMNS = (
    "ref",
    "theme",
    "country",
    "product",
    "tier",
    "scale",
    "scope",
    "irremediability",
    "likelihood",
    "explanation",
)
ACTION_COLUMNS = ("what", "where", "due_on", "indicator", "risks")
TEMPLATE_LIMITS = Limits(max_bytes=5 * 1024 * 1024, max_rows=5_000, max_columns=50)
MAX_TEXT = 2_000
_REF = re.compile(r"^R[0-9]{1,5}$")
_REF_SPLIT = re.compile(r"[,;\s]+")


@dataclass(frozen=True)
class TemplateRisk:
    ref: str
    theme: str
    scale: int
    scope: int
    irremediability: int
    likelihood: int
    country: str = ""
    product: str = ""
    tier: int | None = None
    explanation: str = ""


@dataclass(frozen=True)
class TemplateAction:
    what: str
    where: str = ""
    due_on: date | None = None
    indicator: str = ""
    risk_refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class TemplateContent:
    risks: tuple[TemplateRisk, ...]
    actions: tuple[TemplateAction, ...]
    errors: tuple[RowError, ...]


def template_write(
    *,
    risks: Sequence[TemplateRisk] = (),
    actions: Sequence[TemplateAction] = (),
    themes: Sequence[tuple[str, str]] = (),
) -> bytes:
    """The template as XLSX bytes: the two sheets with `risks` and `actions` filled in, and a
    sheet listing the theme slugs (slug, name) to choose from."""
    import xlsxwriter  # type: ignore[import-untyped]

    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        out,
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    bold = workbook.add_format({"bold": True})
    sheet = workbook.add_worksheet(RISK_SHEET)
    _header(sheet, RISK_COLUMNS, bold)
    for row, risk in enumerate(risks, start=1):
        values: tuple[str | int | None, ...] = (
            risk.ref,
            risk.theme,
            risk.country,
            risk.product,
            risk.tier,
            risk.scale,
            risk.scope,
            risk.irremediability,
            risk.likelihood,
            risk.explanation,
        )
        _row(sheet, row, values)
    sheet.write_comment(0, 5, "1 (least) to 5 (most). " + PRIORITY_FORMULA)
    sheet = workbook.add_worksheet(ACTION_SHEET)
    _header(sheet, ACTION_COLUMNS, bold)
    for row, action in enumerate(actions, start=1):
        _row(
            sheet,
            row,
            (
                action.what,
                action.where,
                action.due_on.isoformat() if action.due_on else None,
                action.indicator,
                ", ".join(action.risk_refs),
            ),
        )
    sheet.write_comment(0, 4, "The refs of the risks this action addresses: R1, R3")
    sheet = workbook.add_worksheet(THEME_SHEET)
    _header(sheet, ("theme", "name"), bold)
    for row, (slug, name) in enumerate(themes, start=1):
        _row(sheet, row, (slug, name))
    workbook.close()
    return out.getvalue()


def _header(sheet: object, columns: Sequence[str], bold: object) -> None:
    for index, column in enumerate(columns):
        sheet.write_string(0, index, column, bold)  # type: ignore[attr-defined]


def _row(sheet: object, row: int, values: Sequence[str | int | None]) -> None:
    for index, value in enumerate(values):
        if value is None or value == "":
            continue
        if isinstance(value, int):
            sheet.write_number(row, index, value)  # type: ignore[attr-defined]
        else:
            sheet.write_string(row, index, value)  # type: ignore[attr-defined]


def template_read(
    data: bytes,
    *,
    filename: str,
    themes: Collection[str],
    country_code: Callable[[str], str],
    limits: Limits = TEMPLATE_LIMITS,
) -> TemplateContent:
    """The rows of a filled-in template with every problem as a row error; rows with errors
    are left out. Raises ImvoError naming the file when it cannot be read or lacks a sheet or
    a column."""
    risk_table = _sheet(data, filename, RISK_SHEET, RISK_COLUMNS, limits)
    action_table = _sheet(data, filename, ACTION_SHEET, ACTION_COLUMNS, limits)
    errors: list[RowError] = []
    risks: list[TemplateRisk] = []
    refs: set[str] = set()
    for raw, cells in _cells(risk_table, RISK_COLUMNS):
        found = _risk(raw, cells, themes, country_code, refs)
        if isinstance(found, TemplateRisk):
            refs.add(found.ref)
            risks.append(found)
        else:
            errors.extend(_in_sheet(RISK_SHEET, found))
    actions: list[TemplateAction] = []
    for raw, cells in _cells(action_table, ACTION_COLUMNS):
        found_action = _action(raw, cells, refs)
        if isinstance(found_action, TemplateAction):
            actions.append(found_action)
        else:
            errors.extend(_in_sheet(ACTION_SHEET, found_action))
    return TemplateContent(risks=tuple(risks), actions=tuple(actions), errors=tuple(errors))


def _sheet(
    data: bytes, filename: str, sheet: str, columns: Sequence[str], limits: Limits
) -> RawTable:
    table = read_table(data, filename=filename, sheet=sheet, limits=limits)
    header = [fold_header(h) for h in table.header]
    missing = [c for c in columns if fold_header(c) not in header]
    if missing:
        raise ImvoError(
            f"sheet {sheet!r} has no column {missing[0]!r}; download a fresh template",
            file=filename,
            field=missing[0],
        )
    return table


def _cells(table: RawTable, columns: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    header = [fold_header(h) for h in table.header]
    places = {c: header.index(fold_header(c)) for c in columns}
    rows = []
    for raw in table.rows:
        cells = {c: raw.values[i].strip() for c, i in places.items()}
        if any(cells.values()):
            rows.append((raw.number, cells))
    return rows


def _whole(text: str) -> int | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def _risk(
    row: int,
    cells: dict[str, str],
    themes: Collection[str],
    country_code: Callable[[str], str],
    refs: set[str],
) -> TemplateRisk | list[RowError]:
    problems: list[RowError] = []
    ref = cells["ref"].upper()
    if not _REF.fullmatch(ref):
        problems.append(RowError(row, "ref", f"{cells['ref']!r} is not a reference like R1"))
    elif ref in refs:
        problems.append(RowError(row, "ref", f"{ref} is used by an earlier row"))
    theme = cells["theme"].lower()
    if theme not in themes:
        problems.append(RowError(row, "theme", f"unknown theme {cells['theme']!r}"))
    country = ""
    if cells["country"]:
        try:
            country = country_code(cells["country"])
        except ImvoError as error:
            problems.append(RowError(row, "country", error.message))
    scores: dict[str, int] = {}
    for name in SCORE_FIELDS:
        value = _whole(cells[name])
        if value is None or not 1 <= value <= 5:
            problems.append(
                RowError(row, name, f"must be a whole number from 1 to 5, not {cells[name]!r}")
            )
        else:
            scores[name] = value
    tier = None
    if cells["tier"]:
        tier = _whole(cells["tier"])
        if tier is None or not 0 <= tier <= 9:
            problems.append(RowError(row, "tier", f"{cells['tier']!r} is not a tier from 0 to 9"))
    for name in ("product", "explanation"):
        if len(cells[name]) > MAX_TEXT:
            problems.append(RowError(row, name, f"longer than {MAX_TEXT} characters"))
    if problems:
        return problems
    return TemplateRisk(
        ref=ref,
        theme=theme,
        country=country,
        product=cells["product"],
        tier=tier,
        explanation=cells["explanation"],
        **scores,
    )


def _in_sheet(sheet: str, errors: list[RowError]) -> list[RowError]:
    """The two sheets number their rows alike: the message names the sheet."""
    return [RowError(e.row, e.field, f"{sheet}: {e.message}") for e in errors]


def _action(row: int, cells: dict[str, str], refs: set[str]) -> TemplateAction | list[RowError]:
    problems: list[RowError] = []
    if not cells["what"]:
        problems.append(RowError(row, "what", "say what the action is"))
    due_on = None
    if cells["due_on"]:
        try:
            due_on = date.fromisoformat(cells["due_on"][:10])
        except ValueError:
            problems.append(
                RowError(row, "due_on", f"{cells['due_on']!r} is not a date (YYYY-MM-DD)")
            )
    risk_refs = tuple(r.upper() for r in _REF_SPLIT.split(cells["risks"]) if r)
    unknown = [r for r in risk_refs if r not in refs]
    if unknown:
        problems.append(RowError(row, "risks", f"no risk {unknown[0]} in the {RISK_SHEET} sheet"))
    for name in ("what", "where", "indicator"):
        if len(cells[name]) > MAX_TEXT:
            problems.append(RowError(row, name, f"longer than {MAX_TEXT} characters"))
    if problems:
        return problems
    return TemplateAction(
        what=cells["what"],
        where=cells["where"],
        due_on=due_on,
        indicator=cells["indicator"],
        risk_refs=tuple(dict.fromkeys(risk_refs)),
    )
