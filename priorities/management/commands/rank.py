from django.core.management.base import BaseCommand, CommandError

from priorities.models import Aggregation, RankingRun, RunStatus, RunTrigger, WeightProfile
from priorities.scoring import ScoringError
from priorities.services import (
    IdenticalToPublishedError,
    default_profile,
    ranking_run_execute,
    ranking_run_publish,
    ranking_run_request,
)


class Command(BaseCommand):
    help = "Compute a ranking now, print its id and the top of it; --publish makes it the published ranking."

    def add_arguments(self, parser):
        parser.add_argument("--profile", help="Weight profile slug (default: the default profile).")
        parser.add_argument("--method", choices=Aggregation.values, help="Aggregation (default: the profile's).")
        parser.add_argument("--samples", type=int, help="Monte Carlo samples (default: the profile's).")
        parser.add_argument("--seed", type=int, help="Random seed for the Monte Carlo samples.")
        parser.add_argument("--top", type=int, default=15, help="How many countries to print.")
        parser.add_argument("--publish", action="store_true", help="Publish the run when it succeeds.")

    def handle(self, *args, **options) -> None:
        if options["samples"] is not None and options["samples"] < 0:
            raise CommandError("--samples cannot be negative.")
        if options["profile"]:
            profile = WeightProfile.objects.filter(slug=options["profile"]).first()
            if profile is None:
                raise CommandError(f"No weight profile with slug {options['profile']!r}.")
        else:
            profile = default_profile()
        try:
            run = ranking_run_request(
                profile=profile,
                method=options["method"],
                samples=options["samples"],
                seed=options["seed"],
                trigger=RunTrigger.COMMAND,
            )
        except ScoringError as error:
            raise CommandError(f"{error.field}: {error.message}") from error
        # With a broker the task went to a worker; compute here too so the command always answers.
        run = ranking_run_execute(run_id=run.pk)
        if run.status != RunStatus.SUCCEEDED:
            raise CommandError(f"Run {run.pk} failed: {run.error}")
        identical = ""
        if options["publish"]:
            try:
                run = ranking_run_publish(run=run)
            except IdenticalToPublishedError as same:
                identical = str(same.message)
        self._print(run, options["top"], identical)

    def _print(self, run: RankingRun, top: int, identical: str) -> None:
        self.stdout.write(
            f"Run {run.pk}: profile {run.profile_slug} v{run.profile_version}, {run.method}, "
            f"{run.samples} samples, seed {run.seed}, inputs {run.inputs_digest[:12]}"
            + (", published" if run.is_published else "")
        )
        if identical:
            self.stdout.write(identical)
        results = run.results.filter(rank__isnull=False).select_related("country").order_by("rank")[:top]
        self.stdout.write(f"{'rank':>4}  {'country':<32} {'score':>6}  {'5–95% rank':>10}  {'P(top 10)':>9}")
        for result in results:
            interval = f"{result.rank_p05:.0f}–{result.rank_p95:.0f}"
            self.stdout.write(
                f"{result.rank:>4}  {result.country.name[:32]:<32} {result.score:6.3f}  {interval:>10}  "
                f"{result.p_top10:9.0%}"
            )
        insufficient = run.results.filter(rank__isnull=True).count()
        self.stdout.write(f"Insufficient data: {insufficient} countries; excluded by the pool: {len(run.excluded)}.")
        self.stdout.write(str(run.pk))
