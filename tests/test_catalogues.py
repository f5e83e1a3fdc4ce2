"""Every message exists in Indonesian and English, translated, not fuzzy, and extraction is current."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.catalogue_files import load_catalogues

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def catalogue(locale: str) -> Catalog:
    return read_po((LOCALES / locale / "LC_MESSAGES" / "messages.po").open("rb"), locale=locale)


def test_the_template_is_what_the_code_uses(tmp_path: Path) -> None:
    """Fails when code uses a key that `make extract` has not brought into the catalogues."""
    out = tmp_path / "fresh.pot"
    found = re.search(r"EXTRACT_KEYWORDS := (.*)", (ROOT / "Makefile").read_text())
    assert found is not None, "the Makefile names the extraction keywords"
    keywords = found.group(1)
    subprocess.run(
        [
            str(ROOT / ".venv/bin/pybabel"),
            "extract",
            "-F",
            "babel.cfg",
            *keywords.split(),
            "-o",
            str(out),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    fresh = {m.id for m in read_po(out.open("rb")) if m.id}
    shipped = {m.id for m in read_po((LOCALES / "messages.pot").open("rb")) if m.id}
    assert fresh == shipped, "run `make extract` and translate the new keys"


@pytest.mark.parametrize("locale", ["id", "en"])
def test_every_message_is_translated_and_not_fuzzy(locale: str) -> None:
    template = {m.id for m in read_po((LOCALES / "messages.pot").open("rb")) if m.id}
    messages = {m.id: m for m in catalogue(locale) if m.id}
    assert set(messages) == template
    for key, message in messages.items():
        assert not message.fuzzy, f"{locale}: {key} is fuzzy and would be dropped by compile"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(isinstance(s, str) and s.strip() for s in strings), f"{locale}: {key} is untranslated"


def test_placeholders_match_between_languages() -> None:
    english = {m.id: m.string for m in catalogue("en") if m.id}
    for message in catalogue("id"):
        if not message.id or isinstance(message.id, tuple) or not isinstance(message.string, str):
            continue
        assert set(PLACEHOLDER.findall(message.string)) == set(
            PLACEHOLDER.findall(str(english[message.id]))
        ), message.id


def test_english_keeps_plural_forms() -> None:
    catalogues = load_catalogues()
    assert catalogues.plural("en", "story.parts", "story.parts.plural", 1) == "1 message"
    assert catalogues.plural("en", "story.parts", "story.parts.plural", 3) == "3 messages"
    assert catalogues.plural("id", "story.parts", "story.parts.plural", 3) == "3 pesan"
