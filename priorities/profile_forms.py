"""The weight-profile form: the profile's name, its settings (one input per setting that ProfileSettings marks
for the form, built from the setting's type, bounds and help text), and direct weights or an AHP pairwise matrix
over the criterion groups, validated by the same code that scores (so a profile that saves is a profile that
ranks)."""

import dataclasses
from itertools import combinations
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from countries.models import Treaty

from .models import WeightProfile
from .profile_settings import (
    BUILT_IN_CRITERIA,
    DEFAULT_CRITERION_WEIGHTS,
    POLICY,
    TREATY_PREFIX,
    Group,
    Kind,
    ProfileSettings,
    WeightMethod,
    clean_value,
)
from .profiles import criterion_label, profile_criteria
from .scoring import InconsistentJudgementsError, ScoringError
from .scoring.weights import CONSISTENCY_LIMIT, ahp_weights, pairwise_matrix
from .selectors import policy_source_codes, policy_source_names
from .services import ProfileIdentity

GROUPS = (POLICY, *BUILT_IN_CRITERIA)
GROUP_LABELS = {POLICY: _("Policy alignment (all sources)")}
# Saaty's scale: how much more the first criterion matters than the second.
SAATY_CHOICES = [
    ("9", "9"),
    ("7", "7"),
    ("5", "5"),
    ("3", "3"),
    ("1", "1"),
    ("0.3333333333", "1/3"),
    ("0.2", "1/5"),
    ("0.1428571429", "1/7"),
    ("0.1111111111", "1/9"),
]


def weight_field_name(code: str) -> str:
    return "weight__" + code.replace(".", "__")


def judgement_field_name(first: str, second: str) -> str:
    return f"ahp__{first.replace('.', '__')}__vs__{second.replace('.', '__')}"


PAIRS = list(combinations(GROUPS, 2))


def setting_form_field(spec: dataclasses.Field, initial: Any) -> forms.Field:
    """The input for one setting, from its kind, bounds and help text; `clean_value` checks it fully."""
    meta = spec.metadata
    common = {"label": capfirst(meta["label"]), "help_text": meta["help_text"], "initial": initial}
    kind = meta["kind"]
    if kind == Kind.CHOICE:
        return forms.ChoiceField(choices=meta["choices"].choices, **common)
    if kind == Kind.FLAG:
        return forms.BooleanField(required=False, **common)
    if kind == Kind.CODES and meta["choices"]:
        return forms.MultipleChoiceField(
            choices=meta["choices"].choices, required=False, widget=forms.CheckboxSelectMultiple, **common
        )
    bounds = {"min_value": meta["minimum"], "max_value": meta["maximum"]}
    if kind == Kind.INTEGER:
        return forms.IntegerField(**bounds, **common)
    if kind == Kind.NUMBER:
        return forms.FloatField(**bounds, **common)
    raise ValueError(f"Setting {spec.name} of kind {kind!r} has no plain input; mark it in_form=False.")


