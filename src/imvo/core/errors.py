"""The one exception type for bad input and broken business rules."""

from __future__ import annotations

from collections.abc import Mapping

SHOWN_CHARACTERS = 80  # an error repeats at most this much of a value it was given


class ImvoError(Exception):
    """Bad input or a broken business rule. The message is meant for the user.

    The web layer turns it into HTTP 400 naming `field`; the CLI into exit code 2 with one line
    naming `file` and `row` where known. `code` and `params`, where given, name the message
    and its values (see `imvo.core.intake.messages`) so that a page can show it translated.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        file: str | None = None,
        row: int | str | None = None,
        code: str | None = None,
        params: Mapping[str, str | int | float] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.file = file
        self.row = row
        self.code = code
        self.params: dict[str, str | int | float] = dict(params or {})

    def __str__(self) -> str:
        where = [part for part in (self.file, _row_label(self.row), self.field) if part]
        return f"{': '.join(where)}: {self.message}" if where else self.message


def _row_label(row: int | str | None) -> str | None:
    if row is None:
        return None
    return f"row {row}" if isinstance(row, int) else str(row)


def shown(value: object, limit: int = SHOWN_CHARACTERS) -> str:
    """`value` quoted for an error message, cut to `limit` characters with an ellipsis, so a
    message never echoes a huge submitted value back."""
    text = value if isinstance(value, str) else str(value)
    if len(text) > limit:
        text = text[:limit] + "…"
    return repr(text)
