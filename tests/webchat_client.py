"""A reporter on the web chat's JSON endpoints, in-process (no browser): starts a conversation the
way the page does and files a whole report."""

from __future__ import annotations

import re
from typing import Any, Protocol

import httpx
from starlette.types import ASGIApp

RECEIPT = re.compile(r"\d{4}-\d{4}-\d{4}-\d{4}")


class Answering(Protocol):
    async def tap(self, option: str | None = None) -> None: ...

    async def say(self, text: str) -> None: ...


async def answer_report(reporter: Answering, story: str) -> None:
    """From the menu to the submitted report: an anonymous neighbour, buttons where there are
    some, the age, landmark and story typed."""
    for option in ("report", "agree", "neighbour", "fisik", "no"):
        await reporter.tap(option)
    await reporter.say("7")
    await reporter.tap("female")
    await reporter.tap("33.75.02")
    await reporter.tap()
    await reporter.say("dekat masjid")
    await reporter.say(story)
    for option in ("done", "anonymous", "submit"):
        await reporter.tap(option)


class WebReporter:
    def __init__(self, app: ASGIApp, address: str):
        transport = httpx.ASGITransport(app=app, client=(address, 50000))
        self.http = httpx.AsyncClient(transport=transport, base_url="https://hotline.test", timeout=120)
        self.client = ""
        self.question = ""
        self.options: list[str] = []
        self.texts: list[str] = []

    async def close(self) -> None:
        await self.http.aclose()

    async def start(self) -> None:
        started = await self.http.post("/chat/start", json={})
        assert started.status_code == 200, started.text
        self.client = started.json()["client"]
        resumed = await self.http.post("/chat/resume", json={"client": self.client})
        assert resumed.status_code == 200, resumed.text
        self._read(resumed.json())

    async def send_raw(self, body: dict[str, Any]) -> httpx.Response:
        return await self.http.post("/chat/send", json={"client": self.client, **body})

    async def say(self, text: str) -> None:
        self._read(await self._ok(await self.send_raw({"text": text})))

    async def tap(self, option: str | None = None) -> None:
        choice = option if option is not None else self.options[0]
        assert choice in self.options, f"{choice} not offered: {self.options}"
        self._read(await self._ok(await self.send_raw({"choice": choice, "question": self.question})))

    @staticmethod
    async def _ok(response: httpx.Response) -> dict[str, Any]:
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    def _read(self, data: dict[str, Any]) -> None:
        for reply in data["replies"]:
            self.texts.append(reply["text"])
            self.question = reply.get("question") or self.question
            self.options = [o["id"] for o in reply.get("options", [])]

    async def report(self, story: str) -> str:
        """A whole anonymous report; returns the receipt code shown at the end."""
        if not self.client:
            await self.start()
        await answer_report(self, story)
        found = RECEIPT.search(self.texts[-1]) or RECEIPT.search("\n".join(self.texts))
        assert found, self.texts[-3:]
        return found.group(0)
