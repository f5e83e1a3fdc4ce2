"""``hotline serve`` as a real process: it migrates, answers /healthz and shows the landing page."""

from __future__ import annotations

import re
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

HOTLINE = str(Path(__file__).resolve().parent.parent / ".venv" / "bin" / "hotline")

pytestmark = pytest.mark.slow
METRICS_TOKEN = "prometheus-scrape-token-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def server(sandbox_env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {**sandbox_env, "HOTLINE_PORT": str(port), "HOTLINE_METRICS_TOKEN": METRICS_TOKEN}
    process = subprocess.Popen(
        [HOTLINE, "serve"], env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"hotline serve did not come up:\n{output}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_health_and_landing_page(server: str, tmp_path: Path) -> None:
    health = httpx.get(server + "/healthz")
    assert health.json() == {"status": "ok", "database": "ok"}
    page = httpx.get(server + "/")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "default-src 'self'" in page.headers["content-security-policy"]
    body = page.text
    assert "PKSAI Kota Pekalongan" in body and "Layanan pengaduan perlindungan anak" in body
    for number in ("112", "110", "129"):
        assert f">{number}<" in body
    assert "https://wa.me/628111129129" in body
    english = httpx.get(server + "/?lang=en").text
    assert "Child protection complaint service" in english
    assert (tmp_path / "hotline.secret").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "hotline.db").exists(), "serve migrates on start"
    for name in ("hotline.db", "hotline.db-wal", "hotline.db-shm"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o600, f"{name} is readable by others"


def test_metrics_for_prometheus(server: str) -> None:
    assert httpx.get(server + "/metrics").status_code == 401
    response = httpx.get(server + "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert re.search(r"^hotline_jobs_overdue \d+\.0$", response.text, re.MULTILINE)
    assert "# TYPE hotline_reports_open gauge" in response.text


def test_an_oversized_body_is_refused_unread_and_the_connection_closed(server: str) -> None:
    """Row 2: a 100 MB form post was read whole (20 s, +465 MB) before anything answered."""
    host, port = server.removeprefix("http://").split(":")
    head = (
        "POST /admin/login HTTP/1.1\r\nHost: hotline\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 104857600\r\n\r\n"
    )
    answer = b""
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(head.encode() + b"a" * 65536)
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"connection: close" in answer.lower()
