"""What if? A profile's settings changed as staff ask, scored at once and stored nowhere."""

from datetime import date

import numpy as np
from django.conf import settings as django_settings
from django.utils import timezone

from ..criteria import extract
from ..models import RankingResult, WeightProfile
from ..profile_settings import ProfileSettings
from ..profiles import profile_criteria
from ..scoring import evaluate
from ..selectors import policy_source_codes
from .runs import method_from


def ranking_what_if(*, profile: WeightProfile, settings: ProfileSettings, as_of: date | None = None) -> list[dict]:
    """Rank countries with the given settings in place of the profile's, storing nothing.

    Scores only, without the Monte Carlo analysis, so that the answer comes back while the user waits; each
    country's rank in the profile's published run comes with it for comparison.
    """
    inputs = extract(settings, profile_criteria(settings, policy_source_codes()), as_of=as_of or timezone.localdate())
    # The run's default seed, so that the expected scores match the published run's when nothing changed.
    method = method_from(settings, method=settings.aggregation, samples=0, seed=django_settings.RANKING_DEFAULT_SEED)
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
