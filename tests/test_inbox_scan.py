"""Two server processes on one database each handle the updates they recorded; a scan takes up
another process's update only once that process has had its time, so the two do not chase each
other's fresh updates (each chase a wasted claim, which made two processes slower than one). An
update of this process's own that had to wait for an older one of its conversation is taken up
again at once, at any age."""

from __future__ import annotations

import asyncio

from bot.hotline import Hotline
from bot.inbox_worker import SCAN_GRACE
from bot.telegram.officers import OfficerDesk
from bot.telegram.processor import TelegramProcessor
from tests.botupdates import Updates
from tests.conftest import FakeClock


def process(hotline: Hotline) -> TelegramProcessor:
    return TelegramProcessor(hotline, bot=None, desk=OfficerDesk(hotline.settings, hotline.catalogues))


async def test_a_scan_leaves_another_process_its_fresh_updates(hotline: Hotline, clock: FakeClock) -> None:
    first, second = process(hotline), process(hotline)
    updates = Updates()
    assert await first.record(updates.text(501, "/start"))
    await second._scan()
    assert not second._known, "recorded a moment ago by the other process: left to it"
    clock.advance(seconds=SCAN_GRACE.total_seconds() + 1)
    await second._scan()
    assert len(second._known) == 1, "not handled in time (the other process died?): taken up"


async def test_an_update_that_waited_for_an_older_one_is_taken_up_again_at_once(
    hotline: Hotline, clock: FakeClock
) -> None:
    first, second = process(hotline), process(hotline)
    updates = Updates()
    assert await first.record(updates.text(502, "/start"))
    assert await second.record(updates.text(502, "1"))
    later = max(second._known)
    second._dispatch()
    await asyncio.gather(*second._running)
    assert later not in second._known, "the older update, in the other process, goes first"
    await second._scan()
    assert second._known == {later}, "its own update, taken up again at once (not the other's)"
