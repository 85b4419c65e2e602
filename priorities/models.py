"""Policy sources and their priorities, and the weight profiles that turn them into a ranking."""

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from countries.models import Country, CountryGroup
from hipoc.i18n import LocalName, in_japanese
from programs.models import CooperationArea

from .profile_settings import (
    Aggregation,
    Imputation,
    Normalization,
    ProfileSettings,
    WeightMethod,
    setting_constraints,
)


def default_settings_json() -> dict:
    return ProfileSettings().to_json()


class PolicySource(LocalName, models.Model):
    """One of the policies the JPO framework names, e.g. the SDGs or the Development Cooperation Charter."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_ja = models.CharField(_("name in Japanese"), max_length=200, blank=True)
    official_title = models.CharField(_("official title"), max_length=300, blank=True)
    official_title_ja = models.CharField(
        _("official Japanese title"), max_length=300, blank=True, help_text=_("As the issuing body publishes it.")
    )
    title_ja_source = models.URLField(_("source of the Japanese title"), max_length=500, blank=True)
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
        return self.local_name

    @property
    def local_official_title(self) -> str:
        return self.official_title_ja if self.official_title_ja and in_japanese() else self.official_title


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
    areas = models.ManyToManyField(  # type: ignore[var-annotated]  # the stubs cannot infer a through model
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


class WeightProfile(LocalName, models.Model):
    """A named, versioned way of weighing the criteria and policy sources, with its candidate-pool rules."""

    WeightMethod = WeightMethod
    Normalization = Normalization
    Aggregation = Aggregation
    Imputation = Imputation
    # What `settings` holds: the one list of a profile's settings.
    settings_class = ProfileSettings

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_ja = models.CharField(_("name in Japanese"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_ja = models.TextField(_("description in Japanese"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    is_default = models.BooleanField(_("default profile"), default=False)
    settings = models.JSONField(
        _("settings"), default=default_settings_json, help_text=_("The profile's settings (see ProfileSettings).")
    )
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="weight_profiles",
        verbose_name=_("created by"),
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("weight profile")
        verbose_name_plural = _("weight profiles")
        ordering = ["-is_default", "name"]
        constraints = [
            *setting_constraints(ProfileSettings, field="settings", prefix="profile"),
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="profile_one_default"),
        ]

    def __str__(self) -> str:
        return f"{self.local_name} (v{self.version})"

    @property
    def local_description(self) -> str:
        return self.description_ja if self.description_ja and in_japanese() else self.description

    def clean(self) -> None:
        try:
            self.settings = self.settings_class.from_json(self.settings).to_json()
        except ValidationError as error:
            # Reported on the one field the settings live in, each message naming its setting.
            raise ValidationError(
                {
                    "settings": [
                        f"{name}: {message}" for name, messages in error.message_dict.items() for message in messages
                    ]
                }
            ) from error

    @property
    def config(self) -> ProfileSettings:
        """The profile's settings, typed and checked."""
        return self.settings_class.from_json(self.settings, strict=False)


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class RunTrigger(models.TextChoices):
    MANUAL = "manual", _("Started by staff")
    DATA_CHANGE = "data_change", _("After a data change")
    SCHEDULE = "schedule", _("Nightly schedule")
    COMMAND = "command", _("Command line")


class RankingRun(models.Model):
    """One computation of the ranking: a snapshot of its inputs, settings and results, never changed afterwards.

    Publication is the only change a succeeded run sees: it becomes the run partners get for its profile, or, when
    it waits as ready to publish, staff discard it or a later run takes its place.
    """

    Status = RunStatus
    Trigger = RunTrigger

    profile = models.ForeignKey(
        WeightProfile, on_delete=models.PROTECT, related_name="runs", verbose_name=_("weight profile")
    )
    profile_slug = models.SlugField(_("profile"), max_length=60, db_index=True)
    profile_version = models.PositiveIntegerField(_("profile version"))
    profile_settings = models.JSONField(_("profile settings"), help_text=_("The profile as it was when the run began."))
    method = models.CharField(_("aggregation"), max_length=8, choices=Aggregation.choices)
    normalization = models.CharField(_("normalisation"), max_length=12, choices=Normalization.choices)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    seed = models.BigIntegerField(_("random seed"))
    samples = models.PositiveIntegerField(_("Monte Carlo samples"))
    as_of = models.DateField(_("evidence as of"))
    criteria = models.JSONField(_("criteria"), default=list, help_text=_("Code, weight and direction of each."))
    inputs_digest = models.CharField(_("inputs digest"), max_length=64, blank=True, db_index=True)
    code_version = models.CharField(_("code version"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    timings = models.JSONField(_("timings (seconds)"), default=dict, blank=True)
    query_count = models.PositiveIntegerField(_("SQL queries"), null=True, blank=True)
    excluded = models.JSONField(
        _("excluded countries"), default=list, blank=True, help_text=_("ISO3, name and reason.")
    )
    trigger = models.CharField(_("started by"), max_length=12, choices=RunTrigger.choices, default=RunTrigger.MANUAL)
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="ranking_runs",
        verbose_name=_("created by"),
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    compared_with = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("compared with"),
        null=True,
        blank=True,
        help_text=_("The published run the rank movements are measured against."),
    )
    identical_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("identical to run"),
        null=True,
        blank=True,
        help_text=_(
            "The first run with the same inputs digest, settings, method, samples, seed and code version: its "
            "results are this run's, copied rather than computed again."
        ),
    )
    robustness = models.JSONField(
        _("robustness"),
        default=dict,
        blank=True,
        help_text=_("Leave-one-out, weight stability, rank reversal and criteria diagnostics."),
    )
    scale = models.JSONField(
        _("normalised scale"),
        default=dict,
        blank=True,
        help_text=_(
            "Each criterion's lower and upper end of the normalised scale: TOPSIS's anti-ideal and ideal points."
        ),
    )
    ready_to_publish = models.BooleanField(
        _("ready to publish"),
        default=False,
        help_text=_(
            "An automatic run that succeeded and waits for staff to publish or discard it; a later run of the "
            "profile, published or waiting, takes its place."
        ),
    )
    discarded_at = models.DateTimeField(_("discarded at"), null=True, blank=True)
    discarded_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("discarded by"),
        null=True,
        blank=True,
    )
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("published by"),
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("ranking run")
        verbose_name_plural = _("ranking runs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=RunStatus.values), name="run_status_known"),
            models.CheckConstraint(condition=Q(method__in=Aggregation.values), name="run_method_known"),
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=100), name="run_progress_0_100"),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(status="succeeded"), name="run_published_only_if_succeeded"
            ),
            models.UniqueConstraint(
                fields=["profile_slug"], condition=Q(is_published=True), name="run_one_published_per_profile"
            ),
            models.CheckConstraint(
                condition=Q(ready_to_publish=False) | Q(status="succeeded", is_published=False, discarded_at=None),
                name="run_ready_only_if_succeeded_unpublished",
            ),
        ]

    def __str__(self) -> str:
        return f"Run {self.pk} ({self.profile_slug}, {self.method}, {self.get_status_display()})"


