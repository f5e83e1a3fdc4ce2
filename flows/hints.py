"""Suggesting a category from free text, and recognising place names typed with typos.

"dipukuli", "digebukin", "tidak dikasih makan" suggest a category by stemmed keyword scoring (the
deployment's keywords and labels, read like the danger lexicons: roots, colloquial forms, one typo,
negation). The keywords that matched travel with the suggestion so the officer sees why
("disarankan: fisik — dipukul"); they are the configured keywords, never the reporter's words.
Place names ("pekalongan timr") are matched with rapidfuzz and always confirmed ("maksud Anda …?").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from flows.deployment import Category
from flows.lexicon import Lexicon
from flows.phrases import PhraseBook
from flows.vocabulary import Urgency
from flows.words import Language, Reader, fold

PLACE_SCORE = 85.0
"""rapidfuzz WRatio a typed name needs to be offered as "maksud Anda …?"."""
PLACE_MARGIN = 6.0
"""How far ahead of the next name it must be: "pekalongan" alone fits all four kecamatan."""


@dataclass(frozen=True)
class Suggestion:
    category: Category
    words: tuple[str, ...]
    """The configured keywords (or label) that matched."""


class CategoryHints:
    def __init__(self, categories: Sequence[Category], lexicon: Lexicon, language: Language):
        self.reader = Reader(lexicon.normalise, language if lexicon.stem else None)
        self.breaks = tuple(fold(w) for w in lexicon.clause_breaks)
        owners: list[Category] = []
        phrases: list[str] = []
        for category in categories:
            for phrase in [*category.keywords, *self._label_phrases(category)]:
                owners.append(category)
                phrases.append(phrase)
        self.owners = owners
        self.order = {c.code: i for i, c in enumerate(categories)}
        self.book = PhraseBook(self.reader, phrases, negations=lexicon.negations, gap=1)

    @staticmethod
    def _label_phrases(category: Category) -> list[str]:
        """ "Kekerasan fisik", "Perkawinan anak / pernikahan dini": typed labels, typos and all."""
        labels = (category.label.id, category.label.en)
        return [p.strip() for label in labels for p in re.split(r"[(/]", label)[:2] if len(p.strip()) > 3]

    def suggest(self, text: str) -> Suggestion | None:
        """The category with most distinct matches; a tie goes to a high-priority category (the
        violence in "bapaknya mabuk lalu memukul anaknya"), then to the deployment's order."""
        clauses = self.book.read(self.reader.clauses(text, self.breaks))
        matched: dict[str, list[str]] = {}
        roots: dict[str, set[tuple[str, ...]]] = {}
        by_code: dict[str, Category] = {}
        for index in self.book.found(clauses):
            owner, phrase = self.owners[index], self.book.phrases[index]
            by_code[owner.code] = owner
            root = tuple(w.root for w in phrase.words)
            if root not in roots.setdefault(owner.code, set()):
                roots[owner.code].add(root)
                matched.setdefault(owner.code, []).append(phrase.source)
        if not matched:
            return None
        best = min(
            matched,
            key=lambda code: (-len(matched[code]), by_code[code].priority != Urgency.HIGH, self.order[code]),
        )
        return Suggestion(by_code[best], tuple(matched[best]))


def closest_name(typed: str, names: Sequence[str]) -> str | None:
    """The one name a typo-laden answer most likely means, or None when unsure or ambiguous."""
    query = utils.default_process(typed)
    if len(query) < 3:
        return None
    ranked = process.extract(query, list(names), scorer=fuzz.WRatio, processor=utils.default_process, limit=2)
    if not ranked or ranked[0][1] < PLACE_SCORE:
        return None
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < PLACE_MARGIN:
        return None
    return str(ranked[0][0])
