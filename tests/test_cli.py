"""The `imvo` command end to end: a real process on a real SQLite file, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.xdist_group("cli")


def run_imvo(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "imvo.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def imvo_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A prepared database: migrated and loaded with the reference data, as `make run` does."""
    var = tmp_path_factory.mktemp("var")
    env = {
        **os.environ,
        "IMVO_VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'cli.sqlite3'}",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    for args in (("migrate",), ("load", "reference")):
        result = run_imvo(env, *args)
        assert result.returncode == 0, result.stderr
    return env


def imvo_json(env: dict[str, str], *args: str) -> Any:
    result = run_imvo(env, *args, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_covenants_on_debate_day_match_the_seed(imvo_env: dict[str, str]) -> None:
    covenants = {c["slug"]: c for c in imvo_json(imvo_env, "covenants", "--on", "2018-03-06")}
    signed_ser = {s for s, c in covenants.items() if c["status"] == "signed" and c["ser_process"]}
    assert signed_ser == {"textile", "banking", "plant-proteins", "forestry", "gold"}
    assert covenants["coal"]["status"] == "signed"
    assert covenants["coal"]["ser_process"] is False
    negotiating = {s for s, c in covenants.items() if c["status"] == "negotiating"}
    assert negotiating == {"natural-stone", "food-products", "insurance", "floriculture"}
    textile = covenants["textile"]
    assert set(textile) >= {
        "slug",
        "name",
        "sectors",
        "status",
        "ser_process",
        "signed_on",
        "ends_on",
        "sources",
    }
    assert textile["signed_on"] == "2016-07-04"
    assert textile["sectors"] == ["textile"]
    assert textile["sources"], "every covenant cites its sources"


def test_sectors_lists_all_thirteen_with_status(imvo_env: dict[str, str]) -> None:
    sectors = imvo_json(imvo_env, "sectors", "--on", "2018-03-06")
    assert len(sectors) == 13
    by_slug = {s["slug"]: s for s in sectors}
    assert by_slug["textile"]["status"] == "covenant"
    assert by_slug["textile"]["covenants"] == ["textile"]
    assert by_slug["chemicals"]["status"] == "none"
    assert by_slug["construction"]["status"] == "negotiating"
    for sector in sectors:
        assert set(sector) >= {"slug", "name", "status", "covenants", "coverage"}


def test_textile_target_for_2018_was_missed_near_48_percent(imvo_env: dict[str, str]) -> None:
    targets = imvo_json(imvo_env, "targets", "--on", "2018-12-31")
    textile_2018 = next(
        t for t in targets if t["covenant"] == "textile" and t["deadline"] == "2018-12-31"
    )
    assert textile_2018["metric"] == "market_share"
    assert textile_2018["target"] == pytest.approx(0.5)
    assert textile_2018["status"] == "missed"
    assert textile_2018["actual"] == pytest.approx(0.48, abs=0.01)
    assert textile_2018["source"]["title"]
    assert set(textile_2018) >= {
        "covenant",
        "metric",
        "baseline",
        "target",
        "deadline",
        "actual",
        "status",
        "source",
    }


def test_themes_on_debate_day_show_core_theme_gaps(imvo_env: dict[str, str]) -> None:
    matrix = imvo_json(imvo_env, "themes", "--on", "2018-03-06")
    assert set(matrix) >= {"themes", "covenants", "gaps"}
    covered = {c["slug"] for c in matrix["covenants"]}
    assert covered == {"coal", "textile", "banking", "plant-proteins", "forestry", "gold"}
    gaps = {(g["covenant"], g["theme"]) for g in matrix["gaps"]}
    lacking = {cov for cov, theme in gaps if theme in {"child-labour", "gender", "living-wage"}}
    assert lacking, "the debate's point: signed covenants lack core themes"
    assert lacking <= covered
    for covenant in matrix["covenants"]:
        for theme in ("child-labour", "gender", "living-wage"):
            level = covenant["coverage"][theme]
            assert ((covenant["slug"], theme) in gaps) == (level == "none")


def test_coverage_of_an_ended_covenant_says_so(imvo_env: dict[str, str]) -> None:
    result = imvo_json(imvo_env, "coverage", "plant-proteins", "--on", "2020-06-01")
    assert result["status"] == "terminated"
    assert result["companies"] in (0, None)
    assert result["note"]
    assert set(result) >= {
        "covenant",
        "on",
        "companies",
        "brands",
        "market_share",
        "basis",
        "source",
    }


def test_coverage_before_signing_is_zero_with_a_note(imvo_env: dict[str, str]) -> None:
    result = imvo_json(imvo_env, "coverage", "textile", "--on", "2015-01-01")
    assert result["status"] is None
    assert not result["companies"]
    assert "sign" in result["note"]


def test_coverage_uses_the_public_observation_without_company_data(
    imvo_env: dict[str, str],
) -> None:
    result = imvo_json(imvo_env, "coverage", "textile", "--on", "2018-12-31")
    assert result["basis"] == "observation"
    assert result["market_share"] == pytest.approx(0.48, abs=0.005)
    assert result["source"]["title"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("coverage", "no-such-covenant"), "no-such-covenant"),
        (("covenants", "--on", "2018-02-30"), "2018-02-30"),
        (("targets", "--on", "yesterday"), "yesterday"),
        (("themes", "--format", "xml"), "xml"),
        (("coverage", "textile", "--on", "2018-3-6x"), "2018-3-6x"),
    ],
)
def test_bad_arguments_exit_2_with_one_clear_line(
    imvo_env: dict[str, str], args: tuple[str, ...], expected: str
) -> None:
    result = run_imvo(imvo_env, *args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


def test_table_and_csv_formats_are_readable(imvo_env: dict[str, str]) -> None:
    table = run_imvo(imvo_env, "covenants", "--on", "2018-03-06")
    assert table.returncode == 0, table.stderr
    assert "textile" in table.stdout and "signed" in table.stdout
    csv_out = run_imvo(imvo_env, "sectors", "--on", "2018-03-06", "--format", "csv")
    assert csv_out.returncode == 0, csv_out.stderr
    lines = csv_out.stdout.strip().splitlines()
    assert lines[0].startswith("slug,name,status")
    assert len(lines) == 14


def test_loading_the_reference_data_twice_is_harmless(imvo_env: dict[str, str]) -> None:
    again = run_imvo(imvo_env, "load", "reference")
    assert again.returncode == 0, again.stderr
    assert "up to date" in again.stdout
    assert len(imvo_json(imvo_env, "sectors", "--on", "2018-03-06")) == 13


def test_an_unprepared_database_gives_one_clear_line(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "IMVO_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    }
    result = run_imvo(env, "covenants")
    assert result.returncode == 1
    assert "imvo migrate" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_publication_acceptance_load_demo_publish_and_validate(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Issue 5's acceptance as a user types it: `imvo load demo`, `imvo publish textile 2018
    --out DIR`, then `frictionless validate DIR/datapackage.json`; the XLSX opens with one row
    per facility, and `imvo releases` lists the release."""
    import openpyxl

    var = tmp_path_factory.mktemp("demo-var")
    env = {**os.environ, "IMVO_VAR_DIR": str(var), "DATABASE_URL": f"sqlite:///{var / 'd.db'}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    for args in (("migrate",), ("load", "reference"), ("load", "demo")):
        result = run_imvo(env, *args)
        assert result.returncode == 0, result.stderr
    out = var / "release"
    out.mkdir()  # --out names a folder that exists
    published = imvo_json(env, "publish", "textile", "2018", "--out", str(out))
    assert published["facilities"] > 1000

    validate = subprocess.run(
        [str(Path(sys.executable).parent / "frictionless"), "validate", "datapackage.json"],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert "VALID" in validate.stdout.upper() and "INVALID" not in validate.stdout.upper()

    (workbook_path,) = out.glob("*.xlsx")
    workbook = openpyxl.load_workbook(workbook_path, read_only=True)
    try:
        assert sum(1 for _ in workbook.worksheets[0].iter_rows()) == published["facilities"] + 1
    finally:
        workbook.close()  # a read-only workbook keeps its file open until closed
    releases = imvo_json(env, "releases")
    assert [(r["covenant"], r["year"], r["facilities"]) for r in releases] == [
        ("textile", 2018, published["facilities"])
    ]
