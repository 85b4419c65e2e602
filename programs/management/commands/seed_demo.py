from datetime import date

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from programs.demo import DemoDataPresentError, DemoSize, demo_data_seed

DEFAULT = DemoSize()


class Command(BaseCommand):
    help = (
        "Create the demo accounts (one per role) and a deterministic synthetic data set of programs, activities, "
        "mission reports with area assessments, and stakeholder needs. Leaves an existing data set alone unless "
        "--replace is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--countries", type=int, default=DEFAULT.countries)
        parser.add_argument("--reports", type=int, default=DEFAULT.reports)
        parser.add_argument("--needs", type=int, default=DEFAULT.needs)
        parser.add_argument("--programs", type=int, default=DEFAULT.programs)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--as-of", type=date.fromisoformat, default=None, help="Reference date (YYYY-MM-DD).")
        parser.add_argument("--replace", action="store_true", help="Discard existing programs, reports and needs.")

    def handle(self, *args, **options) -> None:
        for name in ("countries", "reports", "needs", "programs"):
            if options[name] < 0:
                raise CommandError(f"--{name} cannot be negative.")
        size = DemoSize(
            countries=options["countries"],
            reports=options["reports"],
            needs=options["needs"],
            programs=options["programs"],
        )
        try:
            counts = demo_data_seed(
                size=size,
                seed=options["seed"],
                as_of=options["as_of"] or timezone.localdate(),
                replace=options["replace"],
            )
        except DemoDataPresentError as error:
            self.stdout.write(f"Demo data left as it is: {error}")
        else:
            for name, count in counts.items():
                self.stdout.write(f"{name.replace('_', ' ')}: {count}")
        call_command("demo_logins", stdout=self.stdout)
