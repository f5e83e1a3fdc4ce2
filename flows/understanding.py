"""Reading what people type: numbers, option labels, keywords, ages, phone numbers, codes.

Reporters type on cheap phones, in a hurry, often upset: matching is forgiving (case, spacing,
punctuation, a unique fragment of a label) but never guesses between two options.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TypeVar

import phonenumbers

COMMAND_WORDS: dict[str, frozenset[str]] = {
    "menu": frozenset({"menu", "menu utama", "main menu"}),
    "batal": frozenset({"batal", "batalkan", "cancel"}),
    "kembali": frozenset({"kembali", "back", "sebelumnya"}),
    "bantuan": frozenset({"bantuan", "help", "?"}),
}
SLASH_ALIASES: dict[str, str] = {
    "start": "start",
    "mulai": "start",
    "menu": "menu",
    "batal": "batal",
    "cancel": "batal",
    "kembali": "kembali",
    "back": "kembali",
    "bantuan": "bantuan",
    "help": "bantuan",
    "status": "status",
    "bahasa": "bahasa",
    "language": "bahasa",
    "hapus": "hapus",
}

ALIASES: dict[str, tuple[str, ...]] = {
    "yes": ("ya", "iya", "y", "yes", "benar", "betul", "ok", "oke"),
    "no": ("tidak", "tdk", "nggak", "enggak", "gak", "ga", "no", "n", "bukan"),
    "unknown": (
        "tidak tahu",
        "tdk tahu",
        "gak tahu",
        "nggak tahu",
        "tidak tau",
        "gak tau",
        "ga tau",
        "nggak tau",
        "gatau",
        "entah",
        "don't know",
        "unknown",
    ),
    "agree": ("setuju", "ya", "iya", "yes", "ok", "oke", "agree"),
    "decline": ("tidak", "tidak setuju", "no", "disagree"),
    "other": ("bukan", "tidak", "no", "lain", "yang lain"),
    "done": ("selesai", "sudah", "cukup", "done", "finished"),
    "skip": ("lewati", "lewat", "skip", "tidak tahu", "tidak ada"),
    "anonymous": (
        "anonim",
        "rahasia",
        "tanpa nama",
        "anonymous",
        "lewati",
        "skip",
        "tidak usah",
        "nggak usah",
        "gak usah",
        "ga usah",
    ),
    "submit": ("kirim", "send", "submit"),
    "male": ("laki", "laki-laki", "cowok", "pria", "boy", "male"),
    "female": ("perempuan", "cewek", "wanita", "girl", "female"),
}
"""Words people type for common options, recognised but never shown (labels come from locales)."""

_NUMBER_WORDS = {
    "nol": 0,
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
    "sepuluh": 10,
    "sebelas": 11,
}
for _word, _n in list(_NUMBER_WORDS.items())[2:10]:
    _NUMBER_WORDS[f"{_word} belas"] = 10 + _n

T = TypeVar("T")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[^\w\s/?+-]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def has_words(text: str) -> bool:
    """True if the text holds at least one letter or digit (not only emoji or punctuation)."""
    return any(ch.isalnum() for ch in text)


def parse_command(text: str) -> tuple[str, str] | None:
    """``/start sekolah`` → ("start", "sekolah"); ``batal`` → ("batal", ""); None for answers."""
    stripped = text.strip()
    if stripped.startswith("/"):
        head, _, arg = stripped[1:].partition(" ")
        name = head.split("@", 1)[0].casefold()
        return (SLASH_ALIASES.get(name, name) or "?unknown", arg.strip())
    words = normalise(stripped)
    for name, spellings in COMMAND_WORDS.items():
        if words in spellings:
            return (name, "")
    return None


def match_label(text: str, choices: Sequence[T], labels: Sequence[Iterable[str]]) -> T | None:
    """Pick a choice by its number (1-based), a full label, or a fragment unique to one label."""
    words = normalise(text)
    if not words:
        return None
    number = re.fullmatch(r"(\d{1,3})[.)]?", words)
    if number:
        index = int(number.group(1)) - 1
        return choices[index] if 0 <= index < len(choices) else None
    normalised = [[normalise(label) for label in names] for names in labels]
    for choice, names in zip(choices, normalised, strict=True):
        if words in names:
            return choice
    if len(words) < 3:
        return None
    hits = [c for c, names in zip(choices, normalised, strict=True) if any(words in n for n in names)]
    return hits[0] if len(hits) == 1 else None


def parse_age(text: str) -> int | None:
    """An age in years from "7", "7 tahun", "umur 12", "tujuh belas", "bayi"; None if unclear."""
    words = normalise(text)
    if words in {"bayi", "baby"}:
        return 0
    digits = re.fullmatch(r"(?:umur|usia|age)?\s*(\d{1,3})\s*(?:tahun|thn|th|years?|yo)?", words)
    if digits:
        return int(digits.group(1))
    words = re.sub(r"^(umur|usia)\s+|\s+(tahun|thn)$", "", words)
    return _NUMBER_WORDS.get(words)


def parse_phone(text: str, region: str) -> str | None:
    """A callable phone number in E.164, or None if it is not a valid number."""
    candidate = text.strip()
    if not re.fullmatch(r"[\d\s()+.-]{6,24}", candidate):
        return None
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def receipt_digits(text: str) -> str | None:
    """The 16 digits of a receipt code typed with or without spaces and dashes."""
    compact = re.sub(r"[\s.-]", "", text)
    return compact if re.fullmatch(r"\d{16}", compact) else None


def format_receipt(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
