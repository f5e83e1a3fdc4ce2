"""The SLA rules moved to ``flows.sla``; kept while pages move."""

from flows.sla import Deadline, deadline
from flows.vocabulary import CLOSED, Urgency

URGENCY_RANK = {u.value: u.rank for u in Urgency}

__all__ = ["CLOSED", "URGENCY_RANK", "Deadline", "deadline"]
