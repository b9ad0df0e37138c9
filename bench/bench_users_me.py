"""Benchmark: ``GET /api/users/me`` under 50 concurrent keep-alive connections.

Starts the real server (uvicorn, N workers) against a seeded benchmark database and drives it
from a load generator in a second process (``wrk`` when installed, else ``bench.loadgen``).
Target on a 2-core machine: >= 1,500 requests/s with p99 <= 50 ms.

    python -m bench.bench_users_me [--workers 2] [--connections 50] [--duration 20]
        [--server uvicorn|reuseport] [--wrk-threads 1]

The database is ``preset_bench_users_me`` on the configured server (DATABASE_URL, or the
embedded one), migrated to head; the benchmark users are (re)created on each run. Results go to
stdout as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import psycopg
from sqlalchemy.engine import make_url

from preset.accounts.repository import OWN_USER_QUERY
from preset.auth.tokens import decode_access_token, issue_access_token
from preset.db import migrations
from preset.db.urls import ensure_database, owner_url, render, with_database
from preset.settings import PROJECT_ROOT, get_settings

BENCH_DB = "preset_bench_users_me"
WARMUP_SECONDS = 3


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process (Linux /proc), 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _server_pids(root: int) -> list[int]:
    """The uvicorn supervisor and its workers."""
    pids = [root]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            if ppid == root:
                pids.append(int(entry.name))
    return pids


def _backend_pids(url: str) -> list[int]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND usename = 'authenticator'",
            (BENCH_DB,),
        ).fetchall()
    return [int(r[0]) for r in rows]


def _cpu_snapshot(server_root: int, url: str) -> dict[str, float]:
    return {
        "server": sum(_cpu_seconds(p) for p in _server_pids(server_root)),
        "postgres": sum(_cpu_seconds(p) for p in _backend_pids(url)),
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare_database(users: int) -> tuple[str, list[str]]:
    """Migrate the benchmark database and create ``users`` accounts; returns (url, tokens)."""
    owner = owner_url()
    ensure_database(with_database(owner, "postgres"), BENCH_DB)
    url = with_database(owner, BENCH_DB)
    migrations.upgrade(url)
    settings = get_settings()
    tokens: list[str] = []
    with psycopg.connect(url, options="-c search_path=public,extensions") as conn:
        conn.execute("DELETE FROM users WHERE email LIKE 'bench-%%@example.com'")
        rows = []
        for i in range(users):
            rows.append(
                (uuid.uuid4(), f"bench-{i}@example.com", "talent" if i % 2 else "contributor")
            )
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO users (id, email, role) VALUES (%s, %s, %s)", rows)
            cur.executemany(
                "INSERT INTO profiles (user_id, display_name, handle) VALUES (%s, %s, %s)",
                [(r[0], f"Bench {i}", f"bench_{i}") for i, r in enumerate(rows)],
            )
        conn.commit()
        conn.execute("ANALYZE users")
    for user_id, email, role in rows:
        token, _ = issue_access_token(settings.auth, user_id=user_id, email=email, user_role=role)
        tokens.append(token)
    return url, tokens


def start_server(
    url: str, port: int, workers: int, pool_size: int, log_level: str, server: str = "uvicorn"
) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.update(
        {
            # Request handling connects as `authenticator` (the password is ignored where the
            # server trusts local connections, as the embedded one does).
            "APP_DATABASE_URL": render(
                make_url(url).set(
                    username="authenticator",
                    password=get_settings().db.authenticator_password.get_secret_value(),
                )
            ),
            "PRESET_DB_POOL_MIN_SIZE": str(pool_size),
            "PRESET_DB_POOL_MAX_SIZE": str(pool_size),
            # The benchmark measures the request path, not the per-user limiter's refusals.
            "PRESET_RATE_LIMIT_READ_PER_MINUTE": "100000000",
            "PRESET_LOG_LEVEL": log_level,
        }
    )
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "preset.api.app:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    if server == "reuseport":
        command = [
            sys.executable,
            "-m",
            "bench.serve_reuseport",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ]
    return subprocess.Popen(
        command, env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, start_new_session=True
    )


# The request's own statements, sent as the API sends them: one pipeline of BEGIN, the
# role/claims/account-state statement, the user's row and COMMIT (preset.db.session mode 2).
PGBENCH_SCRIPT = """\\startpipeline
BEGIN;
SELECT set_config('role', 'authenticated', true),
       set_config('request.jwt.claims', '{claims}', true), public.current_account_state();
{query};
COMMIT;
\\endpipeline
"""


def pgbench_ceiling(url: str, token: str, connections: int, duration: int) -> dict[str, float]:
    """What the database serves of this request's statements with no API in front: pgbench,
    the same connections, one pipeline per request. The API's req/s over this is its share of
    the database's own ceiling. Extended protocol, not prepared: pgbench prepares every
    statement at connect, as `authenticator`, before the role switch that lets it see `auth`
    (the API's pool prepares after five uses, inside the role switch), so the ceiling plans each
    statement and is, if anything, a little low."""
    claims = decode_access_token(get_settings().auth, token).raw
    script = PGBENCH_SCRIPT.format(
        # ": " keeps pgbench from reading ':1796…' (a number after a colon) as a variable.
        claims=json.dumps(claims, separators=(", ", ": ")).replace("'", "''"),
        query=OWN_USER_QUERY,
    )
    app_url = render(
        make_url(url).set(
            username="authenticator", password=get_settings().db.authenticator_password
        )
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "users_me.sql"
        path.write_text(script)
        output = subprocess.run(
            ["pgbench", "-n", "-M", "extended", "-c", str(connections), "-j", "2",
             "-T", str(duration), "-f", str(path), app_url.replace("+psycopg", "")],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    if output.returncode != 0:
        raise RuntimeError(f"pgbench failed:\n{output.stderr}")
    text = output.stdout
    tps = re.search(r"tps = ([0-9.]+)", text)
    latency = re.search(r"latency average = ([0-9.]+) ms", text)
    if tps is None or latency is None:
        raise RuntimeError(f"unexpected pgbench output:\n{text}")
    return {"tps": round(float(tps.group(1))), "latency_avg_ms": float(latency.group(1))}


def wait_healthy(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("the server did not become healthy")


WRK_SCRIPT = """
local tokens = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end
function init(args)
  for line in io.lines("%s") do tokens[#tokens + 1] = line end
  wrk.headers["Authorization"] = "Bearer " .. tokens[(id %% #tokens) + 1]
end
request = function()
  local t = tokens[math.random(#tokens)]
  return wrk.format("GET", nil, {["Authorization"] = "Bearer " .. t})
end
"""


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _wrk_script(tokens_file: Path) -> Path:
    script = tokens_file.with_suffix(".lua")
    script.write_text(WRK_SCRIPT % tokens_file)
    return script


def run_wrk(
    port: int, connections: int, duration: int, tokens_file: Path, threads: int = 1
) -> dict[str, Any]:
    url = f"http://127.0.0.1:{port}/api/users/me"
    script = _wrk_script(tokens_file)
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    percentiles = dict(re.findall(r"^\s+(\d+)%\s+(\S+)\s*$", out, re.MULTILINE))
    if not {"50", "90", "99"} <= set(percentiles):
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "load_generator": f"wrk -t{threads}",
        "requests": total,
        "requests_per_second": rps,
        "p50_ms": _ms(percentiles["50"]),
        "p90_ms": _ms(percentiles["90"]),
        "p99_ms": _ms(percentiles["99"]),
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
    }


def run_loadgen(
    port: int, connections: int, duration: int, tokens_file: Path, threads: int = 1
) -> dict[str, Any]:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.loadgen",
            "--url",
            f"http://127.0.0.1:{port}/api/users/me",
            "--connections",
            str(connections),
            "--duration",
            str(duration),
            "--warmup",
            "0",
            "--tokens-file",
            str(tokens_file),
        ],
        capture_output=True,
        check=True,
        text=True,
        cwd=PROJECT_ROOT,
    ).stdout
    result: dict[str, Any] = json.loads(out)
    result["load_generator"] = "bench.loadgen (python, 1 process)"
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="GET /api/users/me throughput and latency")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--pool-size", type=int, default=8, help="connections per worker")
    parser.add_argument(
        "--log-level",
        default="INFO",
        help="server log level (INFO writes one access line per request)",
    )
    parser.add_argument("--load-generator", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument(
        "--server",
        choices=["uvicorn", "reuseport"],
        default="uvicorn",
        help="uvicorn --workers (one shared socket) or bench.serve_reuseport (one per worker)",
    )
    parser.add_argument(
        "--wrk-threads",
        type=int,
        default=1,
        help="wrk threads: one keeps 50 connections busy and leaves the most CPU to the server",
    )
    parser.add_argument(
        "--no-ceiling", action="store_true", help="skip the pgbench run of the same statements"
    )
    args = parser.parse_args()

    print(f"preparing {args.users} users in {BENCH_DB} …", file=sys.stderr)
    url, tokens = prepare_database(args.users)
    port = _free_port()
    server = start_server(url, port, args.workers, args.pool_size, args.log_level, args.server)
    try:
        wait_healthy(port)
        with tempfile.TemporaryDirectory() as tmp:
            tokens_file = Path(tmp) / "tokens.txt"
            tokens_file.write_text("\n".join(tokens) + "\n")
            use_wrk = args.load_generator == "wrk" or (
                args.load_generator == "auto" and shutil.which("wrk") is not None
            )
            print(f"driving {args.connections} connections for {args.duration}s …", file=sys.stderr)
            # CPU spent by the server and its database backends during the run, per request:
            # unlike req/s on a shared machine, this does not depend on what else is running.
            drive = run_wrk if use_wrk else run_loadgen
            # pools, plans, caches
            drive(port, args.connections, WARMUP_SECONDS, tokens_file, args.wrk_threads)
            before = _cpu_snapshot(server.pid, url)
            result = drive(port, args.connections, args.duration, tokens_file, args.wrk_threads)
            after = _cpu_snapshot(server.pid, url)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    result.update(
        {
            "endpoint": "GET /api/users/me",
            "server": args.server,
            "workers": args.workers,
            "connections": args.connections,
            "duration_s": args.duration,
            "pool_size_per_worker": args.pool_size,
            "server_log_level": args.log_level,
            "cpus": os.cpu_count(),
        }
    )
    requests = result["requests"]
    server_us = (after["server"] - before["server"]) / requests * 1e6
    postgres_us = (after["postgres"] - before["postgres"]) / requests * 1e6
    result["cpu_us_per_request"] = {
        "server": round(server_us, 1),
        "postgres": round(postgres_us, 1),
    }
    # What two cores could serve if nothing but server and database ran on them (the load
    # generator excluded): an upper bound that the shared machine's numbers can be read against.
    result["capacity_two_dedicated_cores"] = round(2e6 / (server_us + postgres_us))
    result["target_met"] = result["requests_per_second"] >= 1500 and result["p99_ms"] <= 50
    if not args.no_ceiling:
        print("the database's own ceiling (pgbench) …", file=sys.stderr)
        ceiling = pgbench_ceiling(url, tokens[0], args.connections, args.duration)
        result["database_ceiling"] = ceiling
        result["api_share_of_ceiling"] = round(result["requests_per_second"] / ceiling["tps"], 3)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
