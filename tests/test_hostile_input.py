"""Hostile input gets 4xx, never 500, and changes nothing (issue row 9), on both databases.

Hypothesis posts random and malformed bodies (any content type, broken multipart, non-UTF-8 forms,
JSON of any shape), odd ids (``²``, 20 digits, NUL) and query strings (``quarter=9999-Q4``) to every
route of the application, listed from the app itself so new routes are covered too, as nobody,
an officer, a supervisor and an admin. Whatever comes back must be below 500, and the database
must hold the same facts as before (bookkeeping tables aside: audit, sessions, attempt counters).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from starlette.routing import Mount, Route

from admin import sessions
from admin.entry import service, service_app
from bot.hotline import Hotline
from bot.whatsapp.service import WhatsAppService
from storage.models import Officer, Report
from storage.models_base import Base
from tests.conftest import FakeClock, make_settings
from tests.inprocess import Browser, add_staff
from tests.webchat_client import WebReporter

APP_SECRET = "whatsapp-app-secret-for-hostile-tests"
BOOKKEEPING = {"audit_log", "console_sessions", "attempt_counters", "case_reads", "alembic_version"}
"""Tables that legitimately change on a refused request (a read is audited, a session touched,
an attempt counted)."""
ODD_IDS = ("²", "٣", "9" * 20, "-1", "0", "1e3", " 1", "1/../2", "%00", "\x00", "PKSAI-2026-00000１")
ODD_VALUES = (*ODD_IDS, "9999-Q4", "0000-Q1", "2026-Q5", "", " ", "\ud800".encode("utf-8", "surrogatepass"))
CONTENT_TYPES = (
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "multipart/form-data; boundary=x",
    "multipart/form-data; boundary=",
    "application/json",
    "text/plain",
    "application/octet-stream",
    "",
)


@dataclass
class World:
    hotline: Hotline
    browsers: dict[str, Browser]
    routes: list[tuple[str, str]]
    reference: str

    async def fingerprint(self) -> str:
        digest = hashlib.sha256()
        async with self.hotline.sessions() as session:
            for table in Base.metadata.sorted_tables:
                if table.name in BOOKKEEPING:
                    continue
                rows = (await session.execute(select(table).order_by(*table.primary_key.columns))).all()
                digest.update(repr((table.name, [tuple(r) for r in rows])).encode())
        return digest.hexdigest()


def listed_routes(hotline: Hotline) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for route in service(hotline).routes:
        if isinstance(route, Route):
            found += [(method, route.path) for method in sorted(route.methods or {"GET"}) if method != "HEAD"]
        elif isinstance(route, Mount):
            found.append(("GET", route.path + "/{path}"))
    return found


@pytest.fixture
async def world(database_url: str, tmp_path: Path) -> AsyncIterator[World]:
    hotline = Hotline.build(
        make_settings(
            database_url,
            tmp_path,
            whatsapp_token="wa-token",
            whatsapp_app_secret=APP_SECRET,
            whatsapp_verify_token="verify-me",
            metrics_token="metrics-token-0123456789",
        ),
        clock=FakeClock(),
    )
    await hotline.start()
    app = service(hotline)
    app.state.whatsapp = WhatsAppService(hotline)
    stack = service_app(hotline, app)
    reporter = WebReporter(stack, "36.1.1.1")
    await reporter.report("Anak tetangga dikunci di kamar.")
    await reporter.close()
    for name, role in (("dewi", "officer"), ("budi", "supervisor"), ("kepala", "admin")):
        await add_staff(hotline, name, role=role)
    browsers = {
        name: Browser(hotline, raise_errors=False, app=stack) for name in ("nobody", "dewi", "budi", "kepala")
    }
    await browsers["dewi"].sign_in("dewi")
    await browsers["budi"].sign_in("budi")
    async with hotline.sessions() as session, session.begin():
        admin = await session.scalar(select(Officer).where(Officer.username == "kepala"))
        assert admin is not None
        token = await sessions.open_session(session, admin, hotline.runtime.clock(), pending_totp=False)
        reference = await session.scalar(select(Report.reference))
        assert reference is not None
    browsers["kepala"].http.cookies.set("hotline_console", token, domain="hotline.test", path="/admin")
    await browsers["kepala"].csrf()
    await browsers["dewi"].post(f"/admin/cases/{reference}/acknowledge")
    try:
        yield World(hotline, browsers, listed_routes(hotline), reference)
    finally:
        for browser in browsers.values():
            await browser.http.aclose()
        await app.state.whatsapp.http.aclose()
        await hotline.close()


odd_text = st.one_of(st.sampled_from([v for v in ODD_VALUES if isinstance(v, str)]), st.text(max_size=40))
form_values = st.dictionaries(st.text(min_size=1, max_size=12), odd_text, max_size=6)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | odd_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


@st.composite
def requests(draw: st.DrawFn, world: World) -> dict[str, Any]:
    method, template = draw(st.sampled_from(world.routes))
    path = re.sub(r"\{[^}]+\}", lambda _: quote(draw(odd_text) or "x", safe=""), template)
    query = draw(st.dictionaries(st.sampled_from(QUERY_KEYS) | st.text(max_size=8), odd_text, max_size=4))
    kind = draw(st.sampled_from(("form", "form+token", "json", "raw")))
    body: dict[str, Any] = {}
    if method != "GET":
        if kind == "form":
            body["data"] = draw(form_values)
        elif kind == "form+token":
            body["data"] = {**draw(form_values), "csrftoken": "TOKEN"}
        elif kind == "json":
            body["content"] = json.dumps(draw(json_values)).encode()
            body["headers"] = {"content-type": "application/json"}
        else:
            raw = draw(st.binary(max_size=600))
            prefix = b"csrftoken=TOKEN&" if draw(st.booleans()) else b""
            body["content"] = prefix + raw
            body["headers"] = {"content-type": draw(st.sampled_from(CONTENT_TYPES))}
    who = draw(st.sampled_from(("nobody", "dewi", "budi", "kepala")))
    return {"method": method, "url": path + ("?" + urlencode(query) if query else ""), "who": who, **body}


QUERY_KEYS = (
    "folder",
    "status",
    "urgency",
    "category",
    "region",
    "quarter",
    "original",
    "fragment",
    "lang",
    "format",
    "done",
    "error",
    "closed",
    "overdue",
    "hub.mode",
    "hub.verify_token",
)


async def send(world: World, request: dict[str, Any]) -> httpx.Response:
    browser = world.browsers[request["who"]]
    token = await browser.csrf()
    data = {k: (token if v == "TOKEN" else v) for k, v in (request.get("data") or {}).items()} or None
    content = request.get("content")
    if content is not None:
        content = content.replace(b"TOKEN", token.encode())
    return await browser.http.request(
        request["method"], request["url"], data=data, content=content, headers=request.get("headers")
    )


HYPOTHESIS = settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@HYPOTHESIS
@given(data=st.data())
async def test_random_requests_to_every_route_get_no_5xx_and_change_nothing(
    world: World, data: st.DataObject
) -> None:
    request = data.draw(requests(world))
    before = await world.fingerprint()
    response = await send(world, request)
    assert response.status_code < 500, (request, response.status_code, response.text[:300])
    assert await world.fingerprint() == before, (request, response.status_code)


VALIDATED = {
    "risk": "urgency",
    "recategorise": "category",
    "assign": "officer",
    "refer": "service",
    "referral": "referral",
    "close": "outcome",
    "invalid": "reason",
}


@HYPOTHESIS
@given(
    action=st.sampled_from(sorted(VALIDATED)),
    value=st.one_of(st.sampled_from([v for v in ODD_VALUES if isinstance(v, str)]), st.text(max_size=30)),
    who=st.sampled_from(("dewi", "budi")),
)
async def test_odd_values_for_the_real_case_are_refused_and_change_nothing(
    world: World, action: str, value: str, who: str
) -> None:
    """Row 9: ``officer=²`` and a 20-digit id crashed the assign action."""
    deployment = world.hotline.settings.deployment
    valid = {
        "urgency": {"urgent", "high", "normal"},
        "category": set(deployment.category_by_code),
        "service": {s.code for s in deployment.services},
        "outcome": {o.code for o in deployment.outcomes},
        "reason": {"tidak-valid", "spam", "ganda"},
    }.get(VALIDATED[action], set())
    if value in valid or (value.isascii() and value.isdigit() and len(value) < 4):
        return
    before = await world.fingerprint()
    browser = world.browsers[who]
    response = await browser.post(f"/admin/cases/{world.reference}/{action}", {VALIDATED[action]: value})
    assert response.status_code < 500, (action, value, response.text[:300])
    assert "error=" in response.headers.get("location", "error="), (action, value)
    assert await world.fingerprint() == before, (action, value)


async def test_a_signed_but_malformed_whatsapp_payload_is_refused(world: World) -> None:
    """Row 12: a signed payload of the wrong shape crashed the webhook (500)."""
    browser = world.browsers["nobody"]
    before = await world.fingerprint()
    payload: object
    for payload in (
        [],
        {"entry": {"changes": []}},
        {"entry": [{"changes": {"value": 1}}]},
        {"entry": [{"changes": [{"value": {"metadata": [], "messages": {"id": 1}}}]}]},
        {
            "entry": [
                {
                    "changes": [
                        {
                            "value": {
                                "metadata": {"phone_number_id": "1"},
                                "messages": [{"id": ["x"], "from": 5}],
                            }
                        }
                    ]
                }
            ]
        },
        {
            "entry": [
                {
                    "changes": [
                        {"value": {"metadata": {"phone_number_id": "1"}, "statuses": [{"id": "x" * 500}]}}
                    ]
                }
            ]
        },
    ):
        body = json.dumps(payload).encode()
        signature = "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
        response = await browser.http.post(
            "/webhook/whatsapp", content=body, headers={"X-Hub-Signature-256": signature}
        )
        assert 400 <= response.status_code < 500 or response.status_code == 200, (
            payload,
            response.status_code,
        )
    assert await world.fingerprint() == before
    async with world.hotline.sessions() as session:
        assert not (await session.execute(text("SELECT 1 FROM inbox_updates"))).all()


async def test_the_requests_the_review_found(world: World) -> None:
    """Row 9, as found: malformed multipart, a non-UTF-8 form, ``officer=²``, a 20-digit id and
    ``quarter=9999-Q4`` each answered 500."""
    found: list[dict[str, Any]] = [
        {
            "method": "POST",
            "url": "/admin/login",
            "who": "nobody",
            "content": b"--x\r\nbroken",
            "headers": {"content-type": "multipart/form-data"},
        },
        {
            "method": "POST",
            "url": "/admin/roster",
            "who": "budi",
            "content": b"csrftoken=TOKEN&kind=\xff\xfe",
            "headers": {"content-type": "application/x-www-form-urlencoded"},
        },
        {
            "method": "POST",
            "url": f"/admin/cases/{world.reference}/assign",
            "who": "dewi",
            "data": {"csrftoken": "TOKEN", "officer": "²"},
        },
        {
            "method": "POST",
            "url": f"/admin/cases/{world.reference}/assign",
            "who": "dewi",
            "data": {"csrftoken": "TOKEN", "officer": "9" * 20},
        },
        {
            "method": "POST",
            "url": "/admin/users/99999999999999999999/deactivate",
            "who": "kepala",
            "data": {"csrftoken": "TOKEN"},
        },
        {
            "method": "POST",
            "url": "/admin/roster",
            "who": "budi",
            "data": {"csrftoken": "TOKEN", "kind": "leave", "officer": "9" * 20, "day": "2026-12-01"},
        },
        {"method": "GET", "url": "/admin/stats?quarter=9999-Q4", "who": "budi"},
        {"method": "GET", "url": "/admin/stats/export?quarter=9999-Q4&format=xlsx", "who": "budi"},
        {"method": "POST", "url": "/admin/users", "who": "kepala", "data": {"csrftoken": "TOKEN"}},
    ]
    for request in found:
        before = await world.fingerprint()
        response = await send(world, request)
        assert response.status_code < 500, (request, response.text[:300])
        assert await world.fingerprint() == before, request
