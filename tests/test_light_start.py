"""A light start: the service, assembled as ``hotline serve`` assembles it, has not imported the
heavy modules of rarely used features (spreadsheet export, QR codes, imaging, Web Push, the
Prometheus client, file sniffing, another database's dialect, Alembic for a database already at the
newest schema); each is imported when first needed. ``make bench`` measures what remains."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = [
    "openpyxl",
    "segno",
    "PIL.Image",
    "pywebpush",
    "aiohttp",
    "requests",
    "prometheus_client",
    "alembic",
    "filetype",
    "sqlalchemy.dialects.postgresql",
]

ASSEMBLE = """
import json, sys
from admin.entry import service_app
from bot.hotline import Hotline
from bot.settings import Settings

settings = Settings(_env_file=None, database_url=sys.argv[1], secret_key="x" * 40,
                    telegram_token="123:abc", telegram_api_url="http://127.0.0.1:9")
service_app(Hotline.build(settings))
print(json.dumps([name for name in sys.argv[2:] if name in sys.modules]))
"""


def test_assembling_the_service_imports_none_of_the_heavy_rarely_used_modules(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'hotline.db'}"
    done = subprocess.run(
        [sys.executable, "-c", ASSEMBLE, url, *HEAVY],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parent.parent,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
