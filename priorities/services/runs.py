"""Ranking runs: request, compute, store and publish. The only code that writes RankingRun and its results.

A service queues a task by its name (`hipoc.queue`), so this module never imports `priorities.tasks`: the
tasks call the services, not the other way round.
"""

import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import metadata

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from hipoc.exceptions import ConflictError
from hipoc.queue import enqueue_on_commit

from ..criteria import extract, with_readings
from ..models import Aggregation, Normalization, RankingRun, RunStatus, RunTrigger, WeightProfile
from ..profile_settings import ProfileSettings
from ..profiles import criteria_from_json, criteria_to_json, profile_criteria, profile_snapshot
from ..results import results_copy, results_store, robustness_json, run_scale, sensitivity_json
from ..scoring import ENGINE_VERSION, Criterion, Method, ScoringError, evaluate
from ..scoring.engine import validate_method
from ..scoring.robustness import robustness
from ..scoring.sobol import sobol
from ..selectors import forget_published_run_states, policy_source_codes
from ..signals import run_published

COMPUTE_TASK = "priorities.compute_ranking"
RECOMPUTE_TASK = "priorities.recompute_default_ranking"
RECOMPUTE_LOCK = "hipoc:ranking-recompute-queued"
# After its soft time limit a run has this long to record that it failed before the worker kills it.
FAILURE_GRACE_SECONDS = 60
# A run still unfinished this long after its hard time limit is given up.
ABANDONED_MARGIN_SECONDS = 300


class RunNotPublishableError(ConflictError):
    """Only a run that succeeded can be published."""


class PublishedMeanwhileError(ConflictError):
    """Another run of the profile was published while this one waited to be: the later request does not silently
    replace what someone else has just published."""


class IdenticalToPublishedError(ConflictError):
    """The run computes exactly what the published run of its profile computed: publishing it would publish the
    same ranking twice."""


class RunNotDiscardableError(ConflictError):
    """Only a run waiting as ready to publish can be discarded."""


# Runs nobody asked for in person: they wait for staff unless the profile publishes them at once.
AUTOMATIC_TRIGGERS = (RunTrigger.DATA_CHANGE, RunTrigger.SCHEDULE)
# What makes two runs the same computation: equal inputs digest (inputs, scoring settings and evidence date),
# profile, method, samples, seed and code.
SAME_COMPUTATION = ("code_version", "inputs_digest", "profile_slug", "method", "samples", "seed")


def ranking_time_limit() -> int:
    """Seconds after which a worker kills a ranking computation; the abandoned-run cleanup waits longer."""
    return settings.RANKING_SOFT_TIME_LIMIT + FAILURE_GRACE_SECONDS


def code_version() -> str:
    try:
        package = metadata.version("hipoc")
    except metadata.PackageNotFoundError:
        package = "unknown"
    return f"hipoc {package} / engine {ENGINE_VERSION}"


