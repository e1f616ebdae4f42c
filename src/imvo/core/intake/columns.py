"""Names for columns as a person looking at the spreadsheet would call them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 -> A, 25 -> Z, 26 -> AA."""
    if index < 0:
        raise ValueError("column index must not be negative")
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def column_number(letters: str) -> int:
    """The 1-based column number of spreadsheet letters: A -> 1, AA -> 27."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def column_labels(header: Sequence[str]) -> tuple[str, ...]:
    """A unique, readable label per column: its header, or its letter where that is ambiguous.

    An empty header becomes "column C"; a header used twice becomes "Name (column C)".
    """
    stripped = [" ".join(name.split()) for name in header]
    counts = Counter(stripped)
    labels: list[str] = []
    taken: set[str] = set()
    for index, name in enumerate(stripped):
        letter = column_letter(index)
        if not name:
            label = f"column {letter}"
        elif counts[name] > 1 or name in taken:
            label = f"{name} (column {letter})"
        else:
            label = name
        while label in taken:  # a header that happens to read "column C"
            label = f"{label} ({letter})"
        taken.add(label)
        labels.append(label)
    return tuple(labels)
