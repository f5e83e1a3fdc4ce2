"""Hearing danger in a reporter's own words, at any step: "tolong", "aku pengen mati aja".

The phrases are data (``bot/lexicons/``, one reviewed file per locale); this module only reads a
message the way those files describe (see ``flows.phrases``). Every lexicon is tried on every
message, whatever the conversation's language: a reporter who chose English may still write
Indonesian when frightened.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from flows.lexicon import Lexicon
from flows.phrases import Clause, Phrase, PhraseBook
from flows.words import Language, Reader, fold


class Concern(StrEnum):
    DANGER = "danger"
    SELF_HARM = "self_harm"


@dataclass(frozen=True)
class Heard:
    concern: Concern
    phrase: str
    """The lexicon's phrase that matched (never the reporter's own words): safe to show officers."""


class _LocaleEar:
    def __init__(self, lexicon: Lexicon, language: Language):
        self.reader = Reader(lexicon.normalise, language if lexicon.stem else None)
        self.breaks = tuple(fold(w) for w in lexicon.clause_breaks)
        self.concerns = [Concern.SELF_HARM] * len(lexicon.self_harm) + [Concern.DANGER] * len(lexicon.danger)
        self.book = PhraseBook(
            self.reader,
            [*lexicon.self_harm, *lexicon.danger, *lexicon.cries],
            negations=lexicon.negations,
            safe=lexicon.safe,
            typo_min_length=lexicon.typo_min_length,
        )
        self.cries = self.book.phrases[len(self.concerns) :]
        self.fillers = frozenset(t.text for w in lexicon.fillers for t in self.reader.tokens(w))

    def hear(self, text: str) -> list[Heard]:
        clauses = self.book.read(self.reader.clauses(text, self.breaks))
        found = [i for i in self.book.found(clauses) if i < len(self.concerns)]
        if found:
            return [Heard(self.concerns[i], self.book.phrases[i].source) for i in found]
        return [Heard(Concern.DANGER, cry.source) for cry in self.cries if self._whole(clauses, cry)]

    def _whole(self, clauses: list[Clause], cry: Phrase) -> bool:
        """A cry ("tolong!!", "tlg aku dong") is heard only as the whole message."""
        said = [fits for clause in clauses for token, fits in clause if token.text not in self.fillers]
        return len(said) == len(cry.words) and all(w in fits for w, fits in zip(cry.words, said, strict=True))


class DangerEar:
    """Hears danger and self-harm in any of the shipped lexicons; self-harm wins when both match,
    then the phrase listed first in its lexicon."""

    def __init__(self, lexicons: Sequence[Lexicon], language: Language):
        self._ears = [_LocaleEar(lexicon, language) for lexicon in lexicons]

    def hear(self, text: str) -> Heard | None:
        heard = [h for ear in self._ears for h in ear.hear(text)]
        for concern in (Concern.SELF_HARM, Concern.DANGER):
            match = next((h for h in heard if h.concern == concern), None)
            if match is not None:
                return match
        return None
