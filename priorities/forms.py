"""Forms of the prioritisation pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from programs.models import CooperationArea

from .models import WeightProfile


class ProfileChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: WeightProfile) -> str:
        return _("%(name)s (default)") % {"name": obj.name} if obj.is_default else obj.name


class RankingViewForm(forms.Form):
    """Which published ranking to show: a weight profile, and optionally one area's ranking."""

    # Profiles by the name their pages give them, the default first (and chosen when none is asked for).
    profile = ProfileChoiceField(
        queryset=WeightProfile.objects.order_by("-is_default", "name"),
        to_field_name="slug",
        required=False,
        label=_("Weight profile"),
        empty_label=None,
    )
    area = forms.ModelChoiceField(
        queryset=CooperationArea.objects.all(),
        to_field_name="code",
        required=False,
        label=_("Area"),
        empty_label=_("All areas"),
    )
