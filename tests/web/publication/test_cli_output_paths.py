"""`imvo publish --out` and `imvo facilities export --out` check the path before any work:
a missing or unwritable folder is exit 2 with one line, and no release is published (issue 9,
finding 6); the files appear whole or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from imvo.cli.base import written_whole
from imvo.web.publication.models import Release

pytestmark = pytest.mark.django_db


def imvo(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    from imvo.cli import main

    with pytest.raises(SystemExit) as exit:
        main(list(args))
    out, err = capsys.readouterr()
    code = exit.value.code
    return (code if isinstance(code, int) else 0), out, err


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def _writable(folder: Path) -> bool:
    try:
        handle, probe = tempfile.mkstemp(dir=folder)
    except OSError:
        return False
    os.close(handle)
    os.unlink(probe)
    return True


@pytest.fixture
def unwritable_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder that exists but takes no new files (for root, whom modes do not stop, a
    read-only file system)."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if not _writable(folder):
            yield folder
        elif Path("/sys").is_dir() and not _writable(Path("/sys")):
            yield Path("/sys")
        else:
            pytest.skip("no folder here refuses new files")
    finally:
        folder.chmod(0o700)


def bad_folders(tmp_path: Path) -> list[Path]:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    return [tmp_path / "no" / "such" / "dir", a_file]


def test_publish_to_a_missing_folder_publishes_nothing_and_says_so_in_one_line(
    cast: Any, textile_2018: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for folder in bad_folders(tmp_path):
        for _ in range(2):  # a retry adds no version either
            code, _, err = imvo(capsys, "publish", "textile", "2018", "--out", str(folder))
            assert code == 2
            assert str(folder) in one_error_line(err)
    assert not Release.objects.exists()
    assert not (tmp_path / "no").exists()


def test_publish_to_an_unwritable_folder_publishes_nothing(
    cast: Any,
    textile_2018: dict[str, Any],
    unwritable_folder: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = imvo(capsys, "publish", "textile", "2018", "--out", str(unwritable_folder))
    assert code == 2
    assert "cannot write" in one_error_line(err)
    assert not Release.objects.exists()


def test_publish_of_an_impossible_year_is_one_line_and_publishes_nothing(
    cast: Any, textile_2018: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = imvo(capsys, "publish", "textile", "99999")
    assert code == 2
    assert "99999" in one_error_line(err)
    assert not Release.objects.exists()


def test_publish_to_a_good_folder_leaves_no_temporary_files(
    cast: Any, textile_2018: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = imvo(capsys, "publish", "textile", "2018", "--out", str(tmp_path))
    assert code == 0, err
    names = sorted(path.name for path in tmp_path.iterdir())
    assert "datapackage.json" in names
    assert not [name for name in names if name.startswith(".")]
    assert Release.objects.count() == 1


def test_export_to_a_missing_or_unwritable_folder_is_one_line(
    cast: Any, tmp_path: Path, unwritable_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    targets = [
        tmp_path / "no" / "such" / "dir" / "x.csv",
        tmp_path,  # a folder, not a file
        unwritable_folder / "x.csv",
    ]
    for target in targets:
        code, out, err = imvo(capsys, "facilities", "export", "--out", str(target))
        assert code == 2, err
        assert str(target) in one_error_line(err)
        assert out == ""


def test_export_of_an_impossible_year_is_one_line(
    cast: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = imvo(capsys, "facilities", "export", "--year", "99999")
    assert code == 2
    assert "--year" in one_error_line(err)


def test_a_failed_write_leaves_neither_the_file_nor_a_temporary_one(tmp_path: Path) -> None:
    target = tmp_path / "export.csv"
    with pytest.raises(RuntimeError), written_whole(target) as stream:
        stream.write(b"half a file")
        raise RuntimeError("the disk is full")
    assert list(tmp_path.iterdir()) == []
    with written_whole(target) as stream:
        stream.write(b"whole")
    assert target.read_bytes() == b"whole"
    assert [path.name for path in tmp_path.iterdir()] == ["export.csv"]
