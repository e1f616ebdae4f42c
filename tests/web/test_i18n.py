"""The Dutch catalogue: complete, consistent, and compiled.

The .mo is committed (fresh machines lack gettext), so these tests fail when someone edits the
.po and forgets `python -m imvo.web.messages`, or adds a message without translating it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest

from imvo.web import messages

PO = messages.LOCALE_DIR / "nl" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")

Key = tuple[str, str, str]  # context, singular, plural


def catalogue_content(catalogue: polib._BaseFile) -> dict[Key, tuple[str, ...]]:
    """The translations a catalogue holds, keyed by message; the header is left out."""
    content = {}
    for entry in catalogue:
        if entry.obsolete or not entry.msgid:
            continue
        if entry.msgid_plural:
            forms = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
        else:
            forms = (entry.msgstr,)
        content[(entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")] = forms
    return content


def live_entries() -> list[polib.POEntry]:
    return [e for e in polib.pofile(str(PO)) if not e.obsolete]


def test_every_message_has_a_dutch_translation() -> None:
    untranslated = [e.msgid for e in live_entries() if not e.translated()]
    assert not untranslated, f"translate these in {PO}: {untranslated}"


def test_no_translation_is_fuzzy() -> None:
    fuzzy = [e.msgid for e in live_entries() if "fuzzy" in e.flags]
    assert not fuzzy, f"review these fuzzy translations in {PO}: {fuzzy}"


def test_translations_keep_the_placeholders_of_their_message() -> None:
    wrong = []
    for entry in live_entries():
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for form in forms:
            if sorted(PLACEHOLDER.findall(form)) != expected:
                wrong.append((entry.msgid, form))
    assert not wrong


def test_compiled_catalogue_matches_the_po() -> None:
    assert MO.exists(), f"{MO} is missing: run python -m imvo.web.messages"
    in_po = {
        key: forms for key, forms in catalogue_content(polib.pofile(str(PO))).items() if all(forms)
    }
    in_mo = catalogue_content(polib.mofile(str(MO)))
    assert in_mo == in_po, "the .mo is stale: run python -m imvo.web.messages"


def test_messages_module_compiles_a_catalogue_django_can_read(tmp_path: Path) -> None:
    target = tmp_path / "nl" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(PO, target / "django.po")
    (result,) = messages.catalogues_compile(tmp_path)
    assert result.mo == target / "django.mo"
    assert result.untranslated == 0
    assert catalogue_content(polib.mofile(str(result.mo))) == catalogue_content(
        polib.mofile(str(MO))
    )
    assert messages.main([str(tmp_path)]) == 0


def test_messages_module_reports_untranslated_messages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "nl" / "LC_MESSAGES"
    target.mkdir(parents=True)
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    catalogue.append(polib.POEntry(msgid="Covenant", msgstr="Convenant"))
    catalogue.append(polib.POEntry(msgid="Targets", msgstr=""))
    catalogue.save(str(target / "django.po"))
    assert messages.main([str(tmp_path)]) == 1
    assert "1 translated, 1 untranslated" in capsys.readouterr().out
    compiled = catalogue_content(polib.mofile(str(target / "django.mo")))
    assert compiled == {("", "Covenant", ""): ("Convenant",)}


def test_messages_module_fails_without_catalogues(tmp_path: Path) -> None:
    assert messages.main([str(tmp_path)]) == 1
