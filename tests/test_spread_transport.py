"""The messenger APIs' connections: many at once, kept open, none able to hold up the rest."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from aiohttp import web

from bot.spread_transport import SpreadTransport


class Server:
    """A local HTTP server that notes each connection it sees and can hold requests unanswered."""

    def __init__(self) -> None:
        self.peers: set[tuple[str, int]] = set()
        self.held = asyncio.Event()
        self.hold_path = "/hold"
        self.holding = 0
        self.arrived = asyncio.Condition()
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def handle(self, request: web.Request) -> web.StreamResponse:
        assert request.transport is not None
        self.peers.add(request.transport.get_extra_info("peername"))
        if request.path == "/cut":  # promises 100 bytes, sends 10, hangs up
            response = web.StreamResponse(headers={"Content-Length": "100"})
            await response.prepare(request)
            await response.write(b"0123456789")
            assert request.transport is not None
            request.transport.close()
            return response
        if request.path == self.hold_path:
            async with self.arrived:
                self.holding += 1
                self.arrived.notify_all()
            await self.held.wait()
        return web.json_response({"ok": True})

    async def start(self) -> Server:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = self.runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def holding_at_least(self, count: int) -> None:
        async with self.arrived:
            await asyncio.wait_for(self.arrived.wait_for(lambda: self.holding >= count), 5)

    async def stop(self) -> None:
        self.held.set()
        assert self.runner is not None
        await self.runner.cleanup()


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    running = await Server().start()
    yield running
    await running.stop()


async def test_requests_in_flight_are_spread_over_the_pools_and_given_back(server: Server) -> None:
    transport = SpreadTransport(16, pools=8)
    async with httpx.AsyncClient(transport=transport, timeout=10) as client:
        calls = [asyncio.create_task(client.get(server.url + "/hold")) for _ in range(16)]
        await server.holding_at_least(16)
        assert transport.in_flight == [2] * 8
        server.held.set()
        responses = await asyncio.gather(*calls)
    assert all(r.json() == {"ok": True} for r in responses)
    assert transport.in_flight == [0] * 8


async def test_a_hanging_call_holds_up_no_other(server: Server) -> None:
    transport = SpreadTransport(8, pools=4)
    async with httpx.AsyncClient(transport=transport, timeout=10) as client:
        hanging = [asyncio.create_task(client.get(server.url + "/hold")) for _ in range(4)]
        await server.holding_at_least(4)
        others = await asyncio.wait_for(asyncio.gather(*(client.get(server.url + "/") for _ in range(40))), 5)
        assert [r.status_code for r in others] == [200] * 40
        assert transport.in_flight == [1] * 4
        server.held.set()
        await asyncio.gather(*hanging)


async def test_failed_calls_give_their_place_back() -> None:
    transport = SpreadTransport(4, pools=2)
    async with httpx.AsyncClient(transport=transport, timeout=2) as client:
        for _ in range(6):
            with pytest.raises(httpx.ConnectError):
                await client.get("http://127.0.0.1:9/")  # nothing listens on the discard port
    assert transport.in_flight == [0, 0]


async def test_a_response_cut_short_gives_its_place_back(server: Server) -> None:
    transport = SpreadTransport(4, pools=2)
    async with httpx.AsyncClient(transport=transport, timeout=5) as client:
        for _ in range(4):
            with pytest.raises(httpx.RemoteProtocolError):
                await client.get(server.url + "/cut")
        assert transport.in_flight == [0, 0]
        assert (await client.get(server.url + "/")).status_code == 200


async def test_connections_stay_open_between_bursts(server: Server) -> None:
    """Wave after wave of 50 calls at once reuse the connections the first wave opened, rather than
    paying a new connection (a TLS handshake, at Telegram) per call."""
    async with httpx.AsyncClient(transport=SpreadTransport(64), timeout=10) as client:
        for _ in range(10):
            responses = await asyncio.gather(*(client.get(server.url + "/") for _ in range(50)))
            assert all(r.status_code == 200 for r in responses)
    assert len(server.peers) <= 64
