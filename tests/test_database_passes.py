"""The suite's two database passes (tests/conftest.py): what each collects, and that neither can
pass by quietly running nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_pytest(*args: str, database: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "IMVO_TEST_DB"))}
    if database is not None:
        env["IMVO_TEST_DB"] = database
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.postgres
def test_postgres_pass_collects_only_the_tests_that_use_the_database() -> None:
    result = run_pytest(
        "--collect-only",
        "-q",
        "tests/web/test_jsonable.py",
        "tests/web/test_api.py",
        database="postgres",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    collected = [line for line in result.stdout.splitlines() if "::" in line]
    assert any(line.startswith("tests/web/test_api.py::") for line in collected)
    assert not any("test_jsonable" in line for line in collected)
    assert "deselected" in result.stdout


@pytest.mark.postgres
def test_postgres_pass_without_database_tests_fails_instead_of_passing_empty() -> None:
    result = run_pytest("-q", "tests/web/test_jsonable.py", database="postgres")
    assert result.returncode == pytest.ExitCode.NO_TESTS_COLLECTED


def test_an_unknown_database_is_refused() -> None:
    result = run_pytest("--collect-only", "-q", "tests/web/test_jsonable.py", database="mysql")
    assert result.returncode == pytest.ExitCode.USAGE_ERROR
    assert "IMVO_TEST_DB must be one of sqlite, postgres" in result.stderr


def test_sqlite_pass_skips_postgres_tests_and_says_how_to_run_them() -> None:
    result = run_pytest("-q", "tests/web/test_postgres.py", database="sqlite")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "needs PostgreSQL: run with --database=postgres" in result.stdout
    assert " passed" not in result.stdout
