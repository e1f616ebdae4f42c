"""The site under load while a large supplier list imports (issue 9): `imvo serve` (waitress) on
loopback, on a fresh temporary SQLite database (or `--database-url`, e.g. an empty PostgreSQL
database), with concurrent clients for as long as an 80,000-row list imports through
`imvo suppliers import`:

- login: the login page, then the form posted with its CSRF token (a real session), then the
  account page and a logout;
- api: `/api/v1/me/` by API token, most with a token never used before (its first use is
  written to the database), and `/api/v1/supplier-lists/`;
- review: a secretariat reading the review queue and a review, and deciding reviews.

Every request is timed; what ran while the import ran is reported per kind of request: count,
errors (an unexpected status, a timeout or a dropped connection), p50, p95 and max latency.
Target: 0 errors and p95 < 1 s. Everything is bounded: the clients stop when the import ends,
after `--max-seconds`, or after `--max-requests` each; only 127.0.0.1 is ever contacted.

    .venv/bin/python benchmarks/load_during_import.py [--rows 80000] [--clients 20]
        [--database-url postgresql://user@127.0.0.1:5432/empty_db] [--json]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

PASSWORD = "Load-test-password-2018"
YEAR = 2018
HOST = "127.0.0.1"
TOKENS = 3000  # never-used tokens for the API clients
BASE_ROWS = 4000  # the registry before the big list: one company's list
REVIEW_ROWS = 600  # a second company's list of variants of it: the review queue
HEADER = (
    "Facility name",
    "Address",
    "City",
    "Postal code",
    "Country",
    "Latitude",
    "Longitude",
    "Product type",
    "Number of workers",
)
PRODUCTS = ("T-shirts", "Jeans", "Knitwear", "Woven shirts", "Socks", "Outerwear", "Fabric")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
WRITE_LOGGED = re.compile(r"rows written in ([0-9.]+) s")


# ---- the data ------------------------------------------------------------------------------


def list_csv(records: Sequence[Any], *, seed: int) -> bytes:
    """A supplier list as a company's spreadsheet program saves it (UTF-8 CSV, English
    headers), one row per record, with product types and worker numbers."""
    rng = random.Random(seed)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for record in records:
        writer.writerow(
            (
                record.name,
                record.address,
                record.city,
                record.postal_code,
                record.country,
                "" if record.latitude is None else f"{record.latitude:.5f}",
                "" if record.longitude is None else f"{record.longitude:.5f}",
                rng.choice(PRODUCTS),
                rng.choice(("45", "120", "350", "800", "1200", "2500", "6000")),
            )
        )
    return out.getvalue().encode("utf-8")


def lists_make(folder: Path, rows: int) -> dict[str, Path]:
    """The registry's first list, a list of variants of it, and the big list: mostly new
    facilities, a third of them known ones written the company's own way."""
    from imvo.core.matching.synthetic import synthetic_list, synthetic_registry

    registry = synthetic_registry(BASE_ROWS, seed=9)
    originals = [record for record in registry if record.record_id.endswith("/1")]
    variants, _ = synthetic_list(registry, REVIEW_ROWS, seed=10, new_share=0.1)
    pool = synthetic_registry(rows, seed=11)
    new = [record for record in pool if record.record_id.endswith("/1")][: int(rows * 0.7)]
    known, _ = synthetic_list(registry, rows - len(new), seed=12, new_share=0.0)
    big = list(known) + new
    random.Random(13).shuffle(big)
    paths = {"base": originals, "variants": variants, "big": big}
    written = {}
    for name, records in paths.items():
        path = folder / f"{name}.csv"
        path.write_bytes(list_csv(records, seed=len(name)))
        written[name] = path
    return written


# ---- the database --------------------------------------------------------------------------


@dataclass
class Cast:
    login_emails: list[str]
    secretariat_emails: list[str]
    tokens: list[str]


