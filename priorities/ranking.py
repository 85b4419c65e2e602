"""Ranking runs: request, compute, store and publish. The only code that writes RankingRun and its results."""

import time
from datetime import date, timedelta
from importlib import metadata
from typing import Any

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from accounts.models import User
from hipoc.queue import enqueue_on_commit
from programs.models import CooperationProgram, MissionReport, StakeholderNeed

from .criteria import ExtractedInputs, extract
from .models import AreaResult, PolicySource, RankingResult, RankingRun, RunStatus, RunTrigger, WeightProfile
from .profiles import profile_criteria, profile_snapshot
from .scoring import ENGINE_VERSION, Method, Outcome, ScoringError, evaluate
from .scoring.engine import validate_method
from .services import weight_profile_ensure_default
from .signals import run_published

BATCH_SIZE = 2000
# A run still unfinished this long after its time limit is given up.
ABANDONED_MARGIN_SECONDS = 300
RECOMPUTE_LOCK = "hipoc:ranking-recompute-queued"


class RunNotPublishableError(Exception):
    """Only a run that succeeded can be published."""


def code_version() -> str:
    try:
        package = metadata.version("hipoc")
    except metadata.PackageNotFoundError:
        package = "unknown"
    return f"hipoc {package} / engine {ENGINE_VERSION}"


def default_profile() -> WeightProfile:
    return WeightProfile.objects.filter(is_default=True).first() or weight_profile_ensure_default()


def method_from(snapshot: dict[str, Any], *, method: str, samples: int, seed: int) -> Method:
    concentration = snapshot["weight_concentration"]
    return Method(
        normalization=snapshot["normalization"],
        aggregation=method,
        coverage_threshold=snapshot["coverage_threshold"],
        top_k=snapshot["top_k_areas"],
        samples=samples,
        concentration=concentration,
        vary_method=snapshot["vary_method"],
        seed=seed,
    )


@transaction.atomic
def ranking_run_request(
    *,
    profile: WeightProfile,
    method: str | None = None,
    samples: int | None = None,
    seed: int | None = None,
    as_of: date | None = None,
    by: User | None = None,
    trigger: str = RunTrigger.MANUAL,
    publish: bool = False,
) -> RankingRun:
    """Validate the profile, record a queued run and queue its computation once the transaction commits.

    A bad profile raises ScoringError and writes nothing.
    """
    snapshot = profile_snapshot(profile)
    method = method or snapshot["aggregation"]
    samples = snapshot["monte_carlo_samples"] if samples is None else samples
    seed = int(seed if seed is not None else settings.RANKING_DEFAULT_SEED)
    as_of = as_of or timezone.localdate()
    validate_method(method_from(snapshot, method=method, samples=samples, seed=seed))
    sources = list(PolicySource.objects.order_by("position", "code").values_list("code", flat=True))
    criteria = profile_criteria(snapshot, sources)
    run = RankingRun(
        profile=profile,
        profile_slug=profile.slug,
        profile_version=profile.version,
        profile_settings=snapshot,
        method=method,
        normalization=snapshot["normalization"],
        parameters={"publish_when_done": publish},
        seed=seed,
        samples=samples,
        as_of=as_of,
        criteria=[{"code": c.code, "weight": c.weight, "direction": c.direction} for c in criteria],
        code_version=code_version(),
        trigger=trigger,
        created_by=by,
    )
    run.full_clean()
    run.save()
    from .tasks import compute_ranking

    enqueue_on_commit(
        compute_ranking,
        run.pk,
        on_failure=lambda error: ranking_run_fail(run_id=run.pk, error=f"The task queue could not be reached: {error}"),
    )
    return run


def _progress(run: RankingRun, percent: int) -> None:
    RankingRun.objects.filter(pk=run.pk).update(progress=percent)


def _twin(run: RankingRun, digest: str) -> RankingRun | None:
    """A succeeded run with the same inputs, profile, method, samples and seed, whose results can be reused."""
    return (
        RankingRun.objects.filter(
            status=RunStatus.SUCCEEDED,
            inputs_digest=digest,
            profile_slug=run.profile_slug,
            method=run.method,
            samples=run.samples,
            seed=run.seed,
        )
        .exclude(pk=run.pk)
        .order_by("created_at")
        .first()
    )


