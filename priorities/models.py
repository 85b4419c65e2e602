"""Policy sources and their priorities, and the weight profiles that turn them into a ranking."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from countries.models import Country, CountryGroup
from programs.models import CooperationArea


class PolicySource(models.Model):
    """One of the policies the JPO framework names, e.g. the SDGs or the Development Cooperation Charter."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    official_title = models.CharField(_("official title"), max_length=300, blank=True)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    issued = models.CharField(_("date"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    citation = models.TextField(_("sources"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("policy source")
        verbose_name_plural = _("policy sources")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class PolicyPriority(models.Model):
    """An item of a policy source (an SDG target, a Charter priority, …), the areas it favours and where."""

    source = models.ForeignKey(
        PolicySource, on_delete=models.CASCADE, related_name="priorities", verbose_name=_("policy source")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        related_name="children",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        help_text=_("For an SDG target, its goal."),
    )
    code = models.CharField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    citation = models.TextField(_("citation"), blank=True)
    verified = models.BooleanField(_("verified in a stored source"), default=True)
    areas = models.ManyToManyField(
        CooperationArea, through="PolicyPriorityArea", related_name="policy_priorities", verbose_name=_("areas")
    )
    countries = models.ManyToManyField(
        Country, related_name="policy_priorities", verbose_name=_("countries named"), blank=True
    )
    country_groups = models.ManyToManyField(
        CountryGroup, related_name="policy_priorities", verbose_name=_("country groups named"), blank=True
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("policy priority")
        verbose_name_plural = _("policy priorities")
        ordering = ["source__position", "position", "code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    @property
    def applies_everywhere(self) -> bool:
        """A priority that names no country or group applies to every candidate."""
        return not self.countries.exists() and not self.country_groups.exists()


class PolicyPriorityArea(models.Model):
    """How strongly (0–1) a policy priority favours one cooperation area."""

    priority = models.ForeignKey(PolicyPriority, on_delete=models.CASCADE, related_name="area_links")
    area = models.ForeignKey(CooperationArea, on_delete=models.CASCADE, related_name="priority_links")
    relevance = models.FloatField(_("relevance"), default=1.0, help_text=_("0 (none) to 1 (central)"))

    class Meta:
        verbose_name = _("area relevance")
        verbose_name_plural = _("area relevances")
        ordering = ["priority", "area"]
        constraints = [
            models.UniqueConstraint(fields=["priority", "area"], name="priority_area_once"),
            models.CheckConstraint(condition=Q(relevance__gte=0, relevance__lte=1), name="priority_area_relevance_0_1"),
        ]

    def __str__(self) -> str:
        return f"{self.priority.code} → {self.area.code} ({self.relevance:g})"


class WeightMethod(models.TextChoices):
    DIRECT = "direct", _("Direct weights")
    EQUAL = "equal", _("Equal weights")
    AHP = "ahp", _("AHP pairwise comparisons")


class Normalization(models.TextChoices):
    MIN_MAX = "minmax", _("Min-max")
    Z_SCORE = "zscore", _("z-score")
    PERCENTILE = "percentile", _("Percentile rank")


class Aggregation(models.TextChoices):
    WAM = "wam", _("Weighted arithmetic mean")
    WGM = "wgm", _("Weighted geometric mean")
    TOPSIS = "topsis", _("TOPSIS")


class Imputation(models.TextChoices):
    NONE = "none", _("No imputation")
    REGION = "region", _("Mean of the region")
    INCOME_GROUP = "income_group", _("Mean of the income group")


class WeightProfile(models.Model):
    """A named, versioned way of weighing the criteria and policy sources, with its candidate-pool rules."""

    WeightMethod = WeightMethod
    Normalization = Normalization
    Aggregation = Aggregation
    Imputation = Imputation

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    is_default = models.BooleanField(_("default profile"), default=False)
    weight_method = models.CharField(
        _("weight method"), max_length=10, choices=WeightMethod.choices, default=WeightMethod.DIRECT
    )
    criterion_weights = models.JSONField(
        _("criterion weights"), default=dict, blank=True, help_text=_("Criterion code → weight.")
    )
    source_weights = models.JSONField(
        _("policy-source weights"), default=dict, blank=True, help_text=_("Policy-source code → weight.")
    )
    ahp_matrix = models.JSONField(
        _("AHP pairwise matrix"),
        default=dict,
        blank=True,
        help_text=_("Criterion codes and the upper triangle of Saaty judgements."),
    )
    context_indicators = models.ManyToManyField(
        "countries.Indicator", related_name="weight_profiles", verbose_name=_("context indicators"), blank=True
    )
    normalization = models.CharField(
        _("normalisation"), max_length=12, choices=Normalization.choices, default=Normalization.MIN_MAX
    )
    aggregation = models.CharField(_("aggregation"), max_length=8, choices=Aggregation.choices, default=Aggregation.WAM)
    imputation = models.CharField(_("imputation"), max_length=14, choices=Imputation.choices, default=Imputation.NONE)
    coverage_threshold = models.FloatField(
        _("coverage threshold"),
        default=0.5,
        help_text=_("Share of criteria (0–1) a country needs data for to be ranked."),
    )
    recency_half_life_days = models.PositiveIntegerField(_("recency half-life (days)"), default=730)
    top_k_areas = models.PositiveSmallIntegerField(
        _("areas counted per country"), default=3, help_text=_("A country scores the mean of its top-k areas.")
    )
    monte_carlo_samples = models.PositiveIntegerField(_("Monte Carlo samples"), default=1000)
    weight_concentration = models.FloatField(
        _("weight concentration"),
        default=100.0,
        help_text=_("Dirichlet concentration around the weights; higher means less perturbation."),
    )
    vary_method = models.BooleanField(_("also vary normalisation and aggregation"), default=False)
    oda_eligible_only = models.BooleanField(_("ODA recipients only"), default=True)
    wipo_members_only = models.BooleanField(_("WIPO members only"), default=False)
    excluded_countries = models.ManyToManyField(
        Country, related_name="excluded_from_profiles", verbose_name=_("excluded countries"), blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="weight_profiles",
        verbose_name=_("created by"),
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[excluded_countries])

    class Meta:
        verbose_name = _("weight profile")
        verbose_name_plural = _("weight profiles")
        ordering = ["-is_default", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(coverage_threshold__gte=0, coverage_threshold__lte=1), name="profile_coverage_0_1"
            ),
            models.CheckConstraint(condition=Q(recency_half_life_days__gte=1), name="profile_half_life_positive"),
            models.CheckConstraint(condition=Q(top_k_areas__gte=1), name="profile_top_k_positive"),
            models.CheckConstraint(condition=Q(weight_concentration__gt=0), name="profile_concentration_positive"),
            models.CheckConstraint(condition=Q(monte_carlo_samples__lte=100000), name="profile_samples_bounded"),
            models.CheckConstraint(
                condition=Q(weight_method__in=WeightMethod.values), name="profile_weight_method_known"
            ),
            models.CheckConstraint(condition=Q(normalization__in=Normalization.values), name="profile_norm_known"),
            models.CheckConstraint(condition=Q(aggregation__in=Aggregation.values), name="profile_aggregation_known"),
            models.CheckConstraint(condition=Q(imputation__in=Imputation.values), name="profile_imputation_known"),
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="profile_one_default"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"
