"""Message catalogues: every word the reporter reads comes from ``locales/``.

Message ids are stable keys (``prompt.category``), so the Indonesian and English texts can both be
edited by translators in their ``.po`` files. Reading the compiled files is ``bot.catalogue_files``;
here they are only looked up.
"""

from __future__ import annotations

from babel.support import NullTranslations

DOMAIN = "messages"


def N_(key: str) -> str:
    """Mark a key for extraction where it is translated later."""
    return key


class Catalogues:
    def __init__(self, translations: dict[str, NullTranslations]):
        """``translations`` by locale, the default locale first."""
        self.locales = tuple(translations)
        self._translations = dict(translations)

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
