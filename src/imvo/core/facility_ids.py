"""Stable, readable facility ids: a country prefix, a base-32 serial and a check character.

`BD00007KX` reads as: facility number 7K (base 32) in Bangladesh, check character X. The serial
uses Douglas Crockford's base-32 alphabet, which leaves out I, L, O and U so that no two symbols
look alike; the serial is at least six symbols long (a billion facilities per country) and grows
beyond that when needed. The check character is computed with the ISO 7064 hybrid system
MOD 33,32 over the whole id, country included, and is itself one of the 32 symbols: every
single mistyped character is caught, and so is nearly every swap of two neighbours.

People copy ids from PDFs and phone calls, so `facility_id_normalise` accepts lower case,
spaces and dashes, and reads O as 0 and I or L as 1 in the serial and check character.
"""

from __future__ import annotations

import re

from imvo.core.errors import ImvoError

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32
SERIAL_WIDTH = 6
_BASE = len(ALPHABET)
_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.·/]+")
_CANONICAL = re.compile(rf"[A-Z]{{2}}[{ALPHABET}]{{{SERIAL_WIDTH + 1},}}")


def facility_id_make(country: str, serial: int) -> str:
    """The id of facility number `serial` (1, 2, ...) in `country` (ISO 3166-1 alpha-2)."""
    prefix = country.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", prefix):
        raise ValueError(f"country {country!r} is not an ISO 3166-1 alpha-2 code")
    if isinstance(serial, bool) or serial < 1:
        raise ValueError(f"serial {serial!r} is not a positive whole number")
    body = prefix + _base32(serial).rjust(SERIAL_WIDTH, "0")
    return body + _check_symbol(body)


def facility_id_valid(text: str) -> bool:
    """Whether `text` is a facility id exactly as `facility_id_make` writes it."""
    if not _CANONICAL.fullmatch(text):
        return False
    serial = text[2:-1]
    if len(serial) > SERIAL_WIDTH and serial.startswith("0"):
        return False  # padding stops at the minimum width
    return _serial_of(text) > 0 and _check_symbol(text[:-1]) == text[-1]


def facility_id_normalise(text: str) -> str:
    """The canonical form of a facility id typed or copied sloppily.

    Accepts lower case, spaces, dashes, dots and slashes between symbols, and O for 0, I or L
    for 1 after the country prefix. Raises ImvoError (field "facility_id") when the result is
    not a valid id, saying whether the form or the check character is wrong.
    """
    compact = _SEPARATORS.sub("", text).upper()
    shown = " ".join(text.split())[:40]
    if len(compact) < SERIAL_WIDTH + 3 or not compact[:2].isalpha() or not compact[:2].isascii():
        raise ImvoError(
            f"{shown!r} is not a facility id: two letters for the country, then "
            f"{SERIAL_WIDTH + 1} or more letters and digits",
            field="facility_id",
        )
    candidate = compact[:2] + compact[2:].translate(_CONFUSABLE)
    bad = sorted({symbol for symbol in candidate[2:] if symbol not in _VALUE})
    if bad:
        raise ImvoError(
            f"{shown!r} is not a facility id: {', '.join(bad)} cannot occur after the country",
            field="facility_id",
        )
    if not facility_id_valid(candidate):
        raise ImvoError(
            f"{shown!r} is not a facility id: its check character does not fit; "
            "a character may be mistyped",
            field="facility_id",
        )
    return candidate


def facility_id_country(facility_id: str) -> str:
    """The ISO country code an id begins with."""
    return facility_id[:2]


def _serial_of(facility_id: str) -> int:
    value = 0
    for symbol in facility_id[2:-1]:
        value = value * _BASE + _VALUE[symbol]
    return value


def _base32(number: int) -> str:
    symbols = []
    while number:
        number, remainder = divmod(number, _BASE)
        symbols.append(ALPHABET[remainder])
    return "".join(reversed(symbols)) or "0"


def _check_symbol(body: str) -> str:
    """ISO 7064 hybrid MOD 33,32: the symbol that makes the whole id check out."""
    carry = _BASE
    for index, symbol in enumerate(body):
        value = ord(symbol) - ord("A") if index < 2 else _VALUE[symbol]
        step = (carry + value) % _BASE or _BASE
        carry = (2 * step) % (_BASE + 1)
    return ALPHABET[(_BASE + 1 - carry) % _BASE]