def database_prepare(clients: int) -> Cast:
    """Migrate, load the reference data, add three textile companies and the users: one login
    account per client, secretariat accounts, and API tokens."""
    import django

    django.setup()
    from datetime import date

    from django.core.management import call_command
    from django.db import connections

    from imvo.web.accounts.services import api_token_create, user_add
    from imvo.web.registry.models import Covenant, Organisation, Participation
    from imvo.web.registry.services import reference_load

    call_command("migrate", verbosity=0)
    reference_load()
    textile = Covenant.objects.get(slug="textile")
    companies = {}
    for slug, name in (("basis", "Basis Mode"), ("varia", "Varia Kleding"), ("groot", "Groot")):
        companies[slug] = Organisation.objects.create(slug=slug, name=name, kind="company")
        Participation.objects.create(
            covenant=textile, organisation=companies[slug], joined_on=date(2016, 7, 4)
        )
    logins = [f"user{n}@load.example" for n in range(clients)]
    for email in logins:
        user_add(email=email, role="company", company=companies["varia"], password=PASSWORD)
    secretariat = [f"secretariat{n}@load.example" for n in range(clients)]
    for email in secretariat:
        user_add(email=email, role="secretariat", covenant=textile, password=PASSWORD)
    api_user, _ = user_add(email="api@load.example", role="company", company=companies["basis"])
    tokens = [api_token_create(user=api_user)[1] for _ in range(TOKENS)]
    connections.close_all()
    return Cast(logins, secretariat, tokens)


# ---- processes -----------------------------------------------------------------------------


def imvo(env: dict[str, str], *args: str) -> list[str]:
    return [sys.executable, "-m", "imvo.cli", *args]


def list_import(env: dict[str, str], path: Path, company: str) -> subprocess.Popen[str]:
    command = imvo(env, "suppliers", "import", str(path), "--company", company)
    command += ["--year", str(YEAR), "--format", "json"]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(env: dict[str, str], threads: int) -> Iterator[str]:
    """`imvo serve` without a worker on a free loopback port; yields its base URL."""
    port = free_port()
    command = imvo(env, "serve", "--host", HOST, "--port", str(port), "--threads", str(threads))
    log = Path(env["IMVO_VAR_DIR"]) / "serve.log"
    process = subprocess.Popen(
        [*command, "--no-worker"], env=env, stdout=subprocess.DEVNULL, stderr=log.open("w")
    )
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(base + "/accounts/login/", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"imvo serve did not start: {log.read_text()[-2000:]}")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ---- the clients ---------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    started: float
    seconds: float
    error: str | None


@dataclass
class Load:
    base: str
    until: float
    max_requests: int
    think: float
    importing: threading.Event
    stop: threading.Event
    tokens: list[str]
    reviews: list[int] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(
        self,
        kind: str,
        method: Callable[..., requests.Response],
        path: str,
        *,
        expected: Sequence[int] = (200,),
        **options: Any,
    ) -> requests.Response | None:
        """`method(base + path, **options)`, timed and counted under `kind`; the response,
        or None when it failed."""
        started = time.monotonic()
        response: requests.Response | None = None
        error = None
        try:
            response = method(self.base + path, timeout=30, allow_redirects=False, **options)
            if response.status_code not in expected:
                error = f"HTTP {response.status_code}"
        except requests.RequestException as failure:
            error = type(failure).__name__
        seconds = time.monotonic() - started
        if self.importing.is_set():
            with self.lock:
                self.samples.append(Sample(kind, started, seconds, error))
        return response if error is None else None

    def running(self, done: int) -> bool:
        return not self.stop.is_set() and time.monotonic() < self.until and done < self.max_requests

    def pause(self, rng: random.Random) -> None:
        self.stop.wait(rng.uniform(0.5, 1.5) * self.think)

    def token(self) -> str:
        with self.lock:
            return self.tokens.pop() if len(self.tokens) > 1 else self.tokens[0]

    def review(self) -> int | None:
        with self.lock:
            return self.reviews.pop() if self.reviews else None


def csrf_of(response: requests.Response | None) -> str | None:
    found = CSRF_INPUT.search(response.text) if response is not None else None
    return found.group(1) if found else None


