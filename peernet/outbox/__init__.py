"""The outbox: every e-mail the portal sends is stored, then delivered by a Celery task.

Shared plumbing: any app may queue mail through :mod:`peernet.outbox.services`; this app
imports none of them.
"""
