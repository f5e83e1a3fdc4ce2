"""Every setting an operator can give is in the README's table of settings, so nobody has to read
``bot/settings.py`` to find the knob (the pacing and worker settings were missing once)."""

from __future__ import annotations

import re
from pathlib import Path

from bot.settings import Settings

README = Path(__file__).resolve().parent.parent / "README.md"
NAME = re.compile(r"`(HOTLINE_[A-Z0-9_]+|_[A-Z0-9_]+)`")


def documented() -> set[str]:
    """The variables the table's rows name (a file setting may be named beside the setting it
    serves); ``_APP_SECRET`` after ``HOTLINE_WHATSAPP_TOKEN`` stands for
    ``HOTLINE_WHATSAPP_APP_SECRET``."""
    section = README.read_text().split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in section.splitlines():
        if not line.startswith("| `HOTLINE_"):
            continue
        found = NAME.findall(line)
        family = "HOTLINE_" + found[0].split("_")[1]
        names.update(name if name.startswith("HOTLINE_") else family + name for name in found)
    return names


def test_every_setting_is_in_the_readme_table() -> None:
    table = documented()
    assert "HOTLINE_DATABASE_URL" in table, "the table was found"
    fields = {"HOTLINE_" + name.upper() for name in Settings.model_fields}
    assert sorted(fields - table) == []
