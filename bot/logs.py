"""Logging that identifies nobody, even at DEBUG (SECURITY.md, "What is logged").

Only the hotline's own packages log at the chosen level; every library is held at WARNING, because
at DEBUG or INFO they print what must never be written down: HTTP clients print request URLs (the
Telegram bot token is part of every Bot API URL; Web Push endpoints are capability URLs), database
drivers print statements with their parameters, the access log prints client addresses.

Behind that, a filter on the handler scrubs what slips through anyway: IP addresses, long digit runs
(chat ids, phone numbers, receipt codes), bot tokens and long opaque tokens, in messages and
tracebacks alike.
"""

from __future__ import annotations

import logging
import re
import sys

OWN = ("bot", "admin", "storage", "flows")
SERVER = ("uvicorn.error",)
"""Start-up and error lines of the web server; its access log stays off (``access_log=False``)."""
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
SCRUB = (
    (re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}"), "<token>"),  # also right after "/bot" in a URL
    (re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b"), "<address>"),
    (re.compile(r"(?<![\w:])(?:[0-9a-fA-F]{1,4}:){2,7}[0-9a-fA-F]{0,4}(?![\w:])"), "<address>"),
    (re.compile(r"\+?\d(?:[ -]?\d){6,}"), "<number>"),
    (re.compile(r"(?<![\w-])[A-Za-z0-9_-]{32,}(?![\w-])"), "<token>"),
)


def scrub(text: str) -> str:
    for pattern, replacement in SCRUB:
        text = pattern.sub(replacement, text)
    return text


def _under(name: str, roots: tuple[str, ...]) -> bool:
    return any(name == root or name.startswith(root + ".") for root in roots)


def heard(record: logging.LogRecord) -> bool:
    """Below WARNING only the hotline's own lines (and the web server's start-up) get through,
    whatever level a library's logger was turned up to, by an operator or by another library."""
    if _under(record.name, OWN):
        return True
    if _under(record.name, SERVER):
        return record.levelno >= logging.INFO
    return record.levelno >= logging.WARNING


class Scrubber(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not heard(record):
            return False
        record.msg = scrub(record.getMessage())
        record.args = None
        if record.exc_info:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


def configure(level: str, stream: object = None) -> logging.Handler:
    """Send logs to ``stream`` (stderr): the hotline's at ``level``, everyone else's at WARNING."""
    handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(Scrubber())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    chosen = logging.getLevelName(level.upper())
    chosen = chosen if isinstance(chosen, int) else logging.INFO
    for name in OWN:
        logging.getLogger(name).setLevel(chosen)
    for name in SERVER:
        logging.getLogger(name).setLevel(max(chosen, logging.INFO))
    return handler
