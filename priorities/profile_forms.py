"""The weight-profile form: the profile's name, its settings (one input per setting that ProfileSettings marks
for the form, built from the setting's type, bounds and help text), and direct weights or an AHP pairwise matrix
over the criterion groups, validated by the same code that scores (so a profile that saves is a profile that
ranks)."""

import dataclasses
from itertools import combinations
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from countries.models import Country, Indicator, Treaty
from programs.forms import RowFormSet, RowStyleMixin

from .models import WeightProfile
from .profile_settings import (
    BUILT_IN_CRITERIA,
    CONTEXT_MISSING,
    DEFAULT_CRITERION_WEIGHTS,
    FOLLOW_PROFILE,
    HISTORY_STAGE,
    LONGEST_CONTEXT_AGE,
    LONGEST_EXCLUSION_REASON,
    POLICY,
    TREATY_PREFIX,
    ContextTransform,
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


BENEFIT, COST = "benefit", "cost"
DIRECTION_CHOICES = [(BENEFIT, _("More is better")), (COST, _("Less is better"))]
CONTEXT_MISSING_LABELS = {
    "profile": _("As the imputation setting says"),
    "none": _("Left out of the weights"),
    "region": _("Mean of the region"),
    "income_group": _("Mean of the income group"),
}
# A policy source not weighed otherwise counts once.
SOURCE_WEIGHT_DEFAULT = 1.0
CONTEXT_PREFIX = "context."


def weight_field_name(code: str) -> str:
    return "weight__" + code.replace(".", "__")


def direction_field_name(code: str) -> str:
    return "direction__" + code.replace(".", "__")


def source_weight_field_name(code: str) -> str:
    return f"source_weight__{code}"


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


class ContextIndicatorRowForm(RowStyleMixin, forms.Form):
    """One context indicator the profile scores: its weight, its direction and how its value is read."""

    indicator = forms.ChoiceField(label=_("Indicator"))
    weight = forms.FloatField(label=_("Weight"), min_value=0, max_value=100)
    direction = forms.ChoiceField(label=_("Counts as"), choices=DIRECTION_CHOICES, initial=BENEFIT)
    # Initial values are what a blank row shows, so that a row left blank is seen as unchanged and ignored.
    transform = forms.ChoiceField(
        label=_("Read as"), choices=ContextTransform.choices, initial=ContextTransform.NONE.value
    )
    max_age_years = forms.IntegerField(
        label=_("Oldest value (years)"),
        min_value=0,
        max_value=LONGEST_CONTEXT_AGE,
        required=False,
        help_text=_("Blank: any age."),
        widget=forms.NumberInput(attrs={"aria-describedby": "rubric-max_age_years"}),
    )
    missing = forms.ChoiceField(
        label=_("A country without a value"),
        choices=[(code, CONTEXT_MISSING_LABELS[code]) for code in CONTEXT_MISSING],
        initial=FOLLOW_PROFILE,
    )

    def __init__(self, *args, indicators: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        indicator = self.fields["indicator"]
        assert isinstance(indicator, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
        indicator.choices = [("", "---------"), *indicators]


class ExclusionRowForm(RowStyleMixin, forms.Form):
    """A country staff leave out of the candidate pool, and why."""

    country = forms.ChoiceField(label=_("Country"))
    reason = forms.CharField(label=_("Reason"), max_length=LONGEST_EXCLUSION_REASON)

    def __init__(self, *args, countries: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
        country.choices = [("", "---------"), *countries]


class UniqueRowsFormSet(RowFormSet):
    """Rows kept, each naming a different `key` (an indicator, a country) — a second row for one is an error."""

    key = ""
    twice_message: Any = ""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        keys = [row[self.key] for row in self.kept()]
        if len(keys) != len(set(keys)):
            raise forms.ValidationError(self.twice_message)


class ContextIndicatorFormSetBase(UniqueRowsFormSet):
    key = "indicator"
    twice_message = _("Each indicator can be scored once; remove the second row.")


class ExclusionFormSetBase(UniqueRowsFormSet):
    key = "country"
    twice_message = _("Each country can be excluded once; remove the second row.")


ContextIndicatorFormSet = formset_factory(
    ContextIndicatorRowForm, formset=ContextIndicatorFormSetBase, extra=1, can_delete=True, max_num=50
)
ExclusionFormSet = formset_factory(
    ExclusionRowForm, formset=ExclusionFormSetBase, extra=1, can_delete=True, max_num=300
)


class WeightProfileForm(forms.ModelForm):
    class Meta:
        model = WeightProfile
        fields = ["name", "slug", "description", "name_ja", "description_ja"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "description_ja": forms.Textarea(attrs={"rows": 2}),
        }

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
        source_names = self.criterion_names = policy_source_names()
        weights = self.base.criterion_weights or DEFAULT_CRITERION_WEIGHTS
        # Direct weights cover the profile's treaties too (context indicators have theirs in their rows); the AHP
        # matrix covers the built-in groups. A treaty ticked in the submitted form has its weight from the
        # submission.
        treaties = self.base.treaty_criteria
        if self.is_bound and hasattr(self.data, "getlist"):
            treaties = [code for code in self.data.getlist("treaty_criteria") if code in Treaty.values]
        self.weight_groups = (*GROUPS, *(f"{TREATY_PREFIX}{code}" for code in treaties))
        directions = self.base.criterion_directions
        for code in self.weight_groups:
            label = GROUP_LABELS.get(code) or criterion_label(code, source_names)
            self.fields[weight_field_name(code)] = forms.FloatField(
                label=label,
                min_value=0,
                max_value=100,
                required=False,
                initial=weights.get(code, 0),
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
            )
            if code != HISTORY_STAGE:
                self.fields[direction_field_name(code)] = forms.ChoiceField(
                    label=_("%(criterion)s counts as") % {"criterion": label},
                    choices=DIRECTION_CHOICES,
                    initial=directions.get(code, BENEFIT),
                    required=False,
                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                )
        self.source_codes = policy_source_codes()
        for code in self.source_codes:
            self.fields[source_weight_field_name(code)] = forms.FloatField(
                label=source_names.get(code, code),
                min_value=0,
                max_value=100,
                required=False,
                initial=self.base.source_weights.get(code, SOURCE_WEIGHT_DEFAULT),
            )
        self.context_rows, self.exclusion_rows = self._row_formsets()
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

    def full_clean(self) -> None:
        super().full_clean()
        # The weight table's inputs are drawn by hand (`_row_input.html`), so they are marked invalid here.
        for name in self.errors:
            if name.startswith(("weight__", "direction__")):
                self.fields[name].widget.attrs["class"] += " is-invalid"

    def _submitted(self, prefix: str) -> bool:
        """Whether the submission holds a table of rows; one without (a client posting only some settings) keeps
        the profile's rows as they are."""
        return self.is_bound and f"{prefix}-TOTAL_FORMS" in self.data

    def _row_formsets(self) -> tuple[Any, Any]:
        """The context-indicator and exclusion tables: the submitted rows, or the profile's own to start from."""
        indicators = [
            (code, f"{code} — {name}") for code, name in Indicator.objects.order_by("code").values_list("code", "name")
        ]
        countries = list(Country.objects.order_by("name").values_list("iso3", "name"))
        base = self.base
        context_initial = [
            {
                "indicator": code,
                "weight": base.criterion_weights.get(f"{CONTEXT_PREFIX}{code}", 0),
                "direction": base.criterion_directions.get(f"{CONTEXT_PREFIX}{code}", BENEFIT),
                **{"transform": ContextTransform.NONE.value, "max_age_years": None, "missing": "profile"},
                **base.context_transforms.get(code, {}),
            }
            for code in base.context_indicators
        ]
        exclusion_initial = [{"country": iso3, "reason": reason} for iso3, reason in base.excluded_countries.items()]
        context = ContextIndicatorFormSet(
            self.data if self._submitted("context") else None,
            prefix="context",
            initial=None if self.is_bound else context_initial,
            form_kwargs={"indicators": indicators},
        )
        exclusions = ExclusionFormSet(
            self.data if self._submitted("excluded") else None,
            prefix="excluded",
            initial=None if self.is_bound else exclusion_initial,
            form_kwargs={"countries": countries},
        )
        return context, exclusions

    def direction_fields(self) -> dict[str, forms.BoundField]:
        return {code: self[direction_field_name(code)] for code in self.weight_groups if code != HISTORY_STAGE}

    def weight_rows(self) -> list[tuple[forms.BoundField, forms.BoundField | None]]:
        """Each criterion group's weight input and its direction input (history.stage's is the ladder setting)."""
        directions = self.direction_fields()
        return [(self[weight_field_name(code)], directions.get(code)) for code in self.weight_groups]

    def source_weight_fields(self) -> list[forms.BoundField]:
        return [self[source_weight_field_name(code)] for code in self.source_codes]

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
            "labelled": [
                (GROUP_LABELS.get(code) or criterion_label(code, self.criterion_names), weight)
                for code, weight in zip(GROUPS, result.weights.tolist(), strict=True)
            ],
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

    def _row_settings(self, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, float]]:
        """The settings the rows and the direction and source inputs give, with the context criteria's weights."""
        base = self.base
        values: dict[str, Any] = {
            "source_weights": {
                code: weight
                for code in self.source_codes
                if (weight := data.get(source_weight_field_name(code))) is not None and weight != SOURCE_WEIGHT_DEFAULT
            }
        }
        # Directions set on single policy sources have no input; they stay as the profile has them.
        directions = {code: way for code, way in base.criterion_directions.items() if code.startswith(f"{POLICY}.")}
        # A direction is stored when it is a cost, or when the profile named it already (an unchanged page then
        # saves the very settings it showed).
        for code, field in self.direction_fields().items():
            way = data.get(field.name) or BENEFIT
            if way == COST or code in base.criterion_directions:
                directions[code] = way
        if self.context_rows.is_bound:
            rows = self.context_rows.kept()
            values["context_indicators"] = [row["indicator"] for row in rows]
            values["context_transforms"] = {
                row["indicator"]: {key: row[key] for key in ("transform", "max_age_years", "missing")} for row in rows
            }
            context_weights = {f"{CONTEXT_PREFIX}{row['indicator']}": row["weight"] for row in rows}
            directions |= {f"{CONTEXT_PREFIX}{row['indicator']}": row["direction"] for row in rows}
        else:
            context_weights = {
                code: weight for code, weight in base.criterion_weights.items() if code.startswith(CONTEXT_PREFIX)
            }
            directions |= {
                code: way for code, way in base.criterion_directions.items() if code.startswith(CONTEXT_PREFIX)
            }
        values["criterion_directions"] = directions
        if self.exclusion_rows.is_bound:
            values["excluded_countries"] = {row["country"]: row["reason"] for row in self.exclusion_rows.kept()}
        return values, context_weights

    def clean(self):
        data = super().clean() or {}
        values = self._clean_settings(data)
        if not all(rows.is_valid() for rows in (self.context_rows, self.exclusion_rows) if rows.is_bound):
            self.add_error(None, _("Correct the rows marked in the tables below."))
            return data
        row_values, context_weights = self._row_settings(data)
        values |= row_values
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
                } | context_weights
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
            elif error.field == "source_weights" and self.source_codes:
                self.add_error(source_weight_field_name(self.source_codes[0]), error.message)
            else:
                self.add_error(None, error.message)
        except ValidationError as error:
            # A row's value the setting refuses though its input took it: shown over the form, naming the setting.
            for name, messages in error.message_dict.items():
                self.add_error(None, [f"{name}: {message}" for message in messages])
        return data

    def profile_settings(self) -> ProfileSettings:
        """The settings the form describes (call after is_valid())."""
        if self.settings is None:
            raise ValueError("The form has no valid settings.")
        return self.settings

    def identity(self) -> ProfileIdentity:
        data = self.cleaned_data
        return ProfileIdentity(
            name=data["name"],
            slug=data["slug"],
            description=data.get("description", ""),
            name_ja=data.get("name_ja", ""),
            description_ja=data.get("description_ja", ""),
        )


def closest_choice(value: float) -> str:
    return min((choice for choice, _label in SAATY_CHOICES), key=lambda choice: abs(float(choice) - float(value)))
