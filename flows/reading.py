"""Everything reading free text needs, built once per deployment and shared by every message:
the danger lexicons, category hints, and the place names to recognise."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flows.danger import DangerEar
from flows.deployment import Deployment
from flows.hints import CategoryHints
from flows.lexicon import Lexicon
from flows.words import Language


@dataclass(frozen=True)
class Reading:
    ear: DangerEar
    categories: CategoryHints

    @classmethod
    def build(cls, deployment: Deployment, lexicons: Sequence[Lexicon], language: Language) -> Reading:
        """``lexicons``: every locale's, the deployment's default language first (its normalisation
        also reads category keywords)."""
        hints = CategoryHints(deployment.categories, lexicons[0], language)
        return cls(DangerEar(lexicons, language), hints)
