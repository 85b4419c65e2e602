"""The cooperation itself and the evidence from the field: areas, programs, activities, reports and needs."""

import datetime

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from countries.models import Country
from hipoc.i18n import LocalName

RATING_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]
# A date before this is a typing error (0026 for 2026), not evidence: refused, not weighed as nothing.
EARLIEST_DATE = datetime.date(1900, 1, 1)
DATE_VALIDATORS = [MinValueValidator(EARLIEST_DATE)]
# The largest budget a program may state (¥1 trillion): larger is a typing error.
LARGEST_BUDGET_JPY = 10**12


def text_limit(length: int) -> list[MaxLengthValidator]:
    """TextField's max_length only sizes the form widget; the validator enforces it everywhere."""
    return [MaxLengthValidator(length)]


def date_constraint(field: str, name: str) -> models.CheckConstraint:
    """A date on or after EARLIEST_DATE (later dates of the same record are ordered after it by their own rule)."""
    return models.CheckConstraint(condition=Q(**{f"{field}__gte": EARLIEST_DATE}), name=name)


def rating_constraint(field: str, name: str) -> models.CheckConstraint:
    """A 1–5 rating, the scale experts use for every judgement."""
    return models.CheckConstraint(condition=Q(**{f"{field}__gte": 1, f"{field}__lte": 5}), name=name)


class StakeholderGroup(LocalName, models.Model):
    """A group of IP stakeholders that cooperation serves, e.g. the IP office or the judiciary."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_ja = models.CharField(_("name in Japanese"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("stakeholder group")
        verbose_name_plural = _("stakeholder groups")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.local_name


class CooperationArea(LocalName, models.Model):
    """An area of IP cooperation, e.g. patent examination or enforcement, and the group it mainly serves."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_ja = models.CharField(_("name in Japanese"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    stakeholder_group = models.ForeignKey(
        StakeholderGroup, on_delete=models.PROTECT, related_name="areas", verbose_name=_("main stakeholder group")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("cooperation area")
        verbose_name_plural = _("cooperation areas")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.local_name


class ImplementingPartner(models.Model):
    """An organisation that carries out cooperation: JPO, JICA, JETRO, WIPO Funds-in-Trust Japan, …"""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("implementing partner")
        verbose_name_plural = _("implementing partners")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Stage(models.IntegerChoices):
    """Rungs of the independence ladder a partner climbs."""

    IP_OFFICE = 1, _("IP-office collaboration")
    WIDER_STAKEHOLDERS = 2, _("Wider IP stakeholders")
    SOUTH_SOUTH = 3, _("South-South cooperation (partner as provider)")


# The area that makes South-South cooperation: training the partner's own trainers.
SOUTH_SOUTH_AREA = "south_south"
IP_OFFICE_GROUP = "ip_office"


def area_rung(area_code: str, stakeholder_group_code: str) -> Stage:
    """The rung of the independence ladder an area belongs to: the IP office's own areas first, then the areas
    serving wider IP stakeholders, then South-South trainer development."""
    if area_code == SOUTH_SOUTH_AREA:
        return Stage.SOUTH_SOUTH
    if stakeholder_group_code == IP_OFFICE_GROUP:
        return Stage.IP_OFFICE
    return Stage.WIDER_STAKEHOLDERS


class ProgramType(models.TextChoices):
    GOVERNMENT_LOAN = "government_loan", _("Government loan")
    TECHNICAL_COOPERATION = "technical_cooperation", _("Technical cooperation")
    COLLABORATIVE_OPERATION = "collaborative_operation", _("Collaborative operation")


class ProgramStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class CooperationProgram(models.Model):
    """A program of cooperation with one or more countries, placed on the independence ladder."""

    ProgramType = ProgramType
    Status = ProgramStatus

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    countries = models.ManyToManyField(Country, related_name="programs", verbose_name=_("countries"))
    program_type = models.CharField(_("type"), max_length=30, choices=ProgramType.choices)
    areas = models.ManyToManyField(CooperationArea, related_name="programs", verbose_name=_("areas"))
    stakeholder_groups = models.ManyToManyField(
        StakeholderGroup, related_name="programs", verbose_name=_("stakeholder groups"), blank=True
    )
    partners = models.ManyToManyField(
        ImplementingPartner, related_name="programs", verbose_name=_("implementing partners"), blank=True
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLANNED)
    start_date = models.DateField(_("start date"), validators=DATE_VALIDATORS)
    end_date = models.DateField(_("end date"), null=True, blank=True, validators=DATE_VALIDATORS)
    budget_jpy = models.BigIntegerField(
        _("budget (JPY)"), null=True, blank=True, validators=[MaxValueValidator(LARGEST_BUDGET_JPY)]
    )
    stage = models.PositiveSmallIntegerField(_("stage"), choices=Stage.choices, default=Stage.IP_OFFICE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("cooperation program")
        verbose_name_plural = _("cooperation programs")
        ordering = ["-start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")), name="program_dates_in_order"
            ),
            models.CheckConstraint(
                condition=Q(budget_jpy__isnull=True) | Q(budget_jpy__gte=0), name="program_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(budget_jpy__isnull=True) | Q(budget_jpy__lte=LARGEST_BUDGET_JPY),
                name="program_budget_bounded",
            ),
            date_constraint("start_date", "program_start_plausible"),
            models.CheckConstraint(condition=Q(stage__gte=1, stage__lte=3), name="program_stage_on_ladder"),
            models.CheckConstraint(condition=Q(program_type__in=ProgramType.values), name="program_type_known"),
            models.CheckConstraint(condition=Q(status__in=ProgramStatus.values), name="program_status_known"),
        ]

    def __str__(self) -> str:
        return self.title


class ActivityKind(models.TextChoices):
    TRAINING_COURSE = "training_course", _("Training course")
    EXPERT_DISPATCH = "expert_dispatch", _("Expert dispatch")
    SEMINAR = "seminar", _("Seminar")
    STUDY_VISIT = "study_visit", _("Study visit")
    SYSTEM_DELIVERY = "system_delivery", _("System delivery")


