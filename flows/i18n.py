"""Message catalogues: every word the reporter reads comes from ``locales/``.

Message ids are stable keys (``prompt.category``), so the Indonesian and English texts can both be
edited by translators in their ``.po`` files. The catalogues are compiled by the install step
(``make catalogues``); a missing ``.mo`` is an operator error, said plainly.
"""

from __future__ import annotations

from pathlib import Path

from babel.support import Translations

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


class CatalogueError(RuntimeError):
    pass


def N_(key: str) -> str:
    """Mark a key for extraction where it is translated later."""
    return key


class Catalogues:
    def __init__(self, directory: Path = LOCALES_DIR, locales: tuple[str, ...] = ("id", "en")):
        self.locales = locales
        self._translations: dict[str, Translations] = {}
        for locale in locales:
            mo = directory / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
            if not mo.is_file():
                raise CatalogueError(
                    f"{mo} is missing: compile the catalogues with `make catalogues` "
                    "(pybabel compile -d locales)"
                )
            with mo.open("rb") as fp:
                self._translations[locale] = Translations(fp, domain=DOMAIN)

    def has(self, locale: str, key: str) -> bool:
        return self._translations[self._pick(locale)].gettext(key) != key

    def text(self, locale: str, key: str, **params: object) -> str:
        message = self._translations[self._pick(locale)].gettext(key)
        return message.format(**params) if params else message

    def plural(self, locale: str, singular: str, plural: str, n: int, **params: object) -> str:
        message = self._translations[self._pick(locale)].ngettext(singular, plural, n)
        return message.format(n=n, **params)

    def _pick(self, locale: str) -> str:
        return locale if locale in self._translations else self.locales[0]