def _json_number(value: float) -> float | None:
    return None if value is None or not np.isfinite(value) else float(value)


def _store(run: RankingRun, inputs: ExtractedInputs, outcome: Outcome) -> None:
    codes = [criterion.code for criterion in inputs.problem.criteria]
    previous = {}
    previous_in_area = {}
    if run.compared_with_id:
        previous = dict(
            RankingResult.objects.filter(run_id=run.compared_with_id, rank__isnull=False).values_list(
                "country_id", "rank"
            )
        )
        previous_in_area = {
            (iso3, area_id): rank
            for iso3, area_id, rank in AreaResult.objects.filter(
                run_id=run.compared_with_id, rank_in_area__isnull=False
            ).values_list("country_id", "area_id", "rank_in_area")
        }
    area_codes = [area["code"] for area in inputs.areas]
    pair_rows = []
    missing_by_country: dict[int, set[str]] = {}
    for pair, (country_row, area_column) in enumerate(
        zip(inputs.problem.country_of_pair, inputs.problem.area_of_pair, strict=True)
    ):
        iso3 = inputs.countries[country_row]["iso3"]
        area = inputs.areas[area_column]
        raw = inputs.problem.raw[pair]
        missing = [code for code, value in zip(codes, raw, strict=True) if np.isnan(value)]
        missing_by_country.setdefault(int(country_row), set()).update(missing)
        sufficient = bool(outcome.sufficient[pair])
        pair_rows.append(
            AreaResult(
                run=run,
                country_id=iso3,
                area_id=area["id"],
                score=_json_number(outcome.pair_score[pair]),
                coverage=float(np.clip(outcome.coverage[pair], 0, 1)),
                rank_in_area=int(outcome.pair_rank_in_area[pair]) if sufficient else None,
                rank_in_country=int(outcome.pair_rank_in_country[pair]) if sufficient else None,
                rank_median=_json_number(outcome.pair_area_summary["rank_median"][pair]),
                rank_p05=_json_number(outcome.pair_area_summary["rank_p05"][pair]),
                rank_p95=_json_number(outcome.pair_area_summary["rank_p95"][pair]),
                p_top10=_json_number(outcome.pair_area_summary["p_top"][pair]),
                raw={code: _json_number(value) for code, value in zip(codes, raw, strict=True)},
                normalized={
                    code: _json_number(value) for code, value in zip(codes, outcome.normalized[pair], strict=True)
                },
                contributions={
                    code: _json_number(value)
                    for code, value in zip(codes, outcome.pair_contributions[pair], strict=True)
                }
                if sufficient
                else {},
                missing=missing,
                previous_rank_in_area=previous_in_area.get((iso3, area["id"])),
            )
        )
    country_rows = []
    for row, country in enumerate(inputs.countries):
        ranked = np.isfinite(outcome.country_score[row])
        country_rows.append(
            RankingResult(
                run=run,
                country_id=country["iso3"],
                rank=int(outcome.country_rank[row]) if ranked else None,
                score=_json_number(outcome.country_score[row]),
                rank_median=_json_number(outcome.country_summary["rank_median"][row]),
                rank_p05=_json_number(outcome.country_summary["rank_p05"][row]),
                rank_p95=_json_number(outcome.country_summary["rank_p95"][row]),
                p_top10=_json_number(outcome.country_summary["p_top"][row]),
                contributions={
                    code: _json_number(value)
                    for code, value in zip(codes, outcome.country_contributions[row], strict=True)
                }
                if ranked
                else {},
                top_areas=[area_codes[area] for area in outcome.country_top_areas[row]],
                missing=[] if ranked else sorted(missing_by_country.get(row, set())),
                previous_rank=previous.get(country["iso3"]),
            )
        )
    RankingResult.objects.bulk_create(country_rows, batch_size=BATCH_SIZE)
    AreaResult.objects.bulk_create(pair_rows, batch_size=BATCH_SIZE)


