"""The compiled message catalogues read from ``locales/`` (``make catalogues`` builds them); a
missing ``.mo`` is an operator error, said plainly."""

from __future__ import annotations

from pathlib import Path

from babel.support import NullTranslations, Translations

from flows.i18n import DOMAIN, Catalogues

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


class CatalogueError(RuntimeError):
    pass


def load_catalogues(directory: Path = LOCALES_DIR, locales: tuple[str, ...] = ("id", "en")) -> Catalogues:
    translations: dict[str, NullTranslations] = {}
    for locale in locales:
        mo = directory / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if not mo.is_file():
            raise CatalogueError(
                f"{mo} is missing: compile the catalogues with `make catalogues` (pybabel compile -d locales)"
            )
        with mo.open("rb") as fp:
            translations[locale] = Translations(fp, domain=DOMAIN)
    return Catalogues(translations)
