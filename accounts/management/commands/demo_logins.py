from django.core.management.base import BaseCommand

from accounts.services import DEMO_LOGINS


class Command(BaseCommand):
    help = (
        "Print where HIPOC is served and the demo logins, one per role (`make run` ends with them, so that they are "
        "not scrolled away). The accounts exist once `seed_demo` has run."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--url", default="", help="The address HIPOC is served on, printed first.")

    def handle(self, *args, url: str, **options) -> None:
        if url:
            self.stdout.write(f"HIPOC is served on {url}")
        self.stdout.write("Demo logins (password after the colon):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.role:<15} {login.username}:{login.password}")
