"""Compile the translation catalogues (.po) into the binary files Django reads (.mo).

Run as `python -m imvo.web.messages` (`make messages` runs it after `makemessages`). It uses
polib rather than GNU gettext's msgfmt, so a fresh machine without gettext can compile too; the
compiled .mo files are committed all the same, since the application never compiles at run time.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent / "locale"


@dataclass(frozen=True)
class Compiled:
    """One catalogue compiled: where it went and how many messages it still lacks."""

    po: Path
    mo: Path
    translated: int
    untranslated: int
    fuzzy: int


def catalogue_compile(po_path: Path) -> Compiled:
    """Write the .mo beside `po_path`; untranslated and fuzzy messages stay out of it."""
    catalogue = polib.pofile(str(po_path))
    mo_path = po_path.with_suffix(".mo")
    catalogue.save_as_mofile(str(mo_path))
    return Compiled(
        po=po_path,
        mo=mo_path,
        translated=len(catalogue.translated_entries()),
        untranslated=len(catalogue.untranslated_entries()),
        fuzzy=len(catalogue.fuzzy_entries()),
    )


def catalogues_compile(locale_dir: Path = LOCALE_DIR) -> list[Compiled]:
    """Compile every `<language>/LC_MESSAGES/*.po` under `locale_dir`."""
    return [catalogue_compile(path) for path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po"))]


def main(argv: list[str] | None = None) -> int:
    """Compile all catalogues; exit 1 when one lacks translations (its .mo is still written)."""
    locale_dir = Path(argv[0]) if argv else LOCALE_DIR
    results = catalogues_compile(locale_dir)
    if not results:
        print(f"no .po files under {locale_dir}", file=sys.stderr)
        return 1
    incomplete = False
    for result in results:
        print(
            f"{result.mo}: {result.translated} translated, {result.untranslated} untranslated,"
            f" {result.fuzzy} fuzzy"
        )
        incomplete = incomplete or bool(result.untranslated or result.fuzzy)
    return 1 if incomplete else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
