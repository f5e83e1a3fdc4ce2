"""How a bare baseline runs: on the port its ``bench.servers.Server`` chose, on the same uvicorn
stack as ``hotline serve`` (uvloop, httptools), so a comparison is of the application alone. Kept
apart from ``bench.servers`` so a baseline imports nothing it does not need (its start and memory
are measured too)."""

from __future__ import annotations

import os

import uvicorn
from starlette.types import ASGIApp


def serve_baseline(app: ASGIApp) -> None:
    port = int(os.environ["BENCH_PORT"])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", loop="uvloop", http="httptools")
