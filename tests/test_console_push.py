"""Turning on Web Push in the console (Chromium), and an alert reaching the device.

Debian's headless Chromium cannot subscribe here: its own ``pushManager.subscribe`` fails with
"AbortError: Registration failed - permission denied" even with the permission granted, and it has
no browser vendor's push service to reach. So the page's ``PushManager.subscribe`` is replaced
(Playwright init script) by one that returns a subscription of the local push-service stand-in,
with keys the test holds. Everything else is real: the service worker is registered, the page asks
for the server's VAPID key, stores the subscription, and the running server pushes an encrypted,
signed alert to the stand-in when a case is routed to the officer.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, expect

from tests.botapi import FakeBotAPI
from tests.console import (
    SIZES,
    axe_violations,
    new_context,
    password,
    report_by_telegram,
    sign_in,
    start_server,
    watch_requests,
)
from tests.pushservice import PushService, unb64
from tests.telegram_harness import Harness

pytestmark = pytest.mark.slow

STUB = """
(() => {
  const fake = %s;
  let current = null;
  const make = () => ({
    endpoint: fake.endpoint, options: null,
    toJSON: () => fake,
    unsubscribe: () => { current = null; return Promise.resolve(true); },
  });
  PushManager.prototype.subscribe = function (options) {
    window.__subscribeKey = Array.from(new Uint8Array(options.applicationServerKey));
    current = make();
    return Promise.resolve(current);
  };
  PushManager.prototype.getSubscription = function () { return Promise.resolve(current); };
})();
"""


@pytest.fixture(scope="module")
async def push() -> AsyncIterator[PushService]:
    stand_in = await PushService().start()
    yield stand_in
    await stand_in.stop()


@pytest.fixture(scope="module")
async def server(api: FakeBotAPI, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Harness]:
    harness = await start_server(api, tmp_path_factory.mktemp("console-push"))
    harness.hotline("roster", "add", "dewi", "--days", "all", "--from", "00:00", "--to", "24:00")
    yield harness
    harness.stop()


@pytest.mark.parametrize("size", SIZES)
async def test_an_officer_turns_on_alerts_and_a_new_case_reaches_the_device(
    browser: Browser, server: Harness, push: PushService, size: str
) -> None:
    device = push.device(f"dewi-{size}")
    context = await new_context(browser, server, SIZES[size])
    await context.grant_permissions(["notifications"], origin=server.base)
    await context.add_init_script(STUB % json.dumps(device.subscription(push.url)))
    page = await context.new_page()
    watch_requests(page, server)
    await sign_in(page, "dewi", password(server, "dewi"))
    toggle = page.get_by_role("button", name="Aktifkan notifikasi")
    await expect(toggle).to_be_visible()
    assert await axe_violations(page) == []
    await toggle.click()
    await expect(page.locator("#push-note")).to_have_text("Notifikasi aktif di perangkat ini.")
    turned_on = page.get_by_role("button", name="Notifikasi: aktif")
    await expect(turned_on).to_have_attribute("aria-pressed", "true")

    worker = await page.evaluate(
        "navigator.serviceWorker.ready.then(r => [r.scope, r.active && r.active.scriptURL])"
    )
    assert worker == [f"{server.base}/admin/", f"{server.base}/admin/push-worker.js"]
    key = await page.evaluate("fetch('/admin/push/key').then(r => r.json()).then(d => d.key)")
    assert await page.evaluate("window.__subscribeKey") == list(unb64(key)), "subscribed with our key"
    stored = server.query(
        "SELECT count(*) FROM push_subscriptions p JOIN officers o ON o.id = p.officer_id "
        "WHERE o.username = 'dewi'"
    )
    assert stored[0][0] >= 1

    before = len(push.delivered)
    reference = await report_by_telegram(server, 9300 + len(size))
    arrived = await push.wait_for(before + 1)
    mine = [d for d in arrived if d.token == device.token]
    assert mine and mine[-1].payload["reference"] == reference and mine[-1].payload["kind"] == "new"
    assert mine[-1].vapid_key == key

    await page.get_by_role("button", name="Notifikasi: aktif").click()
    await expect(page.locator("#push-note")).to_have_text("Notifikasi dimatikan di perangkat ini.")
    assert not page.outside_requests  # type: ignore[attr-defined]
    await context.close()