def _copy_results(source: RankingRun, run: RankingRun) -> None:
    fields_country = [f.attname for f in RankingResult._meta.concrete_fields if f.name not in ("id", "run")]
    fields_area = [f.attname for f in AreaResult._meta.concrete_fields if f.name not in ("id", "run")]
    RankingResult.objects.bulk_create(
        [
            RankingResult(run=run, **{name: getattr(result, name) for name in fields_country})
            for result in source.results.all()
        ],
        batch_size=BATCH_SIZE,
    )
    AreaResult.objects.bulk_create(
        [
            AreaResult(run=run, **{name: getattr(result, name) for name in fields_area})
            for result in source.area_results.all()
        ],
        batch_size=BATCH_SIZE,
    )


def ranking_run_execute(*, run_id: int) -> RankingRun:
    """Compute a queued run and store its results; safe to call again for the same run (redelivery)."""
    with transaction.atomic():
        run = RankingRun.objects.select_for_update().get(pk=run_id)
        if run.status in (RunStatus.SUCCEEDED, RunStatus.FAILED):
            return run
        run.status = RunStatus.RUNNING
        run.started_at = timezone.now()
        run.progress = 5
        run.save(update_fields=["status", "started_at", "progress"])

    timings: dict[str, float] = {}
    queries_before = len(connection.queries) if settings.DEBUG else None
    try:
        started = time.perf_counter()
        inputs = extract(run.profile_settings, as_of=run.as_of)
        timings["extract"] = time.perf_counter() - started
        _progress(run, 40)

        twin = _twin(run, inputs.digest)
        started = time.perf_counter()
        outcome = None
        if twin is None:
            outcome = evaluate(
                inputs.problem, method_from(run.profile_settings, method=run.method, samples=run.samples, seed=run.seed)
            )
        timings["compute"] = time.perf_counter() - started

        started = time.perf_counter()
        with transaction.atomic():
            run = RankingRun.objects.select_for_update().get(pk=run_id)
            if run.status != RunStatus.RUNNING:
                return run
            run.compared_with = RankingRun.objects.filter(profile_slug=run.profile_slug, is_published=True).first()
            if outcome is not None:
                _store(run, inputs, outcome)
            elif twin is not None:
                run.reused_from = twin
                _copy_results(twin, run)
            timings["store"] = time.perf_counter() - started
            run.inputs_digest = inputs.digest
            run.excluded = inputs.excluded
            run.status = RunStatus.SUCCEEDED
            run.progress = 100
            run.finished_at = timezone.now()
            run.timings = {phase: round(seconds, 4) for phase, seconds in timings.items()}
            if queries_before is not None:
                run.query_count = len(connection.queries) - queries_before
            run.save(
                update_fields=[
                    "compared_with",
                    "reused_from",
                    "inputs_digest",
                    "excluded",
                    "status",
                    "progress",
                    "finished_at",
                    "timings",
                    "query_count",
                ]
            )
            if run.parameters.get("publish_when_done"):
                ranking_run_publish(run=run, by=run.created_by)
    except ScoringError as error:
        ranking_run_fail(run_id=run_id, error=error.message)
        raise
    return run


def ranking_run_fail(*, run_id: int, error: str) -> None:
    """Record why a run failed. The published ranking is untouched."""
    RankingRun.objects.filter(pk=run_id).exclude(status=RunStatus.SUCCEEDED).update(
        status=RunStatus.FAILED, error=error[:5000], finished_at=timezone.now()
    )


def ranking_runs_fail_abandoned() -> int:
    """Mark failed the runs no worker finished within the time a run may take (a worker that died and whose task
    was not handed on, or a task the broker lost). Returns how many there were."""
    limit = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + ABANDONED_MARGIN_SECONDS)
    return (
        RankingRun.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING], created_at__lt=limit)
        .filter(Q(started_at__isnull=True) | Q(started_at__lt=limit))
        .update(
            status=RunStatus.FAILED,
            error="No worker finished this run in time; it was given up. Start it again.",
            finished_at=timezone.now(),
        )
    )


