"""What the cabinet tells the rest of the project: a draft's data changed (issue 9, item 8).

Sent on the commit of the change (``suppliers.services.common.mark_changed``). The receiver in
``suppliers.tasks`` starts the task that forms Annex 1 ahead of the sign page; the services do not
import the tasks, so the tasks may import the services.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent with ``application_id`` and ``revision`` (the revision the change made).
draft_changed = Signal()
