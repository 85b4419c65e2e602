"""The plan editor: the plan's own settings, and one table of rows each for its funding pools, regional limits,
actions insisted on or ruled out, and the programs that continue. Every refusal is a field error; nothing is saved
unless the whole page is valid (`PlanEditor.save`). And the catalogue of action templates: one template, or a
spreadsheet of them."""

from typing import Any

from django import forms
from django.db import transaction
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from countries.forms import CountryChoiceField
from countries.models import REGION_NAMES, Country
from priorities.models import RankingRun, RunStatus
from programs.forms import NeedImportForm, RowStyleMixin
from programs.models import ActivityKind, CooperationArea, CooperationProgram, ProgramStatus

from .models import (
    ROBUST_SAMPLES,
    ActionRule,
    ActionTemplate,
    Commitment,
    FundingPool,
    Plan,
    PlanStatus,
    RegionLimit,
)

# The plan's regional limits are on the five UN M49 regions a country's `region` names.
REGIONS = ("Africa", "Americas", "Asia", "Europe", "Oceania")
MAX_ROWS = 200


class RunChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return _("Run %(id)s (%(profile)s)") % {"id": obj.pk, "profile": obj.profile.local_name}


class PlanForm(forms.ModelForm):
    run = RunChoiceField(
        label=_("Ranking run"),
        queryset=RankingRun.objects.none(),
        help_text=_("A published run: its (country, area) scores are what each action is worth."),
    )

    class Meta:
        model = Plan
        fields = [
            "name",
            "fiscal_year",
            "run",
            "total_expert_days",
            "max_countries",
            "discount_by_evidence",
            "seed",
            "samples",
            "shared",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        run = self.fields["run"]
        assert isinstance(run, forms.ModelChoiceField)  # noqa: S101 - narrows the type for mypy
        # Published runs, and the run the plan already reads (it may have been superseded since).
        published = RankingRun.objects.filter(status=RunStatus.SUCCEEDED, published_at__isnull=False)
        if self.instance.run_id:
            published = published | RankingRun.objects.filter(pk=self.instance.run_id)
        run.queryset = published.select_related("profile").order_by("-published_at", "-pk")

    def clean_samples(self) -> int:
        samples = self.cleaned_data["samples"]
        if 0 < samples < ROBUST_SAMPLES:
            raise forms.ValidationError(
                _("At least %(count)s samples, or 0 to solve the plan once.") % {"count": ROBUST_SAMPLES}
            )
        return samples


class PoolForm(RowStyleMixin, forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        label=_("Action kinds it may fund"), choices=ActivityKind.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = FundingPool
        fields = ["code", "name", "limit_jpy", "kinds"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kinds"].widget.attrs["class"] = "list-unstyled small mb-0"


class RegionLimitForm(RowStyleMixin, forms.ModelForm):
    # A blank first choice, so that the empty row a page offers is left out rather than read as a limit on Africa.
    region = forms.ChoiceField(
        label=_("Region"), choices=[("", "---------"), *((code, REGION_NAMES[code]) for code in REGIONS)]
    )

    class Meta:
        model = RegionLimit
        fields = ["region", "minimum_jpy", "maximum_jpy"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        low, high = cleaned.get("minimum_jpy"), cleaned.get("maximum_jpy")
        if low is None and high is None and not cleaned.get("DELETE"):
            self.add_error("minimum_jpy", _("Give a minimum, a maximum or both."))
        elif low is not None and high is not None and low > high:
            self.add_error("maximum_jpy", _("The maximum is below the minimum."))
        return cleaned


class ActionRuleForm(RowStyleMixin, forms.ModelForm):
    country = CountryChoiceField(label=_("Country"), queryset=Country.objects.all())
    template = forms.ModelChoiceField(
        label=_("Action"), queryset=ActionTemplate.objects.select_related("area").order_by("area__position", "kind")
    )

    class Meta:
        model = ActionRule
        fields = ["rule", "country", "template"]


class CommitmentForm(RowStyleMixin, forms.ModelForm):
    program = forms.ModelChoiceField(
        label=_("Program"),
        queryset=CooperationProgram.objects.filter(status__in=[ProgramStatus.PLANNED, ProgramStatus.ONGOING]).order_by(
            "title"
        ),
    )
    pool = forms.ModelChoiceField(label=_("Paid from"), queryset=FundingPool.objects.none())

    class Meta:
        model = Commitment
        fields = ["program", "pool", "amount_jpy", "expert_days"]

    def __init__(self, *args, plan: Plan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        pool = self.fields["pool"]
        assert isinstance(pool, forms.ModelChoiceField)  # noqa: S101 - narrows the type for mypy
        # Only this plan's saved pools: a commitment cannot be paid from another plan's money.
        pool.queryset = FundingPool.objects.filter(plan=plan) if plan.pk else FundingPool.objects.none()


class PlanRows(BaseInlineFormSet):
    """A table of the plan's rows: blank rows are ignored, rows marked for removal are deleted on save."""

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def kept(self) -> list[forms.ModelForm]:
        return [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not (self.can_delete and getattr(form, "cleaned_data", {}).get("DELETE"))
        ]


class CommitmentRows(PlanRows):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "plan": self.instance}


def _rows(model, form, formset=PlanRows):
    return inlineformset_factory(
        Plan, model, form=form, formset=formset, extra=1, can_delete=True, max_num=MAX_ROWS, validate_max=True
    )


PoolFormSet = _rows(FundingPool, PoolForm)
RegionLimitFormSet = _rows(RegionLimit, RegionLimitForm)
ActionRuleFormSet = _rows(ActionRule, ActionRuleForm)
CommitmentFormSet = _rows(Commitment, CommitmentForm, CommitmentRows)


class PlanEditor:
    """The editor's page as one unit: the plan form and its four tables, valid together or not saved at all."""

    def __init__(self, data=None, *, plan: Plan | None = None) -> None:
        plan = plan or Plan()
        self.plan = plan
        self.form = PlanForm(data, instance=plan)
        self.pools = PoolFormSet(data, instance=plan, prefix="pools")
        self.region_limits = RegionLimitFormSet(data, instance=plan, prefix="regions")
        self.rules = ActionRuleFormSet(data, instance=plan, prefix="rules")
        # A commitment names one of the plan's pools, so it can be added once the pools are saved.
        self.commitments = CommitmentFormSet(data, instance=plan, prefix="commitments") if plan.pk else None

    @property
    def formsets(self) -> list[BaseInlineFormSet]:
        found = [self.pools, self.region_limits, self.rules]
        return [*found, self.commitments] if self.commitments is not None else found

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        # Every table is validated, so that all its errors show at once.
        valid = all([formset.is_valid() for formset in self.formsets]) and valid  # noqa: C419
        if valid:
            self._check_across_tables()
        return valid and not any(formset.non_form_errors() for formset in self.formsets)

    def _check_across_tables(self) -> None:
        """What no single row can see: a plan needs a pool, and a pool paying a commitment is not removed."""
        if not self.pools.kept():
            self.pools._non_form_errors.append(_("Give at least one funding pool."))
        if self.commitments is None:
            return
        removed = {form.instance.pk for form in self.pools.deleted_forms if form.instance.pk}
        paying = {form.cleaned_data["pool"].pk for form in self.commitments.kept() if form.cleaned_data.get("pool")}
        if removed & paying:
            self.pools._non_form_errors.append(
                _("A pool that pays a continuing program cannot be removed: remove or move the commitment first.")
            )

    @transaction.atomic
    def save(self) -> Plan:
        """Save everything, and forget what was computed from the constraints as they were."""
        plan = self.form.save(commit=False)
        if plan.pk:
            plan.actions.all().delete()
        plan.status, plan.progress, plan.outcome, plan.error = PlanStatus.DRAFT, 0, {}, ""
        plan.computed_at = None
        plan.save()
        # Commitments first: one moved off a pool removed in the same page no longer holds that pool.
        for formset in reversed(self.formsets):
            formset.instance = plan
            formset.save()
        return plan


class ActionTemplateForm(forms.ModelForm):
    """One kind of action in the catalogue; a second template for the same area and activity type is refused."""

    class Meta:
        model = ActionTemplate
        fields = [
            "code",
            "name",
            "name_ja",
            "area",
            "kind",
            "cost_jpy",
            "expert_days",
            "duration_days",
            "effect",
            "required_stage",
            "is_active",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        area = self.fields["area"]
        assert isinstance(area, forms.ModelChoiceField)  # noqa: S101 - narrows the type for mypy
        area.queryset = CooperationArea.objects.order_by("position")


class ActionTemplateImportForm(NeedImportForm):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_(
            "Columns: code, name, name_ja, area (its code), kind, cost_jpy, expert_days, duration_days, "
            "required_stage (1, 2, 3 or empty) and is_active (1 or 0). A row whose code is in the catalogue "
            "updates that template."
        ),
    )


class PlanComparisonForm(forms.Form):
    first = forms.ModelChoiceField(label=_("First plan"), queryset=Plan.objects.none())
    second = forms.ModelChoiceField(label=_("Second plan"), queryset=Plan.objects.none())

    def __init__(self, *args, plans, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("first", "second"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrows the type for mypy
            field.queryset = plans

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("first") and cleaned.get("first") == cleaned.get("second"):
            self.add_error("second", _("Choose another plan than the first."))
        return cleaned
