"""Reading what a browser sent (form fields, ids, query values) without trusting it.

A hostile request must get a refusal, never a crash: ``int("²")`` raises although ``"²".isdigit()``,
a 20-digit id overflows PostgreSQL's integer, and a NUL character is refused by PostgreSQL inside
any text parameter. So ids are ASCII digits of sensible length, and text loses control characters.
"""

from __future__ import annotations

import re

from starlette.datastructures import UploadFile
from starlette.requests import Request

MAX_ID = 2**31 - 1
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def parse_id(text: str | None) -> int | None:
    """A database id from a form or URL, or None if it cannot be one."""
    if not text or not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def clean(text: str) -> str:
    """Text without control characters other than tab and line breaks."""
    return CONTROL.sub("", text)


async def form_fields(request: Request) -> dict[str, str]:
    """The form's text fields, cleaned; uploaded files are ignored (no console form takes one)."""
    form = await request.form()
    return {key: clean(value) for key, value in form.items() if not isinstance(value, UploadFile)}
