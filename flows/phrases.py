"""Finding listed phrases in a message: the matching shared by danger and category hints.

A phrase is a few words ("ingin mati", "tidak diberi makan"); it is found when its words appear in
order within one clause, at most ``gap`` other words apart, each word matching by its normalised
form, its root, or (for words that are not real words) one typo. "=kata" must be typed as written.
A phrase with a negation up to ``NEGATION_REACH`` words before it is not found, unless the phrase
itself starts with the negation ("tidak aman"). ``safe`` phrases hide their words from the others
("bahaya narkoba").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flows.words import Reader, Token, typo_of

NEGATION_REACH = 3


@dataclass(frozen=True)
class Word:
    text: str
    root: str
    exact: bool


@dataclass(frozen=True)
class Phrase:
    source: str
    """As listed, without the "=" marks: what is shown when it is found."""
    words: tuple[Word, ...]


Clause = Sequence[tuple[Token, frozenset[Word]]]


class PhraseBook:
    """Phrases indexed by their words: a message is read in one pass, whatever its length."""

    def __init__(
        self,
        reader: Reader,
        phrases: Iterable[str],
        *,
        negations: Iterable[str] = (),
        safe: Iterable[str] = (),
        typo_min_length: int = 5,
        gap: int = 2,
    ):
        self.reader = reader
        self.gap = gap
        self.typo_min_length = typo_min_length
        self.negations = frozenset(t.text for w in negations for t in reader.tokens(w))
        self.phrases = [self.compile(p) for p in phrases]
        self.safe = [self.compile(p) for p in safe]
        words = {w for p in (*self.phrases, *self.safe) for w in p.words}
        self._exact: dict[str, set[Word]] = {}
        self._loose: dict[str, set[Word]] = {}
        for word in words:
            if word.exact:
                self._exact.setdefault(word.text, set()).add(word)
            else:
                self._loose.setdefault(word.text, set()).add(word)
                self._loose.setdefault(word.root, set()).add(word)
        self._typo_targets = sorted({w for w in words if not w.exact}, key=lambda w: w.text)
        self._starting = self._index(self.phrases)
        self._safe_starting = self._index(self.safe)

    def compile(self, source: str) -> Phrase:
        words: list[Word] = []
        for part in source.split():
            exact = part.startswith("=")
            words += [Word(t.text, t.root, exact) for t in self.reader.tokens(part.lstrip("="))]
        return Phrase(source.replace("=", ""), tuple(words))

    @staticmethod
    def _index(phrases: Sequence[Phrase]) -> dict[Word, list[int]]:
        starting: dict[Word, list[int]] = {}
        for index, phrase in enumerate(phrases):
            if phrase.words:
                starting.setdefault(phrase.words[0], []).append(index)
        return starting

    def fitting(self, token: Token) -> frozenset[Word]:
        """Every listed word this token can stand for."""
        fit = set(self._exact.get(token.text, ()))
        fit |= self._loose.get(token.text, set()) | self._loose.get(token.root, set())
        if not token.known:
            fit.update(
                w for w in self._typo_targets if typo_of(token, w.text, min_length=self.typo_min_length)
            )
        return frozenset(fit)

    def read(self, clauses: Iterable[Sequence[Token]]) -> list[Clause]:
        seen: dict[Token, frozenset[Word]] = {}
        read: list[Clause] = []
        for words in clauses:
            for token in words:
                if token not in seen:
                    seen[token] = self.fitting(token)
            read.append([(token, seen[token]) for token in words])
        return read

    def found(self, clauses: Sequence[Clause]) -> list[int]:
        """Indices of the phrases found, in the order they are listed."""
        found: set[int] = set()
        for clause in clauses:
            blocked = self._safe_words(clause)
            for start, (_, fits) in enumerate(clause):
                for word in fits:
                    for index in self._starting.get(word, ()):
                        if index not in found and self._found_at(clause, start, self.phrases[index], blocked):
                            found.add(index)
        return sorted(found)

    def _found_at(self, clause: Clause, start: int, phrase: Phrase, blocked: set[int]) -> bool:
        if follow(clause, start, phrase.words, blocked, gap=self.gap) is None:
            return False
        return phrase.words[0].text in self.negations or not self._negated(clause, start)

    def _safe_words(self, clause: Clause) -> set[int]:
        blocked: set[int] = set()
        for start, (_, fits) in enumerate(clause):
            for word in fits:
                for index in self._safe_starting.get(word, ()):
                    blocked.update(follow(clause, start, self.safe[index].words, set(), gap=0) or ())
        return blocked

    def _negated(self, clause: Clause, start: int) -> bool:
        before = clause[max(0, start - NEGATION_REACH) : start]
        return any(token.text in self.negations for token, _ in before)


def follow(
    clause: Clause, start: int, words: Sequence[Word], blocked: set[int], *, gap: int
) -> list[int] | None:
    """The positions of ``words`` in order from ``start``, at most ``gap`` words apart."""
    if start in blocked or not words or words[0] not in clause[start][1]:
        return None
    used = [start]
    for word in words[1:]:
        reach = range(used[-1] + 1, min(len(clause), used[-1] + 2 + gap))
        step = next((i for i in reach if i not in blocked and word in clause[i][1]), None)
        if step is None:
            return None
        used.append(step)
    return used
