from django.core.management.base import BaseCommand

from priorities.services import reference_data_load


class Command(BaseCommand):
    help = (
        "Load the reference data that ships with HIPOC: countries and their classifications, country groups, "
        "World Bank context indicators, stakeholder groups, cooperation areas, policy sources, SDGs and priority "
        "items. Safe to run again."
    )

    def handle(self, *args, **options) -> None:
        counts = reference_data_load()
        for name, count in counts.items():
            self.stdout.write(f"{name.replace('_', ' ')}: {count}")
        self.stdout.write(self.style.SUCCESS("Reference data loaded."))
