"""Forms of the prioritisation pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from programs.models import CooperationArea

from .models import WeightProfile


class RankingViewForm(forms.Form):
    """Which published ranking to show: a weight profile, and optionally one area's ranking."""

    profile = forms.ModelChoiceField(
        queryset=WeightProfile.objects.all(),
        to_field_name="slug",
        required=False,
        label=_("Weight profile"),
        empty_label=_("Default profile"),
    )
    area = forms.ModelChoiceField(
        queryset=CooperationArea.objects.all(),
        to_field_name="code",
        required=False,
        label=_("Area"),
        empty_label=_("All areas"),
    )