class CooperationActivity(models.Model):
    """One thing done within a program: a training course, an expert dispatch, a seminar, …"""

    Kind = ActivityKind

    program = models.ForeignKey(
        CooperationProgram, on_delete=models.CASCADE, related_name="activities", verbose_name=_("program")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="activities", verbose_name=_("country"))
    area = models.ForeignKey(
        CooperationArea,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("area"),
        null=True,
        blank=True,
    )
    start_date = models.DateField(_("start date"), validators=DATE_VALIDATORS)
    end_date = models.DateField(_("end date"), validators=DATE_VALIDATORS)
    participants = models.PositiveIntegerField(_("participants"), default=0)

    class Meta:
        verbose_name = _("cooperation activity")
        verbose_name_plural = _("cooperation activities")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="activity_dates_in_order"),
            date_constraint("start_date", "activity_start_plausible"),
            models.CheckConstraint(condition=Q(participants__gte=0), name="activity_participants_not_negative"),
            models.CheckConstraint(condition=Q(kind__in=ActivityKind.values), name="activity_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class ReportKind(models.TextChoices):
    JPO_MISSION = "jpo_mission", _("JPO mission report")
    JICA_EXPERT = "jica_expert", _("JICA expert report")
    JETRO_DAILY = "jetro_daily", _("JETRO daily report")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned to author")
    REVIEWED = "reviewed", _("Reviewed")


class MissionReport(models.Model):
    """What an expert saw on a visit: a JPO mission report, a JICA expert report or a JETRO daily report."""

    Kind = ReportKind
    Status = ReportStatus

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mission_reports", verbose_name=_("author")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="mission_reports", verbose_name=_("country")
    )
    visit_start = models.DateField(_("visit start"), validators=DATE_VALIDATORS)
    visit_end = models.DateField(_("visit end"), validators=DATE_VALIDATORS)
    summary = models.TextField(_("summary"), max_length=10000, validators=text_limit(10000))
    recommendations = models.TextField(_("recommendations"), max_length=10000, blank=True, validators=text_limit(10000))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reviewed_reports",
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
    )
    review_comment = models.TextField(_("review comment"), max_length=5000, blank=True, validators=text_limit(5000))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    # Incremented on every save so that a second editor working from a stale copy is stopped, not obeyed.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mission report")
        verbose_name_plural = _("mission reports")
        ordering = ["-visit_start", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(visit_end__gte=F("visit_start")), name="report_visit_dates_in_order"),
            date_constraint("visit_start", "report_visit_plausible"),
            models.CheckConstraint(condition=Q(kind__in=ReportKind.values), name="report_kind_known"),
            models.CheckConstraint(condition=Q(status__in=ReportStatus.values), name="report_status_known"),
            models.CheckConstraint(
                condition=~Q(status="reviewed") | Q(reviewer__isnull=False), name="report_reviewed_has_reviewer"
            ),
        ]
        indexes = [models.Index(fields=["country", "status"], name="report_country_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.country_id} {self.visit_start:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("report-detail", args=[self.pk])

    @property
    def title(self) -> str:
        """How people name a report: its kind, country and visit (select `country` with it)."""
        return f"{self.get_kind_display()} — {self.country.local_name}, {self.visit_start:%Y-%m-%d}"


class AreaAssessment(models.Model):
    """An expert's 1–5 judgement of need, readiness and commitment in one area, within one report."""

    report = models.ForeignKey(
        MissionReport, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("report")
    )
    area = models.ForeignKey(
        CooperationArea, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("area")
    )
    need_level = models.PositiveSmallIntegerField(
        _("need level"), validators=RATING_VALIDATORS, help_text=_("1 (low) to 5 (very high)")
    )
    readiness = models.PositiveSmallIntegerField(
        _("absorptive capacity / readiness"), validators=RATING_VALIDATORS, help_text=_("1 (low) to 5 (very high)")
    )
    commitment = models.PositiveSmallIntegerField(
        _("counterpart commitment"), validators=RATING_VALIDATORS, help_text=_("1 (low) to 5 (very high)")
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True, validators=text_limit(2000))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("area assessment")
        verbose_name_plural = _("area assessments")
        ordering = ["report", "area"]
        constraints = [
            models.UniqueConstraint(fields=["report", "area"], name="assessment_one_per_area_per_report"),
            rating_constraint("need_level", "assessment_need_level_1_to_5"),
            rating_constraint("readiness", "assessment_readiness_1_to_5"),
            rating_constraint("commitment", "assessment_commitment_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.area} — need {self.need_level}, readiness {self.readiness}, commitment {self.commitment}"


class NeedSource(models.TextChoices):
    MISSION_REPORT = "mission_report", _("Mission report")
    PARTNER_REQUEST = "partner_request", _("Partner-office request")
    SURVEY = "survey", _("Survey")
    OTHER = "other", _("Other")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    BEING_ADDRESSED = "being_addressed", _("Being addressed")
    MET = "met", _("Met")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class StakeholderNeed(models.Model):
    """A need a stakeholder group expressed, from a mission, a partner office's request or a survey."""

    Source = NeedSource
    Status = NeedStatus

    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="stakeholder_needs", verbose_name=_("country")
    )
    area = models.ForeignKey(
        CooperationArea, on_delete=models.PROTECT, related_name="stakeholder_needs", verbose_name=_("area")
    )
    stakeholder_group = models.ForeignKey(
        StakeholderGroup, on_delete=models.PROTECT, related_name="needs", verbose_name=_("stakeholder group")
    )
    description = models.TextField(_("description"), max_length=5000, validators=text_limit(5000))
    urgency = models.PositiveSmallIntegerField(
        _("urgency"), validators=RATING_VALIDATORS, help_text=_("1 (low) to 5 (very urgent)")
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.OTHER)
    raised_on = models.DateField(_("raised on"), validators=DATE_VALIDATORS)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    report = models.ForeignKey(
        MissionReport,
        on_delete=models.SET_NULL,
        related_name="needs",
        verbose_name=_("mission report"),
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="recorded_needs",
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stakeholder need")
        verbose_name_plural = _("stakeholder needs")
        ordering = ["-raised_on", "-id"]
        constraints = [
            rating_constraint("urgency", "need_urgency_1_to_5"),
            date_constraint("raised_on", "need_raised_plausible"),
            models.CheckConstraint(condition=Q(source__in=NeedSource.values), name="need_source_known"),
            models.CheckConstraint(condition=Q(status__in=NeedStatus.values), name="need_status_known"),
        ]
        indexes = [models.Index(fields=["country", "status"], name="need_country_status")]

    def __str__(self) -> str:
        return f"{self.country_id} / {self.area} — urgency {self.urgency}"

    def get_absolute_url(self) -> str:
        return reverse("need-detail", args=[self.pk])
