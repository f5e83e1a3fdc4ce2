"""The console's access rules now live in ``flows.access``; kept so pages being rewritten import
from one place while they move."""

from flows.access import can_assign, can_read_content, can_view, may_handle

__all__ = ["can_assign", "can_read_content", "can_view", "may_handle"]
