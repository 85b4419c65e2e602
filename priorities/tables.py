"""Sortable tables of ranked countries (django-tables2), shared by the dashboard and the area pages."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from countries.models import region_label
from programs.models import Stage


def movement_badge(movement: int) -> str:
    """Places gained (▲) or lost (▼) since the previously published run, with words for screen readers."""
    if movement > 0:
        shown, words, colour = f"▲ {movement}", gettext("up %(places)d") % {"places": movement}, "text-success"
    elif movement < 0:
        shown, words, colour = f"▼ {-movement}", gettext("down %(places)d") % {"places": -movement}, "text-danger"
    else:
        shown, words, colour = "=", gettext("unchanged"), "text-body-secondary"
    return format_html(
        '<span class="{}" aria-hidden="true">{}</span><span class="visually-hidden">{}</span>', colour, shown, words
    )


# Effective evidence from which a badge reads as strong (a fresh report's worth) or thin (under a quarter of one).
STRONG_EVIDENCE = 1.0
THIN_EVIDENCE = 0.25


def evidence_badge(evidence: dict) -> str:
    """How much evidence stands behind a score, e.g. "2 reports · 2025", with its effective amount for screen
    readers and on hover; coloured by strength."""
    if not evidence:
        return ""
    reports = evidence.get("reports", 0)
    latest = evidence.get("latest")
    amount = evidence.get("amount", 0.0)
    words = ngettext("%(count)d report", "%(count)d reports", reports) % {"count": reports}
    if latest:
        words = f"{words} · {latest[:4]}"
    strength = "success" if amount >= STRONG_EVIDENCE else "secondary" if amount >= THIN_EVIDENCE else "warning"
    detail = gettext("effective evidence %(amount).2f fresh reports") % {"amount": amount}
    return format_html(
        '<span class="badge text-{}-emphasis bg-{}-subtle border border-{}-subtle fw-normal" title="{}">{}'
        '<span class="visually-hidden"> ({})</span></span>',
        strength,
        strength,
        strength,
        detail,
        words,
        detail,
    )


# A rank whose 5th–95th percentile interval spans at most this many places reads as stable.
STABLE_SPAN = 2
# What a rank depends on, by the kind of its strongest driver.
DEPENDS_ON = {
    "weight": _("depends on the weights"),
    "normalization": _("depends on the method"),
    "aggregation": _("depends on the method"),
    "top_k_areas": _("depends on the areas counted"),
    "recency_half_life_days": _("depends on the evidence"),
    "evidence": _("depends on the evidence"),
    "evidence_draw": _("depends on the evidence"),
}


def robustness_verdict(record) -> tuple[str, str]:
    """A ranked country's robustness in two or three words, and its colour: "stable" when the rank's 5th–95th
    percentile interval spans at most `STABLE_SPAN` places, else what its strongest driver says it depends on."""
    if record.rank_p05 is None or record.rank_p95 is None:
        return "", ""
    if record.rank_p95 - record.rank_p05 <= STABLE_SPAN:
        return str(_("stable")), "success"
    drivers = getattr(record, "drivers", None) or []
    if not drivers:
        return str(_("uncertain")), "warning"
    strongest = drivers[0]["input"]
    return str(DEPENDS_ON.get(strongest.split(":")[0], _("uncertain"))), "warning"


def robustness_badge(record) -> str:
    verdict, colour = robustness_verdict(record)
    if not verdict:
        return ""
    return format_html(
        '<span class="badge text-{}-emphasis bg-{}-subtle border border-{}-subtle fw-normal">{}</span>',
        colour,
        colour,
        colour,
        verdict,
    )


class RankingTable(tables.Table):
    # Figures stay on one line; names, areas and classifications wrap, so that the table fits a laptop's width.
    rank = tables.Column(verbose_name=_("Rank"), attrs={"td": {"class": "text-end text-nowrap"}})
    country = tables.Column(verbose_name=_("Country"), order_by=("country__name",))
    score = tables.Column(verbose_name=_("Score"), attrs={"td": {"class": "text-end font-monospace text-nowrap"}})
    interval = tables.Column(
        verbose_name=_("Rank, 5th–95th percentile"),
        accessor="rank_p05",
        order_by=("rank_p05", "rank_p95"),
    )
    movement = tables.Column(
        verbose_name=_("Movement"), order_by=("-movement",), attrs={"td": {"class": "text-nowrap"}}
    )
    evidence = tables.Column(
        verbose_name=_("Evidence"), orderable=False, empty_values=(), attrs={"td": {"class": "text-nowrap"}}
    )
    top_areas = tables.Column(verbose_name=_("Top areas"), orderable=False, empty_values=())
    stage = tables.Column(verbose_name=_("Stage"))
    income_group = tables.Column(verbose_name=_("Income group"), accessor="country__income_group")
    region = tables.Column(verbose_name=_("Region"), accessor="country__region")

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle ranking-table"}
        orderable = True
        empty_text = _("No country matches these filters.")

    def __init__(self, *args, areas: dict, top_area_codes=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.areas = areas
        self.top_area_codes = top_area_codes

    def render_country(self, record, value):
        url = reverse("country-detail", args=[value.iso3])
        return format_html(
            '<a href="{}">{}</a> <span class="text-body-secondary small">{}</span>', url, value.local_name, value.iso3
        )

    def render_score(self, value):
        return f"{value:.3f}"

    def render_interval(self, record):
        return format_html(
            '<span class="text-nowrap">{}–{}</span> <span class="visually-hidden">{}</span> {}',
            round(record.rank_p05),
            round(record.rank_p95),
            _("(nine samples in ten fall in this range)"),
            robustness_badge(record),
        )

    def render_movement(self, value):
        return movement_badge(value)

    def render_evidence(self, record):
        return evidence_badge(getattr(record, "evidence", None) or {})

    def render_top_areas(self, record):
        codes = self.top_area_codes(record) if self.top_area_codes else getattr(record, "top_areas", [])[:3]
        areas = [self.areas[code] for code in codes if code in self.areas]
        links = [(reverse("area-detail", args=[area.code]), area.local_name) for area in areas]
        return format_html_join(" ", '<a class="badge text-bg-secondary text-decoration-none" href="{}">{}</a>', links)

    def render_stage(self, value):
        return Stage(value).label

    def render_region(self, value):
        return region_label(value)

    def render_income_group(self, record):
        return record.country.get_income_group_display()
