"""Every message runs statements SQLAlchemy has compiled before.

A statement SQLAlchemy cannot cache (a multi-row ``VALUES`` insert has no cache key) is compiled
afresh on every execution: the web chat's limit counters were one, a twentieth of the web chat's
time under load, invisible in every other test."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine.default import DefaultExecutionContext

from admin.entry import service_app
from bot.hotline import Hotline
from tests.webchat_client import WebReporter

COMPILED_BEFORE = {"CACHE_HIT"}
DRIVER_SQL = ("BEGIN", "COMMIT", "ROLLBACK")


async def test_a_second_web_report_compiles_no_statement(hotline: Hotline) -> None:
    app = service_app(hotline)
    first = WebReporter(app, "36.80.3.1")
    await first.report("Cerita pertama.")
    compiled: Counter[str] = Counter()
    cached = 0

    def seen(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        if not isinstance(context, DefaultExecutionContext) or statement.startswith(DRIVER_SQL):
            return
        if context.cache_hit.name not in COMPILED_BEFORE:
            compiled[f"{context.cache_hit.name}: {statement[:90]}"] += 1
        else:
            nonlocal cached
            cached += 1

    engines = {hotline.engine.sync_engine, hotline.read_engine.sync_engine}  # one on PostgreSQL
    for engine in engines:
        event.listen(engine, "after_cursor_execute", seen)
    try:
        second = WebReporter(app, "36.80.3.2")
        assert await second.report("Cerita kedua.")
    finally:
        for engine in engines:
            event.remove(engine, "after_cursor_execute", seen)
        await first.close()
        await second.close()
    assert not compiled, compiled
    assert cached > 50, "the report's statements were all seen"
