"""The reporter's story: its limits, and the sentences that join it from other questions.

People do not answer a form; they tell what happened, wherever they are in it ("tetangga saya
anaknya sering dipukuli bapaknya" where the bot asked who is reporting). Such a sentence is part
of what the officer needs, so once consent is given it is kept as a piece of the story, never
dropped, and the question is asked again. An attempt at the answer ("saya tidak tahu") is not a
story, and the contact questions are about the reporter, not about what happened.
"""

from __future__ import annotations

from typing import Any

STORY_MESSAGE_LIMIT = 10_000
STORY_TOTAL_LIMIT = 30_000
STORY_ATTACHMENT_LIMIT = 20
SENTENCE_WORDS = 3
"""Fewer words (with letters) are a stray answer ("ibu", "laki laki"), never a telling."""
TELLING_WORDS = 8
"""Where a choice was asked, a sentence this long tells what happened; a shorter one does only
when it names something that happens to children ("dipukuli", "tidak dikasih makan"), for "saya
tidak tahu" or "anak laki laki" is an attempt at the answer, to be asked again, not a story."""


def keep_story(answers: dict[str, Any], text: str) -> None:
    story = answers.setdefault("story", [])
    if text not in story:
        story.append(text)


def words(text: str) -> int:
    return sum(1 for word in text.split() if any(ch.isalpha() for ch in word))


def is_sentence(text: str) -> bool:
    return words(text) >= SENTENCE_WORDS


def fits(answers: dict[str, Any], text: str) -> bool:
    """Within the story's limits: one message's, and the whole story's with it."""
    total = sum(map(len, answers.get("story", ()))) + len(text)
    return len(text) <= STORY_MESSAGE_LIMIT and total <= STORY_TOTAL_LIMIT
