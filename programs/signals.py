"""Signals programs sends for apps to its right (priorities), which programs must not import."""

from django.dispatch import Signal

# Sent after a transaction commits evidence the ranking is made from: a reviewed (or reopened)
# report, a need that changed, a program. Argument: countries, the ISO3 codes affected.
evidence_changed = Signal()