def login(load: Load, session: requests.Session, email: str, kind: str = "login") -> bool:
    """The login page, then the form posted with its CSRF token: a session of its own."""
    token = csrf_of(load.timed(f"{kind} page", session.get, "/accounts/login/"))
    if token is None:
        return False
    form = {"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token}
    headers = {"Referer": load.base + "/accounts/login/"}
    posted = load.timed(
        kind, session.post, "/accounts/login/", data=form, headers=headers, expected=(302,)
    )
    return posted is not None


def login_client(load: Load, email: str, seed: int) -> None:
    rng = random.Random(seed)
    done = 0
    while load.running(done):
        with requests.Session() as session:
            if login(load, session, email) and load.timed(
                "account page", session.get, "/accounts/"
            ):
                load.timed(
                    "logout",
                    session.post,
                    "/accounts/logout/",
                    data={"csrfmiddlewaretoken": session.cookies.get("csrftoken", "")},
                    headers={"Referer": load.base + "/accounts/"},
                    expected=(302,),
                )
        done += 4
        load.pause(rng)


def api_client(load: Load, seed: int) -> None:
    rng = random.Random(seed)
    done = 0
    with requests.Session() as session:
        while load.running(done):
            headers = {"Authorization": f"Bearer {load.token()}"}
            load.timed("api me (new token)", session.get, "/api/v1/me/", headers=headers)
            load.timed(
                "api supplier lists", session.get, "/api/v1/supplier-lists/", headers=headers
            )
            done += 2
            load.pause(rng)


def review_client(load: Load, email: str, seed: int) -> None:
    rng = random.Random(seed)
    done = 0
    with requests.Session() as session:
        if not login(load, session, email, kind="secretariat login"):
            return
        while load.running(done):
            queue = load.timed("review queue", session.get, "/suppliers/review/")
            review = load.review()
            page = (
                load.timed("review page", session.get, f"/suppliers/review/{review}/")
                if queue is not None and review is not None
                else None
            )
            if page is not None:
                load.timed(
                    "review decision",
                    session.post,
                    f"/suppliers/review/{review}/decide/",
                    data={
                        "verdict": rng.choice(("confirm", "new")),
                        "csrfmiddlewaretoken": csrf_of(page) or session.cookies.get("csrftoken"),
                    },
                    headers={"Referer": f"{load.base}/suppliers/review/{review}/"},
                    expected=(302, 200),
                )
            done += 3
            load.pause(rng)


# ---- the report ----------------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(samples: Sequence[Sample]) -> dict[str, dict[str, Any]]:
    kinds: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        kinds[sample.kind].append(sample)
        kinds["all"].append(sample)
    result = {}
    for kind, found in sorted(kinds.items(), key=lambda item: (item[0] == "all", item[0])):
        seconds = [sample.seconds for sample in found]
        errors: dict[str, int] = defaultdict(int)
        for sample in found:
            if sample.error:
                errors[sample.error] += 1
        result[kind] = {
            "requests": len(found),
            "errors": sum(errors.values()),
            "error_kinds": dict(errors),
            "p50_ms": round(statistics.median(seconds) * 1000, 1) if seconds else 0.0,
            "p95_ms": round(percentile(seconds, 0.95) * 1000, 1),
            "max_ms": round(max(seconds, default=0.0) * 1000, 1),
        }
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=80_000, help="rows of the big list")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads")
    parser.add_argument(
        "--think", type=float, default=1.0, help="seconds between a client's rounds"
    )
    parser.add_argument("--max-seconds", type=float, default=600, help="stop the clients after")
    parser.add_argument("--max-requests", type=int, default=5000, help="per client at most")
    parser.add_argument("--database-url", default="", help="an empty database (default: SQLite)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="imvo-load-") as temporary:
        folder = Path(temporary)
        url = args.database_url or f"sqlite:///{folder / 'load.sqlite3'}"
        os.environ.update(
            {
                "IMVO_VAR_DIR": str(folder),
                "DATABASE_URL": url,
                "DJANGO_SETTINGS_MODULE": "imvo.web.settings",
            }
        )
        env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
        log = (
            (lambda *parts: None)
            if args.json
            else (lambda *parts: print(*parts, file=sys.stderr, flush=True))
        )
        log(f"preparing {url.split('://')[0]} database and lists …")
        cast = database_prepare(args.clients)
        files = lists_make(folder, args.rows)
        for name, company in (("base", "basis"), ("variants", "varia")):
            process = list_import(env, files[name], company)
            _, err = process.communicate(timeout=600)
            if process.returncode != 0:
                raise SystemExit(f"importing {name}.csv failed: {err}")
        reviews = open_review_ids()
        big = files["big"]
        size = big.stat().st_size / 1e6
        log(f"{len(reviews)} open reviews; big list {args.rows:,} rows, {size:.1f} MB")
        with server(env, args.threads) as base:
            load = Load(
                base=base,
                until=time.monotonic() + args.max_seconds,
                max_requests=args.max_requests,
                think=args.think,
                importing=threading.Event(),
                stop=threading.Event(),
                tokens=list(cast.tokens),
                reviews=reviews,
            )
            workers = []
            for n in range(args.clients):
                kind = n % 3
                if kind == 0:
                    target: Callable[..., None] = login_client
                    call_args: tuple[Any, ...] = (load, cast.login_emails[n], n)
                elif kind == 1:
                    target, call_args = api_client, (load, n)
                else:
                    target, call_args = review_client, (load, cast.secretariat_emails[n], n)
                workers.append(threading.Thread(target=target, args=call_args, daemon=True))
            started = time.monotonic()
            load.importing.set()
            # The import logs each of its write transactions (INFO), to report the longest.
            process = list_import({**env, "IMVO_LOG_LEVEL": "INFO"}, big, "groot")
            for worker in workers:
                worker.start()
            try:
                _, err = process.communicate(timeout=args.max_seconds)
            except subprocess.TimeoutExpired:
                process.kill()
                _, err = process.communicate()
            took = time.monotonic() - started
            load.importing.clear()
            load.stop.set()
            for worker in workers:
                worker.join(timeout=60)
        figures = report(load.samples)
        writes = [float(found) for found in WRITE_LOGGED.findall(err)]
        served = (folder / "serve.log").read_text(errors="replace")
        if "Traceback" in served:
            last = served[served.rindex("Traceback") :]
            count = served.count("Traceback")
            log(f"the server logged {count} tracebacks; the last:\n{last[-3000:]}")
        summary = {
            "database": url.split("://")[0],
            "rows": args.rows,
            "megabytes": round(big.stat().st_size / 1e6, 2),
            "clients": args.clients,
            "import_seconds": round(took, 1),
            "import_exit": process.returncode,
            "import_error": err.strip().splitlines()[-1] if process.returncode else None,
            "write_transactions": len(writes),
            "longest_write_ms": round(max(writes, default=0.0) * 1000, 1),
            "kinds": figures,
        }
        overall = figures.get("all", {"errors": 0, "p95_ms": 0.0, "requests": 0})
        summary["target_met"] = bool(
            process.returncode == 0
            and overall["requests"] > 0
            and overall["errors"] == 0
            and overall["p95_ms"] < 1000
        )
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print_table(summary)
    return 0 if summary["target_met"] else 1


def open_review_ids() -> list[int]:
    from django.db import connections

    from imvo.web.suppliers.models import MatchReview, ReviewStatus

    ids = list(
        MatchReview.objects.filter(status=ReviewStatus.OPEN, row__isnull=False)
        .order_by("-pk")
        .values_list("pk", flat=True)
    )
    connections.close_all()
    return ids


def print_table(summary: dict[str, Any]) -> None:
    print(
        f"import of {summary['rows']:,} rows ({summary['megabytes']} MB) on {summary['database']}: "
        f"{summary['import_seconds']} s, exit {summary['import_exit']}"
        + (f" ({summary['import_error']})" if summary["import_error"] else "")
    )
    print(
        f"the import wrote in {summary['write_transactions']} transactions, the longest "
        f"{summary['longest_write_ms']} ms"
    )
    print(f"{summary['clients']} clients while it ran:")
    print(f"{'kind':<22}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for kind, row in summary["kinds"].items():
        print(
            f"{kind:<22}{row['requests']:>9}{row['errors']:>8}{row['p50_ms']:>9}"
            f"{row['p95_ms']:>9}{row['max_ms']:>9}"
            + (f"  {row['error_kinds']}" if row["errors"] else "")
        )
    print("target (0 errors, p95 < 1 s):", "met" if summary["target_met"] else "NOT met")


if __name__ == "__main__":
    sys.exit(main())
