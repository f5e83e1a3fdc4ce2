"""The queue's filters from a query string: a value the status or urgency column cannot hold is
no filter (it once reached the column, which refused it with a 500)."""

from __future__ import annotations

from admin.queue import Filters
from storage.models import Officer


def test_only_known_statuses_and_urgencies_filter_the_queue() -> None:
    officer = Officer(role="officer")
    odd = Filters.from_query({"status": "²", "urgency": "segera!"}, officer)
    assert (odd.status, odd.urgency) == ("", "")
    known = Filters.from_query({"status": "baru", "urgency": "urgent"}, officer)
    assert (known.status, known.urgency) == ("baru", "urgent")
