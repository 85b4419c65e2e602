"""Signals priorities sends for apps to its right (notifications), which priorities must not import."""

from django.dispatch import Signal

# Sent after the transaction that published a ranking run commits. Argument: run_id.
run_published = Signal()
