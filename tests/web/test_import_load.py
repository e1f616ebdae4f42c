"""Acceptance of issue 9, finding 4: while an 80,000-row supplier list imports, `/api/v1/me/`
with a never-used token and a login both answer in under 5 s without error, on SQLite and on
PostgreSQL.

Real processes on a real database file (or a PostgreSQL database of its own): `imvo serve`
on loopback and `imvo suppliers import` beside it. The requests are made while the import
writes its rows (it logs each write transaction), and the import is stopped after a few
rounds, which keeps the test near a minute; `benchmarks/load_during_import.py` runs the whole
import under heavier load.
"""

from __future__ import annotations

import csv
import io
import os
import re
import selectors
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from imvo.core.matching.synthetic import synthetic_registry

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("cli")]

ROWS = 80_000
PASSWORD = "Acceptance-password-2018"
ROUNDS = 4
SETUP = """
from datetime import date
from imvo.web.accounts.services import api_token_create, user_add
from imvo.web.registry.models import Covenant, Organisation, Participation
company = Organisation.objects.create(slug="groot", name="Groot", kind="company")
Participation.objects.create(
    covenant=Covenant.objects.get(slug="textile"), organisation=company,
    joined_on=date(2016, 7, 4),
)
user, _ = user_add(email="login@load.example", role="company", company=company, password={pw!r})
for _ in range({tokens}):
    print("TOKEN", api_token_create(user=user)[1])
"""


def imvo(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "imvo.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result


def big_list() -> bytes:
    """80,000 realistic rows: names and addresses in the styles of the sourcing countries."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Facility name", "Address", "City", "Postal code", "Country"])
    for record in synthetic_registry(ROWS, seed=21)[:ROWS]:
        writer.writerow(
            [record.name, record.address, record.city, record.postal_code, record.country]
        )
    return out.getvalue().encode("utf-8")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        if request.config.getoption("database") == "postgres":
            pytest.skip("the SQLite pass runs this on SQLite")
        return f"sqlite:///{tmp_path / 'load.sqlite3'}"
    server = request.getfixturevalue("postgres_server")  # skips without --database=postgres
    import psycopg

    name = f"load_{os.getpid()}_{int(time.time())}"
    with psycopg.connect(
        host=server.host, port=server.port, user=server.user, dbname="postgres", autocommit=True
    ) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql://{server.user}@{server.host}:{server.port}/{name}"


@pytest.fixture
def site(database_url: str, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A migrated database with a textile company, a login account and API tokens, served by
    `imvo serve` on a free loopback port."""
    env = {**os.environ, "IMVO_VAR_DIR": str(tmp_path), "DATABASE_URL": database_url}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    imvo(env, "migrate")
    imvo(env, "load", "reference")
    made = imvo(env, "manage", "shell", "-c", SETUP.format(pw=PASSWORD, tokens=ROUNDS))
    tokens = re.findall(r"^TOKEN (\S+)$", made.stdout, flags=re.MULTILINE)
    assert len(tokens) == ROUNDS
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "imvo.cli", "serve", "--port", str(port), "--no-worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(base + "/accounts/login/", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "imvo serve died"
            time.sleep(0.3)
        yield {"env": env, "base": base, "tokens": tokens, "folder": tmp_path}
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def timed(call: Any, *args: Any, **options: Any) -> tuple[requests.Response, float]:
    started = time.monotonic()
    response = call(*args, timeout=30, allow_redirects=False, **options)
    return response, time.monotonic() - started


def log_in(base: str) -> list[float]:
    """The login page, and its form posted with the CSRF token; the seconds each took."""
    with requests.Session() as session:
        page, first = timed(session.get, base + "/accounts/login/")
        assert page.status_code == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token is not None
        form = {
            "username": "login@load.example",
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1),
        }
        posted, second = timed(
            session.post,
            base + "/accounts/login/",
            data=form,
            headers={"Referer": base + "/accounts/login/"},
        )
        assert posted.status_code == 302, posted.text[-2000:]
        assert "sessionid" in session.cookies
    return [first, second]


def test_me_and_login_answer_fast_while_a_large_list_imports(site: dict[str, Any]) -> None:
    path = site["folder"] / "big.csv"
    path.write_bytes(big_list())
    command = [sys.executable, "-m", "imvo.cli", "suppliers", "import", str(path)]
    command += ["--company", "groot", "--year", "2018", "--format", "json"]
    env = {**site["env"], "IMVO_LOG_LEVEL": "INFO"}  # it logs each write transaction
    importing = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    watch = selectors.DefaultSelector()
    assert importing.stderr is not None
    watch.register(importing.stderr, selectors.EVENT_READ)
    writes = 0

    def writes_seen(wait: float) -> int:
        nonlocal writes
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and watch.select(timeout=0.05):
            line = importing.stderr.readline() if importing.stderr else ""
            if not line:
                break
            writes += "rows written in" in line
        return writes

    try:
        deadline = time.monotonic() + 240
        while writes_seen(0.5) == 0:
            assert importing.poll() is None, "the import ended before it wrote"
            assert time.monotonic() < deadline, "the import did not start writing in 4 minutes"
        seconds: dict[str, list[float]] = {"me": [], "login": []}
        for token in site["tokens"]:  # each one never used before
            me, took = timed(
                requests.get,
                site["base"] + "/api/v1/me/",
                headers={"Authorization": f"Bearer {token}"},
            )
            assert me.status_code == 200, me.text[-2000:]
            seconds["me"].append(took)
            seconds["login"].extend(log_in(site["base"]))
            writes_seen(1.0)
        assert importing.poll() is None, "the requests ran while the import was writing"
        assert writes_seen(0.5) >= 2
        assert max(seconds["me"]) < 5, seconds
        assert max(seconds["login"]) < 5, seconds
    finally:
        importing.kill()
        importing.wait(timeout=30)
        watch.close()
        if importing.stderr is not None:
            importing.stderr.close()
