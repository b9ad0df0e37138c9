"""The database goes away and comes back: the API fails fast and recovers at once, the worker
never dies, SIGTERM lets requests in flight finish (docs/api.md, "When something is down").

Each test runs on this module's own throw-away embedded cluster (killing its postmaster disturbs
no other test), with real processes: `preset serve` and `preset worker` as subprocesses, a real
SMTP server, and bounded request loops to 127.0.0.1.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest

from preset.db import migrations
from preset.db.embedded import EmbeddedPostgres
from tests.support.api import authenticator_url, running_smtp_server

#: The pool wait the servers under test run with (PRESET_DB_POOL_TIMEOUT_SECONDS) and the slack
#: allowed on top of it for a 503 on this shared, loaded machine.
POOL_TIMEOUT = 1.0
ANSWER_BOUND = POOL_TIMEOUT + 1.5
#: How long after the database accepts connections again the first request may take.
RECOVERY_BOUND = 1.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class FaultCluster:
    server: EmbeddedPostgres
    url: str

    def kill(self) -> None:
        """SIGKILL to the postmaster, then wait until it is dead and nothing accepts
        connections."""
        pid_file = self.server.pgdata / "postmaster.pid"
        pid = int(pid_file.read_text().splitlines()[0])
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 15
        while not _dead(pid) or _accepts(self.server.port):
            assert time.monotonic() < deadline, "the killed server still accepts connections"
            time.sleep(0.02)
        # The dead postmaster is not this process's child: until whoever inherited it reaps it,
        # it lingers as a zombie and `pg_ctl status` (kill -0) takes it for a running server.
        # Its lock file is stale: drop it, as a supervisor restarting the server would.
        pid_file.unlink(missing_ok=True)

    def restart(self) -> float:
        """Start it again; the moment it accepts connections (monotonic)."""
        deadline = time.monotonic() + 30
        while True:
            try:
                self.server.start()
                break
            except Exception:  # the killed server's backends may still hold its shared memory
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        while not _accepts(self.server.port):
            time.sleep(0.01)
        return time.monotonic()


def _dead(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def _accepts(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultCluster]:
    server = EmbeddedPostgres(tmp_path_factory.mktemp("faults") / "pg", _free_port(), archive=None)
    server.start()
    try:
        with psycopg.connect(server.url("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE preset")
            # Durable commits, as in production: a throw-away cluster commits asynchronously and
            # would lose the last commits before the crash (the sign-up of a test's user).
            conn.execute("ALTER SYSTEM SET synchronous_commit = on")
            conn.execute("SELECT pg_reload_conf()")
        url = server.url("preset")
        migrations.upgrade(url)
        yield FaultCluster(server, url)
    finally:
        server.destroy()


def _env(cluster: FaultCluster, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": cluster.url,
        "APP_DATABASE_URL": authenticator_url(cluster.url),
        "PRESET_ENV": "test",
        "PRESET_LOG_LEVEL": "WARNING",
        "PRESET_RATE_LIMIT_ENABLED": "false",
        "PRESET_DB_POOL_MIN_SIZE": "2",
        "PRESET_DB_POOL_MAX_SIZE": "4",
        "PRESET_DB_ANON_POOL_MAX_SIZE": "2",
        "PRESET_DB_POOL_TIMEOUT_SECONDS": str(POOL_TIMEOUT),
        **extra,
    }


def _preset(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    preset = Path(sys.executable).parent / "preset"
    return subprocess.Popen(
        [str(preset), *args], env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )


def _wait_for(condition: Callable[[], bool], what: str, log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}\n{log.read_text(errors='replace')}")
        time.sleep(0.05)


@dataclass
class Api:
    base: str
    process: subprocess.Popen[bytes]
    log: Path


@pytest.fixture()
def api(cluster: FaultCluster, tmp_path: Path) -> Iterator[Api]:
    port = _free_port()
    log = tmp_path / "serve.log"
    process = _preset("serve", "--port", str(port), env=_env(cluster), log=log)
    base = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        assert process.poll() is None, log.read_text(errors="replace")
        try:
            return httpx.get(f"{base}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    _wait_for(healthy, "the API to start", log)
    try:
        yield Api(base, process, log)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


def _signup(base: str) -> str:
    suffix = os.urandom(5).hex()
    response = httpx.post(
        f"{base}/api/auth/signup",
        json={
            "email": f"fault_{suffix}@example.com",
            "password": "correct horse battery staple",
            "role": "talent",
            "display_name": "Fault Test",
            "handle": f"fault_{suffix}",
        },
        timeout=10,
    )
    assert response.status_code == 201, response.text
    token: str = response.json()["access_token"]
    return token


@dataclass(frozen=True)
class Answer:
    route: str
    started: float
    took: float
    status: int | None  # None: no HTTP answer at all
    code: str | None
    retry_after: str | None


def _traffic(
    base: str,
    route: str,
    path: str,
    headers: dict[str, str],
    stop: threading.Event,
    out: list[Answer],
) -> None:
    """One client asking ``path`` again and again until ``stop`` (answers labelled ``route``)."""
    with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
        while not stop.is_set():
            started = time.monotonic()
            try:
                response = client.get(path)
            except httpx.HTTPError:
                out.append(Answer(route, started, time.monotonic() - started, None, None, None))
                continue
            took = time.monotonic() - started
            code = response.json()["error"]["code"] if response.status_code >= 400 else None
            out.append(
                Answer(
                    route,
                    started,
                    took,
                    response.status_code,
                    code,
                    response.headers.get("Retry-After"),
                )
            )
            time.sleep(0.02)


#: Each route on its pool: anonymous discovery (the pinned anon pool), a user's discovery and
#: /api/users/me (the request pool, two modes), /health (the request pool, its own probe).
def _routes(token: str) -> list[tuple[str, str, dict[str, str]]]:
    user = {"Authorization": f"Bearer {token}"}
    return [
        ("anonymous discovery", "/api/gigs", {}),
        ("a user's discovery", "/api/gigs", user),
        ("/api/users/me", "/api/users/me", user),
        ("/health", "/health", {}),
    ]


def test_requests_fail_fast_while_the_database_is_down_and_succeed_as_soon_as_it_is_back(
    cluster: FaultCluster, api: Api
) -> None:
    token = _signup(api.base)
    answers: list[Answer] = []
    stop = threading.Event()
    routes = _routes(token)
    threads = [
        threading.Thread(target=_traffic, args=(api.base, route, path, headers, stop, answers))
        for route, path, headers in routes
    ]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.0)
        killed_at = time.monotonic()
        cluster.kill()
        time.sleep(3.0)
        back_at = cluster.restart()
        time.sleep(2.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

    assert api.process.poll() is None, "the API died"
    # Nothing but 200 and 503, each answered within the bound; every 503 says when to retry.
    assert all(a.status in (200, 503) for a in answers), {
        (a.route, a.status, a.code) for a in answers if a.status not in (200, 503)
    }
    slowest = max(answers, key=lambda a: a.took)
    assert slowest.took < ANSWER_BOUND, slowest
    for a in answers:
        if a.status == 503:
            assert a.retry_after == "1", a
            expected = "database_unreachable" if a.route == "/health" else "database_unavailable"
            assert a.code == expected, a
    for route, _, _ in routes:
        mine = [a for a in answers if a.route == route]
        # The outage was seen on every route…
        assert any(a.status == 503 for a in mine if killed_at <= a.started < back_at), route
        # …and every request asked once the database accepts connections again succeeds, the
        # first of them within a few hundred milliseconds.
        after = [a for a in mine if a.started >= back_at]
        assert after, route
        assert all(a.status == 200 for a in after), (route, after[:3])
        assert after[0].took < RECOVERY_BOUND, (route, after[0])


def test_pools_left_idle_through_an_outage_serve_the_first_request_after_it(
    cluster: FaultCluster, api: Api
) -> None:
    """No traffic while the database is down: each pool still holds connections from before the
    crash, all dead. The first request on each is answered at once from a new connection."""
    token = _signup(api.base)
    with httpx.Client(base_url=api.base, timeout=10) as client:
        for _, path, headers in _routes(token):
            for _ in range(3):  # several connections in each pool
                assert client.get(path, headers=headers).status_code == 200
        cluster.kill()
        time.sleep(1.0)
        cluster.restart()
        for route, path, headers in _routes(token):
            started = time.monotonic()
            response = client.get(path, headers=headers)
            took = time.monotonic() - started
            assert response.status_code == 200, (route, response.text)
            assert took < RECOVERY_BOUND, (route, took)


def test_a_statement_past_the_timeout_is_a_503_and_its_connection_goes_back_clean(
    cluster: FaultCluster, tmp_path: Path
) -> None:
    port = _free_port()
    log = tmp_path / "serve.log"
    env = _env(
        cluster,
        PRESET_DB_STATEMENT_TIMEOUT_MS="400",
        PRESET_DB_POOL_MAX_SIZE="1",
        PRESET_DB_POOL_MIN_SIZE="1",
        PRESET_DB_ANON_POOL_MAX_SIZE="1",
    )
    process = _preset("serve", "--port", str(port), env=env, log=log)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(lambda: _answers(f"{base}/health"), "the API to start", log)
        user = {"Authorization": f"Bearer {_signup(base)}"}
        with psycopg.connect(cluster.url) as blocker:
            blocker.execute("LOCK TABLE gigs IN ACCESS EXCLUSIVE MODE")
            for headers in ({}, user):  # the anon pool (per session), the request pool (per tx)
                started = time.monotonic()
                response = httpx.get(f"{base}/api/gigs", headers=headers, timeout=10)
                took = time.monotonic() - started
                assert response.status_code == 503, response.text
                assert response.json()["error"]["code"] == "database_timeout"
                assert response.headers["Retry-After"] == "1"
                assert 0.35 < took < 2.0, took
            blocker.rollback()
        # Each pool has one connection: the one that timed out serves the next request, clean
        # (no transaction left open, still in its role).
        for headers in ({}, user):
            response = httpx.get(f"{base}/api/gigs", headers=headers, timeout=10)
            assert response.status_code == 200, response.text
        me = httpx.get(f"{base}/api/users/me", headers=user, timeout=10)
        assert me.status_code == 200, me.text
        with psycopg.connect(cluster.url, autocommit=True) as conn:
            states = conn.execute(
                "SELECT state FROM pg_stat_activity WHERE usename = 'authenticator'"
            ).fetchall()
        assert states and all(state == "idle" for (state,) in states), states
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_sigterm_lets_every_request_in_flight_finish(cluster: FaultCluster, api: Api) -> None:
    results: list[int | str] = []
    lock = threading.Lock()

    def ask() -> None:
        try:
            status: int | str = httpx.get(f"{api.base}/api/gigs", timeout=20).status_code
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        with lock:
            results.append(status)

    with psycopg.connect(cluster.url) as blocker:
        blocker.execute("LOCK TABLE gigs IN ACCESS EXCLUSIVE MODE")
        threads = [threading.Thread(target=ask) for _ in range(2)]
        for thread in threads:
            thread.start()

        def waiting_on_the_lock() -> bool:
            # Its own connection: pg_stat_activity is a snapshot per transaction.
            with psycopg.connect(cluster.url, autocommit=True) as probe:
                row = probe.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE usename = 'authenticator' AND wait_event_type = 'Lock'"
                ).fetchone()
            return bool(row and row[0] == 2)

        _wait_for(waiting_on_the_lock, "both requests to be in flight", api.log, seconds=10)
        api.process.send_signal(signal.SIGTERM)
        time.sleep(0.5)  # the server is shutting down, the requests still wait on the lock
        assert api.process.poll() is None, "the server did not wait for its requests"
        blocker.rollback()
    for thread in threads:
        thread.join(timeout=20)
    assert results == [200, 200]
    # uvicorn re-raises the SIGTERM once it has shut down cleanly: that is its exit status.
    assert api.process.wait(timeout=20) in (0, -signal.SIGTERM)
    assert "Finished server process" in api.log.read_text()


def test_the_worker_survives_the_database_going_away_and_delivers_what_was_written_meanwhile(
    cluster: FaultCluster, tmp_path: Path
) -> None:
    log = tmp_path / "worker.log"
    with running_smtp_server() as smtp:
        env = _env(
            cluster,
            PRESET_MAIL_SMTP_HOST=smtp.host,
            PRESET_MAIL_SMTP_PORT=str(smtp.port),
        )
        worker = _preset("worker", "--poll", "0.2", "--interval", "60", env=env, log=log)
        try:
            _wait_for(lambda: "worker running" in log.read_text(), "the worker to start", log)
            time.sleep(0.5)
            cluster.kill()
            time.sleep(2.0)
            assert worker.poll() is None, log.read_text()
            cluster.restart()
            # Written as soon as the database is back, while the worker is still away: its
            # NOTIFY reaches no listener, the worker must catch up by itself.
            with psycopg.connect(cluster.url) as conn:
                [event_id] = conn.execute(
                    "INSERT INTO domain_events (event_type, aggregate_type, aggregate_id, payload)"
                    " VALUES ('fault.test', 'test', gen_random_uuid(), '{}') RETURNING id"
                ).fetchone() or [None]
            processed = _event_state(cluster.url, event_id)
            _wait_for(lambda: processed()[0] is not None, "the event to be delivered", log)
            time.sleep(0.5)
            assert processed()[1] == 1  # handled once
            assert worker.poll() is None, log.read_text()
            output = log.read_text()
            assert output.count("database unavailable") == 1, output
            assert "database reachable again" in output, output
        finally:
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(timeout=30) == 0, log.read_text()


def _event_state(url: str, event_id: object) -> Callable[[], tuple[object, int]]:
    def state() -> tuple[object, int]:
        with psycopg.connect(url) as conn:
            row = conn.execute(
                "SELECT processed_at, attempts FROM domain_events WHERE id = %s", (event_id,)
            ).fetchone()
        assert row is not None
        return row[0], row[1]

    return state