def half_lives(config: ProfileSettings) -> list[int]:
    """The half-lives the Monte Carlo reads the evidence with: the profile's, and half and twice it if varied."""
    half_life = config.recency_half_life_days
    if not config.vary_half_life:
        return [half_life]
    longest = WeightProfile.settings_class.spec("recency_half_life_days").metadata["maximum"]
    return sorted({max(1, half_life // 2), half_life, min(int(longest), half_life * 2)})


def top_k_choices(config: ProfileSettings) -> list[int]:
    k = config.top_k_areas
    return [choice for choice in (k - 1, k, k + 1) if choice >= 1] if config.vary_top_k else [k]


def uncertainty_of(config: ProfileSettings, *, method: str, samples: int, criteria: Sequence[Criterion]) -> dict:
    """What a run's Monte Carlo varies, as the run records it."""
    return {
        "samples": samples,
        "weights": {"distribution": "dirichlet", "concentration": config.weight_concentration},
        "normalization": list(Normalization.values) if config.vary_method else [config.normalization],
        "aggregation": list(Aggregation.values) if config.vary_method else [method],
        "top_k_areas": top_k_choices(config),
        "recency_half_life_days": half_lives(config),
        "evidence": [criterion.code for criterion in criteria if criterion.evidence and criterion.weight > 0],
        "evidence_draws_per_score": Method.evidence_draws,
    }


def method_from(config: ProfileSettings, *, method: str, samples: int, seed: int) -> Method:
    """The engine's method: the profile's settings, with the aggregation, samples and seed of this run."""
    return Method(
        normalization=config.normalization,
        aggregation=method,
        coverage_threshold=config.coverage_threshold,
        top_k=config.top_k_areas,
        samples=samples,
        prior_strength=config.prior_strength,
        minimum_evidence=config.minimum_evidence,
        top_k_choices=tuple(top_k_choices(config)),
        concentration=config.weight_concentration,
        vary_method=config.vary_method,
        seed=seed,
    )


def _refusal(error: ValidationError) -> ScoringError:
    field, messages = next(iter(error.message_dict.items()))
    return ScoringError(str(messages[0]), field=field)


def settings_of(profile: WeightProfile) -> ProfileSettings:
    """A profile's settings, or a ScoringError naming the first setting at fault (a row written past the form)."""
    try:
        return profile.config
    except ValidationError as error:
        raise _refusal(error) from error


def run_settings(run: RankingRun) -> ProfileSettings:
    """The settings a run was requested with, as copied into it."""
    try:
        return WeightProfile.settings_class.from_snapshot(run.profile_settings)
    except ValidationError as error:
        raise _refusal(error) from error


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
    config = settings_of(profile)
    snapshot = profile_snapshot(profile)
    method = method or config.aggregation
    samples = config.monte_carlo_samples if samples is None else samples
    seed = int(seed if seed is not None else settings.RANKING_DEFAULT_SEED)
    as_of = as_of or timezone.localdate()
    validate_method(method_from(config, method=method, samples=samples, seed=seed))
    # The criteria are fixed here, once: a policy source added before the run executes does not change them.
    sources = policy_source_codes()
    criteria = profile_criteria(config, sources)
    run = RankingRun(
        profile=profile,
        profile_slug=profile.slug,
        profile_version=profile.version,
        profile_settings=snapshot,
        method=method,
        normalization=config.normalization,
        parameters={
            "publish_when_done": publish,
            "uncertainty": uncertainty_of(config, method=method, samples=samples, criteria=criteria),
        },
        seed=seed,
        samples=samples,
        as_of=as_of,
        criteria=criteria_to_json(criteria),
        code_version=code_version(),
        trigger=trigger,
        created_by=by,
    )
    run.full_clean()
    run.save()
    enqueue_on_commit(
        COMPUTE_TASK,
        run.pk,
        on_failure=lambda error: ranking_run_fail(run_id=run.pk, error=f"The task queue could not be reached: {error}"),
    )
    return run


def _progress(run: RankingRun, percent: int) -> None:
    RankingRun.objects.filter(pk=run.pk).update(progress=percent)


def _progress_between(run: RankingRun, low: int, high: int, *, step: int = 10) -> Callable[[float], None]:
    """A callback that reports a phase's fraction done as the run's progress from `low` to `high` percent, writing
    only when it has moved by `step` points."""
    reported = [low]

    def report(fraction: float) -> None:
        percent = low + int(fraction * (high - low))
        if percent - reported[0] >= step:
            reported[0] = percent
            _progress(run, percent)

    return report


def _twin(run: RankingRun, digest: str) -> RankingRun | None:
    """A succeeded run of the same computation (SAME_COMPUTATION), whose results can be reused: the published one
    if it is such a run, else the first. A fixed engine's code version differs, so it reaches unchanged inputs too."""
    same = {field: getattr(run, field) for field in SAME_COMPUTATION} | {"inputs_digest": digest}
    return (
        RankingRun.objects.filter(status=RunStatus.SUCCEEDED, **same)
        .exclude(pk=run.pk)
        .order_by("-is_published", "created_at")
        .first()
    )


def same_computation(first: RankingRun, second: RankingRun) -> bool:
    return bool(first.inputs_digest) and all(
        getattr(first, field) == getattr(second, field) for field in SAME_COMPUTATION
    )


def _wait_for_staff(run: RankingRun) -> None:
    """Mark an automatic run ready to publish, in place of any earlier run of its profile that waited; a run that a
    later one has already overtaken (published or waiting) stays a draft."""
    later = RankingRun.objects.filter(profile_slug=run.profile_slug, created_at__gt=run.created_at).filter(
        Q(ready_to_publish=True) | Q(is_published=True)
    )
    if later.exists():
        return
    RankingRun.objects.filter(profile_slug=run.profile_slug, ready_to_publish=True).exclude(pk=run.pk).update(
        ready_to_publish=False
    )
    run.ready_to_publish = True
    run.save(update_fields=["ready_to_publish"])


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
        config = run_settings(run)
        criteria = criteria_from_json(run.criteria)
        inputs = extract(config, criteria, as_of=run.as_of)
        twin = _twin(run, inputs.digest)
        problem = inputs.problem
        if run.samples and twin is None:
            other_half_lives = [days for days in half_lives(config) if days != config.recency_half_life_days]
            problem = with_readings(inputs, criteria, as_of=run.as_of, half_lives=other_half_lives)
        timings["extract"] = time.perf_counter() - started
        _progress(run, 40)

        started = time.perf_counter()
        outcome, checks = None, {}
        if twin is None:
            method = method_from(config, method=run.method, samples=run.samples, seed=run.seed)
            outcome = evaluate(problem, method)
            timings["compute"] = time.perf_counter() - started
            if settings.RANKING_ROBUSTNESS:
                _progress(run, 60)
                started = time.perf_counter()
                checks = robustness_json(inputs, robustness(inputs.problem, method))
                timings["robustness"] = time.perf_counter() - started
                if run.samples and config.sensitivity_samples:
                    started = time.perf_counter()
                    found = sobol(
                        problem,
                        method,
                        base_samples=config.sensitivity_samples,
                        progress=_progress_between(run, 65, 95),
                    )
                    if found.inputs:
                        checks["sensitivity"] = sensitivity_json(inputs, found, outcome.country_rank)
                        # What a country's rank depends on, from the design built for it rather than read off
                        # the Monte Carlo's samples.
                        outcome.country_drivers = found.drivers()
                    timings["sensitivity"] = time.perf_counter() - started
        else:
            timings["compute"] = time.perf_counter() - started

        started = time.perf_counter()
        with transaction.atomic():
            run = RankingRun.objects.select_for_update().get(pk=run_id)
            if run.status != RunStatus.RUNNING:
                return run
            run.compared_with = RankingRun.objects.filter(profile_slug=run.profile_slug, is_published=True).first()
            if outcome is not None:
                results_store(run=run, inputs=inputs, outcome=outcome)
                run.scale = run_scale(inputs, outcome)
                run.robustness = checks
            elif twin is not None:
                run.identical_to = twin
                run.scale = twin.scale
                run.robustness = twin.robustness
                results_copy(source=twin, run=run)
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
                    "identical_to",
                    "scale",
                    "robustness",
                    "inputs_digest",
                    "excluded",
                    "status",
                    "progress",
                    "finished_at",
                    "timings",
                    "query_count",
                ]
            )
            if run.compared_with is not None and same_computation(run, run.compared_with):
                pass  # the published ranking already is this one: nothing to publish or to look at
            elif run.parameters.get("publish_when_done"):
                # Someone who published another run while this one finished has the last word: it stays a draft.
                with contextlib.suppress(PublishedMeanwhileError):
                    ranking_run_publish(run=run, by=run.created_by)
            elif run.trigger in AUTOMATIC_TRIGGERS:
                _wait_for_staff(run)
    except ScoringError as error:
        ranking_run_fail(run_id=run_id, error=error.message)
        raise
    return run


@dataclass(frozen=True)
class PairSamples:
    """A run's pair scores under draws of its uncertainty: (country ISO3, area code) per column, samples × pairs
    (NaN where a pair lacks the evidence to be scored)."""

    pairs: list[tuple[str, str]]
    scores: np.ndarray


class RunEvidenceChanged(ScoringError):
    """The evidence a run read has changed since: its samples can no longer be drawn as the run drew them."""


def ranking_run_samples(*, run: RankingRun, samples: int) -> PairSamples:
    """The run's pair scores under `samples` Monte Carlo draws of its uncertainty: its settings, method and seed
    over the evidence as of its date, read again. Refused when that evidence has changed since the run (its inputs
    digest differs), since the draws would then be of another ranking."""
    config = run_settings(run)
    criteria = criteria_from_json(run.criteria)
    inputs = extract(config, criteria, as_of=run.as_of)
    if inputs.digest != run.inputs_digest:
        raise RunEvidenceChanged(
            _("The evidence has changed since run %(run)s was computed; plan over a newer run.") % {"run": run.pk}
        )
    other_half_lives = [days for days in half_lives(config) if days != config.recency_half_life_days]
    problem = with_readings(inputs, criteria, as_of=run.as_of, half_lives=other_half_lives)
    outcome = evaluate(problem, method_from(config, method=run.method, samples=samples, seed=run.seed))
    iso3 = [country["iso3"] for country in inputs.countries]
    areas = [area["code"] for area in inputs.areas]
    pairs = [
        (iso3[country], areas[area])
        for country, area in zip(problem.country_of_pair, problem.area_of_pair, strict=True)
    ]
    return PairSamples(pairs=pairs, scores=outcome.sampled_pair_score)


def ranking_run_fail(*, run_id: int, error: str) -> None:
    """Record why a run failed. The published ranking is untouched."""
    RankingRun.objects.filter(pk=run_id).exclude(status=RunStatus.SUCCEEDED).update(
        status=RunStatus.FAILED, error=error[:5000], finished_at=timezone.now()
    )


def ranking_runs_fail_abandoned() -> int:
    """Mark failed the runs no worker finished within the time a run may take (a worker that died and whose task
    was not handed on, or a task the broker lost). Returns how many there were."""
    limit = timezone.now() - timedelta(seconds=ranking_time_limit() + ABANDONED_MARGIN_SECONDS)
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
    """Make a succeeded run the one partners see for its profile, in one atomic switch.

    Publishes of one profile take turns on the profile's row. One that finds, once it has its turn, that another
    run was published since it began is refused (PublishedMeanwhileError) rather than replacing it unseen."""
    published = RankingRun.objects.filter(profile_slug=run.profile_slug, is_published=True).values_list("pk", flat=True)
    seen = list(published)
    list(WeightProfile.objects.select_for_update().filter(slug=run.profile_slug).values_list("pk", flat=True))
    run = RankingRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.SUCCEEDED:
        raise RunNotPublishableError(_("Only a run that succeeded can be published."))
    if run.is_published:
        return run
    now_published = list(published.all())
    if now_published != seen:
        raise PublishedMeanwhileError(
            _(
                "Run %(other)s of this profile was published a moment ago, while this one waited; look at it before "
                "publishing run %(run)s in its place."
            )
            % {"other": now_published[0], "run": run.pk}
        )
    current = RankingRun.objects.filter(pk__in=now_published).first()
    if current is not None and same_computation(run, current):
        raise IdenticalToPublishedError(
            _("Run %(run)s is identical to run %(other)s, which is the published ranking already.")
            % {"run": run.pk, "other": current.pk}
        )
    RankingRun.objects.filter(profile_slug=run.profile_slug, is_published=True).update(is_published=False)
    # Runs that waited to be published and are older than this one are overtaken by it.
    RankingRun.objects.filter(
        profile_slug=run.profile_slug, ready_to_publish=True, created_at__lte=run.created_at
    ).update(ready_to_publish=False)
    run.is_published = True
    run.ready_to_publish = False
    run.published_at = timezone.now()
    run.published_by = by
    run.save(update_fields=["is_published", "ready_to_publish", "published_at", "published_by"])
    transaction.on_commit(forget_published_run_states)
    transaction.on_commit(lambda: run_published.send(sender=RankingRun, run_id=run.pk))
    return run


@transaction.atomic
def ranking_run_discard(*, run: RankingRun, by: User | None = None) -> RankingRun:
    """Staff decide a run that waited to be published is not to be: it stays in the history, marked discarded."""
    run = RankingRun.objects.select_for_update().get(pk=run.pk)
    if not run.ready_to_publish:
        raise RunNotDiscardableError(_("Only a run waiting to be published can be discarded."))
    run.ready_to_publish = False
    run.discarded_at = timezone.now()
    run.discarded_by = by
    run.save(update_fields=["ready_to_publish", "discarded_at", "discarded_by"])
    return run


def reopen_recompute_window() -> None:
    """Let the next evidence change queue a recompute again."""
    cache.delete(RECOMPUTE_LOCK)


def ranking_recompute_after_change(*, reason: str = "") -> bool:
    """Queue one recompute of the default profile after a burst of evidence changes (debounced).

    Returns whether a recompute was queued by this call.
    """
    debounce = settings.RANKING_RECOMPUTE_DEBOUNCE_SECONDS
    if not cache.add(RECOMPUTE_LOCK, reason or "changed", timeout=debounce):
        return False
    # A worker runs the recompute once the window has passed and reopens it then. In-process (no broker) the task
    # runs at once, whatever the countdown: the window then stays closed for its whole length, so that a burst of
    # changes makes one run, not one per change (the dashboard shows the ranking as stale meanwhile).
    reopen_window = not settings.CELERY_TASK_ALWAYS_EAGER
    # If the broker cannot be reached, reopen the window so that the next change tries again; meanwhile the
    # dashboard shows the ranking as stale, and the nightly run recomputes it.
    enqueue_on_commit(
        RECOMPUTE_TASK, reopen_window, countdown=debounce, on_failure=lambda error: reopen_recompute_window()
    )
    return True
