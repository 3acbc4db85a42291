"""Which requests run in a transaction.

ATOMIC_REQUESTS is on, so every view runs in one unless it says otherwise. Reads may say otherwise:
they write nothing, and under READ COMMITTED each query sees the latest committed data either way,
so BEGIN and COMMIT would only add two database round trips to every page view.
"""

from django.db import transaction
from django.views.decorators.http import require_safe


def read_only(view):
    """A view that only reads: GET and HEAD only, outside ATOMIC_REQUESTS."""
    wrapped = transaction.non_atomic_requests(require_safe(view))
    wrapped.read_only = True  # checked by tests/test_reliability.py
    return wrapped