class RankingResult(models.Model):
    """A country's place in one run: its score, rank interval and what made the score."""

    run = models.ForeignKey(RankingRun, on_delete=models.CASCADE, related_name="results", verbose_name=_("run"))
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country"))
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True, help_text=_("Empty: insufficient data."))
    score = models.FloatField(_("score"), null=True, blank=True)
    rank_median = models.FloatField(_("median rank"), null=True, blank=True)
    rank_p05 = models.FloatField(_("5th percentile rank"), null=True, blank=True)
    rank_p95 = models.FloatField(_("95th percentile rank"), null=True, blank=True)
    p_top10 = models.FloatField(_("probability of a top-10 place"), null=True, blank=True)
    contributions = models.JSONField(_("contributions"), default=dict)
    top_areas = models.JSONField(_("top areas"), default=list)
    missing = models.JSONField(_("missing criteria"), default=list)
    evidence = models.JSONField(
        _("evidence"),
        default=dict,
        blank=True,
        help_text=_("Effective amount of evidence (reviewed reports' recency weights), reports and latest date."),
    )
    drivers = models.JSONField(
        _("drivers"),
        default=list,
        blank=True,
        help_text=_("The Monte Carlo inputs that explain most of the rank's variance, with their first-order index."),
    )
    previous_rank = models.PositiveIntegerField(_("previous rank"), null=True, blank=True)

    class Meta:
        verbose_name = _("ranking result")
        verbose_name_plural = _("ranking results")
        ordering = ["run", "rank", "country"]
        constraints = [
            models.UniqueConstraint(fields=["run", "country"], name="result_once_per_run"),
            models.CheckConstraint(condition=Q(rank__isnull=True) | Q(rank__gte=1), name="result_rank_positive"),
            models.CheckConstraint(
                condition=Q(p_top10__isnull=True) | Q(p_top10__gte=0, p_top10__lte=1), name="result_p_top10_0_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country_id}: {self.rank or '—'}"


class AreaResult(models.Model):
    """One (country, area) alternative in one run: raw and normalised criteria, score and ranks."""

    run = models.ForeignKey(RankingRun, on_delete=models.CASCADE, related_name="area_results", verbose_name=_("run"))
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country"))
    area = models.ForeignKey(CooperationArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("area"))
    score = models.FloatField(_("score"), null=True, blank=True)
    coverage = models.FloatField(_("coverage"))
    rank_in_area = models.PositiveIntegerField(_("rank among countries in this area"), null=True, blank=True)
    rank_in_country = models.PositiveIntegerField(_("rank among this country's areas"), null=True, blank=True)
    rank_median = models.FloatField(_("median rank in area"), null=True, blank=True)
    rank_p05 = models.FloatField(_("5th percentile rank in area"), null=True, blank=True)
    rank_p95 = models.FloatField(_("95th percentile rank in area"), null=True, blank=True)
    p_top10 = models.FloatField(_("probability of a top-10 place in area"), null=True, blank=True)
    raw = models.JSONField(_("raw values"), default=dict)
    normalized = models.JSONField(_("normalised values"), default=dict)
    contributions = models.JSONField(_("contributions"), default=dict)
    missing = models.JSONField(_("missing criteria"), default=list)
    values = models.JSONField(
        _("values aggregated"),
        default=dict,
        blank=True,
        help_text=_("The values the method combined: after transform, shrinkage, imputation and rescaling."),
    )
    imputed = models.JSONField(_("criteria at their prior or imputed"), default=list, blank=True)
    evidence = models.JSONField(
        _("evidence"),
        default=dict,
        blank=True,
        help_text=_("Effective amount of evidence, reports, latest date and each estimate's standard error."),
    )
    previous_rank_in_area = models.PositiveIntegerField(_("previous rank in area"), null=True, blank=True)

    class Meta:
        verbose_name = _("area result")
        verbose_name_plural = _("area results")
        ordering = ["run", "area", "rank_in_area"]
        constraints = [
            models.UniqueConstraint(fields=["run", "country", "area"], name="area_result_once_per_run"),
            models.CheckConstraint(condition=Q(coverage__gte=0, coverage__lte=1), name="area_result_coverage_0_1"),
        ]

    def __str__(self) -> str:
        return f"{self.country_id} / {self.area_id}: {self.rank_in_area or '—'}"
