from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import api_token_issue


class Command(BaseCommand):
    help = "Issue an API token for a user (typically a partner system). The token is printed as the last line."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--expires-days", type=int, help="Days until the token expires (default: never).")

    def handle(self, *args, **options) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user called {options['username']!r}.")
        days = options["expires_days"]
        if days is not None and days <= 0:
            raise CommandError("--expires-days must be a positive number of days.")
        token = api_token_issue(user=user, expires_in=timedelta(days=days) if days else None)
        expiry = f"expires in {days} days" if days else "does not expire"
        self.stdout.write(f"Token for {user.username} ({expiry}); it is stored hashed and shown only now:")
        self.stdout.write(token)
