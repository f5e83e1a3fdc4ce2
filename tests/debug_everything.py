"""``hotline`` with every logger at DEBUG: the hotline's own, the root, and every library's
(uvicorn, SQLAlchemy with its parameters, the database drivers, httpx, python-telegram-bot...),
as an operator or a library might set them. Run as ``python -m tests.debug_everything serve``.

The log test runs the service this way, so what it proves does not rest on the libraries being
held at WARNING by the service's own logging set-up."""

from __future__ import annotations

import logging
import sys

from bot import logs

LIBRARIES = (
    "uvicorn",
    "uvicorn.error",
    "uvicorn.access",
    "sqlalchemy",
    "sqlalchemy.engine",
    "sqlalchemy.pool",
    "aiosqlite",
    "asyncpg",
    "alembic",
    "httpx",
    "httpcore",
    "telegram",
    "PIL",
    "asyncio",
    "multipart",
    "python_multipart",
    "pywebpush",
    "urllib3",
    "starlette",
    "transitions",
)
_configure = logs.configure


def configure(level: str, stream: object = None) -> logging.Handler:
    handler = _configure(level, stream)
    for name in ("", *LIBRARIES, *logging.root.manager.loggerDict):
        logging.getLogger(name).setLevel(logging.DEBUG)
    return handler


if __name__ == "__main__":
    logs.configure = configure
    from admin.entry import main

    main(sys.argv[1:], prog_name="hotline")
