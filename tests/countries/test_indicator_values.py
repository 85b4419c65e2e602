"""Indicator values are finite and bounded, whatever writes them."""

import math

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import IndicatorValueFactory


@pytest.mark.django_db
@pytest.mark.parametrize("value", [2e12, -2e12, math.inf, math.nan])
def test_a_value_beyond_a_trillion_or_not_finite_is_refused_by_field(value):
    row = IndicatorValueFactory.build(value=value)
    with pytest.raises(ValidationError) as refused:
        row.full_clean(exclude=["indicator"])
    assert "value" in refused.value.message_dict


@pytest.mark.django_db
def test_the_database_refuses_a_value_beyond_a_trillion():
    row = IndicatorValueFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(row).objects.filter(pk=row.pk).update(value=1e13)


@pytest.mark.django_db
def test_a_trillion_itself_is_accepted():
    IndicatorValueFactory(value=1e12).full_clean()
