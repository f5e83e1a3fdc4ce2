"""Words as people type them on a phone, made comparable: the shared reading of free text.

Reporters write colloquial Indonesian ("gue", "tlg", "dipukulin"), Javanese words, stretched letters
("tolooong") and typos ("kekersan fisk"). Before anything is compared, a message becomes clauses of
tokens: each token keeps its normalised form, its root (PySastrawi's stemmer, for Indonesian) and
whether it is a real word, so a typo tolerance (rapidfuzz) is only applied to words that are not.
The stemmer is handed in (``bot.lexicon_files`` builds it): reading its dictionary is I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from rapidfuzz.distance import Levenshtein

_STRETCHED = re.compile(r"([^\W\d_])\1{2,}")
_DOUBLED = re.compile(r"([^\W\d_])\1")
_PIECES = re.compile(r"[^\W_]+(?:-[^\W_]+)*|[.,;:!?\n]")
_REDUPLICATED_DIGIT = re.compile(r"([^\W\d_]{3,})2")
CLAUSE_MARKS = frozenset(".,;:!?\n")


@dataclass(frozen=True)
class Token:
    text: str
    """Normalised form: lower case, stretched letters shortened, colloquial forms made standard."""
    root: str
    """The stem (Indonesian) or ``text`` itself."""
    known: bool
    """A root word of the dictionary or a standard form: never read as a typo of another word.
    Derived words ("kekerasan") are not: their typos ("kekersan") stem to nonsense roots."""


class Language(Protocol):
    """A stemmer and its dictionary of roots (PySastrawi for Indonesian, built in ``bot``)."""

    roots: frozenset[str]

    def stem(self, word: str) -> str: ...


def fold(text: str) -> str:
    """Case, width and accents folded; stretched letters ("tolooong") shortened to one."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).replace("'", "").replace("’", "")
    return _STRETCHED.sub(r"\1", text)


class Reader:
    """Reads messages into clauses of tokens with one language's normalisation table."""

    def __init__(self, normalise: Mapping[str, str], language: Language | None):
        """``language``: the stemmer to reduce words to roots with, or None to compare them as typed."""
        self.normalise = {fold(k): tuple(fold(v).split()) for k, v in normalise.items()}
        self.standard = frozenset(w for words in self.normalise.values() for w in words)
        self.language = language

    def clauses(self, text: str, breaks: Iterable[str] = ()) -> list[list[Token]]:
        """The message as clauses (split at punctuation and at ``breaks`` words) of tokens."""
        stops = frozenset(breaks)
        clauses: list[list[Token]] = [[]]
        for piece in _PIECES.findall(fold(text)):
            if piece in CLAUSE_MARKS:
                clauses.append([])
                continue
            for word in self._words(piece):
                if word in stops:
                    clauses.append([])
                else:
                    clauses[-1].append(self.token(word))
        return [c for c in clauses if c]

    def tokens(self, text: str) -> list[Token]:
        return [t for clause in self.clauses(text) for t in clause]

    def _words(self, piece: str) -> list[str]:
        halves = piece.split("-")
        if len(halves) == 2 and halves[0] == halves[1]:
            piece = halves[0]  # "tolong-tolong", "anak-anak"
        elif len(halves) > 1:
            return [w for half in halves for w in self._words(half)]
        doubled = _REDUPLICATED_DIGIT.fullmatch(piece)  # "tolong2"
        piece = doubled.group(1) if doubled else piece
        return list(self._standard(piece))

    def _standard(self, word: str) -> tuple[str, ...]:
        if word in self.normalise:
            return self.normalise[word]
        language = self.language
        if language is None or word in self.standard or word in language.roots:
            return (word,)
        single = _DOUBLED.sub(r"\1", word)  # "matii", "tolongg"
        if single in self.normalise:
            return self.normalise[single]
        if single in language.roots:
            return (single,)
        for candidate in (word, single):
            if language.stem(candidate) in language.roots:
                return (candidate,)
        return (self._colloquial_verb(word, language),)

    @staticmethod
    def _colloquial_verb(word: str, language: Language) -> str:
        """ "digebukin" → "digebuk", "ngancam" → "mengancam": Jakarta and Javanese verb forms."""
        if word.endswith("in") and len(word) > 5 and language.stem(word[:-2]) in language.roots:
            return word[:-2]
        if word[:2] in ("ng", "ny") and len(word) > 4:
            formal = "me" + word if word.startswith("ng") else "meny" + word[2:]
            for candidate in (formal, "me" + word, "me" + word[2:]):
                if language.stem(candidate) in language.roots and language.stem(candidate) != candidate:
                    return candidate
        return word

    def token(self, word: str) -> Token:
        language = self.language
        if language is None:
            return Token(word, word, word in self.standard or word.isdigit())
        known = word.isdigit() or word in self.standard or word in language.roots
        return Token(word, language.stem(word), known)


def typo_of(token: Token, *targets: str, min_length: int = 5) -> bool:
    """One typo (two in long words) from a target, for tokens that are not real words.

    The first letter must agree: people rarely mistype it, and it keeps "belong" from "tolong".
    """
    if token.known:
        return False
    for target in targets:
        if len(target) < min_length or not token.text or token.text[0] != target[0]:
            continue
        allowed = 1 if len(target) < 9 else 2
        if Levenshtein.distance(token.text, target, score_cutoff=allowed) <= allowed:
            return True
    return False
