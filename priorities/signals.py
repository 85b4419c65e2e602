"""Signals priorities sends for apps to its right (notifications), which priorities must not import."""

from django.dispatch import Signal

# Sent after the transaction that published a ranking run commits. Argument: run_id.
run_published = Signal()

# Sent at the end of `reference_data_load`, inside its transaction, so that apps to the right load their own shipped
# data with it. Argument: counts, the dict of what was loaded, which receivers add their own counts to.
reference_data_loaded = Signal()
