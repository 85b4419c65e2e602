"""Cooperation plans: which actions, in which countries and areas, a fiscal year's budget and experts can fund.

A plan reads a published ranking run (the value of working on each country and area) and the programs (where each
country stands on the independence ladder, what is already committed); nothing else reads plans.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from countries.models import Country
from hipoc.i18n import LocalName
from priorities.models import RankingRun
from programs.models import ActivityKind, CooperationArea, CooperationProgram, Stage, area_rung

# A single action beyond this is a typing error (¥100 billion is more than the JPO's whole cooperation budget).
LARGEST_COST_JPY = 100_000_000_000
LARGEST_EXPERT_DAYS = 100_000
LEAST_EFFECT, LARGEST_EFFECT = Decimal("0.01"), Decimal(100)
FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR = 2000, 2100
# Fewer draws than this leave the share of samples choosing an action too coarse to read (±7 points at 50%).
ROBUST_SAMPLES, MOST_SAMPLES = 200, 2000
# An action chosen in at least this share of the samples is almost always chosen; in less than it and more than
# `RARELY`, it is on the edge.
ALMOST_ALWAYS, RARELY = 0.9, 0.1


class ActionTemplate(LocalName, models.Model):
    """A kind of action staff can plan in a country: an activity type in one area, with its typical cost in JPY,
    expert-days and duration, and the rung of the independence ladder the country must have reached first."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_ja = models.CharField(_("name in Japanese"), max_length=200, blank=True)
    area = models.ForeignKey(CooperationArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("area"))
    kind = models.CharField(_("activity type"), max_length=20, choices=ActivityKind.choices)
    cost_jpy = models.PositiveBigIntegerField(
        _("typical cost (JPY)"), validators=[MinValueValidator(1), MaxValueValidator(LARGEST_COST_JPY)]
    )
    expert_days = models.PositiveIntegerField(
        _("expert-days"), validators=[MaxValueValidator(LARGEST_EXPERT_DAYS)], help_text=_("Days of JPO experts.")
    )
    duration_days = models.PositiveIntegerField(
        _("duration (days)"), validators=[MinValueValidator(1), MaxValueValidator(3660)]
    )
    effect = models.DecimalField(
        _("effect"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(LEAST_EFFECT), MaxValueValidator(LARGEST_EFFECT)],
        help_text=_(
            "What one such action does for the country in its area, against the catalogue's other actions (the demo "
            "catalogue: a seminar 1). An action's value in a plan is the country's score in the area times this."
        ),
    )
    required_stage = models.PositiveSmallIntegerField(
        _("rung reached first"),
        choices=Stage.choices,
        null=True,
        blank=True,
        help_text=_("The rung of the independence ladder the country must have reached; empty: none."),
    )
    is_active = models.BooleanField(_("offered in new plans"), default=True)

    class Meta:
        verbose_name = _("action template")
        verbose_name_plural = _("action templates")
        ordering = ["area__position", "kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["area", "kind"], name="action_template_one_per_area_and_kind"),
            models.CheckConstraint(condition=Q(cost_jpy__gte=1), name="action_template_cost_positive"),
            models.CheckConstraint(condition=Q(duration_days__gte=1), name="action_template_duration_positive"),
            models.CheckConstraint(condition=Q(effect__gt=0), name="action_template_effect_positive"),
            models.CheckConstraint(condition=Q(kind__in=ActivityKind.values), name="action_template_kind_known"),
        ]

    def __str__(self) -> str:
        return self.local_name

    @property
    def area_rung(self) -> Stage:
        """The rung of the ladder the action works on (select `area__stakeholder_group` with it)."""
        return area_rung(self.area.code, self.area.stakeholder_group.code)


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Solved")
    INFEASIBLE = "infeasible", _("Infeasible")
    FAILED = "failed", _("Failed")


