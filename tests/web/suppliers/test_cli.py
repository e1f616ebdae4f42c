"""`imvo suppliers`, `imvo facilities` and `imvo review` end to end, as a secretariat runs them:
a real process on a real SQLite file, with the real matching engine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from web.suppliers.cast import HEMA_ROWS, ZEEMAN_ROWS, csv_bytes, xls_bytes

pytestmark = [pytest.mark.xdist_group("cli"), pytest.mark.slow]


def run_imvo(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "imvo.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def imvo_json(env: dict[str, str], *args: str) -> Any:
    result = run_imvo(env, *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("lists")
    (folder / "zeeman.xls").write_bytes(xls_bytes(ZEEMAN_ROWS))
    (folder / "hema.csv").write_bytes(csv_bytes(HEMA_ROWS))
    (folder / "garbage.csv").write_bytes(bytes(range(256)) * 20)
    return folder


@pytest.fixture(scope="module")
def imvo_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    var = tmp_path_factory.mktemp("var")
    env = {
        **os.environ,
        "IMVO_VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'cli.sqlite3'}",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = run_imvo(env, "migrate")
    assert result.returncode == 0, result.stderr
    result = run_imvo(env, "load", "reference")
    assert result.returncode == 0, result.stderr
    # A list is handed in for a covenant the company takes part in: Zeeman and HEMA in textile.
    result = run_imvo(env, "manage", "shell", "-c", PARTICIPANTS)
    assert result.returncode == 0, result.stderr
    return env


PARTICIPANTS = """
from datetime import date
from imvo.web.registry.models import Covenant, Organisation, Participation
textile = Covenant.objects.get(slug="textile")
for slug, name in (("zeeman", "Zeeman"), ("hema", "HEMA")):
    company = Organisation.objects.create(slug=slug, name=name, kind="company")
    Participation.objects.create(
        covenant=textile, organisation=company, joined_on=date(2016, 7, 4)
    )
