"""A throw-away PostgreSQL 15 server for the tests and the load script: ``initdb`` in a temporary folder,
``pg_ctl`` on a free port of 127.0.0.1, run as an unprivileged user (the current one; ``postgres`` when the
suite runs as root, which PostgreSQL refuses to be), stopped at the end."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SEARCH = ["/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin"]


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl (PATH first), or None when PostgreSQL is not installed."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent
    for folder in SEARCH:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="hotich-pg-"))
        self.port = _free_port()
        self.user = "hotich"
        self.run_as: str | None = None
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            self.run_as = "postgres"
            try:
                pw = pwd.getpwnam(self.run_as)
            except KeyError as exc:
                raise RuntimeError("running as root and no 'postgres' user to run PostgreSQL as") from exc
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)

    def _cmd(self, *args: str) -> list[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        return ["runuser", "-u", self.run_as, "--", *cmd] if self.run_as else cmd

    def start(self) -> Server:
        data = self.dir / "data"
        subprocess.run(self._cmd("initdb", "-D", str(data), "-A", "trust", "-U", self.user, "-E", "UTF8",
                                 "--no-locale", "--no-sync"), check=True, capture_output=True, cwd=self.dir)
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        subprocess.run(self._cmd("pg_ctl", "-D", str(data), "-o", options, "-l", str(self.dir / "log"), "-w",
                                 "-t", "60", "start"), check=True, capture_output=True, cwd=self.dir)
        return self

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def sql(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as c:
            c.execute(statement)

    def create_database(self, name: str, template: str | None = None) -> str:
        for attempt in range(50):  # a template is busy for a moment after its last connection closed
            try:
                self.sql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""))
                return self.url(name)
            except Exception as exc:  # noqa: BLE001
                if "being accessed by other users" not in str(exc) or attempt == 49:
                    raise
                time.sleep(0.1)
        raise AssertionError("unreachable")

    def drop_database(self, name: str) -> None:
        self.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        subprocess.run(self._cmd("pg_ctl", "-D", str(self.dir / "data"), "-m", "immediate", "-w", "stop"),
                       capture_output=True, cwd=self.dir)
        shutil.rmtree(self.dir, ignore_errors=True)
