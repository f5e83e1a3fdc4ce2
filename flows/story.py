"""The reporter's story: its limits, and the sentences that join it from other questions.

People do not answer a form; they tell what happened, wherever they are in it ("tetangga saya
anaknya sering dipukuli bapaknya" where the bot asked who is reporting). Such a sentence is part
of what the officer needs, so once consent is given it is kept as a piece of the story, never
dropped, and the question is asked again.
"""

from __future__ import annotations

from typing import Any

from flows.understanding import has_words

STORY_MESSAGE_LIMIT = 10_000
STORY_TOTAL_LIMIT = 30_000
STORY_ATTACHMENT_LIMIT = 20
SENTENCE_WORDS = 3
"""Fewer words are a stray answer ("ibu", "laki laki"), not a telling of what happened."""


def keep_story(answers: dict[str, Any], text: str) -> None:
    story = answers.setdefault("story", [])
    if text not in story:
        story.append(text)


def is_sentence(text: str) -> bool:
    return has_words(text) and len(text.split()) >= SENTENCE_WORDS and len(text) <= STORY_MESSAGE_LIMIT


def fits(answers: dict[str, Any], text: str) -> bool:
    return sum(map(len, answers.get("story", ()))) + len(text) <= STORY_TOTAL_LIMIT