"""


@pytest.fixture(scope="module")
def imported(imvo_env: dict[str, str], files: Path) -> dict[str, Any]:
    """Zeeman's XLS and HEMA's latin-1 CSV, imported through the command."""
    return {
        company: imvo_json(
            imvo_env,
            "suppliers",
            "import",
            str(files / filename),
            "--company",
            company,
            "--year",
            "2018",
            "--format",
            "json",
        )
        for company, filename in (("Zeeman", "zeeman.xls"), ("HEMA", "hema.csv"))
    }


def test_same_factories_from_two_companies_link_to_one_facility_in_the_confidential_export(
    imvo_env: dict[str, str], imported: dict[str, Any]
) -> None:
    hema = imported["HEMA"]
    assert (hema["rows"], hema["accepted"], hema["rejected"], hema["matched"]) == (5, 4, 1, 3)
    records = imvo_json(imvo_env, "facilities", "export", "--confidential", "--format", "json")
    linked = {(r["company"], r["row"]): r["facility_id"] for r in records}
    for row in (2, 3, 4):
        assert linked[("Zeeman", row)] == linked[("HEMA", row)] is not None
    assert linked[("HEMA", 5)] not in {linked[("Zeeman", row)] for row in (2, 3, 4)}
    assert linked[("HEMA", 6)] is None
    assert {r["list_id"] for r in records} == {imported["Zeeman"]["list_id"], hema["list_id"]}


def test_json_summary_says_why_each_rejected_row_was_rejected(imported: dict[str, Any]) -> None:
    hema = imported["HEMA"]
    assert hema["rows"] == hema["accepted"] + hema["rejected"]
    assert hema["errors"] == [
        {"row": 6, "field": "country", "message": "unknown country 'Atlantis'"}
    ]
    assert set(hema) >= {
        "list_id",
        "rows",
        "accepted",
        "rejected",
        "duplicates",
        "matched",
        "new",
        "review",
    }


def test_default_export_names_no_company(
    imvo_env: dict[str, str], imported: dict[str, Any]
) -> None:
    for fmt in ("json", "csv", "geojson"):
        result = run_imvo(imvo_env, "facilities", "export", "--format", fmt)
        assert result.returncode == 0, result.stderr
        assert "Dhaka Knitwear" in result.stdout
        assert "HEMA" not in result.stdout and "Zeeman" not in result.stdout
    facilities = imvo_json(imvo_env, "facilities", "export", "--format", "json")
    assert sorted(f["companies"] for f in facilities) == [1, 2, 2, 2]


def test_xlsx_export_to_a_file(
    imvo_env: dict[str, str], imported: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "facilities.xlsx"
    result = run_imvo(imvo_env, "facilities", "export", "--format", "xlsx", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "4 facilities written" in result.stderr
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    assert sheet.max_row == 5
    assert not list(tmp_path.glob(".*.tmp")), "no temporary file is left behind"


def test_a_corrected_list_is_version_two(
    imvo_env: dict[str, str], imported: dict[str, Any], files: Path
) -> None:
    again = imvo_json(
        imvo_env,
        "suppliers",
        "import",
        str(files / "hema.csv"),
        "--company",
        "hema",
        "--year",
        "2018",
        "--format",
        "json",
    )
    assert again["version"] == 2
    assert again["matched"] == 4, "the mill new in version 1 is known by now"


def test_table_output_shows_counts_and_the_rejected_rows(
    imvo_env: dict[str, str], imported: dict[str, Any], files: Path
) -> None:
    result = run_imvo(
        imvo_env,
        "suppliers",
        "import",
        str(files / "hema.csv"),
        "--company",
        "hema",
        "--year",
        "2017",
    )
    assert result.returncode == 0, result.stderr
    assert "version 1" in result.stdout
    assert "Rejected rows" in result.stdout
    assert "unknown country 'Atlantis'" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--company", "WE Fashion", "--year", "2018"), "unknown company 'WE Fashion'"),
        (("--company", "Zeeman", "--year", "1850"), "year 1850"),
        (
            ("--company", "Zeeman", "--year", "2018", "--covenant", "tea"),
            "there is no covenant 'tea'",
        ),
        (
            ("--company", "hema", "--year", "2018", "--covenant", "banking"),
            "HEMA did not take part in the covenant banking in 2018",
        ),
    ],
)
def test_bad_arguments_exit_2_with_one_line_naming_the_file(
    imvo_env: dict[str, str],
    imported: dict[str, Any],
    files: Path,
    args: tuple[str, ...],
    message: str,
) -> None:
    result = run_imvo(imvo_env, "suppliers", "import", str(files / "hema.csv"), *args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("imvo: error: hema.csv: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_unreadable_file_exits_2_naming_it_and_creates_nothing(
    imvo_env: dict[str, str], imported: dict[str, Any], files: Path
) -> None:
    before = imvo_json(imvo_env, "facilities", "export", "--confidential", "--format", "json")
    result = run_imvo(
        imvo_env,
        "suppliers",
        "import",
        str(files / "garbage.csv"),
        "--company",
        "hema",
        "--year",
        "2019",
    )
    assert result.returncode == 2
    assert result.stderr.startswith("imvo: error: garbage.csv: ")
    assert "unknown company" not in result.stderr
    assert result.stderr.count("\n") == 1
    export = imvo_json(imvo_env, "facilities", "export", "--confidential", "--format", "json")
    assert export == before
    unknown = run_imvo(
        imvo_env,
        "suppliers",
        "import",
        str(files / "hema.csv"),
        "--company",
        "New Co",
        "--year",
        "2018",
    )
    assert unknown.returncode == 2
    assert (
        unknown.stderr
        == "imvo: error: hema.csv: company: unknown company 'New Co'; check the name or slug\n"
    )
    missing = run_imvo(
        imvo_env,
        "suppliers",
        "import",
        str(files / "nothing.csv"),
        "--company",
        "x",
        "--year",
        "2018",
    )
    assert missing.returncode == 2
    assert "nothing.csv" in missing.stderr


def test_show_resolves_sloppy_ids_and_merges_across_countries_are_refused(
    imvo_env: dict[str, str], imported: dict[str, Any]
) -> None:
    records = imvo_json(imvo_env, "facilities", "export", "--confidential", "--format", "json")
    bd = sorted({r["facility_id"] for r in records if r["country"] == "BD"})
    cn = sorted({r["facility_id"] for r in records if r["country"] == "CN"})
    assert len(bd) == 1 and len(cn) == 1
    refused = run_imvo(imvo_env, "facilities", "merge", bd[0], cn[0])
    assert refused.returncode == 2
    assert "two countries" in refused.stderr
    shown = imvo_json(imvo_env, "facilities", "show", bd[0].lower(), "--format", "json")
    assert shown["facility_id"] == bd[0]
    assert shown["companies"] == 2
    assert {alias["name"] for alias in shown["aliases"]} == {
        "Dhaka Knitwear Ltd.",
        "DHAKA KNITWEAR LIMITED",
    }
    unknown = run_imvo(imvo_env, "facilities", "show", "BD-XXXX")
    assert unknown.returncode == 2
    assert "not a facility id" in unknown.stderr


def test_review_list_is_empty_when_every_row_was_certain(
    imvo_env: dict[str, str], imported: dict[str, Any]
) -> None:
    assert imvo_json(imvo_env, "review", "list", "--format", "json") == []
    table = run_imvo(imvo_env, "review", "list")
    assert table.returncode == 0, table.stderr


def test_merged_id_keeps_resolving_to_the_facility_it_became(
    imvo_env: dict[str, str], imported: dict[str, Any], tmp_path: Path
) -> None:
    unit_two = tmp_path / "unit2.csv"
    unit_two.write_bytes(
        csv_bytes([["Name", "Address", "Country"], ["Dhaka Knitwear Unit 2", "Road 99", "BD"]])
    )
    summary = imvo_json(
        imvo_env,
        "suppliers",
        "import",
        str(unit_two),
        "--company",
        "zeeman",
        "--year",
        "2016",
        "--format",
        "json",
    )
    assert summary["new"] == 1
    records = imvo_json(imvo_env, "facilities", "export", "--confidential", "--format", "json")
    old = next(r["facility_id"] for r in records if r["name"] == "Dhaka Knitwear Unit 2")
    survivor = next(r["facility_id"] for r in records if r["name"] == "Dhaka Knitwear Ltd.")
    merged = run_imvo(imvo_env, "facilities", "merge", old, survivor)
    assert merged.returncode == 0, merged.stderr
    shown = run_imvo(imvo_env, "facilities", "show", old)
    assert shown.returncode == 0, shown.stderr
    assert f"{old} is now part of {survivor}" in shown.stdout
    detail = imvo_json(imvo_env, "facilities", "show", old, "--format", "json")
    assert detail["facility_id"] == survivor
    assert detail["merged_from"] == [old]


def test_import_finds_the_list_below_a_title_on_a_later_sheet_or_reads_the_header_row_given(
    imvo_env: dict[str, str], imported: dict[str, Any], tmp_path: Path
) -> None:
    workbook = openpyxl.Workbook()
    instructions = workbook.active
    assert instructions is not None
    instructions.title = "Instructions"
    instructions.append(["One row per production location."])
    listed = workbook.create_sheet("Suppliers")
    for row in [["Zeeman suppliers 2019"], ["Source: purchasing"], *ZEEMAN_ROWS, [], ["Total"]]:
        listed.append(list(row))
    path = tmp_path / "zeeman-2019.xlsx"
    workbook.save(path)
    command = ("suppliers", "import", str(path), "--company", "Zeeman", "--year", "2019")

    result = run_imvo(imvo_env, *command)
    assert result.returncode == 0, result.stderr
    assert "read from sheet 'Suppliers', header in row 3" in result.stdout
    assert "a totals row, not a facility ('Total')" in result.stdout

    wrong = run_imvo(imvo_env, *command, "--header-row", "2")
    assert wrong.returncode == 2
    assert "zeeman-2019.xlsx" in wrong.stderr and "row 2" in wrong.stderr
    assert "no column holds the required" in wrong.stderr
    given = imvo_json(
        imvo_env, *command, "--sheet", "Suppliers", "--header-row", "3", "--format", "json"
    )
    assert (given["rows"], given["accepted"], given["rejected"]) == (4, 3, 1)
    assert run_imvo(imvo_env, *command, "--header-row", "0").returncode == 2
