"""Pages of the prioritisation app."""