class Plan(models.Model):
    """A fiscal year's plan over one published run: its constraints, and once computed, the actions chosen."""

    name = models.CharField(_("name"), max_length=200)
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"), validators=[MinValueValidator(FIRST_FISCAL_YEAR), MaxValueValidator(LAST_FISCAL_YEAR)]
    )
    run = models.ForeignKey(RankingRun, on_delete=models.PROTECT, related_name="+", verbose_name=_("ranking run"))
    total_expert_days = models.PositiveIntegerField(
        _("expert-days available"), validators=[MaxValueValidator(LARGEST_EXPERT_DAYS)]
    )
    max_countries = models.PositiveSmallIntegerField(
        _("at most this many countries"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    discount_by_evidence = models.BooleanField(
        _("discount thinly evidenced pairs"),
        default=True,
        help_text=_(
            "An action's value is its template's effect × its (country, area) score × e / (e + 1), e the effective "
            "evidence."
        ),
    )
    seed = models.BigIntegerField(_("random seed"), default=0)
    samples = models.PositiveSmallIntegerField(
        _("Monte Carlo samples"),
        default=ROBUST_SAMPLES,
        validators=[MaxValueValidator(MOST_SAMPLES)],
        help_text=_("The plan is solved again under this many draws of the run's uncertainty (0: not at all)."),
    )
    shared = models.BooleanField(_("shared with partners"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    inputs = models.JSONField(_("inputs"), default=dict, blank=True, help_text=_("What the plan was computed from."))
    outcome = models.JSONField(
        _("outcome"), default=dict, blank=True, help_text=_("Value, what each pool and the experts used, conflicts.")
    )
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    requested_at = models.DateTimeField(_("computation requested at"), null=True, blank=True)
    started_at = models.DateTimeField(_("computation started at"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("cooperation plan")
        verbose_name_plural = _("cooperation plans")
        ordering = ["-fiscal_year", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=PlanStatus.values), name="plan_status_known"),
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=FIRST_FISCAL_YEAR, fiscal_year__lte=LAST_FISCAL_YEAR),
                name="plan_fiscal_year_in_range",
            ),
            models.CheckConstraint(
                condition=Q(samples=0) | Q(samples__gte=ROBUST_SAMPLES, samples__lte=MOST_SAMPLES),
                name="plan_samples_none_or_enough",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (FY{self.fiscal_year})"


class FundingPool(models.Model):
    """Money the plan may spend, e.g. the JPO budget or WIPO Funds-in-Trust Japan, and the action kinds it funds."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="pools", verbose_name=_("plan"))
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    limit_jpy = models.PositiveBigIntegerField(_("limit (JPY)"), validators=[MaxValueValidator(LARGEST_COST_JPY)])
    kinds = models.JSONField(_("action kinds it may fund"), default=list)

    class Meta:
        verbose_name = _("funding pool")
        verbose_name_plural = _("funding pools")
        ordering = ["plan", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="funding_pool_code_unique_in_plan")]

    def __str__(self) -> str:
        return self.name


class RegionLimit(models.Model):
    """What the plan spends in one UN M49 region: at least, at most, or both."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="region_limits", verbose_name=_("plan"))
    region = models.CharField(_("region"), max_length=40)
    minimum_jpy = models.PositiveBigIntegerField(_("at least (JPY)"), null=True, blank=True)
    maximum_jpy = models.PositiveBigIntegerField(_("at most (JPY)"), null=True, blank=True)

    class Meta:
        verbose_name = _("regional limit")
        verbose_name_plural = _("regional limits")
        constraints = [
            models.UniqueConstraint(fields=["plan", "region"], name="region_limit_one_per_region"),
            models.CheckConstraint(
                condition=Q(minimum_jpy__isnull=True)
                | Q(maximum_jpy__isnull=True)
                | Q(minimum_jpy__lte=F("maximum_jpy")),
                name="region_limit_minimum_not_above_maximum",
                violation_error_message=_("The minimum is above the maximum."),
            ),
        ]

    def __str__(self) -> str:
        return self.region


class ActionRule(models.Model):
    """An action the planner insists on, or rules out."""

    class Rule(models.TextChoices):
        INCLUDE = "include", _("Must include")
        EXCLUDE = "exclude", _("Must exclude")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="rules", verbose_name=_("plan"))
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country"))
    template = models.ForeignKey(ActionTemplate, on_delete=models.PROTECT, related_name="+", verbose_name=_("action"))
    rule = models.CharField(_("rule"), max_length=8, choices=Rule.choices)

    class Meta:
        verbose_name = _("action rule")
        verbose_name_plural = _("action rules")
        constraints = [
            models.UniqueConstraint(fields=["plan", "country", "template"], name="action_rule_one_per_action"),
            models.CheckConstraint(condition=Q(rule__in=["include", "exclude"]), name="action_rule_known"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()}: {self.template} — {self.country_id}"


class Commitment(models.Model):
    """An ongoing program that continues into the plan's year: its cost and expert-days are set aside first."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("plan"))
    program = models.ForeignKey(
        CooperationProgram, on_delete=models.PROTECT, related_name="+", verbose_name=_("program")
    )
    pool = models.ForeignKey(FundingPool, on_delete=models.RESTRICT, related_name="+", verbose_name=_("paid from"))
    amount_jpy = models.PositiveBigIntegerField(_("amount (JPY)"), validators=[MaxValueValidator(LARGEST_COST_JPY)])
    expert_days = models.PositiveIntegerField(
        _("expert-days"), default=0, validators=[MaxValueValidator(LARGEST_EXPERT_DAYS)]
    )

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [models.UniqueConstraint(fields=["plan", "program"], name="commitment_one_per_program")]

    def __str__(self) -> str:
        return f"{self.program_id}: {self.amount_jpy} JPY"


class PlannedAction(models.Model):
    """One candidate action of a computed plan: its value and cost, whether the optimum chose it and from which
    pool, and how often the plans over the run's Monte Carlo samples chose it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions", verbose_name=_("plan"))
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country"))
    template = models.ForeignKey(ActionTemplate, on_delete=models.PROTECT, related_name="+", verbose_name=_("action"))
    value = models.FloatField(_("value"))
    cost_jpy = models.PositiveBigIntegerField(_("cost (JPY)"))
    expert_days = models.PositiveIntegerField(_("expert-days"))
    pool = models.ForeignKey(
        FundingPool, on_delete=models.RESTRICT, null=True, blank=True, related_name="+", verbose_name=_("paid from")
    )
    chosen = models.BooleanField(_("chosen"), default=False)
    probability = models.FloatField(_("chosen in this share of samples"), null=True, blank=True)
    program = models.OneToOneField(
        CooperationProgram,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="planned_action",
        verbose_name=_("planned program"),
        help_text=_("The program staff made of this action."),
    )

    class Meta:
        verbose_name = _("planned action")
        verbose_name_plural = _("planned actions")
        ordering = ["-chosen", "-value"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "country", "template"], name="planned_action_one_per_action")
        ]

    def __str__(self) -> str:
        return f"{self.template} — {self.country_id}"
