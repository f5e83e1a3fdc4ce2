"""Headless Chromium from Debian, driven by Playwright: never a browser download.

Missing Chromium skips the browser tests on a laptop and fails them in CI.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = os.environ.get("HOTLINE_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    if os.path.exists(CHROMIUM) or shutil.which("chromium"):
        return
    message = f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    if os.environ.get("CI") or os.environ.get("HOTLINE_REQUIRE_BROWSER"):
        pytest.fail(message + "; CI requires it", pytrace=False)
    pytest.skip(message)
