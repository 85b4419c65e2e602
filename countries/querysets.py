"""Chainable filters over countries."""

from django.db import models


class CountryQuerySet(models.QuerySet):
    def oda_eligible(self):
        """Countries on the OECD-DAC List of ODA Recipients."""
        return self.exclude(oda_category=self.model.OdaCategory.NOT_ELIGIBLE)
