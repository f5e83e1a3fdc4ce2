"""Many connections to one messenger API, held as several small connection pools.

httpcore 1.0's pool looks over every connection it holds each time a request starts or ends: it
polls each idle socket and, for each idle one, lists all the connections again (quadratic; upstream
encode/httpcore#1035, not released). With 50 sends in flight over one pool of 64, a Bot API call
took 1.4–2.4 ms of CPU, against 1.0 ms over eight pools of eight (``make bench``, part t). The
total number of connections stays what the sender needs (one per chat it sends to at once); each
request goes to the pool with the fewest requests in flight, so a connection that hangs holds up
only its own request.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator

import httpx

POOLS = 8


class SpreadTransport(httpx.AsyncBaseTransport):
    def __init__(self, connections: int, pools: int = POOLS):
        pools = max(1, min(pools, connections))
        size = math.ceil(connections / pools)
        limits = httpx.Limits(max_connections=size, max_keepalive_connections=size)
        verify = httpx.create_ssl_context()  # one for all: each loads the CA bundle (~20 ms)
        self._pools = [httpx.AsyncHTTPTransport(verify=verify, limits=limits) for _ in range(pools)]
        self._in_flight = [0] * pools

    @property
    def in_flight(self) -> list[int]:
        """Requests each pool is serving now, responses not yet read to the end included."""
        return list(self._in_flight)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        index = min(range(len(self._pools)), key=self._in_flight.__getitem__)
        self._in_flight[index] += 1
        try:
            response = await self._pools[index].handle_async_request(request)
        except BaseException:
            self._in_flight[index] -= 1
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_Counted(response.stream, self._in_flight, index),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        for pool in self._pools:
            await pool.aclose()


class _Counted(httpx.AsyncByteStream):
    """A response body that gives its pool's place back once closed (the connection is free only
    then), exactly once."""

    def __init__(self, stream: httpx.AsyncByteStream, in_flight: list[int], index: int):
        self._stream = stream
        self._in_flight = in_flight
        self._index: int | None = index

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            if self._index is not None:
                self._in_flight[self._index] -= 1
                self._index = None