class WeightProfileForm(forms.ModelForm):
    class Meta:
        model = WeightProfile
        fields = ["name", "slug", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, base: ProfileSettings | None = None, **kwargs) -> None:
        """`base` holds the settings the form does not show; by default the instance's (or the defaults)."""
        super().__init__(*args, **kwargs)
        settings_class = WeightProfile.settings_class
        self.base = base or (self.instance.config if self.instance.pk else settings_class())
        self.setting_specs = [spec for spec in settings_class.specs() if spec.metadata["in_form"]]
        for spec in self.setting_specs:
            self.fields[spec.name] = setting_form_field(spec, getattr(self.base, spec.name))
        weight_method = self.fields["weight_method"]
        assert isinstance(weight_method, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
        weight_method.choices = [(value, label) for value, label in WeightMethod.choices if value != WeightMethod.EQUAL]
        source_names = policy_source_names()
        weights = self.base.criterion_weights or DEFAULT_CRITERION_WEIGHTS
        # Direct weights cover the profile's context indicators and treaties too; the AHP matrix covers the
        # built-in groups. A treaty ticked in the submitted form has its weight from the submission.
        treaties = self.base.treaty_criteria
        if self.is_bound and hasattr(self.data, "getlist"):
            treaties = [code for code in self.data.getlist("treaty_criteria") if code in Treaty.values]
        self.weight_groups = (
            *GROUPS,
            *(f"context.{code}" for code in self.base.context_indicators),
            *(f"{TREATY_PREFIX}{code}" for code in treaties),
        )
        for code in self.weight_groups:
            self.fields[weight_field_name(code)] = forms.FloatField(
                label=GROUP_LABELS.get(code) or criterion_label(code, source_names),
                min_value=0,
                max_value=100,
                required=False,
                initial=weights.get(code, 0),
            )
        judgements = self.base.ahp_matrix.get("judgements", {})
        for first, second in PAIRS:
            given = judgements.get(first, {}).get(second, 1)
            self.fields[judgement_field_name(first, second)] = forms.TypedChoiceField(
                label=f"{criterion_label(first, source_names) if first != POLICY else GROUP_LABELS[POLICY]} : "
                f"{criterion_label(second, source_names)}",
                choices=SAATY_CHOICES,
                coerce=float,
                initial=closest_choice(given),
                required=False,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
        self.inconsistent_fields: set[str] = set()
        self.consistency: dict[str, Any] | None = None
        self.settings: ProfileSettings | None = None

    def setting_fields(self, group: str) -> list[forms.BoundField]:
        """The plain setting inputs of one group (Group.METHOD, Group.POOL, …), in ProfileSettings' order."""
        return [self[spec.name] for spec in self.setting_specs if spec.metadata["group"] == group]

    def weight_setting_fields(self) -> list[forms.BoundField]:
        """The weight settings other than the method, which heads the form."""
        return [field for field in self.setting_fields(Group.WEIGHTS) if field.name != "weight_method"]

    def method_fields(self) -> list[forms.BoundField]:
        return self.setting_fields(Group.METHOD)

    def pool_fields(self) -> list[forms.BoundField]:
        return self.setting_fields(Group.POOL)

    def publication_fields(self) -> list[forms.BoundField]:
        return self.setting_fields(Group.PUBLICATION)

    def mark_inconsistent(self, names: set[str]) -> None:
        """Highlight the judgements that disagree most with the others."""
        self.inconsistent_fields = names
        for name in names:
            self.fields[name].widget.attrs.update(
                {
                    "class": "form-select form-select-sm judgement-inconsistent is-invalid",
                    "aria-invalid": "true",
                    "aria-describedby": "ahp-consistency",
                }
            )

    def weight_fields(self):
        return [self[weight_field_name(code)] for code in self.weight_groups]

    def judgement_fields(self):
        return [self[judgement_field_name(first, second)] for first, second in PAIRS]

    def judgements(self) -> dict[str, dict[str, float]]:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        matrix: dict[str, dict[str, float]] = {}
        for first, second in PAIRS:
            name = judgement_field_name(first, second)
            value = data.get(name) if self.is_bound else self.fields[name].initial
            value = value or 1.0
            matrix.setdefault(first, {})[second] = float(value)
        return matrix

    def check_consistency(self) -> dict[str, Any]:
        """The AHP weights and consistency ratio of the judgements as given, with the worst pairs."""
        matrix = pairwise_matrix(list(GROUPS), self.judgements())
        result = ahp_weights(matrix)
        worst = [(GROUPS[i], GROUPS[j]) for i, j, _given, _implied in result.inconsistencies[:3]]
        consistency: dict[str, Any] = {
            "ratio": result.consistency_ratio,
            "weights": dict(zip(GROUPS, result.weights.tolist(), strict=True)),
            "worst": worst,
        }
        self.consistency = consistency
        return consistency

    def _clean_settings(self, data: dict[str, Any]) -> dict[str, Any]:
        """Each shown setting checked as ProfileSettings checks it, errors on its own field."""
        values = {}
        for spec in self.setting_specs:
            if spec.name not in data:
                continue  # the field's own validation failed and said why
            try:
                values[spec.name] = clean_value(spec, data[spec.name])
            except ValidationError as error:
                self.add_error(spec.name, error)
        return values

    def clean(self):
        data = super().clean() or {}
        values = self._clean_settings(data)
        method = data.get("weight_method")
        try:
            if method == WeightMethod.AHP:
                consistency = self.check_consistency()
                values["criterion_weights"] = {}
                values["ahp_matrix"] = {"criteria": list(GROUPS), "judgements": self.judgements()}
                if consistency["ratio"] > CONSISTENCY_LIMIT:
                    self.mark_inconsistent({judgement_field_name(*pair) for pair in consistency["worst"]})
            else:
                values["criterion_weights"] = {
                    code: data.get(weight_field_name(code)) or 0.0 for code in self.weight_groups
                }
                values["ahp_matrix"] = {}
            if self.errors:
                return data
            self.settings = self.base.replace(**values)
            profile_criteria(self.settings, policy_source_codes())
        except InconsistentJudgementsError as error:
            for name in self.inconsistent_fields:
                self.add_error(name, _("Inconsistent with the other judgements."))
            self.add_error(None, error.message)
        except ScoringError as error:
            if error.field == "criterion_weights":
                self.add_error(weight_field_name(GROUPS[0]), error.message)
            else:
                self.add_error(None, error.message)
        return data

    def profile_settings(self) -> ProfileSettings:
        """The settings the form describes (call after is_valid())."""
        if self.settings is None:
            raise ValueError("The form has no valid settings.")
        return self.settings

    def identity(self) -> ProfileIdentity:
        data = self.cleaned_data
        return ProfileIdentity(name=data["name"], slug=data["slug"], description=data.get("description", ""))


def closest_choice(value: float) -> str:
    return min((choice for choice, _label in SAATY_CHOICES), key=lambda choice: abs(float(choice) - float(value)))
