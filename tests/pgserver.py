"""A throwaway PostgreSQL server for the test suite.

The suite starts its own server rather than expecting one: `initdb` into a temporary folder,
`pg_ctl start` on a free port with the unix socket in that folder and trust authentication on
127.0.0.1, and at the end `pg_ctl stop` and the folder removed. PostgreSQL refuses to run as
root, and sessions and CI run as root, so there every command runs as the `postgres` system
user (`runuser -u postgres --`) in a folder that user owns.

pytest-postgresql does the same job but runs `pg_ctl` as the current user; this module is
small enough that owning it is simpler than patching around that.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

FOLDER_PREFIX = "imvo-pg-"
OWNER_FILE = "owner.pid"  # pid of the process that started the server, to find strays
SYSTEM_USER = "postgres"
START_ATTEMPTS = 3


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL binaries were found, or the server would not start."""


def find_bindir() -> Path:
    """The folder holding `initdb` and `pg_ctl`: IMVO_PG_BINDIR, `pg_config`, Debian's layout,
    or the PATH, in that order."""
    candidates: list[Path] = []
    if from_env := os.environ.get("IMVO_PG_BINDIR"):
        candidates.append(Path(from_env))
    if pg_config := shutil.which("pg_config"):
        with contextlib.suppress(OSError, subprocess.CalledProcessError):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=True
            ).stdout
            candidates.append(Path(out.strip()))
    debian = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda p: _version_key(Path(p).parent.name),
        reverse=True,
    )
    candidates.extend(Path(p) for p in debian)
    if initdb := shutil.which("initdb"):
        candidates.append(Path(initdb).parent)
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) not found; install the `postgresql` "
        "package or set IMVO_PG_BINDIR"
    )


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PostgresServer:
    """One running server. Connect to `host`:`port` as `user` without a password."""

    bindir: Path
    folder: Path
    port: int
    user: str = "postgres"
    host: str = "127.0.0.1"
    running: bool = False

    @property
    def datadir(self) -> Path:
        return self.folder / "data"

    @property
    def socket_dir(self) -> Path:
        return self.folder

    @property
    def logfile(self) -> Path:
        return self.folder / "server.log"

    @classmethod
    def start(cls, bindir: Path | None = None, base: Path | None = None) -> PostgresServer:
        """initdb a new cluster in a fresh folder under `base` (default: the temp dir) and start
        it. On failure nothing is left behind."""
        bindir = bindir or find_bindir()
        folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX, dir=base))
        server = cls(bindir=bindir, folder=folder, port=0)
        try:
            (folder / OWNER_FILE).write_text(str(os.getpid()), encoding="ascii")
            if _as_system_user():
                account = pwd.getpwnam(SYSTEM_USER)
                os.chown(folder, account.pw_uid, account.pw_gid)
            server._initdb()
            server._start_on_a_free_port()
        except BaseException:
            server.stop()
            raise
        return server

    def _initdb(self) -> None:
        self._run(
            "initdb",
            "--pgdata",
            str(self.datadir),
            "--username",
            self.user,
            "--auth",
            "trust",  # local socket and 127.0.0.1/::1 only; nothing else can connect
            "--encoding",
            "UTF8",
            "--locale",
            "C.UTF-8",
            "--no-sync",
            "--no-instructions",
        )

    def _start_on_a_free_port(self) -> None:
        # Another process may take the port between probing and binding; try a few.
        for attempt in range(1, START_ATTEMPTS + 1):
            self.port = free_port()
            options = " ".join(
                [
                    f"-p {self.port}",
                    "-c listen_addresses=127.0.0.1",
                    f"-c unix_socket_directories={self.socket_dir}",
                    # Durability is worthless for a throwaway test cluster; speed is not.
                    "-c fsync=off",
                    "-c synchronous_commit=off",
                    "-c full_page_writes=off",
                ]
            )
            try:
                self._run(
                    "pg_ctl",
                    "start",
                    "--wait",
                    "--timeout",
                    "60",
                    "--pgdata",
                    str(self.datadir),
                    "--log",
                    str(self.logfile),
                    "-o",
                    options,
                )
            except PostgresUnavailable:
                if attempt == START_ATTEMPTS:
                    raise
                continue
            self.running = True
            return

    def stop(self) -> None:
        """Stop the server (fast: nothing in it is worth keeping) and remove its folder.
        Safe to call twice."""
        if self.running:
            try:
                self._run(
                    "pg_ctl", "stop", "--wait", "--mode", "immediate", "--pgdata", str(self.datadir)
                )
            except PostgresUnavailable:
                _kill_postmaster(self.datadir)
            self.running = False
        shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bindir / program), *args]
        if _as_system_user():
            command = ["runuser", "-u", SYSTEM_USER, "--", *command]
        # cwd: the system user may not be allowed into the caller's working directory.
        result = subprocess.run(
            command,
            cwd=self.folder,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        if result.returncode != 0:
            raise PostgresUnavailable(
                f"{program} failed with exit code {result.returncode}:\n"
                f"{result.stdout}{result.stderr}{self._log_tail()}"
            )

    def _log_tail(self, lines: int = 20) -> str:
        try:
            text = self.logfile.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "server log:\n" + "\n".join(text.splitlines()[-lines:])


def _as_system_user() -> bool:
    return os.geteuid() == 0


def remove_strays(base: Path | None = None) -> list[Path]:
    """Stop and remove servers left by test runs that were killed before they could clean up
    (their owner process is gone). Returns the folders removed."""
    removed = []
    for folder in Path(base or tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*"):
        try:
            owner = int((folder / OWNER_FILE).read_text(encoding="ascii"))
        except (OSError, ValueError):
            continue
        if _process_alive(owner):
            continue
        _kill_postmaster(folder / "data")
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _kill_postmaster(datadir: Path) -> None:
    try:
        pid = int((datadir / "postmaster.pid").read_text(encoding="ascii").splitlines()[0])
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except (OSError, ValueError, IndexError):
        return
    if str(datadir) not in cmdline.split("\0"):
        return  # the pid now belongs to some other process
    # SIGQUIT is PostgreSQL's immediate shutdown; the postmaster takes its children with it.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGQUIT)
