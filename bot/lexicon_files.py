"""Reading the danger lexicons (``bot/lexicons/<locale>.toml``, shipped as package data) and
building PySastrawi's stemmer, whose dictionary is a file too: the I/O that ``flows`` leaves out."""

from __future__ import annotations

from functools import cache, lru_cache
from importlib import resources

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory  # type: ignore[import-untyped]

from flows.deployment import Deployment
from flows.lexicon import LOCALES, Lexicon, parse_lexicon
from flows.reading import Reading


class Indonesian:
    """PySastrawi's stemmer and its dictionary of roots, loaded once per process."""

    def __init__(self) -> None:
        factory = StemmerFactory()
        self.roots = frozenset(w for w in factory.get_words() if w)
        self._stemmer = factory.create_stemmer()

    @lru_cache(maxsize=65_536)  # noqa: B019 - one instance per process
    def stem(self, word: str) -> str:
        if "-" in word:
            return word
        return str(self._stemmer.stem(word)) or word


@cache
def indonesian() -> Indonesian:
    return Indonesian()


@cache
def load_lexicons(default_locale: str = "id") -> tuple[Lexicon, ...]:
    """Every shipped locale's lexicon, the default locale's first."""
    ordered = sorted(LOCALES, key=lambda locale: locale != default_locale)
    folder = resources.files("bot").joinpath("lexicons")
    return tuple(
        parse_lexicon(folder.joinpath(f"{locale}.toml").read_text(encoding="utf-8"), source=f"{locale}.toml")
        for locale in ordered
    )


def reading_for(deployment: Deployment) -> Reading:
    return Reading.build(deployment, load_lexicons(deployment.hotline.default_locale), indonesian())
