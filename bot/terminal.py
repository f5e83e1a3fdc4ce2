"""``hotline chat``: the conversation in a terminal, with numbered options.

The terminal user is a stable local identity (the login name), pseudonymised like any messenger
account, so quitting and starting again resumes the same conversation.
"""

from __future__ import annotations

import asyncio
import getpass
import sys
from typing import TextIO

from bot.hotline import Hotline
from bot.runtime import Inbound
from flows import inbound as ev
from flows.i18n import N_
from flows.outbound import Reply
from flows.vocabulary import Channel

CHANNEL = Channel.TERMINAL


def local_identity() -> str:
    return getpass.getuser()


def render(replies: list[Reply], out: TextIO) -> None:
    for reply in replies:
        out.write("\n" + reply.text + "\n")
        for number, option in enumerate(reply.options, start=1):
            out.write(f"  {number}. {option.label}\n")
    out.flush()


async def chat(hotline: Hotline, *, user: str | None = None) -> None:
    identity = user or local_identity()
    runtime = hotline.runtime
    render(await runtime.current_question(CHANNEL, identity), sys.stdout)
    locale = hotline.settings.deployment.hotline.default_locale
    while True:
        try:
            line = await asyncio.to_thread(_read_line)
        except (EOFError, KeyboardInterrupt):
            goodbye = hotline.catalogues.text(locale, N_("terminal.goodbye"))
            sys.stdout.write("\n" + goodbye + "\n")
            return
        replies = await runtime.handle(Inbound(CHANNEL, identity, ev.Text(line)))
        render(replies, sys.stdout)


def _read_line() -> str:
    sys.stdout.write("\n> ")
    sys.stdout.flush()
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\n")
