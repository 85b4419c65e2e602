"""The weight-profile form: direct weights or an AHP pairwise matrix over the criterion groups, validated by the
same code that scores (so a profile that saves is a profile that ranks)."""

from itertools import combinations
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PolicySource, WeightMethod, WeightProfile
from .profiles import DEFAULT_CRITERION_WEIGHTS, EVIDENCE_CRITERIA, POLICY, criterion_label, profile_criteria
from .scoring import InconsistentJudgementsError, ScoringError
from .scoring.weights import CONSISTENCY_LIMIT, ahp_weights, pairwise_matrix
from .services.profiles import PROFILE_FORM_FIELDS

GROUPS = (POLICY, *EVIDENCE_CRITERIA)
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


class WeightProfileForm(forms.ModelForm):
    class Meta:
        model = WeightProfile
        # The weights themselves come from the fields built in __init__, not from the model's JSON fields.
        fields = [name for name in PROFILE_FORM_FIELDS if name not in ("criterion_weights", "ahp_matrix")]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        weight_method = self.fields["weight_method"]
        assert isinstance(weight_method, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
        weight_method.choices = [(value, label) for value, label in WeightMethod.choices if value != WeightMethod.EQUAL]
        source_names = dict(PolicySource.objects.values_list("code", "name"))
        weights = (self.instance.criterion_weights if self.instance.pk else None) or DEFAULT_CRITERION_WEIGHTS
        for code in GROUPS:
            self.fields[weight_field_name(code)] = forms.FloatField(
                label=GROUP_LABELS.get(code) or criterion_label(code, source_names),
                min_value=0,
                max_value=100,
                required=False,
                initial=weights.get(code, 0),
            )
        judgements = (self.instance.ahp_matrix or {}).get("judgements", {}) if self.instance.pk else {}
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
        return [self[weight_field_name(code)] for code in GROUPS]

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

    def clean(self):
        data = super().clean()
        method = data.get("weight_method")
        try:
            if method == WeightMethod.AHP:
                consistency = self.check_consistency()
                data["criterion_weights"] = {}
                data["ahp_matrix"] = {"criteria": list(GROUPS), "judgements": self.judgements()}
                if consistency["ratio"] > CONSISTENCY_LIMIT:
                    self.mark_inconsistent({judgement_field_name(*pair) for pair in consistency["worst"]})
            else:
                weights = {code: data.get(weight_field_name(code)) or 0.0 for code in GROUPS}
                data["criterion_weights"] = weights
                data["ahp_matrix"] = {}
            settings = {
                "weight_method": method,
                "criterion_weights": data["criterion_weights"],
                "ahp_matrix": data["ahp_matrix"],
            }
            profile_criteria(settings, list(PolicySource.objects.values_list("code", flat=True)))
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

    def snapshot_overrides(self) -> dict[str, Any]:
        """The settings a what-if run scores with, from the form as it stands."""
        data = self.cleaned_data
        return {
            "weight_method": data["weight_method"],
            "criterion_weights": data["criterion_weights"],
            "ahp_matrix": data["ahp_matrix"],
            "normalization": data["normalization"],
            "aggregation": data["aggregation"],
            "coverage_threshold": data["coverage_threshold"],
            "top_k_areas": data["top_k_areas"],
            "oda_eligible_only": data["oda_eligible_only"],
        }


def closest_choice(value: float) -> str:
    return min((choice for choice, _label in SAATY_CHOICES), key=lambda choice: abs(float(choice) - float(value)))
