"""Every route, not left to chance: the hostile-input world (tests/test_hostile_input.py) swept
deterministically with malformed bodies, odd ids and odd query strings."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlencode

from tests.test_hostile_input import World, send, world

__all__ = ["world"]  # the fixture, shared with the property-based tests


PUBLIC = {
    ("GET", "/"),
    ("GET", "/healthz"),
    ("GET", "/metrics"),
    ("POST", "/chat/start"),
    ("POST", "/chat/resume"),
    ("POST", "/chat/send"),
    ("POST", "/webhook/telegram"),
    ("GET", "/webhook/whatsapp"),
    ("POST", "/webhook/whatsapp"),
    ("GET", "/admin/login"),
    ("POST", "/admin/login"),
}
MALFORMED: tuple[tuple[bytes, str], ...] = (
    (
        b'--x\r\nContent-Disposition: form-data; name="csrftoken"\r\n\r\nTOKEN\r\n--x',
        "multipart/form-data; boundary=x",
    ),
    (b"csrftoken=TOKEN&kind=\xff\xfe&officer=%C2%B2&id=" + b"9" * 20, "application/x-www-form-urlencoded"),
    (b"csrftoken=TOKEN&\x00=\x00", "application/x-www-form-urlencoded"),
    (b'{"client": ["x"], "text": {"a": null}, "choice": 1e999}', "application/json"),
    (b"\xff" * 64, ""),
)


async def test_every_route_refuses_malformed_input_from_everyone(world: World) -> None:
    """Not left to chance: every listed route (console and public) gets each malformed body, odd
    ids and odd query strings, from nobody and from each role; nothing answers 5xx or changes."""
    missing = PUBLIC - set(world.routes)
    assert not missing, f"the route listing misses {missing}"
    before = await world.fingerprint()
    queries = (
        "",
        "?" + urlencode({"quarter": "9999-Q4", "folder": "²", "status": "9" * 20, "lang": "x" * 300}),
    )
    failures, statuses = [], set()
    for method, template in world.routes:
        for odd in ("²", "9" * 20):
            path = re.sub(r"\{[^}]+\}", quote(odd, safe=""), template)
            for who in ("nobody", "dewi", "budi", "kepala"):
                variants = (
                    [(q, None, "") for q in queries] if method == "GET" else [("", *m) for m in MALFORMED]
                )
                for query, content, kind in variants:
                    request: dict[str, Any] = {
                        "method": method,
                        "url": path + query,
                        "who": who,
                        "content": content,
                    }
                    if content is not None:
                        request["headers"] = {"content-type": kind}
                    response = await send(world, request)
                    statuses.add(response.status_code)
                    if response.status_code >= 500:
                        failures.append((method, path, who, kind, response.status_code))
    assert not failures, failures[:20]
    assert {200, 303, 400, 403, 404} <= statuses, "the sweep reaches the handlers, not only the guards"
    assert await world.fingerprint() == before
