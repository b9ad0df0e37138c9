"""Serve the API from N processes, each with its own SO_REUSEPORT listening socket (Linux).

``uvicorn --workers N`` shares one listening socket: whichever worker wakes first accepts every
connection waiting, so 50 connections opened at once by a load generator are split unevenly
(measured: 34/16, 9/41) and the fuller worker's queue sets the tail latency. With one socket per
process the kernel spreads new connections over the processes by hash. This launcher is for the
benchmark only (``bench_users_me --server reuseport``); it changes nothing in the app:

    python -m bench.serve_reuseport --port 8000 --workers 2
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import socket
import sys
from types import FrameType

import uvicorn


def _serve(host: str, port: int) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    config = uvicorn.Config(
        "preset.api.app:create_app",
        factory=True,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
    )
    uvicorn.Server(config).run(sockets=[sock])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_serve, args=(args.host, args.port), daemon=False)
        for _ in range(args.workers)
    ]
    for worker in workers:
        worker.start()

    def stop(signum: int, frame: FrameType | None) -> None:
        for worker in workers:
            if worker.pid is not None and worker.is_alive():
                os.kill(worker.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for worker in workers:
        worker.join()
    sys.exit(0)


if __name__ == "__main__":
    main()
