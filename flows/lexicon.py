"""The danger lexicons as data: one reviewed file per locale (``bot/lexicons/<locale>.toml``, read by
``bot.lexicon_files``); here only their shape, checked so a broken file stops the service at start
with the field named rather than silently hearing nothing."""

from __future__ import annotations

import tomllib

from pydantic import BaseModel, ConfigDict, Field, ValidationError

LOCALES: tuple[str, ...] = ("id", "en")


class LexiconError(ValueError):
    pass


class Lexicon(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    locale: str
    stem: bool
    """Reduce words to their Indonesian roots (PySastrawi) before comparing."""
    typo_min_length: int = Field(default=5, ge=4)
    negations: tuple[str, ...]
    clause_breaks: tuple[str, ...] = ()
    fillers: tuple[str, ...] = ()
    danger: tuple[str, ...] = Field(min_length=1)
    self_harm: tuple[str, ...] = Field(min_length=1)
    cries: tuple[str, ...] = ()
    safe: tuple[str, ...] = ()
    normalise: dict[str, str] = Field(default_factory=dict)


def parse_lexicon(text: str, *, source: str = "<lexicon>") -> Lexicon:
    try:
        return Lexicon.model_validate(tomllib.loads(text))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise LexiconError(f"{source}: {exc}") from None
