from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from countries.indicator_files import read_indicator_file
from countries.services import indicators_import

# Problems listed in full; the count covers all of them.
PROBLEMS_SHOWN = 50


class Command(BaseCommand):
    help = (
        "Import indicator values from World Bank downloads (API_<code>_DS2_en_csv_v2_*.csv with their "
        "Metadata_Indicator_*.csv), World Bank API v2 JSON pages, or long tables (iso3, indicator_code, year, value; "
        "CSV or XLSX). Every file is checked first: one problem anywhere and nothing is imported."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument("--dry-run", action="store_true", help="Say what would change and change nothing.")

    def handle(self, *args, files: list[Path], dry_run: bool, **options) -> None:
        read = []
        for path in files:
            try:
                read.append(read_indicator_file(path.name, path.read_bytes()))
            except OSError as error:
                raise CommandError(f"{path}: {error.strerror or error}") from None
        outcome = indicators_import(read, commit=not dry_run)
        for summary in outcome.files:
            self.stdout.write(
                f"{summary.name} ({summary.format or 'unreadable'}): {summary.created} new, "
                f"{summary.updated} changed, {summary.unchanged} unchanged, {summary.skipped} skipped "
                "(aggregates and economies without an ISO code)"
            )
            for note in summary.notes:
                self.stdout.write(f"  {note}")
        if outcome.problems:
            for problem in outcome.problems[:PROBLEMS_SHOWN]:
                where = f"line {problem.line}" if problem.line else "file"
                column = f", {problem.column}" if problem.column else ""
                self.stderr.write(f"{problem.file}, {where}{column}: {problem.message}")
            more = len(outcome.problems) - PROBLEMS_SHOWN
            if more > 0:
                self.stderr.write(f"… and {more} more problems.")
            raise CommandError(f"{len(outcome.problems)} problems: nothing was imported.")
        if outcome.new_indicators:
            self.stdout.write(f"New indicators: {', '.join(outcome.new_indicators)}")
        for code, iso3, year, before, after in outcome.changes:
            self.stdout.write(f"  {code} {iso3} {year}: {before:g} → {after:g}")
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was changed."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported: {outcome.created} new values, {outcome.updated} changed."))
