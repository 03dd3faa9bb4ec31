"""Signals that other apps answer (in their ``receivers.py``); members imports none of them."""

from django.dispatch import Signal

# Sent inside the approving transaction, with ``registration``.
member_approved = Signal()
# Sent when a member leaves or is withdrawn, with ``registration``.
member_withdrawn = Signal()
