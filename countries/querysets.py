"""Chainable filters over countries."""

from django.db import models

from hipoc.i18n import local_name_expression


class CountryQuerySet(models.QuerySet):
    def oda_eligible(self):
        """Countries on the OECD-DAC List of ODA Recipients."""
        return self.exclude(oda_category=self.model.OdaCategory.NOT_ELIGIBLE)

    def by_local_name(self):
        """In the order of their names in the reader's language. Built when the list is asked for: a form field's
        queryset set when its class is defined would keep the language active then."""
        return self.order_by(local_name_expression(), "iso3")
