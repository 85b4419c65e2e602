"""Forms of the prioritisation pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from programs.models import CooperationArea

from .models import WeightProfile


class OptionalSelect(forms.Select):
    """A select that is never required: deciding whether to mark it so would read its first choice, one more query
    for the profiles (the field has no empty choice to read instead)."""

    def use_required_attribute(self, initial) -> bool:
        return False


class ProfileChoiceField(forms.ModelChoiceField):
    widget = OptionalSelect

    def label_from_instance(self, obj: WeightProfile) -> str:
        return _("%(name)s (default)") % {"name": obj.local_name} if obj.is_default else obj.local_name


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