@transaction.atomic
def ranking_run_publish(*, run: RankingRun, by: User | None = None) -> RankingRun:
    """Make a succeeded run the one partners see for its profile, in one atomic switch."""
    run = RankingRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.SUCCEEDED:
        raise RunNotPublishableError("Only a run that succeeded can be published.")
    if run.is_published:
        return run
    RankingRun.objects.filter(profile_slug=run.profile_slug, is_published=True).update(is_published=False)
    run.is_published = True
    run.published_at = timezone.now()
    run.published_by = by
    run.save(update_fields=["is_published", "published_at", "published_by"])
    transaction.on_commit(lambda: run_published.send(sender=RankingRun, run_id=run.pk))
    return run


def evidence_changed_at():
    """When the evidence rankings are made from last changed."""
    stamps = [
        MissionReport.objects.filter(status=MissionReport.Status.REVIEWED).aggregate(at=Max("updated_at"))["at"],
        StakeholderNeed.objects.aggregate(at=Max("updated_at"))["at"],
        CooperationProgram.objects.aggregate(at=Max("updated_at"))["at"],
    ]
    stamps = [stamp for stamp in stamps if stamp is not None]
    return max(stamps) if stamps else None


def stale_countries(run: RankingRun) -> set[str]:
    """Countries whose evidence changed after the run began: their place in it may no longer hold."""
    since = run.created_at
    changed = set(
        MissionReport.objects.filter(updated_at__gt=since, status__in=[MissionReport.Status.REVIEWED, "returned"])
        .values_list("country", flat=True)
        .distinct()
    )
    changed |= set(StakeholderNeed.objects.filter(updated_at__gt=since).values_list("country", flat=True).distinct())
    changed |= set(
        CooperationProgram.countries.through.objects.filter(cooperationprogram__updated_at__gt=since)
        .values_list("country", flat=True)
        .distinct()
    )
    return changed


def ranking_is_stale(run: RankingRun | None) -> bool:
    """True when evidence changed after the run began, or there is no run at all."""
    if run is None:
        return True
    changed = evidence_changed_at()
    return changed is not None and changed > run.created_at


def reopen_recompute_window() -> None:
    cache.delete(RECOMPUTE_LOCK)


def ranking_recompute_after_change(*, reason: str = "") -> bool:
    """Queue one recompute of the default profile after a burst of evidence changes (debounced).

    Returns whether a recompute was queued by this call.
    """
    debounce = settings.RANKING_RECOMPUTE_DEBOUNCE_SECONDS
    if not cache.add(RECOMPUTE_LOCK, reason or "changed", timeout=debounce):
        return False
    from .tasks import recompute_default_ranking

    # If the broker cannot be reached, reopen the window so that the next change tries again; meanwhile the
    # dashboard shows the ranking as stale, and the nightly run recomputes it.
    enqueue_on_commit(recompute_default_ranking, countdown=debounce, on_failure=lambda error: reopen_recompute_window())
    return True


def ranking_what_if(*, profile: WeightProfile, overrides: dict[str, Any], as_of: date | None = None) -> list[dict]:
    """Rank countries with a profile's settings changed as given, storing nothing.

    Scores only, without the Monte Carlo analysis, so that the answer comes back while the user waits; each
    country's rank in the profile's published run comes with it for comparison.
    """
    snapshot = {**profile_snapshot(profile), **overrides}
    inputs = extract(snapshot, as_of=as_of or timezone.localdate())
    method = method_from(snapshot, method=snapshot["aggregation"], samples=0, seed=0)
    outcome = evaluate(inputs.problem, method)
    published = dict(
        RankingResult.objects.filter(
            run__profile_slug=profile.slug, run__is_published=True, rank__isnull=False
        ).values_list("country_id", "rank")
    )
    rows = []
    for row, country in enumerate(inputs.countries):
        if not np.isfinite(outcome.country_score[row]):
            continue
        rank = int(outcome.country_rank[row])
        before = published.get(country["iso3"])
        rows.append(
            {
                "iso3": country["iso3"],
                "name": country["name"],
                "score": float(outcome.country_score[row]),
                "rank": rank,
                "published_rank": before,
                "change": before - rank if before is not None else None,
            }
        )
    return sorted(rows, key=lambda row: (row["rank"], row["name"]))
