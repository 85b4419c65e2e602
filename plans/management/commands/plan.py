from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from plans.models import Plan
from plans.services import plan_compute


class Command(BaseCommand):
    help = "Compute the fiscal year's plan over a ranking run from its stored constraints; prints the plan id last."

    def add_arguments(self, parser):
        parser.add_argument("--run", type=int, required=True, help="The ranking run the plan is over.")
        parser.add_argument("--year", type=int, required=True, help="The fiscal year.")

    def handle(self, *args, **options) -> None:
        plan = Plan.objects.filter(run_id=options["run"], fiscal_year=options["year"]).order_by("-created_at").first()
        if plan is None:
            raise CommandError(
                f"No plan for fiscal year {options['year']} over run {options['run']}: create one first."
            )
        try:
            plan = plan_compute(plan=plan)
        except ValidationError as error:
            raise CommandError(
                "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
            ) from None
        outcome = plan.outcome
        if plan.status == "succeeded":
            self.stdout.write(
                f"Plan {plan.pk} (FY{plan.fiscal_year}): {plan.actions.count()} actions in {outcome['countries']} "
                f"countries, value {outcome['value']:.3f}, expert-days {outcome['expert_days_used']}"
            )
            for code, used in outcome["pool_used_jpy"].items():
                self.stdout.write(f"  {code}: {used:,} JPY")
        else:
            self.stdout.write(
                f"Plan {plan.pk}: no plan meets every constraint; conflicting: {', '.join(outcome['conflicts'])}"
            )
        self.stdout.write(str(plan.pk))
